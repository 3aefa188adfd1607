// The ready file: {"admin": "HOST:PORT", "data": "HOST:PORT", "tls": "HOST:PORT", "pid": N} ("tls" absent with
// --tls-listen off), written once Portico listens (atomically: a temp file renamed into place), for scripts and
// tests that start it.
#pragma once
#include <string>

namespace portico::app {

/// Throws std::filesystem::filesystem_error when it cannot be written.
void writeReadyFile(const std::string& path, const std::string& admin, const std::string& data, const std::string& tls);

}  // namespace portico::app
