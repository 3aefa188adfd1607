// The sandbox's seccomp filter, in the spirit of container runtimes' default profiles: a function
// may do what ordinary programs do, but not mount, make or join namespaces, ptrace, use the kernel
// keyring, load kernel modules or BPF programs, set the clock or reboot. Denied calls fail with
// EPERM (clone3 with ENOSYS, so libc falls back to clone, whose namespace flags are checked);
// system calls of another architecture (i386's int 0x80) end the process.
#pragma once
#include <string>

namespace portico::functions {

/// The filter as a compiled classic-BPF program (what bubblewrap's --seccomp reads), or "" when
/// libseccomp could not build it.
std::string sandboxSeccompProgram();

}  // namespace portico::functions
