#include "functions/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "functions/child_attributes.h"
#include "functions/environment_network.h"

namespace portico::functions {
namespace fs = std::filesystem;

Result<LaunchedProcess> spawnWithPipes(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                       const fs::path* chdirTo, const std::vector<ChildFd>& extra) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return ApiError::lambda("ServiceException", 500, "pipe failed");
  if (pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return ApiError::lambda("ServiceException", 500, "pipe failed");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  // Sources are first copied above every target number, so that no dup2 overwrites a source a
  // later one still needs (a pipe may well have got fd 4 while fd 3's source is fd 5).
  std::vector<int> high;
  for (const ChildFd& c : extra) {
    high.push_back(::fcntl(c.fd, F_DUPFD_CLOEXEC, 64));
    posix_spawn_file_actions_adddup2(&fa, high.back(), c.target);
  }
  // Nothing else of Portico's reaches the child: Asio makes its sockets without FD_CLOEXEC, and a
  // function that inherited a listener could accept Portico's own connections.
  posix_spawn_file_actions_addclosefrom_np(&fa, kFirstClosedChildFd);
  if (chdirTo) posix_spawn_file_actions_addchdir_np(&fa, chdirTo->c_str());
  posix_spawnattr_t attr;
  initChildAttributes(attr);

  std::vector<char*> args, envp;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &fa, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(out[1]);
  ::close(err[1]);
  for (int fd : high) {
    if (fd >= 0) ::close(fd);
  }
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    return ApiError::lambda("ServiceException", 500, std::string("cannot start ") + argv[0] + ": " + strerror(rc));
  }
  LaunchedProcess p;
  p.pid = pid;
  p.stdoutFd = out[0];
  p.stderrFd = err[0];
  return p;
}

void closeFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void killAndReap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

void releaseLaunch(const CgroupSet& cgroups, const LaunchedProcess& process) {
  if (process.infoFd >= 0) ::close(process.infoFd);
  EnvironmentNetwork network = process.network;  // a copy: tearDownNetwork() resets what it ends
  tearDownNetwork(network);
  cgroups.remove(process.cgroups);
}

}  // namespace portico::functions
