// What bubblewrap can do on this host, found out once at start by running /bin/true under it
// with each feature: whether it runs at all, as whom (a user namespace, else at least without
// capabilities), whether it accepts the seccomp filter, whether environments can have a network
// namespace of their own (Portico must be able to enter it), and whether slirp4netns is there
// for their outbound traffic.
#pragma once
#include <string>

#include "functions/bwrap_command.h"
#include "functions/environment_network.h"
#include "functions/sandbox.h"

namespace portico::functions {

struct BwrapSupport {
  bool usable = false;  // the rest is meaningful only when true
  BwrapIdentity identity = BwrapIdentity::kAsInvoked;
  std::string seccompProgram;         // compiled BPF, empty when none could be had
  bool ownNetwork = false;            // each environment has its own network namespace
  bool slirpMissing = false;          // outbound was asked for, but slirp4netns is not there
  EnvironmentNetworkOptions network;  // mode kNone when slirpMissing
};

/// Runs the probes (unless options.allowBubblewrap is false: then nothing is usable).
BwrapSupport probeBubblewrap(const SandboxOptions& options);

}  // namespace portico::functions
