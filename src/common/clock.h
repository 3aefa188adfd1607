// Clock: the injected source of wall time (tests use a fixed clock).
#pragma once
#include <chrono>

namespace portico {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

/// The real wall clock.
class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
};

/// A clock that returns whatever the test set.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::chrono::system_clock::time_point t) : t_(t) {}
  std::chrono::system_clock::time_point now() const override { return t_; }
  void set(std::chrono::system_clock::time_point t) { t_ = t; }

 private:
  std::chrono::system_clock::time_point t_;
};

}  // namespace portico
