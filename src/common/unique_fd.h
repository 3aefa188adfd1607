// UniqueFd: a file descriptor closed when it goes out of scope.
#pragma once
#include <unistd.h>

#include <utility>

namespace portico {

struct UniqueFd {
  int fd = -1;
  explicit UniqueFd(int f) : fd(f) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() {
    if (fd >= 0) ::close(fd);
  }
  /// Gives the descriptor up without closing it.
  int release() { return std::exchange(fd, -1); }
};

}  // namespace portico
