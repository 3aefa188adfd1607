// The one line Sandbox::describe() gives on the isolation in force: what bubblewrap, the network,
// seccomp, the mount table and the cgroups give functions, and loudly what they do not.
#pragma once
#include <string>

#include "functions/bwrap_probe.h"
#include "functions/cgroup_set.h"

namespace portico::functions {

/// `viewsMounted`: sandboxes mount copies on Portico's tmpfs (sandbox_views.h); `freezeIdle`: the
/// --function-freeze setting.
std::string describeSandbox(const BwrapSupport& bwrap, bool viewsMounted, const CgroupSet& cgroups, bool freezeIdle);

}  // namespace portico::functions
