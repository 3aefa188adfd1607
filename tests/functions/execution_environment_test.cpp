// What an invocation says of a runtime that exited before answering, as Lambda words it: no
// reason for a clean exit (status 0), else the exit status or the signal.
#include "functions/execution_environment.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace portico::functions {
namespace {

/// The waitpid status of a child that ran `body`.
template <class Body>
int statusOf(Body body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    body();
    ::_exit(99);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

TEST(ExecutionEnvironmentTest, RuntimeExitReasons) {
  EXPECT_EQ(runtimeExitReason(statusOf([] { ::_exit(0); })), "Runtime exited without providing a reason");
  EXPECT_EQ(runtimeExitReason(statusOf([] { ::_exit(1); })), "Runtime exited with error: exit status 1");
  EXPECT_EQ(runtimeExitReason(statusOf([] { ::_exit(127); })), "Runtime exited with error: exit status 127");
  EXPECT_EQ(runtimeExitReason(statusOf([] { ::raise(SIGKILL); })), "Runtime exited with error: signal: killed");
}

}  // namespace
}  // namespace portico::functions
