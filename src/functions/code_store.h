// CodeStore: function code (zip files) kept content-addressed under the data dir.
//
//   <root>/<hex sha256>.zip   the zip as uploaded
//   <root>/<hex sha256>/      unpacked once per hash, read-only for environments
//
// Unpacking is where untrusted archives meet the file system, so it refuses entries
// that would escape the root (absolute paths, "..", links pointing outside, hard
// links, device files) and archives that unpack to more than AWS's 250 MB. Nothing is
// ever written through a link (openat2 with RESOLVE_NO_SYMLINKS from the root's fd),
// and once all entries exist every link must still resolve inside the root
// (RESOLVE_BENEATH). A refused archive leaves nothing behind.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace portico::functions {

struct StoredCode {
  std::string sha256Base64;  // CodeSha256 as AWS reports it
  std::string sha256Hex;     // the store key
  std::int64_t size = 0;     // CodeSize: bytes of the zip
};

struct UnpackLimits {
  std::uint64_t maxUnpackedBytes = 250ull * 1024 * 1024;  // AWS: 250 MB unzipped
  std::uint64_t maxEntries = 100000;
};

class CodeStore {
 public:
  explicit CodeStore(std::filesystem::path root, UnpackLimits limits = {});

  /// Stores and unpacks a zip. An archive that cannot be read or is unsafe gives
  /// InvalidParameterValueException with the reason.
  Result<StoredCode> put(std::string_view zip);
  /// The zip file for a key (which must be a 64-char hex digest), or empty when absent.
  std::filesystem::path zipPath(std::string_view hex) const;
  /// The unpacked directory for a key, unpacking again if it went missing.
  Result<std::filesystem::path> unpacked(std::string_view hex);
  /// The bytes of the unpacked code's files (what AWS's 250 MB unzipped limit counts).
  Result<std::uint64_t> unpackedBytes(std::string_view hex);
  /// The directory mounted at /opt for these layers' zips (keys, in the function's order): the
  /// layer's own unpacked directory for one; for several, one directory made once per list by
  /// extracting each in turn over the last (a later layer's file replaces an earlier one's, as on
  /// Lambda), under the same checks and the 250 MB bound for all of them together.
  Result<std::filesystem::path> layered(const std::vector<std::string>& hexes);

 private:
  /// How an archive is extracted: into an empty directory (entries may not collide), or over
  /// earlier layers (a file or link replaces what was there, directories merge). `total` counts
  /// the bytes written across the calls that share it.
  struct Extraction {
    bool over = false;
    std::uint64_t total = 0;
    std::vector<std::string> links;  // every link made, checked once all archives are out
  };
  Status unpack(std::string_view zip, const std::filesystem::path& into, Extraction& how) const;
  /// Each link, followed through the links it meets, must still resolve inside `into`.
  static Status checkLinks(const std::filesystem::path& into, const std::vector<std::string>& links);
  /// Reads a stored zip (empty when absent).
  std::optional<std::string> readZip(std::string_view hex) const;

  std::filesystem::path root_;
  UnpackLimits limits_;
};

/// True for a 64-character lowercase hex string.
bool isSha256Hex(std::string_view s);

}  // namespace portico::functions
