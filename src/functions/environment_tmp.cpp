#include "functions/environment_tmp.h"

#include <spdlog/spdlog.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace portico::functions {
namespace fs = std::filesystem;

EnvironmentTmp::EnvironmentTmp(fs::path dir, std::uint64_t bytes) : dir_(std::move(dir)) {
  std::error_code ec;
  if (!fs::create_directory(dir_, ec)) {
    spdlog::debug("cannot make {} for an environment's /tmp ({})", dir_.string(), ec ? ec.message() : "exists");
    dir_.clear();  // not ours: never removed
    return;
  }
  // Writable by the sandbox's user: Portico's own uid is the one mapped to it (or it is Portico's).
  std::string options =
      "size=" + std::to_string(bytes) + ",nr_inodes=" + std::to_string(kEnvironmentTmpInodes) + ",mode=0755";
  if (::mount("portico-tmp", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    spdlog::debug("cannot mount a tmpfs at {} ({})", dir_.string(), strerror(errno));
    return;
  }
  mounted_ = true;
}

EnvironmentTmp::~EnvironmentTmp() {
  if (dir_.empty()) return;
  if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  std::error_code ec;
  fs::remove(dir_, ec);
}

}  // namespace portico::functions
