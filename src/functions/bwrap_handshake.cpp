#include "functions/bwrap_handshake.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <string_view>
#include <utility>

#include "common/parse_number.h"

namespace portico::functions {
namespace {

/// Reads bwrap's info JSON up to the sandboxed process's pid ("child-pid": N).
Result<pid_t> readChildPid(int infoFd) {
  std::string text;
  constexpr std::string_view kKey = "\"child-pid\":";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    if (auto at = text.find(kKey); at != std::string::npos) {
      std::size_t i = at + kKey.size();
      while (i < text.size() && text[i] == ' ') ++i;
      std::size_t digits = i;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      if (i < text.size() && i > digits) {  // the number ended: the whole of it is read
        auto pid = parseNumber<pid_t>(std::string_view(text).substr(digits, i - digits));
        if (!pid || *pid <= 0) return ApiError::lambda("ServiceException", 500, "the sandbox named no process");
        return *pid;
      }
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{infoFd, POLLIN, 0};
    int n = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (n < 0 && errno == EINTR) continue;
    char buf[512];
    ssize_t got = n > 0 ? ::read(infoFd, buf, sizeof buf) : -1;
    if (got <= 0) {
      return ApiError::lambda("ServiceException", 500,
                              n == 0 ? "the sandbox did not start in time" : "the sandbox failed to start");
    }
    text.append(buf, static_cast<std::size_t>(got));
    if (text.size() > 4096) return ApiError::lambda("ServiceException", 500, "the sandbox said too much");
  }
}

}  // namespace

LaunchPipes::~LaunchPipes() {
  closeChildEnds();
  closeFd(commandWrite);
  closeFd(infoRead);
  closeFd(blockWrite);
}

void LaunchPipes::closeChildEnds() {
  for (ChildFd& c : child) closeFd(c.fd);
  child.clear();
}

bool LaunchPipes::open(bool withCommand, const std::string& seccompProgram) {
  int fds[2];
  if (withCommand) {
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    child.push_back({fds[0], kCommandChildFd});
    commandWrite = fds[1];
  }
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  infoRead = fds[0];
  child.push_back({fds[1], kInfoChildFd});
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  child.push_back({fds[0], kBlockChildFd});
  blockWrite = fds[1];
  if (!seccompProgram.empty()) {
    // The filter is small (well under a pipe's 64 KiB): written whole now, read by bwrap later.
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    bool written =
        ::write(fds[1], seccompProgram.data(), seccompProgram.size()) == static_cast<ssize_t>(seccompProgram.size());
    ::close(fds[1]);
    child.push_back({fds[0], kSeccompChildFd});
    if (!written) return false;
  }
  return true;
}

Status completeLaunch(LaunchedProcess& p, LaunchPipes& pipes, bool ownNetwork,
                      const EnvironmentNetworkOptions& network) {
  closeFd(pipes.commandWrite);
  auto child = readChildPid(pipes.infoRead);
  if (!child) return child.takeError();
  if (p.runtimeApiFd >= 0) {
    // A spare's namespace, set up when the spare was made: at most wait for slirp4netns.
    if (Status ready = awaitNetwork(p.network); !ready) return ready.takeError();
  } else if (ownNetwork) {
    auto made = setUpNetwork(*child, network);
    if (!made) return made.takeError();
    p.network = *made;
    p.runtimeApiFd = made->runtimeApiFd;
  }
  char go = 1;
  if (::write(pipes.blockWrite, &go, 1) != 1) {
    return ApiError::lambda("ServiceException", 500, "the sandbox ended while starting");
  }
  closeFd(pipes.blockWrite);
  p.infoFd = std::exchange(pipes.infoRead, -1);  // closed by releaseLaunch()
  return Ok{};
}

}  // namespace portico::functions
