// Starting and ending the processes a sandbox launches (bwrap, the spare launcher, the probes, an
// unsandboxed runtime): posix_spawn with Portico's usual child attributes (child_attributes.h),
// the output on pipes, and nothing of Portico's own descriptors; and the clean-up around a
// process once it is gone.
#pragma once
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"
#include "functions/cgroup_set.h"
#include "functions/sandbox.h"

namespace portico::functions {

/// An fd the child gets at a given number.
struct ChildFd {
  int fd;
  int target;
};

/// A child gets its stdio and `ChildFd`s numbered below this; every descriptor from here up is
/// closed in it.
inline constexpr int kFirstClosedChildFd = 7;

/// posix_spawn with pipes for stdout/stderr, /dev/null stdin, a fresh process group,
/// default signal dispositions and an empty signal mask (Portico blocks SIGTERM for sigwait
/// and ignores SIGPIPE: neither must leak into functions). `extra` fds are given to the child at
/// their target numbers (each below kFirstClosedChildFd). The result has pid, stdoutFd and
/// stderrFd set; the caller owns the fds and reaps the pid.
Result<LaunchedProcess> spawnWithPipes(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                       const std::filesystem::path* chdirTo, const std::vector<ChildFd>& extra = {});

/// Closes `fd` unless it is already -1, and sets it to -1.
void closeFd(int& fd);

/// SIGKILL to the process group led by `pid` and to `pid` itself, then reaps it.
void killAndReap(pid_t pid);

/// What a launch made around a process, ended once the process has been reaped: closes its
/// --info-fd, ends its network helper and removes its cgroups. (Sandbox views are the sandbox's.)
void releaseLaunch(const CgroupSet& cgroups, const LaunchedProcess& process);

}  // namespace portico::functions
