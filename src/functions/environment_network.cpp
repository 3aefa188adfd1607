#include "functions/environment_network.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/capability.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/unique_fd.h"
#include "functions/child_attributes.h"

namespace portico::functions {
namespace {

constexpr int kReadyTimeoutMs = 5000;
constexpr int kLoopbackPollUs = 100;
constexpr int kLoopbackWaitUs = 5'000'000;

ApiError networkError(const std::string& what) {
  return ApiError::lambda("ServiceException", 500, "cannot set up the function's network: " + what);
}

std::string errnoText(const char* call) {
  return std::string(call) + ": " + std::strerror(errno);
}

using Fd = UniqueFd;

/// The IPv4 addresses the host holds, but for loopback (which the namespace has its own of).
std::vector<in_addr> hostAddresses() {
  std::vector<in_addr> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    in_addr addr = reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr;
    if ((ntohl(addr.s_addr) >> 24) == 127) continue;
    out.push_back(addr);
  }
  freeifaddrs(list);
  return out;
}

/// Inside the namespace: a reject route for one host address (connect() fails at once).
bool addRejectRoute(int ioctlSocket, in_addr addr) {
  rtentry route{};
  auto* dst = reinterpret_cast<sockaddr_in*>(&route.rt_dst);
  dst->sin_family = AF_INET;
  dst->sin_addr = addr;
  auto* mask = reinterpret_cast<sockaddr_in*>(&route.rt_genmask);
  mask->sin_family = AF_INET;
  mask->sin_addr.s_addr = 0xffffffffu;
  route.rt_flags = RTF_UP | RTF_HOST | RTF_REJECT;
  char lo[] = "lo";
  route.rt_dev = lo;
  return ::ioctl(ioctlSocket, SIOCADDRT, &route) == 0 || errno == EEXIST;
}

/// A listening TCP socket at kRuntimeApiHost:port (in whatever namespace the thread is in).
Result<int> listenInside(unsigned short port, const char* what) {
  Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (listener.fd < 0) return networkError(errnoText("socket"));
  int one = 1;
  ::setsockopt(listener.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, kRuntimeApiHost, &addr.sin_addr);
  if (::bind(listener.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return networkError(errnoText(what));
  }
  if (::listen(listener.fd, 64) != 0) return networkError(errnoText("listen"));
  return listener.release();
}

struct InsideListeners {
  int runtimeApi = -1;
  std::vector<int> forwards;
};

/// Inside the namespace: loopback up, the Runtime API listener (and the forwarded ports'), reject
/// routes. Runs between the two setns() calls, so it only makes system calls.
Result<InsideListeners> configureInside(const std::vector<in_addr>& blocked, bool bringUpLoopback,
                                        const std::vector<unsigned short>& forwardPorts) {
  Fd ctl(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (ctl.fd < 0) return networkError(errnoText("socket"));
  if (bringUpLoopback) {
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(ctl.fd, SIOCGIFFLAGS, &ifr) != 0) return networkError(errnoText("SIOCGIFFLAGS lo"));
    ifr.ifr_flags |= IFF_UP;
    if (::ioctl(ctl.fd, SIOCSIFFLAGS, &ifr) != 0) return networkError(errnoText("SIOCSIFFLAGS lo"));
  }
  // bubblewrap brings the loopback up itself (address first, then the link), moments after it
  // made the namespace, and fails if it finds that done: wait for it, never do it.
  for (int waited = 0;; ++waited) {
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(ctl.fd, SIOCGIFFLAGS, &ifr) != 0) return networkError(errnoText("SIOCGIFFLAGS lo"));
    if (ifr.ifr_flags & IFF_UP) break;
    if (waited * kLoopbackPollUs > kLoopbackWaitUs) return networkError("the sandbox's loopback did not come up");
    ::usleep(kLoopbackPollUs);
  }
  for (in_addr a : blocked) {
    if (!addRejectRoute(ctl.fd, a)) return networkError(errnoText("SIOCADDRT"));
  }
  InsideListeners out;
  auto runtimeApi = listenInside(kRuntimeApiPort, "bind Runtime API");
  if (!runtimeApi) return runtimeApi.takeError();
  out.runtimeApi = *runtimeApi;
  for (unsigned short port : forwardPorts) {
    auto forward = listenInside(port, "bind a forwarded port");
    if (!forward) {
      ::close(out.runtimeApi);
      for (int fd : out.forwards) ::close(fd);
      return forward.takeError();
    }
    out.forwards.push_back(*forward);
  }
  return out;
}

/// Starts slirp4netns for the namespace at `netnsPath`; waits until it has configured tap0.
Result<EnvironmentNetwork> startSlirp(const std::string& slirpPath, const std::string& netnsPath) {
  int ready[2], exitPipe[2];
  if (pipe2(ready, O_CLOEXEC) != 0) return networkError(errnoText("pipe"));
  if (pipe2(exitPipe, O_CLOEXEC) != 0) {
    ::close(ready[0]);
    ::close(ready[1]);
    return networkError(errnoText("pipe"));
  }
  Fd readyRead(ready[0]), readyWrite(ready[1]), exitRead(exitPipe[0]), exitWrite(exitPipe[1]);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  // Copied above 3 and 4 first, so that neither dup2 overwrites the other's source.
  Fd readyHigh(::fcntl(readyWrite.fd, F_DUPFD_CLOEXEC, 64)), exitHigh(::fcntl(exitRead.fd, F_DUPFD_CLOEXEC, 64));
  posix_spawn_file_actions_adddup2(&fa, readyHigh.fd, 3);
  posix_spawn_file_actions_adddup2(&fa, exitHigh.fd, 4);
  posix_spawn_file_actions_addclosefrom_np(&fa, 5);  // none of Portico's descriptors (Asio's lack CLOEXEC)
  posix_spawnattr_t attr;
  initChildAttributes(attr);
  std::vector<std::string> argv = {
      slirpPath,     "--configure", "--mtu=65520", "--disable-host-loopback", "--netns-type=path", "--ready-fd=3",
      "--exit-fd=4", netnsPath,     "tap0"};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  char* envp[] = {nullptr};
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &fa, &attr, args.data(), envp);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return networkError("cannot start " + slirpPath + ": " + std::strerror(rc));
  ::close(readyWrite.release());
  ::close(exitRead.release());
  EnvironmentNetwork net;
  net.helperPid = pid;
  net.helperExitFd = exitWrite.release();
  net.helperReadyFd = readyRead.release();
  return net;
}

}  // namespace

