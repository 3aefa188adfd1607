// AccountConcurrency: the account's concurrent-execution limit and how much of it functions have
// reserved, as Lambda accounts for it: a function with reserved concurrency runs up to its
// reservation (guaranteed, whatever the others do); every other function shares the rest, the
// unreserved pool. The control plane writes the reserved total (Put/DeleteFunctionConcurrency,
// DeleteFunction); the runtime reads it on every invoke. Owned by main, borrowed by both.
#pragma once
#include <atomic>

namespace portico::functions {

class AccountConcurrency {
 public:
  /// `unreservedMinimum`: what reservations must leave unreserved (Lambda: 100).
  AccountConcurrency(int limit, int unreservedMinimum) : limit_(limit), unreservedMinimum_(unreservedMinimum) {}

  int limit() const { return limit_; }
  int unreservedMinimum() const { return unreservedMinimum_; }
  int reserved() const { return reserved_.load(std::memory_order_relaxed); }
  /// The pool the functions without a reservation share.
  int unreserved() const { return limit_ - reserved(); }
  void setReserved(int total) { reserved_.store(total, std::memory_order_relaxed); }

 private:
  const int limit_;
  const int unreservedMinimum_;
  std::atomic<int> reserved_{0};
};

}  // namespace portico::functions
