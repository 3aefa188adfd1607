#include "functions/launch_limits.h"

namespace portico::functions {

std::string cgroupListWord(const EnvironmentCgroups& cgroups) {
  std::string out;
  for (const auto& dir : cgroups.all) {
    if (!out.empty()) out += ':';
    out += dir;
  }
  return out;
}

std::vector<std::string> underLimits(const EnvironmentCgroups& cgroups, const std::vector<std::string>& argv) {
  std::vector<std::string> wrapped = {"/bin/sh", "-c", std::string(kEnterLimits) + "exec \"$@\"",
                                      cgroupListWord(cgroups)};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

}  // namespace portico::functions
