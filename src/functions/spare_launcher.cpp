#include "functions/spare_launcher.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "functions/bwrap_handshake.h"
#include "functions/child_process.h"
#include "functions/launch_limits.h"

namespace portico::functions {
namespace fs = std::filesystem;

SpareLauncher::SpareLauncher(const CgroupSet& cgroups, SpareLauncherOptions options)
    : cgroups_(cgroups), options_(std::move(options)) {
  replenish();
}

SpareLauncher::~SpareLauncher() {
  std::lock_guard lock(mu_);
  if (!spare_) return;
  dispose(*spare_, false);
  spare_.reset();
}

std::optional<SpareLauncher::Spare> SpareLauncher::make() {
  EnvironmentCgroups cgroups = cgroups_.make("env-" + std::to_string(++made_), 128);
  if (cgroups.empty()) return std::nullopt;
  LaunchPipes pipes;
  if (!pipes.open(true, options_.seccompProgram)) {
    cgroups_.remove(cgroups);
    return std::nullopt;
  }
  // set -f: the command's words are split but never globbed. The environment is empty: bwrap
  // gives the function exactly the --setenv variables.
  const std::string commandFd = std::to_string(kCommandChildFd);
  std::vector<std::string> argv = {"/bin/sh", "-c",
                                   std::string("set -f; ") + kEnterLimits + "read -r cmd <&" + commandFd +
                                       " && exec \"$1\" --args " + commandFd + " $cmd",
                                   cgroupListWord(cgroups), options_.bwrapPath};
  // The spare waits in a network namespace of its own (made by unshare, which execs the shell
  // in place), set up now: a cold start then pays for none of it (slirp4netns takes ~10 ms).
  if (options_.ownNetwork) argv.insert(argv.begin(), {options_.unsharePath, "--net", "--"});
  static const fs::path root = "/";
  auto launched = spawnWithPipes(argv, {}, &root, pipes.child);
  pipes.closeChildEnds();
  if (!launched) {
    cgroups_.remove(cgroups);
    return std::nullopt;
  }
  launched->cgroups = cgroups;
  launched->cgroup = cgroups.memory;
  if (options_.ownNetwork) {
    auto network = startSpareNetwork(launched->pid);
    if (!network) {
      spdlog::warn("cannot set up a spare environment's network: {}", network.error().message);
      Spare failed{*launched, std::exchange(pipes.commandWrite, -1), std::exchange(pipes.infoRead, -1),
                   std::exchange(pipes.blockWrite, -1)};
      dispose(failed, false);
      return std::nullopt;
    }
    launched->network = *network;
    launched->runtimeApiFd = network->runtimeApiFd;
  }
  Spare spare{*launched, std::exchange(pipes.commandWrite, -1), std::exchange(pipes.infoRead, -1),
              std::exchange(pipes.blockWrite, -1)};
  return spare;
}

/// Once `unshare` has made the spare's namespace (the process's namespace differs from
/// Portico's): the listener, routes and slirp4netns.
Result<EnvironmentNetwork> SpareLauncher::startSpareNetwork(pid_t pid) const {
  struct stat mine {};
  struct stat theirs {};
  if (::stat("/proc/self/ns/net", &mine) != 0) return ApiError::lambda("ServiceException", 500, "no netns");
  const std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
  for (int i = 0; i < 50000; ++i) {  // up to ~5 s; unshare takes well under a millisecond
    if (::stat(path.c_str(), &theirs) != 0) return ApiError::lambda("ServiceException", 500, "the spare died");
    if (theirs.st_ino != mine.st_ino) return startNetwork(pid, options_.network, true);
    ::usleep(100);
  }
  return ApiError::lambda("ServiceException", 500, "the spare did not enter its namespace");
}

void SpareLauncher::replenish() {
  auto made = make();
  if (!made) return;
  {
    std::lock_guard lock(mu_);
    if (!spare_) {
      spare_ = *made;
      return;
    }
  }
  dispose(*made, false);
}

std::optional<SpareLauncher::Spare> SpareLauncher::take() {
  std::optional<Spare> taken;
  {
    std::lock_guard lock(mu_);
    taken.swap(spare_);
  }
  int status = 0;
  if (taken && waitpid(taken->process.pid, &status, WNOHANG) != 0) {  // it died waiting (killed?)
    dispose(*taken, true);
    taken.reset();
  }
  return taken;
}

void SpareLauncher::dispose(Spare& spare, bool reaped) const {
  if (!reaped) killAndReap(spare.process.pid);
  for (int* fd : {&spare.commandFd, &spare.infoFd, &spare.blockFd, &spare.process.stdoutFd, &spare.process.stderrFd,
                  &spare.process.runtimeApiFd}) {
    closeFd(*fd);
  }
  closeListeners(spare.process.network, spare.process.runtimeApiFd);
  releaseLaunch(cgroups_, spare.process);
}

std::optional<LaunchedProcess> SpareLauncher::launch(const LaunchSpec& spec, const std::vector<std::string>& opts) {
  // The command line travels as words split by the shell: Portico's own commands only.
  std::string command;
  for (const auto& word : spec.command) {
    if (word.empty() || word.find_first_of(" \t\n\\'\"$`*?[]{}~;&|<>()#=") != std::string::npos) {
      return std::nullopt;
    }
    command += (command.empty() ? "" : " ") + word;
  }
  std::string payload = command + "\n";
  auto add = [&](const std::string& arg) {
    payload += arg;
    payload.push_back('\0');
  };
  for (const auto& o : opts) add(o);
  for (const auto& e : spec.environment) {
    auto eq = e.find('=');
    if (eq == std::string::npos) continue;
    add("--setenv");
    add(e.substr(0, eq));
    add(e.substr(eq + 1));
  }
  add("--");
  // Written in one go into the pipe (64 KiB): a bigger payload could block until the spare reads.
  if (payload.size() > 60000) return std::nullopt;
  // Launches come from every loop that starts environments: the spare is taken under the lock,
  // everything that takes time (writing the command, starting the next spare) is done outside.
  std::optional<Spare> spare = take();
  if (!spare) spare = make();  // none waiting (a burst of cold starts): one made now
  if (!spare) return std::nullopt;
  Spare taken = *spare;
  bool sent = cgroups_.setMemoryLimit(taken.process.cgroups, spec.memoryMb) &&
              ::write(taken.commandFd, payload.data(), payload.size()) == static_cast<ssize_t>(payload.size());
  closeFd(taken.commandFd);
  replenish();  // for the next cold start, while this one runs
  if (!sent) {
    dispose(taken, false);
    return std::nullopt;
  }
  LaunchPipes handshake;
  handshake.infoRead = std::exchange(taken.infoFd, -1);
  handshake.blockWrite = std::exchange(taken.blockFd, -1);
  if (Status done = completeLaunch(taken.process, handshake, options_.ownNetwork, options_.network); !done) {
    spdlog::warn("function environment {} failed to start: {}", spec.id, done.error().message);
    dispose(taken, false);
    return std::nullopt;
  }
  return taken.process;
}

}  // namespace portico::functions
