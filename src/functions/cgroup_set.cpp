#include "functions/cgroup_set.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>
#include <thread>

namespace portico::functions {
namespace fs = std::filesystem;

namespace {

bool writeFile(const fs::path& p, const std::string& text) {
  std::ofstream f(p);
  f << text;
  f.flush();
  return static_cast<bool>(f);
}

std::string readFile(const fs::path& p) {
  std::ifstream f(p);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

/// Kills what is still in a cgroup directory, then removes it (retrying while the kernel
/// finishes the kills). A frozen cgroup is thawed after the kill, or its processes never die.
bool removeKillingProcesses(const fs::path& dir) {
  std::error_code ec;
  for (int attempt = 0; attempt < 50; ++attempt) {
    std::istringstream procs(readFile(dir / "cgroup.procs"));
    for (pid_t pid; procs >> pid;) ::kill(pid, SIGKILL);
    if (fs::exists(dir / "freezer.state")) writeFile(dir / "freezer.state", "THAWED");
    if (fs::exists(dir / "cgroup.freeze")) writeFile(dir / "cgroup.freeze", "0");
    if (fs::remove(dir, ec) || !fs::exists(dir)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

/// The pid in a "portico-<pid>" name, or 0.
pid_t ownerOf(const std::string& name) {
  constexpr std::string_view kPrefix = "portico-";
  if (!name.starts_with(kPrefix)) return 0;
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(name.data() + kPrefix.size(), name.data() + name.size(), pid);
  return ec == std::errc() && end == name.data() + name.size() ? pid : 0;
}

}  // namespace

int CgroupSet::removeStale(const fs::path& root) {
  int removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    pid_t owner = ownerOf(it->path().filename().string());
    if (owner <= 0 || owner == ::getpid() || !it->is_directory()) continue;
    if (::kill(owner, 0) == 0 || errno == EPERM) continue;  // that Portico still runs
    std::error_code inner;
    for (fs::directory_iterator child(it->path(), inner), last; !inner && child != last; child.increment(inner)) {
      if (child->is_directory()) removeKillingProcesses(child->path());
    }
    if (removeKillingProcesses(it->path())) ++removed;
  }
  return removed;
}

CgroupSet::CgroupSet(const CgroupRoots& roots) {
  std::error_code ec;
  const std::string name = "portico-" + std::to_string(::getpid());
  auto clean = [](const fs::path& root) {
    if (int n = removeStale(root); n > 0)
      spdlog::info("removed {} cgroup(s) left by earlier runs under {}", n, root.string());
  };
  if (fs::exists(roots.v2 / "cgroup.controllers")) {
    std::string controllers = readFile(roots.v2 / "cgroup.subtree_control");
    if (controllers.find("memory") != std::string::npos) {
      clean(roots.v2);
      fs::path parent = roots.v2 / name;
      if (fs::create_directory(parent, ec) && writeFile(parent / "cgroup.subtree_control", "+memory")) {
        memoryParent_ = parent;
        kind_ = Kind::kV2;
        pidsLimited_ =
            controllers.find("pids") != std::string::npos && writeFile(parent / "cgroup.subtree_control", "+pids");
        return;
      }
      fs::remove(parent, ec);
    }
  }
  if (fs::exists(roots.v1Memory / "memory.limit_in_bytes")) {
    // The freezer first: processes left frozen by a dead run die only once thawed.
    if (fs::exists(roots.v1Freezer / "cgroup.procs")) clean(roots.v1Freezer);
    clean(roots.v1Memory);
    fs::path parent = roots.v1Memory / name;
    if ((fs::create_directory(parent, ec) || fs::exists(parent)) && access(parent.c_str(), W_OK) == 0) {
      memoryParent_ = parent;
      kind_ = Kind::kV1;
    } else {
      fs::remove(parent, ec);
      return;
    }
    if (fs::exists(roots.v1Pids / "pids.max") || fs::exists(roots.v1Pids / "cgroup.procs")) {
      clean(roots.v1Pids);
      fs::path pids = roots.v1Pids / name;
      if ((fs::create_directory(pids, ec) || fs::exists(pids)) && access(pids.c_str(), W_OK) == 0) {
        pidsParent_ = pids;
        pidsLimited_ = true;
      }
    }
    if (fs::exists(roots.v1Freezer / "cgroup.procs")) {
      fs::path freezer = roots.v1Freezer / name;
      if ((fs::create_directory(freezer, ec) || fs::exists(freezer)) && access(freezer.c_str(), W_OK) == 0) {
        freezerParent_ = freezer;
      }
    }
  }
}

CgroupSet::~CgroupSet() {
  std::error_code ec;
  if (!memoryParent_.empty()) fs::remove(memoryParent_, ec);
  if (!pidsParent_.empty()) fs::remove(pidsParent_, ec);
  if (!freezerParent_.empty()) fs::remove(freezerParent_, ec);
}

EnvironmentCgroups CgroupSet::make(const std::string& name, int memoryMb) const {
  EnvironmentCgroups out;
  if (kind_ == Kind::kNone) return out;
  std::error_code ec;
  fs::path memory = memoryParent_ / name;
  fs::create_directory(memory, ec);
  if (ec) return {};
  out.memory = memory.string();
  out.all.push_back(out.memory);
  bool ok = setMemoryLimit(out, memoryMb);
  if (ok && kind_ == Kind::kV2 && pidsLimited_) {
    ok = writeFile(memory / "pids.max", std::to_string(kMaxEnvironmentProcesses));
  }
  if (ok && kind_ == Kind::kV1 && pidsLimited_) {
    fs::path pids = pidsParent_ / name;
    fs::create_directory(pids, ec);
    if (!ec) out.all.push_back(pids.string());
    ok = !ec && writeFile(pids / "pids.max", std::to_string(kMaxEnvironmentProcesses));
  }
  if (kind_ == Kind::kV2) out.freezer = out.memory;
  if (ok && kind_ == Kind::kV1 && !freezerParent_.empty()) {
    fs::path freezer = freezerParent_ / name;
    fs::create_directory(freezer, ec);
    ok = !ec;
    if (ok) {
      out.all.push_back(freezer.string());
      out.freezer = freezer.string();
    }
  }
  if (!ok) {
    remove(out);
    return {};
  }
  return out;
}

bool CgroupSet::setMemoryLimit(const EnvironmentCgroups& cgroups, int memoryMb) const {
  std::uint64_t bytes = static_cast<std::uint64_t>(memoryMb) * 1024 * 1024;
  return kind_ == Kind::kV1 ? writeFile(fs::path(cgroups.memory) / "memory.limit_in_bytes", std::to_string(bytes))
                            : writeFile(fs::path(cgroups.memory) / "memory.max", std::to_string(bytes));
}

void CgroupSet::remove(const EnvironmentCgroups& cgroups) const {
  std::error_code ec;
  for (const auto& dir : cgroups.all) fs::remove(dir, ec);
}

fs::path CgroupSet::peakMemoryFile(const EnvironmentCgroups& cgroups) const {
  if (cgroups.memory.empty()) return {};
  return fs::path(cgroups.memory) / (kind_ == Kind::kV1 ? "memory.max_usage_in_bytes" : "memory.peak");
}

FreezeControl CgroupSet::freezeControl(const EnvironmentCgroups& cgroups) const {
  if (cgroups.freezer.empty()) return {};
  if (kind_ == Kind::kV2) return {fs::path(cgroups.freezer) / "cgroup.freeze", "1", "0"};
  return {fs::path(cgroups.freezer) / "freezer.state", "FROZEN", "THAWED"};
}

}  // namespace portico::functions
