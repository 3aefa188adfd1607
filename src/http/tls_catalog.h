// TlsCatalog: the certificates the TLS listener serves, one immutable TLS context per custom
// domain name, chosen by the client's SNI before the protocol version is negotiated (so each
// domain's security policy sets its versions and ciphers, and its truststore whether a client
// certificate is required). The control plane compiles every domain into a fresh map and swaps it
// in; a handshake reads the map with one atomic load and never takes a lock the management API
// holds. A connection keeps the context it started with: a certificate rotated while a client
// stays connected changes what new handshakes get, not that connection.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

namespace portico::http {

/// What one domain serves with (PEM text throughout).
struct TlsDomainSpec {
  std::string name;  // lower case; "*.example.test" for a wildcard domain
  std::string certificatePem;
  std::string privateKeyPem;
  std::string chainPem;                    // may be empty
  std::string truststorePem;               // non-empty: mutual TLS, a client certificate chaining to it is required
  std::string securityPolicy = "TLS_1_2";  // TLS_1_0 (1.0-1.2 + CBC/SHA1 ciphers) or TLS_1_2
  bool edge = false;                       // EDGE endpoints also allow TLS 1.3, as on AWS
};

class TlsCatalog {
 public:
  TlsCatalog();
  ~TlsCatalog();
  TlsCatalog(const TlsCatalog&) = delete;
  TlsCatalog& operator=(const TlsCatalog&) = delete;

  /// Compiles and installs every domain at once. A domain whose material OpenSSL refuses is left
  /// out; the result names each one with the reason.
  std::vector<std::string> replace(const std::vector<TlsDomainSpec>& domains);

  /// The listener's context: its client-hello callback switches each connection to its domain's.
  boost::asio::ssl::context& serverContext() { return server_; }

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  boost::asio::ssl::context server_;
};

}  // namespace portico::http
