#include "functions/builtin_runtimes.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "functions/runtimes/embedded_runtimes.h"

namespace portico::functions {
namespace {
constexpr std::array<std::string_view, 13> kRuntimes = {
    "provided",  "provided.al2", "provided.al2023", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x",
    "python3.9", "python3.10",   "python3.11",      "python3.12", "python3.13", "python3.14"};

// Identifiers Lambda no longer takes for creating or updating functions, and what it recommends.
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated
constexpr std::pair<std::string_view, std::string_view> kDeprecated[] = {
    {"nodejs", "nodejs22.x"},     {"nodejs4.3", "nodejs22.x"},  {"nodejs4.3-edge", "nodejs22.x"},
    {"nodejs6.10", "nodejs22.x"}, {"nodejs8.10", "nodejs22.x"}, {"nodejs10.x", "nodejs22.x"},
    {"nodejs12.x", "nodejs22.x"}, {"nodejs14.x", "nodejs22.x"}, {"nodejs16.x", "nodejs22.x"},
    {"python2.7", "python3.13"},  {"python3.6", "python3.13"},  {"python3.7", "python3.13"},
    {"python3.8", "python3.13"},  {"dotnetcore1.0", "dotnet8"}, {"dotnetcore2.0", "dotnet8"},
    {"dotnetcore2.1", "dotnet8"}, {"dotnetcore3.1", "dotnet8"}, {"dotnet5.0", "dotnet8"},
    {"dotnet6", "dotnet8"},       {"ruby2.5", "ruby3.3"},       {"ruby2.7", "ruby3.3"},
    {"java8", "java21"},          {"go1.x", "provided.al2023"}};

/// The first line a command prints, trimmed ("" when it cannot run).
std::string firstLineOf(const char* command) {
  std::string out;
  if (FILE* p = ::popen(command, "r")) {
    char buf[256];
    if (std::fgets(buf, sizeof buf, p)) out = buf;
    ::pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.pop_back();
  return out;
}
}  // namespace

std::optional<std::string> deprecatedRuntimeReplacement(std::string_view runtime) {
  for (auto [old, replacement] : kDeprecated) {
    if (old == runtime) return std::string(replacement);
  }
  return std::nullopt;
}

HostInterpreters probeInterpreters() {
  HostInterpreters out;
  std::string python = firstLineOf("/usr/bin/python3 --version 2>&1");  // "Python 3.11.2"
  if (python.starts_with("Python ")) out.python = python.substr(7);
  std::string node = firstLineOf("/usr/bin/node --version 2>&1");  // "v20.19.2"
  if (node.starts_with("v")) out.node = node.substr(1);
  return out;
}

std::string HostInterpreters::describe(std::string_view runtime) const {
  if (runtime.starts_with("python")) return python.empty() ? "" : "Python " + python;
  if (runtime.starts_with("nodejs")) return node.empty() ? "" : "Node.js " + node;
  return "";
}

std::string supportedRuntimeList() {
  std::string out;
  for (auto r : kRuntimes) {
    if (!out.empty()) out += ", ";
    out += r;
  }
  return out;
}

bool supportedRuntime(std::string_view runtime) {
  for (auto r : kRuntimes) {
    if (r == runtime) return true;
  }
  return false;
}

std::optional<std::vector<std::string>> runtimeCommand(std::string_view runtime) {
  if (!supportedRuntime(runtime)) return std::nullopt;
  if (runtime.starts_with("provided")) return std::vector<std::string>{"/var/task/bootstrap"};
  if (runtime.starts_with("nodejs")) return std::vector<std::string>{"/usr/bin/node", "/var/runtime/node_runtime.mjs"};
  return std::vector<std::string>{"/usr/bin/python3", "-S", "/var/runtime/python_bootstrap.py"};
}

namespace {

// Starts the Python runtime as an imported module, so Python loads its cached bytecode instead of
// compiling ~600 lines at every cold start (a script run as __main__ is never cached): ~4 ms.
// Python runs with -S: the site module's start-up work (mostly running the host's .pth files) took
// ~6 ms of every cold start. The system's package directories stay importable (after the
// function's own code, as Lambda's runtime has its boto3), without their .pth files.
constexpr std::string_view kPythonBootstrap =
    "import sys, os\n"
    "_v = 'python%d.%d' % sys.version_info[:2]\n"
    "for _p in ('/usr/local/lib/' + _v + '/dist-packages', '/usr/lib/python3/dist-packages',\n"
    "           '/usr/lib/' + _v + '/dist-packages', '/usr/local/lib/' + _v + '/site-packages',\n"
    "           '/usr/lib/' + _v + '/site-packages'):\n"
    "    if _p not in sys.path and os.path.isdir(_p):\n"
    "        sys.path.append(_p)\n"
    "import python_runtime\n"
    "python_runtime.main()\n";

/// Whether dir/name already holds exactly text.
bool sameContent(const std::filesystem::path& file, std::string_view text) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::ostringstream current;
  current << in.rdbuf();
  return current.str() == text;
}

/// Caches python_runtime.py's bytecode in __pycache__, checked against the source's hash (not its
/// mtime). Best effort: without it Python compiles the source as usual.
void compilePythonRuntime(const std::filesystem::path& script) {
  const char* python = "/usr/bin/python3";
  if (::access(python, X_OK) != 0) return;
  std::string code =
      "import py_compile, sys; py_compile.compile(sys.argv[1], doraise=True, "
      "invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)";
  std::string path = script.string();
  std::vector<char*> argv = {const_cast<char*>(python), const_cast<char*>("-c"), code.data(), path.data(), nullptr};
  char* envp[] = {nullptr};
  pid_t pid = -1;
  if (posix_spawn(&pid, python, nullptr, nullptr, argv.data(), envp) != 0) return;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

void installBuiltinRuntimes(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  bool pythonChanged = false;
  for (auto [name, text] :
       {std::pair{"node_runtime.mjs", runtimes::kNodeRuntime}, std::pair{"python_runtime.py", runtimes::kPythonRuntime},
        std::pair{"python_bootstrap.py", kPythonBootstrap}}) {
    if (sameContent(dir / name, text)) continue;  // kept as is: its cached bytecode stays valid
    auto tmp = dir / (std::string(name) + ".tmp");
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
      if (!out) throw std::runtime_error("cannot write " + tmp.string());
    }
    fs::rename(tmp, dir / name);
    if (std::string_view(name) == "python_runtime.py") pythonChanged = true;
  }
  bool cached = false;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir / "__pycache__", ec)) {
    if (entry.path().filename().string().starts_with("python_runtime.")) cached = true;
  }
  if (pythonChanged || !cached) compilePythonRuntime(dir / "python_runtime.py");
}

}  // namespace portico::functions
