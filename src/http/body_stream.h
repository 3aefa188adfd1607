// BodyStream: the rest of a response body that is still arriving when the response is handed to the
// server, which relays it to the client piece by piece (a proxy integration's backend response).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace portico::http {

class BodyStream {
 public:
  virtual ~BodyStream() = default;
  /// The whole body's length (the part the response already holds included) when the source
  /// declared it; nullopt: the length is learnt at the end (relayed chunked).
  virtual std::optional<std::uint64_t> declaredLength() const = 0;
  /// The next piece of the body into `out` (replacing what it held). `out` left empty: the body is
  /// complete. An error: the source failed mid-body, and the client's connection must be cut.
  virtual boost::asio::awaitable<boost::system::error_code> next(std::string& out) = 0;
};

}  // namespace portico::http
