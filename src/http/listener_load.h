// ListenerLoad: one listener's connection accounting, shared by its acceptor and the sessions on
// every worker: connections open and idle (between keep-alive requests), connections per client
// address (maxConnectionsPerClient), and request body bytes held at once (maxBufferedBodyBytes).
// The acceptor refuses or sheds by it; a request reserves its body from the head.
#pragma once
#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace portico::http {

struct ListenerLoad {
  std::atomic<std::size_t> open{0};
  std::atomic<std::size_t> idle{0};
  std::atomic<std::size_t> shedRequests{0};  // idle connections the acceptor asked the workers to close
  std::atomic<std::size_t> bodies{0};        // body bytes reserved by requests being read or handled

  /// Counts a connection from address unless it already has `cap`.
  bool admitClient(const std::string& address, std::size_t cap);
  void releaseClient(const std::string& address);
  /// Reserves `bytes` of the body budget unless that would take it over `cap`.
  bool reserveBody(std::size_t bytes, std::size_t cap);
  void releaseBody(std::size_t bytes);

 private:
  std::mutex mu_;  // guards perClient_
  std::unordered_map<std::string, std::size_t> perClient_;
};

/// The body bytes one request holds of its listener's budget, given back when it goes (once the
/// request has been answered).
class BodyReservation {
 public:
  explicit BodyReservation(ListenerLoad& load) : load_(load) {}
  ~BodyReservation() { load_.releaseBody(bytes_); }
  BodyReservation(const BodyReservation&) = delete;
  BodyReservation& operator=(const BodyReservation&) = delete;

  /// Reserves `bytes` (on top of what is held) unless the listener's budget `cap` would be exceeded.
  bool reserve(std::size_t bytes, std::size_t cap) {
    if (!load_.reserveBody(bytes, cap)) return false;
    bytes_ += bytes;
    return true;
  }

 private:
  ListenerLoad& load_;
  std::size_t bytes_ = 0;
};

}  // namespace portico::http