Result<EnvironmentNetwork> startNetwork(pid_t sandboxPid, const EnvironmentNetworkOptions& options,
                                        bool bringUpLoopback) {
  const std::string netnsPath = "/proc/" + std::to_string(sandboxPid) + "/ns/net";
  Fd target(::open(netnsPath.c_str(), O_RDONLY | O_CLOEXEC));
  if (target.fd < 0) return networkError(errnoText("open the namespace"));
  Fd home(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (home.fd < 0) return networkError(errnoText("open this thread's namespace"));
  std::vector<in_addr> blocked;
  if (options.mode == FunctionNetwork::kOutbound) blocked = hostAddresses();

  if (::setns(target.fd, CLONE_NEWNET) != 0) return networkError(errnoText("setns"));
  Result<InsideListeners> listener = configureInside(blocked, bringUpLoopback, options.forwardPorts);
  if (::setns(home.fd, CLONE_NEWNET) != 0) {
    // This thread would go on making its sockets in a function's namespace: never carry on.
    spdlog::critical("cannot return to Portico's network namespace: {}", std::strerror(errno));
    std::abort();
  }
  if (!listener) return listener.takeError();

  EnvironmentNetwork net;
  if (options.mode == FunctionNetwork::kOutbound) {
    auto slirp = startSlirp(options.slirpPath, netnsPath);
    if (!slirp) {
      ::close(listener->runtimeApi);
      for (int fd : listener->forwards) ::close(fd);
      return slirp.takeError();
    }
    net = *slirp;
  }
  net.runtimeApiFd = listener->runtimeApi;
  net.forwardFds = std::move(listener->forwards);
  return net;
}

Status awaitNetwork(EnvironmentNetwork& net) {
  if (net.helperReadyFd < 0) return Ok{};
  pollfd p{net.helperReadyFd, POLLIN, 0};
  int n;
  while ((n = ::poll(&p, 1, kReadyTimeoutMs)) < 0 && errno == EINTR) {
  }
  char byte = 0;
  bool ready = n > 0 && ::read(net.helperReadyFd, &byte, 1) == 1;
  ::close(std::exchange(net.helperReadyFd, -1));
  if (!ready) return networkError(n == 0 ? "slirp4netns did not become ready" : "slirp4netns exited");
  return Ok{};
}

Result<EnvironmentNetwork> setUpNetwork(pid_t sandboxPid, const EnvironmentNetworkOptions& options) {
  auto net = startNetwork(sandboxPid, options, false);
  if (!net) return net;
  if (Status ready = awaitNetwork(*net); !ready) {
    tearDownNetwork(*net);
    closeListeners(*net, net->runtimeApiFd);
    return ready.takeError();
  }
  return net;
}

void tearDownNetwork(EnvironmentNetwork& network) {
  if (network.helperReadyFd >= 0) ::close(std::exchange(network.helperReadyFd, -1));
  if (network.helperExitFd >= 0) ::close(std::exchange(network.helperExitFd, -1));
  if (network.helperPid > 0) {
    ::kill(network.helperPid, SIGKILL);
    int status = 0;
    while (waitpid(network.helperPid, &status, 0) < 0 && errno == EINTR) {
    }
    network.helperPid = -1;
  }
}

void closeListeners(EnvironmentNetwork& network, int& runtimeApiFd) {
  if (runtimeApiFd >= 0) ::close(std::exchange(runtimeApiFd, -1));
  for (int fd : network.forwardFds) {
    if (fd >= 0) ::close(fd);
  }
  network.forwardFds.clear();
}

bool canEnterNetworkNamespaces() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &header, data) != 0) return false;
  return (data[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32))) != 0;
}

}  // namespace portico::functions
