// WarmPool's admission: a function whose reserved concurrency is 0 is refused every invocation,
// and refusesEvery() (what Event invocations are checked with before they are queued) gives the
// very 429 admit() does.
#include "functions/warm_pool.h"

#include <gtest/gtest.h>

#include <tuple>

namespace portico::functions {
namespace {

TEST(WarmPoolTest, AReservationOfZeroRefusesEveryInvocationAsAdmitDoes) {
  WarmPool pool(nullptr);
  FunctionSpec spec;
  spec.name = "throttled";
  spec.reservedConcurrency = 0;
  auto admitted = pool.admit(spec, nullptr);
  ASSERT_FALSE(admitted);
  auto refused = WarmPool::refusesEvery(spec);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->type, "TooManyRequestsException");
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->message, "Rate Exceeded.");
  EXPECT_EQ(refused->reason, "ReservedFunctionConcurrentInvocationLimitExceeded");
  EXPECT_EQ(refused->shape, ErrorShape::kLambda);
  const ApiError& sync = admitted.error();
  EXPECT_EQ(std::tie(refused->type, refused->status, refused->message, refused->reason),
            std::tie(sync.type, sync.status, sync.message, sync.reason));

  spec.reservedConcurrency = 1;
  EXPECT_FALSE(WarmPool::refusesEvery(spec));
  spec.reservedConcurrency.reset();
  EXPECT_FALSE(WarmPool::refusesEvery(spec));
}

}  // namespace
}  // namespace portico::functions
