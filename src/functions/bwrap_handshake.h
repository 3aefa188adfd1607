// The pipes between Portico and a bwrap it starts, and the handshake over them.
//
// bwrap makes the namespaces, writes the sandboxed process's pid on its --info-fd, then waits on
// its --block-fd before running the command: in between Portico sets up the environment's network
// from outside (environment_network.h). Its --seccomp fd carries the filter. A spare launcher
// (spare_launcher.h) also reads its command on a pipe of its own.
#pragma once
#include <string>
#include <vector>

#include "common/result.h"
#include "functions/child_process.h"
#include "functions/environment_network.h"
#include "functions/sandbox.h"

namespace portico::functions {

/// The numbers the child sees each pipe at.
inline constexpr int kCommandChildFd = 3;  // the spare's command line, then bwrap's --args
inline constexpr int kInfoChildFd = 4;     // bwrap's --info-fd
inline constexpr int kBlockChildFd = 5;    // bwrap's --block-fd
inline constexpr int kSeccompChildFd = 6;  // bwrap's --seccomp
static_assert(kSeccompChildFd < kFirstClosedChildFd, "spawnWithPipes would close the pipes");

/// Owns both ends until they are handed on: the child's ends go to spawnWithPipes and are closed
/// once it has started; Portico's ends are closed by the handshake or on destruction.
struct LaunchPipes {
  int commandWrite = -1, infoRead = -1, blockWrite = -1;  // Portico's ends
  std::vector<ChildFd> child;                             // the child's ends, at their numbers

  LaunchPipes() = default;
  LaunchPipes(const LaunchPipes&) = delete;
  LaunchPipes& operator=(const LaunchPipes&) = delete;
  ~LaunchPipes();
  void closeChildEnds();
  /// Makes the info and block pipes, the command pipe when `withCommand`, and the seccomp pipe
  /// (already holding the filter) unless `seccompProgram` is empty. False on failure.
  bool open(bool withCommand, const std::string& seccompProgram);
};

/// Completes a launch once bwrap has made the namespaces and waits on its block fd: reads the
/// sandboxed pid, waits for a network made ahead (a spare's, p.runtimeApiFd already set) or sets
/// one up now when `ownNetwork`, then lets bwrap go. On success p.infoFd holds the info pipe
/// (closed by releaseLaunch()) and p.network / p.runtimeApiFd the network.
Status completeLaunch(LaunchedProcess& p, LaunchPipes& pipes, bool ownNetwork,
                      const EnvironmentNetworkOptions& network);

}  // namespace portico::functions
