#include "control/acm/local_ca.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace portico::control::acm {
namespace {

std::optional<std::string> readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Writes text to path with the given mode (created exclusively: a racing writer loses).
bool writeFile(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  return ok;
}

}  // namespace

Result<auth::IssuedCertificate> LocalCa::authority(std::int64_t now) {
  std::lock_guard lock(mu_);
  if (loaded_) return *loaded_;
  const auto certPath = dir_ / "ca.pem", keyPath = dir_ / "ca-key.pem";
  auto cert = readFile(certPath), key = readFile(keyPath);
  if (!cert || !key) {
    auto made = auth::selfSigned({{"O", "Portico"}, {"CN", "Portico Local Certificate Authority"}}, 3650, now,
                                 auth::CertificateUse::kCertificateAuthority);
    if (!made) return made.takeError();
    std::error_code ignored;
    std::filesystem::remove(certPath, ignored);
    std::filesystem::remove(keyPath, ignored);
    if (!writeFile(keyPath, made->privateKeyPem, 0600) || !writeFile(certPath, made->certificatePem, 0644)) {
      return ApiError::internal("Could not write the local certificate authority to " + dir_.string());
    }
    cert = made->certificatePem;
    key = made->privateKeyPem;
  }
  loaded_ = auth::IssuedCertificate{*cert, *key};
  return *loaded_;
}

Result<auth::IssuedCertificate> LocalCa::issue(const std::vector<std::string>& names, std::int64_t now) {
  auto ca = authority(now);
  if (!ca) return ca.takeError();
  return auth::issueServerCertificate(ca->certificatePem, ca->privateKeyPem, names, 395, now);
}

}  // namespace portico::control::acm
