#include "functions/sandbox_views.h"

#include <spdlog/spdlog.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace portico::functions {
namespace fs = std::filesystem;
namespace {

/// Whether `dir` is the root of a mount (its device differs from its parent's, or it is a bind of
/// the same file system: then /proc/self/mountinfo would be needed; a tmpfs always differs).
bool isMountPoint(const fs::path& dir) {
  struct stat self {};
  struct stat parent {};
  if (::stat(dir.c_str(), &self) != 0 || ::stat(dir.parent_path().c_str(), &parent) != 0) return false;
  return self.st_dev != parent.st_dev;
}

}  // namespace

SandboxViews::SandboxViews(fs::path dir, std::chrono::seconds keepIdle) : dir_(std::move(dir)), keepIdle_(keepIdle) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  dir_ = fs::absolute(dir_, ec);
  // A killed run leaves its tmpfs mounted (mounts outlive processes): take it down first.
  for (int i = 0; i < 8 && isMountPoint(dir_); ++i) {
    if (::umount2(dir_.c_str(), MNT_DETACH) != 0) break;
  }
  if (isMountPoint(dir_)) {
    spdlog::warn("{} is still a mount point; sandbox mount tables will name host paths", dir_.string());
    return;
  }
  if (::mount("portico-views", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) {
    spdlog::debug("cannot mount a tmpfs at {} ({})", dir_.string(), strerror(errno));
    return;
  }
  mounted_ = true;
}

SandboxViews::~SandboxViews() {
  if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
}

Result<fs::path> SandboxViews::acquire(const fs::path& source) {
  // The copy (up to 250 MB of code) is made outside mu_, so that launches of other functions,
  // and every release(), do not wait for it. The entry is published first, marked `copying`, with
  // its copier as its one user (the sweep leaves it alone): a second caller for the same source
  // waits for that copy instead of making its own, so a burst of cold starts still copies once,
  // and never finds a view that is not whole. If the copy fails, its entry is erased and a waiter
  // tries again itself, as each caller did in turn when the copy was made under the lock.
  std::unique_lock lock(mu_);
  auto now = std::chrono::steady_clock::now();
  for (;;) {
    sweep(now);
    auto it = entries_.find(source);
    if (it == entries_.end()) break;
    if (!it->second.copying) {
      ++it->second.users;
      return it->second.view;
    }
    copied_.wait(lock);  // the entry may be gone when woken (a failed copy): look again
    now = std::chrono::steady_clock::now();
  }
  // Named by the source's last component (a code version's digest, a runtime's name) and a
  // counter: nothing of the host's path. The counter is taken under mu_: names never collide.
  fs::path view = dir_ / (std::to_string(++made_) + "-" + source.filename().string());
  entries_.emplace(source, Entry{view, 1, now, true});
  // Ends the reservation, published or not (also when the copy throws), and wakes the waiters.
  auto finish = [&](bool published) {
    if (!lock.owns_lock()) lock.lock();
    auto mine = entries_.find(source);
    if (published) {
      mine->second.copying = false;
    } else {
      entries_.erase(mine);
    }
    copied_.notify_all();
  };
  lock.unlock();
  Result<fs::path> made = [&]() -> Result<fs::path> {
    try {
      return copy(source, view);
    } catch (...) {
      finish(false);
      throw;
    }
  }();
  finish(static_cast<bool>(made));
  return made;
}

Result<fs::path> SandboxViews::copy(const fs::path& source, const fs::path& view) {
  fs::path partial = view.string() + ".partial";
  std::error_code ec;
  fs::remove_all(partial, ec);
  fs::copy(source, partial, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (!ec) fs::permissions(partial, fs::status(source).permissions(), ec);
  if (!ec) fs::rename(partial, view, ec);
  if (ec) {
    std::error_code ignored;  // the clean-up's own outcome must not replace why the copy failed
    fs::remove_all(partial, ignored);
    return ApiError::lambda("ServiceException", 500,
                            "cannot prepare the function's code for its sandbox: " + ec.message());
  }
  return view;
}

void SandboxViews::release(const fs::path& view) {
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  for (auto& [source, entry] : entries_) {
    if (entry.view == view && entry.users > 0) {
      if (--entry.users == 0) entry.idleSince = now;
      break;
    }
  }
  sweep(now);
}

std::size_t SandboxViews::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void SandboxViews::sweep(std::chrono::steady_clock::time_point now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.users == 0 && now - it->second.idleSince >= keepIdle_) {
      std::error_code ec;
      fs::remove_all(it->second.view, ec);
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace portico::functions
