#include "functions/code_store.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <vector>

#include "common/base64.h"
#include "common/digest.h"
#include "common/unique_fd.h"

namespace portico::functions {
namespace fs = std::filesystem;

namespace {

ApiError invalidZip(const std::string& why) {
  return ApiError::lambda(
      "InvalidParameterValueException", 400,
      "Could not unzip uploaded file. Please check your file, then try to upload again. (" + why + ")");
}

/// The digest as hex (the store key) and as base64 (Lambda's CodeSha256).
std::pair<std::string, std::string> digests(std::string_view data) {
  std::string md = sha256(data);
  return {hexEncode(md), base64Encode(md)};
}

/// A relative path that stays inside the root: no absolute path, no "..", no empty name.
bool safeRelative(const fs::path& p) {
  if (p.empty() || p.is_absolute()) return false;
  for (const auto& part : p) {
    if (part == "..") return false;
  }
  return true;
}

/// Where a symlink at `entry` pointing to `target` would resolve, lexically, within the root.
bool linkStaysInside(const fs::path& entry, const fs::path& target) {
  if (target.is_absolute()) return false;
  int depth = 0;
  for (const auto& part : entry.parent_path()) {
    if (part != "." && !part.empty()) ++depth;
  }
  for (const auto& part : target) {
    if (part == "..") {
      if (--depth < 0) return false;
    } else if (part != "." && !part.empty()) {
      ++depth;
    }
  }
  return true;
}

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

/// Opens the directory `rel` under `root` without following any link on the way (or, with
/// RESOLVE_BENEATH, ever leaving root). -1 when it cannot.
int openBeneath(int root, const fs::path& rel) {
  open_how how{};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  const std::string path = rel.empty() ? std::string(".") : rel.string();
  return static_cast<int>(::syscall(SYS_openat2, root, path.c_str(), &how, sizeof how));
}

/// mkdir -p of `rel` under `root`, one component at a time, never through a link.
bool makeDirectories(int root, const fs::path& rel) {
  fs::path done;
  for (const auto& part : rel) {
    UniqueFd parent(openBeneath(root, done));
    if (parent.fd < 0) return false;
    if (::mkdirat(parent.fd, part.c_str(), 0755) != 0 && errno != EEXIST) return false;
    done /= part;
  }
  UniqueFd last(openBeneath(root, done));
  return last.fd >= 0;
}

}  // namespace

bool isSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

CodeStore::CodeStore(fs::path root, UnpackLimits limits) : root_(std::move(root)), limits_(limits) {
  fs::create_directories(root_);
}

fs::path CodeStore::zipPath(std::string_view hex) const {
  if (!isSha256Hex(hex)) return {};
  auto p = root_ / (std::string(hex) + ".zip");
  return fs::exists(p) ? p : fs::path();
}

Status CodeStore::unpack(std::string_view zip, const fs::path& into, Extraction& how) const {
  std::unique_ptr<archive, ArchiveCloser> ar(archive_read_new());
  archive_read_support_format_zip(ar.get());
  if (archive_read_open_memory(ar.get(), zip.data(), zip.size()) != ARCHIVE_OK) {
    return invalidZip(archive_error_string(ar.get()) ? archive_error_string(ar.get()) : "not a zip file");
  }
  // Everything is made relative to the root's fd, and no path component is ever followed through
  // a link (RESOLVE_NO_SYMLINKS): links made by earlier entries cannot carry later ones anywhere.
  UniqueFd root(::open(into.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (root.fd < 0) return ApiError::lambda("ServiceException", 500, "Cannot store function code: no directory");
  std::uint64_t entries = 0;
  std::vector<char> buf(64 * 1024);
  archive_entry* entry = nullptr;
  while (true) {
    int rc = archive_read_next_header(ar.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return invalidZip(archive_error_string(ar.get()) ? archive_error_string(ar.get()) : "corrupt archive");
    }
    if (++entries > limits_.maxEntries) return invalidZip("too many entries");
    const char* name = archive_entry_pathname(entry);
    if (!name) return invalidZip("an entry has no name");
    fs::path rel = fs::path(name).lexically_normal();
    if (!rel.empty() && !rel.has_filename()) rel = rel.parent_path();  // "dir/" names the directory
    if (rel == "." || rel.empty()) continue;
    if (!safeRelative(rel)) return invalidZip(std::string("entry '") + name + "' escapes the function root");
    if (archive_entry_hardlink(entry)) return invalidZip(std::string("entry '") + name + "' is a hard link");
    auto type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) {
      if (!makeDirectories(root.fd, rel)) {
        return invalidZip(std::string("entry '") + name + "' is written through a link or over a file");
      }
      continue;
    }
    if (type != AE_IFLNK && type != AE_IFREG && type != 0) {
      return invalidZip(std::string("entry '") + name + "' is not a regular file");
    }
    if (!makeDirectories(root.fd, rel.parent_path())) {
      return invalidZip(std::string("entry '") + name + "' is written through a link or over a file");
    }
    UniqueFd parent(openBeneath(root.fd, rel.parent_path()));
    if (parent.fd < 0) return invalidZip(std::string("entry '") + name + "' is written through a link");
    const std::string leaf = rel.filename().string();
    if (how.over && ::unlinkat(parent.fd, leaf.c_str(), 0) != 0 && errno != ENOENT) {
      return invalidZip(std::string("entry '") + name + "' would replace a directory of an earlier layer");
    }
    if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      if (!target || !linkStaysInside(rel, target)) {
        return invalidZip(std::string("link '") + name + "' points outside the function root");
      }
      if (::symlinkat(target, parent.fd, leaf.c_str()) != 0) {
        return invalidZip(std::string("cannot create link '") + name + "': " + std::strerror(errno));
      }
      how.links.push_back(rel.string());
      continue;
    }
    mode_t mode = (archive_entry_perm(entry) & 0755) | 0644;
    UniqueFd out(::openat(parent.fd, leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (out.fd < 0) return invalidZip(std::string("cannot write '") + name + "' (duplicate entry?)");
    while (true) {
      la_ssize_t n = archive_read_data(ar.get(), buf.data(), buf.size());
      if (n < 0) return invalidZip(archive_error_string(ar.get()) ? archive_error_string(ar.get()) : "corrupt entry");
      if (n == 0) break;
      how.total += static_cast<std::uint64_t>(n);
      if (how.total > limits_.maxUnpackedBytes) {
        return invalidZip("unzipped size must be smaller than " + std::to_string(limits_.maxUnpackedBytes) + " bytes");
      }
      if (::write(out.fd, buf.data(), static_cast<std::size_t>(n)) != n) {
        return ApiError::lambda("ServiceException", 500, "Cannot store function code: disk write failed");
      }
    }
  }
  return Ok{};
}

Status CodeStore::checkLinks(const fs::path& into, const std::vector<std::string>& links) {
  // RESOLVE_BENEATH refuses every step out: a chain such as a -> ., b -> a/.. is refused.
  UniqueFd root(::open(into.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (root.fd < 0) return ApiError::lambda("ServiceException", 500, "Cannot store function code: no directory");
  for (const auto& link : links) {
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH;
    int fd = static_cast<int>(::syscall(SYS_openat2, root.fd, link.c_str(), &how, sizeof how));
    if (fd >= 0) {
      ::close(fd);
    } else if (errno != ENOENT) {  // a dangling link inside the root is harmless
      return invalidZip("link '" + link + "' points outside the function root");
    }
  }
  return Ok{};
}

Result<StoredCode> CodeStore::put(std::string_view zip) {
  auto [hex, b64] = digests(zip);
  StoredCode code{b64, hex, static_cast<std::int64_t>(zip.size())};
  fs::path dir = root_ / hex;
  if (fs::exists(dir) && fs::exists(root_ / (hex + ".zip"))) return code;

  // Unpack into a private temporary directory, then rename: readers never see half a tree.
  // (Private names: two workers may store or unpack the same code at once.)
  const std::string unique = ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}());
  fs::path tmp = root_ / (hex + unique);
  fs::path zipTmp = root_ / (hex + ".zip" + unique);
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  Extraction how;
  Status st = unpack(zip, tmp, how);
  if (st) st = checkLinks(tmp, how.links);
  if (!st) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    return st.takeError();
  }
  {
    std::ofstream out(zipTmp, std::ios::binary);
    out.write(zip.data(), static_cast<std::streamsize>(zip.size()));
    out.close();
    std::error_code ec;
    if (out) fs::rename(zipTmp, root_ / (hex + ".zip"), ec);  // the same bytes, whoever renames last
    if (!out || ec) {
      fs::remove(zipTmp, ec);
      fs::remove_all(tmp, ec);
      return ApiError::lambda("ServiceException", 500, "Cannot store function code: disk write failed");
    }
  }
  std::error_code ec;
  fs::rename(tmp, dir, ec);
  if (ec) fs::remove_all(tmp, ec);  // another upload of the same code won the race
  return code;
}

std::optional<std::string> CodeStore::readZip(std::string_view hex) const {
  auto zip = zipPath(hex);
  if (zip.empty()) return std::nullopt;
  std::ifstream in(zip, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) return std::nullopt;
  return bytes;
}

Result<fs::path> CodeStore::unpacked(std::string_view hex) {
  if (!isSha256Hex(hex)) return ApiError::lambda("ServiceException", 500, "bad code key");
  fs::path dir = root_ / std::string(hex);
  if (fs::exists(dir)) return dir;
  auto bytes = readZip(hex);
  if (!bytes) return ApiError::lambda("ServiceException", 500, "function code is missing from the code store");
  auto st = put(*bytes);
  if (!st) return st.takeError();
  return dir;
}

Result<std::uint64_t> CodeStore::unpackedBytes(std::string_view hex) {
  auto dir = unpacked(hex);
  if (!dir) return dir.takeError();
  std::uint64_t bytes = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(*dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) bytes += it->file_size(ec);
  }
  if (ec) return ApiError::lambda("ServiceException", 500, "Cannot read function code: " + ec.message());
  return bytes;
}

Result<fs::path> CodeStore::layered(const std::vector<std::string>& hexes) {
  if (hexes.empty()) return ApiError::lambda("ServiceException", 500, "no layers");
  if (hexes.size() == 1) return unpacked(hexes.front());
  std::string joined;
  for (const auto& hex : hexes) {
    if (!isSha256Hex(hex)) return ApiError::lambda("ServiceException", 500, "bad layer key");
    joined += hex + "\n";
  }
  fs::path dir = root_ / ("opt-" + hexEncode(sha256(joined)));
  if (fs::exists(dir)) return dir;
  const std::string unique = ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}());
  fs::path tmp = root_ / (dir.filename().string() + unique);
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp);
  Extraction how;
  how.over = true;
  Status st = Ok{};
  for (const auto& hex : hexes) {
    auto zip = readZip(hex);
    if (!zip) {
      st = ApiError::lambda("ServiceException", 500, "layer code is missing from the code store");
      break;
    }
    if (st = unpack(*zip, tmp, how); !st) break;
  }
  if (st) st = checkLinks(tmp, how.links);
  if (!st) {
    fs::remove_all(tmp, ec);
    return st.takeError();
  }
  fs::rename(tmp, dir, ec);
  if (ec) fs::remove_all(tmp, ec);  // another environment made the same list first
  return dir;
}

}  // namespace portico::functions
