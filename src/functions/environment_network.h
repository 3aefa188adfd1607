// EnvironmentNetwork: an execution environment's own network namespace, as Portico sets it up
// from outside once bubblewrap has made it (the sandboxed process waits on its block fd meanwhile).
//
// - The Runtime API listener is created *inside* the namespace (the calling thread enters it for
//   the socket() call and leaves again), at kRuntimeApiAddress: only that environment can reach
//   it, and Portico accepts on it as on any socket.
// - With FunctionNetwork::kOutbound, slirp4netns (user-mode networking) gives the namespace a
//   default route to the outside; it is started with --disable-host-loopback, and every address
//   the host itself holds gets a reject route inside, so neither the host's loopback nor its own
//   addresses (where Portico's listeners are) can be reached.
// - With FunctionNetwork::kNone, the namespace has its loopback and nothing else.
//
// Entering another network namespace needs CAP_SYS_ADMIN over it (Portico as root); canEnter()
// tells whether this process can.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include "common/result.h"

namespace portico::functions {

enum class FunctionNetwork { kNone, kOutbound };

/// Where the runtime finds the Runtime API inside its own namespace (what AWS uses too).
inline constexpr const char* kRuntimeApiHost = "127.0.0.1";
inline constexpr unsigned short kRuntimeApiPort = 9001;

struct EnvironmentNetworkOptions {
  FunctionNetwork mode = FunctionNetwork::kOutbound;
  std::string slirpPath = "/usr/bin/slirp4netns";
  /// Ports also listened on inside at kRuntimeApiHost, for the host addresses Portico forwards
  /// there (function_grants.h); the listeners come back as EnvironmentNetwork::forwardFds.
  std::vector<unsigned short> forwardPorts;
};

/// What set-up left running for one environment; ended by tearDownNetwork().
struct EnvironmentNetwork {
  int runtimeApiFd = -1;        // listening TCP socket inside the namespace (the caller takes it)
  std::vector<int> forwardFds;  // one listener inside per forwardPorts entry (the caller takes them)
  pid_t helperPid = -1;         // slirp4netns, when outbound
  int helperExitFd = -1;        // closing it tells slirp4netns to exit
  int helperReadyFd = -1;       // slirp4netns writes a byte here once the namespace is configured
};

/// Sets up the namespace of `sandboxPid` (a process inside it, seen from the host) and waits
/// until outbound traffic flows. bubblewrap made the namespace and brings its loopback up.
Result<EnvironmentNetwork> setUpNetwork(pid_t sandboxPid, const EnvironmentNetworkOptions& options);

/// The first half of setUpNetwork, for a namespace Portico made itself ahead of need (the spare
/// launcher's): brings the loopback up, makes the listener and the routes, starts slirp4netns, and
/// returns without waiting for it. awaitNetwork() waits.
Result<EnvironmentNetwork> startNetwork(pid_t sandboxPid, const EnvironmentNetworkOptions& options,
                                        bool bringUpLoopback);
Status awaitNetwork(EnvironmentNetwork& network);

/// Ends the helper (if any). Does not touch runtimeApiFd or forwardFds.
void tearDownNetwork(EnvironmentNetwork& network);

/// Whether this process may enter the network namespaces bubblewrap makes (CAP_SYS_ADMIN).
bool canEnterNetworkNamespaces();

/// Closes the listeners nobody took (runtimeApiFd and forwardFds), setting them to -1 / empty.
void closeListeners(EnvironmentNetwork& network, int& runtimeApiFd);

}  // namespace portico::functions
