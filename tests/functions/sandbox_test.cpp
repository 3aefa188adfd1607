// Sandbox launches on this host: the process gets exactly the function's environment, runs at
// /var/task, and (where the host has a writable memory cgroup) sits in its own cgroup capped at the
// function's MemorySize — also when it was started from the spare launcher, as all but the
// unsandboxed launches are; an environment's /tmp is kept across its sandboxes.
#include "functions/sandbox.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <latch>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "functions/environment_tmp.h"

namespace portico::functions {
namespace {

namespace fs = std::filesystem;

std::string readAll(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::ostringstream out;
  out << f.rdbuf();
  return out.str();
}

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("portico-sandbox-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "code");
    fs::create_directories(dir_ / "runtime");
    std::ofstream(dir_ / "code" / "bootstrap") << "#!/bin/sh\n"
                                                  "echo \"X=$X\"\n"
                                                  "echo \"PWD=$(pwd)\"\n"
                                                  "echo \"HOME=${HOME-unset}\"\n"
                                                  "sleep 0.3\n";
    fs::permissions(dir_ / "code" / "bootstrap", fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read |
                                                     fs::perms::group_exec | fs::perms::others_exec);
    sandbox_ = makeSandbox({});
  }
  void TearDown() override {
    sandbox_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  /// Launches the bootstrap with X=value and memoryMb (and /tmp bound from tmpDir when given);
  /// returns its output and the process.
  std::pair<std::string, LaunchedProcess> run(const std::string& id, const std::string& value, int memoryMb,
                                              const fs::path& tmpDir = {}) {
    LaunchSpec spec{id, dir_ / "code", dir_ / "runtime", {"/var/task/bootstrap"}, {"X=" + value, "A=b"}, memoryMb};
    spec.tmpDir = tmpDir;
    auto launched = sandbox_->launch(spec);
    EXPECT_TRUE(launched) << (launched ? "" : launched.error().message);
    if (!launched) return {};
    if (!launched->cgroup.empty()) {
      // Seen from outside (inside, its cgroup namespace shows "/"): the launched process enters
      // the returned cgroup (the spare before it is claimed; a direct launch before its exec).
      std::string name = fs::path(launched->cgroup).filename().string();
      bool entered = false;
      for (int i = 0; i < 200 && !entered; ++i) {
        entered =
            slurp("/proc/" + std::to_string(launched->pid) + "/cgroup").find("/" + name + "\n") != std::string::npos;
        if (!entered) ::usleep(10000);
      }
      EXPECT_TRUE(entered) << launched->cgroup;
    }
    ::close(launched->stderrFd);
    std::string out = readAll(launched->stdoutFd);
    return {out, *launched};
  }

  void reap(const LaunchedProcess& p) {
    int status = 0;
    while (waitpid(p.pid, &status, 0) < 0 && errno == EINTR) {
    }
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    sandbox_->release(p);
  }

  fs::path dir_;
  std::unique_ptr<Sandbox> sandbox_;
};

TEST_F(SandboxTest, EnvironmentWorkingDirectoryAndMemoryCgroup) {
  // Several launches in a row: the first from the spare started with the sandbox, the next ones
  // from its replacements (or directly while a replacement is still entering its cgroup).
  for (int i = 0; i < 3; ++i) {
    const int memoryMb = 128 + 64 * i;
    const std::string value = "value with spaces, $dollar and\nnewline " + std::to_string(i);
    auto [out, process] = run("test-" + std::to_string(i), value, memoryMb);
    EXPECT_NE(out.find("X=" + value + "\n"), std::string::npos) << out;
    EXPECT_NE(out.find("HOME=unset\n"), std::string::npos) << "only the function's variables: " << out;
    if (sandbox_->isolated()) {
      EXPECT_NE(out.find("PWD=/var/task\n"), std::string::npos) << out;
    }
    if (!process.cgroup.empty()) {
      // The cgroup's limit is this function's.
      std::string limitFile =
          fs::exists(fs::path(process.cgroup) / "memory.limit_in_bytes") ? "memory.limit_in_bytes" : "memory.max";
      EXPECT_EQ(std::stoull(slurp(fs::path(process.cgroup) / limitFile)),
                static_cast<unsigned long long>(memoryMb) * 1024 * 1024);
    }
    reap(process);
  }
  // CI installs and grants what the sandbox needs: a host without it fails here, never skips.
  EXPECT_EQ(sandbox_->describe().find("NOT capped"), std::string::npos)
      << "no writable memory cgroup here: " << sandbox_->describe();
}

TEST_F(SandboxTest, LaunchesFromSeveralThreadsAtOnce) {
  // Environments start on whichever server worker invoked them: launches (and the spare they
  // take) may come from several threads at the same time. Each gets its own process and cgroup.
  // The threads live on until every launch is done, as server workers do: bwrap's
  // --die-with-parent follows the thread that started a process (a spare included).
  constexpr int kThreads = 3, kEach = 2;
  std::vector<std::vector<std::pair<std::string, LaunchedProcess>>> results(kThreads);
  std::latch done(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string id = "par-" + std::to_string(t) + "-" + std::to_string(i);
        results[t].push_back(run(id, id, 128));
        reap(results[t].back().second);
      }
      done.arrive_and_wait();
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> cgroups;
  std::set<pid_t> pids;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(results[t].size(), static_cast<std::size_t>(kEach));
    for (int i = 0; i < kEach; ++i) {
      auto& [out, process] = results[t][i];
      std::string id = "par-" + std::to_string(t) + "-" + std::to_string(i);
      EXPECT_NE(out.find("X=" + id + "\n"), std::string::npos) << "each launch runs its own command: " << out;
      EXPECT_TRUE(pids.insert(process.pid).second) << process.pid;
      if (!process.cgroup.empty()) {
        EXPECT_TRUE(cgroups.insert(process.cgroup).second) << process.cgroup;
      }
    }
  }
}

TEST_F(SandboxTest, PreparedEtcAndLambdasDev) {
  // With an /etc directory of its own (as portico serve has): the host's files functions need, live
  // name resolution, no private keys; /dev with the usual devices and no /dev/shm, as Lambda.
  sandbox_.reset();
  SandboxOptions options;
  options.etcDir = dir_ / "sandbox-etc";
  sandbox_ = makeSandbox(options);
  ASSERT_TRUE(sandbox_->isolated()) << "no bubblewrap here (scripts/deps.sh installs it): " << sandbox_->describe();
  EXPECT_TRUE(fs::exists(dir_ / "sandbox-etc" / "passwd"));
  EXPECT_FALSE(fs::exists(dir_ / "sandbox-etc" / "ssl" / "private"));
  std::ofstream(dir_ / "code" / "bootstrap") << "#!/bin/sh\n"
                                                "head -c 5 /etc/passwd; echo\n"
                                                "test -r /etc/resolv.conf && echo resolv=yes\n"
                                                "test -e /etc/ssl/private || echo private=absent\n"
                                                "test -e /etc/shadow || echo shadow=absent\n"
                                                "echo discarded > /dev/null && echo null=ok\n"
                                                "echo urandom=$(head -c 16 /dev/urandom | wc -c)\n"
                                                "test -e /dev/shm || echo shm=absent\n"
                                                "test -L /dev/fd && echo fd=link\n"
                                                "sleep 0.3\n";  // alive while run() looks at its cgroup
  auto [out, process] = run("etc-dev", "x", 128);
  reap(process);
  for (const char* want :
       {"root:", "resolv=yes", "private=absent", "shadow=absent", "null=ok", "urandom=16", "shm=absent", "fd=link"}) {
    EXPECT_NE(out.find(want), std::string::npos) << want << " in:\n" << out;
  }
}

TEST_F(SandboxTest, TmpKeptAcrossTheSandboxesOfOneEnvironment) {
  // An environment's /tmp outlives its sandbox: a runtime restarted after a timeout runs in a new
  // one and finds the files the last one left, as on Lambda. Another environment, or a launch
  // without one, starts with an empty /tmp.
  ASSERT_EQ(::geteuid(), 0u) << "mounting a tmpfs needs root (CI runs as root; tests/security needs it too)";
  sandbox_.reset();
  SandboxOptions options;
  options.viewsDir = dir_ / "views";
  sandbox_ = makeSandbox(options);
  ASSERT_TRUE(sandbox_->isolated()) << "no bubblewrap here (scripts/deps.sh installs it): " << sandbox_->describe();
  std::ofstream(dir_ / "code" / "bootstrap") << "#!/bin/sh\n"
                                                "echo \"seen=$(cat /tmp/x 2>/dev/null || echo none)\"\n"
                                                "echo \"$X\" > /tmp/x && echo wrote=yes\n"
                                                "grep ' /tmp ' /proc/self/mountinfo\n"
                                                "sleep 0.3\n";  // alive while run() looks at its cgroup
  auto tmp = sandbox_->makeTmp("env-a", kEnvironmentTmpBytes);
  auto other = sandbox_->makeTmp("env-b", kEnvironmentTmpBytes);
  ASSERT_TRUE(tmp && other);
  fs::path kept = tmp->dir();
  EXPECT_NE(kept, other->dir());

  auto [first, p1] = run("env-a", "first", 128, kept);
  reap(p1);
  EXPECT_NE(first.find("seen=none\n"), std::string::npos) << first;
  EXPECT_NE(first.find("wrote=yes\n"), std::string::npos) << "/tmp is writable by the function: " << first;
  EXPECT_NE(first.find(" - tmpfs portico-tmp "), std::string::npos) << "its own tmpfs: " << first;
  EXPECT_EQ(first.find(dir_.string()), std::string::npos) << "the mount table names no host path: " << first;

  auto [second, p2] = run("env-a-1", "second", 128, kept);
  reap(p2);
  EXPECT_NE(second.find("seen=first\n"), std::string::npos) << "the same environment's /tmp: " << second;
  auto [elsewhere, p3] = run("env-b", "third", 128, other->dir());
  reap(p3);
  EXPECT_NE(elsewhere.find("seen=none\n"), std::string::npos) << "another environment's /tmp: " << elsewhere;
  auto [fresh, p4] = run("env-c", "fourth", 128);
  reap(p4);
  EXPECT_NE(fresh.find("seen=none\n"), std::string::npos) << "a private tmpfs: " << fresh;

  EXPECT_EQ(slurp(kept / "x"), "second\n");
  tmp.reset();
  EXPECT_FALSE(fs::exists(kept)) << "removed with the environment";
}

}  // namespace
}  // namespace portico::functions
