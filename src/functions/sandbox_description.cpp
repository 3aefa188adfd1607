#include "functions/sandbox_description.h"

namespace portico::functions {
namespace {

/// The cgroup limits (memory, processes, freezing), as "; ..." after the namespaces.
std::string limitsText(const CgroupSet& cgroups, bool freezeIdle) {
  const char* frozen = !freezeIdle         ? ", NOT frozen between invocations (--function-freeze off)"
                       : cgroups.freezes() ? ", frozen between invocations"
                                           : ", NOT frozen between invocations";
  switch (cgroups.kind()) {
    case CgroupSet::Kind::kV1:
      return std::string("; memory capped by cgroup v1") +
             (cgroups.limitsProcesses() ? ", 1,024 processes" : ", processes NOT capped (no pids cgroup)") +
             (cgroups.freezes() || !freezeIdle ? frozen : ", NOT frozen between invocations (no freezer cgroup)");
    case CgroupSet::Kind::kV2:
      return std::string("; memory capped by cgroup v2") +
             (cgroups.limitsProcesses() ? ", 1,024 processes" : ", processes NOT capped (no pids controller)") + frozen;
    case CgroupSet::Kind::kNone:
      break;
  }
  return "; memory and processes NOT capped, NOT frozen between invocations (no writable cgroup memory "
         "controller)";
}

}  // namespace

std::string describeSandbox(const BwrapSupport& bwrap, bool viewsMounted, const CgroupSet& cgroups, bool freezeIdle) {
  if (!bwrap.usable) {
    return "NO SANDBOX: bubblewrap is unavailable, functions run as plain processes" + limitsText(cgroups, freezeIdle);
  }
  std::string s = "bubblewrap sandbox (private /tmp, read-only /var/task, own PID namespace";
  s += bwrap.identity == BwrapIdentity::kUserNamespace    ? ", uid 993 in a user namespace, no capabilities"
       : bwrap.identity == BwrapIdentity::kNoCapabilities ? ", no capabilities"
                                                          : "";
  if (!bwrap.ownNetwork) {
    s += ", NO network namespace: functions share the host's network (Portico needs CAP_SYS_ADMIN to isolate it)";
  } else if (bwrap.network.mode == FunctionNetwork::kOutbound) {
    s += ", own network namespace with outbound traffic through slirp4netns (the host unreachable)";
  } else {
    s += bwrap.slirpMissing ? ", own network namespace with NO outbound network (slirp4netns not found)"
                            : ", own network namespace without outbound network";
  }
  s += bwrap.seccompProgram.empty() ? ", NO seccomp filter" : ", seccomp filter";
  s += viewsMounted ? "" : ", mount table shows host paths (no tmpfs of Portico's: needs root)";
  return s + ")" + limitsText(cgroups, freezeIdle);
}

}  // namespace portico::functions
