// RequestLimits: the HTTP/1.1 hardening bounds applied to every connection.
#pragma once
#include <chrono>
#include <cstddef>

namespace portico::http {

struct RequestLimits {
  std::size_t headerBytes = 64 * 1024;              // whole header block → 431 beyond
  std::size_t headerCount = 200;                    // number of header fields → 431 beyond
  std::size_t bodyBytes = 10 * 1024 * 1024;         // API Gateway's 10 MB payload limit → 413 beyond
  std::chrono::milliseconds requestTimeout{30000};  // to read one whole request once it started
  std::chrono::milliseconds idleTimeout{60000};     // keep-alive wait for the next request
  std::chrono::milliseconds writeTimeout{30000};    // to write one response
  std::size_t maxConnections = 10000;               // open connections on the listener
  std::size_t maxConnectionsPerClient = 1000;       // from one client address
  std::size_t maxBufferedBodyBytes = 512ull << 20;  // request bodies held at once (reserved from the head) → 503
};

}  // namespace portico::http
