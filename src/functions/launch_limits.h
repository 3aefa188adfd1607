// The limits every launch enters before anything of the function runs: Lambda's open-file limit
// and the environment's cgroups (made by cgroup_set.h). A shell is the first thing started and
// enters them itself, so every descendant (bwrap, the runtime, what it starts) is accounted and
// capped from its first instruction.
#pragma once
#include <string>
#include <vector>

#include "functions/cgroup_set.h"

namespace portico::functions {

/// The shell prologue of every launch: Lambda's open-file limit (soft and hard), then the
/// environment's cgroups ($0: directories separated by ':', see cgroupListWord) entered before
/// anything runs; the shell exits if either fails.
inline constexpr const char* kEnterLimits =
    "ulimit -n 1024 || exit 1; IFS=:; for d in $0; do echo $$ > \"$d/cgroup.procs\" || exit 1; done; unset IFS; ";

/// The $0 that kEnterLimits reads: every directory of `cgroups` joined by ':' (empty: none).
std::string cgroupListWord(const EnvironmentCgroups& cgroups);

/// `argv` run under the limits: a shell that enters them, then execs `argv` in its place.
std::vector<std::string> underLimits(const EnvironmentCgroups& cgroups, const std::vector<std::string>& argv);

}  // namespace portico::functions
