// The posix_spawn attributes every child Portico starts gets: a process group of its own, the
// default dispositions of the signals Portico handles or ignores (it blocks SIGTERM/SIGINT for
// sigwait and ignores SIGPIPE: neither must leak into children), and an empty signal mask.
#pragma once
#include <signal.h>
#include <spawn.h>

namespace portico::functions {

/// Initialises `attr` (the caller destroys it).
inline void initChildAttributes(posix_spawnattr_t& attr) {
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
}

}  // namespace portico::functions
