#include "functions/environment_freezer.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace portico::functions {

EnvironmentFreezer::EnvironmentFreezer(const FreezeControl& control)
    : frozenValue_(control.frozen), thawedValue_(control.thawed) {
  if (control.empty()) return;
  fd_ = ::open(control.file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) spdlog::warn("cannot open {} ({}): environments are not frozen", control.file.string(), strerror(errno));
}

EnvironmentFreezer::~EnvironmentFreezer() {
  if (fd_ >= 0) ::close(fd_);
}

EnvironmentFreezer::EnvironmentFreezer(EnvironmentFreezer&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      frozen_(std::exchange(other.frozen_, false)),
      frozenValue_(std::move(other.frozenValue_)),
      thawedValue_(std::move(other.thawedValue_)) {}

EnvironmentFreezer& EnvironmentFreezer::operator=(EnvironmentFreezer&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    frozen_ = std::exchange(other.frozen_, false);
    frozenValue_ = std::move(other.frozenValue_);
    thawedValue_ = std::move(other.thawedValue_);
  }
  return *this;
}

void EnvironmentFreezer::freeze() {
  if (fd_ < 0 || frozen_) return;
  write(frozenValue_);
  frozen_ = true;
}

void EnvironmentFreezer::thaw() {
  if (fd_ < 0 || !frozen_) return;
  write(thawedValue_);
  frozen_ = false;
}

void EnvironmentFreezer::write(const std::string& value) {
  // cgroup files take one whole value per write, from offset 0.
  if (::pwrite(fd_, value.data(), value.size(), 0) < 0) {
    spdlog::warn("cannot write {} to an environment's freezer: {}", value, strerror(errno));
  }
}

}  // namespace portico::functions
