// ListenerLoad's per-client cap and body budget, and BodyReservation giving back what it took.
#include "http/listener_load.h"

#include <gtest/gtest.h>

namespace portico::http {
namespace {

TEST(ListenerLoadTest, ConnectionsPerClientAreCapped) {
  ListenerLoad load;
  EXPECT_TRUE(load.admitClient("10.0.0.1", 2));
  EXPECT_TRUE(load.admitClient("10.0.0.1", 2));
  EXPECT_FALSE(load.admitClient("10.0.0.1", 2));
  EXPECT_TRUE(load.admitClient("10.0.0.2", 2)) << "per address";
  load.releaseClient("10.0.0.1");
  EXPECT_TRUE(load.admitClient("10.0.0.1", 2)) << "a released connection makes room";
  load.releaseClient("10.0.0.9");  // never admitted: nothing happens
}

TEST(ListenerLoadTest, BodyBudgetIsReservedAndGivenBack) {
  ListenerLoad load;
  {
    BodyReservation a(load);
    EXPECT_TRUE(a.reserve(60, 100));
    BodyReservation b(load);
    EXPECT_FALSE(b.reserve(50, 100)) << "over the budget";
    EXPECT_TRUE(b.reserve(40, 100));
    EXPECT_EQ(load.bodies.load(), 100u);
  }
  EXPECT_EQ(load.bodies.load(), 0u) << "given back when the reservations go";
  BodyReservation c(load);
  EXPECT_TRUE(c.reserve(100, 100));
}

}  // namespace
}  // namespace portico::http
