// FixedClock: a Clock that returns whatever the test set (tests only; src/ injects SystemClock).
#pragma once
#include <chrono>

#include "common/clock.h"

namespace portico {

class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::chrono::system_clock::time_point t) : t_(t) {}
  std::chrono::system_clock::time_point now() const override { return t_; }
  void set(std::chrono::system_clock::time_point t) { t_ = t; }

 private:
  std::chrono::system_clock::time_point t_;
};

}  // namespace portico
