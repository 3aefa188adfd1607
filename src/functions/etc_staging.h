// The sandbox's /etc: what functions need of the host's, copied into one directory at start.
//
// Each read-only bind costs bwrap a remount and a pass over the mount table (~0.1 ms apiece
// here): a bind per host file was 1.2 ms of every cold start. So Portico copies what functions
// need into one directory at start and the sandbox binds that (bwrap_command.h); the files the
// host may change while Portico runs (name resolution) stay bound live on top of placeholders.
#pragma once
#include <array>
#include <filesystem>
#include <string_view>

namespace portico::functions {

/// The entries of the host's /etc that are copied (bound one by one when no copy could be made).
inline constexpr std::array<std::string_view, 9> kEtcCopied = {"ssl",         "ca-certificates", "nsswitch.conf",
                                                               "passwd",      "group",           "localtime",
                                                               "ld.so.cache", "alternatives",    "mime.types"};
/// The entries bound live from the host's /etc, over the empty placeholders the copy holds.
inline constexpr std::array<std::string_view, 2> kEtcLive = {"resolv.conf", "hosts"};

/// Fills `dir` afresh with the copies and placeholders (built beside it as `<dir>.new`, then
/// renamed into place). False on failure, said in a warning: the host's files are then bound.
bool stageEtc(const std::filesystem::path& dir);

}  // namespace portico::functions
