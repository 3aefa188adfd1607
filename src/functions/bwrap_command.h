// bwrap's options for one execution environment, built from its LaunchSpec and from what the host
// allows (decided once at start, bwrap_probe.h): the namespaces, the identity, the seccomp fd, the
// file system (system directories read-only, /etc, Lambda's /dev, /proc, a private /tmp: the
// environment's own when it has one, the code at /var/task and the runtime at /var/runtime) and the
// handshake fds (bwrap_handshake.h).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "functions/sandbox.h"

namespace portico::functions {

/// Who the sandboxed process is.
enum class BwrapIdentity {
  kAsInvoked,       // whoever Portico is, with its capabilities (neither alternative works here)
  kNoCapabilities,  // Portico's uid (root) without capabilities
  kUserNamespace,   // Lambda's sbx_user1051 (uid 993, gid 990) in a user namespace, no capabilities
};

/// bwrap's options for `identity` (none for kAsInvoked).
std::vector<std::string> identityOptions(BwrapIdentity identity);

/// What every environment's options depend on besides its LaunchSpec.
struct BwrapSettings {
  BwrapIdentity identity = BwrapIdentity::kAsInvoked;
  bool seccomp = false;             // the filter is passed on kSeccompChildFd
  bool ownNetwork = false;          // each environment has its own network namespace
  std::filesystem::path stagedEtc;  // the sandbox's /etc (etc_staging.h); empty: the host's files are bound
};

/// bwrap's options for an environment (everything before "--" and the command).
/// `newNetwork`: bwrap makes the network namespace (a direct launch); a spare already sits in one.
std::vector<std::string> bwrapOptions(const BwrapSettings& settings, const LaunchSpec& spec, bool newNetwork);

}  // namespace portico::functions
