#include "functions/etc_staging.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <system_error>

namespace portico::functions {
namespace fs = std::filesystem;

bool stageEtc(const fs::path& dir) {
  const fs::path fresh = dir.string() + ".new";
  std::error_code ec;
  fs::remove_all(fresh, ec);
  fs::create_directories(fresh, ec);
  // Top-level entries are copied as what they resolve to on the host (a link into a place the
  // sandbox cannot see would dangle inside it); links within directories stay links.
  auto copyEntry = [&ec](const fs::path& from, const fs::path& to) {
    std::error_code statEc;
    auto status = fs::status(from, statEc);
    if (statEc || !fs::exists(status)) return;  // absent or dangling on the host too
    if (fs::is_directory(status)) {
      fs::copy(fs::canonical(from, ec), to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    } else {
      fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    }
  };
  for (std::string_view name : kEtcCopied) {
    if (ec) break;
    fs::path from = fs::path("/etc") / name;
    if (name == "ssl" && fs::is_directory(from, ec)) {
      // Certificates and configuration; never the host's private keys.
      fs::create_directory(fresh / name, ec);
      for (fs::directory_iterator it(from, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().filename() != "private") copyEntry(it->path(), fresh / name / it->path().filename());
      }
    } else {
      ec.clear();
      copyEntry(from, fresh / name);
    }
  }
  for (std::string_view name : kEtcLive) {  // the mount points
    if (!ec && !std::ofstream(fresh / name)) ec = std::make_error_code(std::errc::io_error);
  }
  if (!ec) fs::remove_all(dir, ec);
  if (!ec) fs::rename(fresh, dir, ec);
  if (ec) {
    spdlog::warn("cannot prepare the sandbox's /etc in {} ({}); binding the host's files one by one", dir.string(),
                 ec.message());
    fs::remove_all(fresh, ec);
    return false;
  }
  return true;
}

}  // namespace portico::functions
