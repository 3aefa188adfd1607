// Clock: the injected source of wall time (tests use tests/support/fixed_clock.h).
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

}  // namespace portico
