#include "control/console/console_sessions.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "common/digest.h"
#include "common/parse_number.h"

namespace portico::control::console {
namespace {

std::optional<std::string> hexDecode(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::vector<std::string_view> splitDots(std::string_view s) {
  std::vector<std::string_view> parts;
  while (true) {
    auto dot = s.find('.');
    parts.push_back(s.substr(0, dot));
    if (dot == std::string_view::npos) return parts;
    s.remove_prefix(dot + 1);
  }
}

}  // namespace

ConsoleSessions::ConsoleSessions(const auth::CredentialSource& credentials, const Clock& clock, std::string signingKey)
    : credentials_(credentials), clock_(clock), key_(std::move(signingKey)) {
  if (key_.size() < 32) throw std::invalid_argument("console signing key too short");
}

std::string ConsoleSessions::loadOrCreateKey(const std::filesystem::path& file) {
  if (std::ifstream in(file, std::ios::binary); in) {
    std::ostringstream stored;
    stored << in.rdbuf();
    if (stored.str().size() >= 32) return stored.str();
  }
  std::string key = randomBytes(32);
  auto tmp = file;
  tmp += ".tmp";
  // Created 0600 from the start: the key must never be readable by others, even briefly.
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp.string());
  bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
  ::fchmod(fd, 0600);
  written = ::close(fd) == 0 && written;
  if (!written) throw std::runtime_error("cannot write " + tmp.string());
  std::filesystem::rename(tmp, file);
  return key;
}

std::string ConsoleSessions::mac(std::string_view purpose, std::string_view data) const {
  std::string input(purpose);
  input += '\n';
  input += data;
  return hexEncode(hmacSha256(key_, input));
}

Session ConsoleSessions::make(std::string accessKeyId, std::chrono::system_clock::time_point expires,
                              std::string nonce) const {
  Session s;
  auto expirySeconds = std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  std::string payload = hexEncode(accessKeyId) + "." + std::to_string(expirySeconds) + "." + nonce;
  s.token = payload + "." + mac("session", payload);
  s.csrfToken = mac("csrf", nonce);
  s.accessKeyId = std::move(accessKeyId);
  s.expires = expires;
  return s;
}

std::optional<Session> ConsoleSessions::login(std::string_view accessKeyId, std::string_view secret) const {
  auto expected = credentials_.secretFor(accessKeyId);
  // Compare against something even for unknown keys, so timing does not tell which keys exist.
  std::string against = expected ? *expected : std::string(secret.size() + 1, '\0');
  if (!constantTimeEquals(against, secret) || !expected) return std::nullopt;
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(clock_.now());
  return make(std::string(accessKeyId), now + kLifetime, hexEncode(randomBytes(16)));
}

std::optional<Session> ConsoleSessions::verify(std::string_view token) const {
  auto parts = splitDots(token);
  if (parts.size() != 4 || token.size() > 1024) return std::nullopt;
  std::string payload(token.substr(0, token.size() - parts[3].size() - 1));
  if (!constantTimeEquals(mac("session", payload), parts[3])) return std::nullopt;
  auto keyId = hexDecode(parts[0]);
  auto expiry = parseNumber<long long>(parts[1]);
  if (!expiry) return std::nullopt;
  auto expires = std::chrono::system_clock::time_point(std::chrono::seconds(*expiry));
  auto now = clock_.now();
  if (!keyId || expires <= now || !credentials_.secretFor(*keyId)) return std::nullopt;
  std::string nonce(parts[2]);
  {
    std::lock_guard lock(mu_);
    if (revoked_.contains(nonce)) return std::nullopt;
  }
  return make(std::move(*keyId), expires, std::move(nonce));
}

void ConsoleSessions::revoke(const Session& session) const {
  auto parts = splitDots(session.token);
  if (parts.size() != 4) return;
  std::lock_guard lock(mu_);
  auto now = clock_.now();
  std::erase_if(revoked_, [&](const auto& entry) { return entry.second <= now; });
  revoked_[std::string(parts[2])] = session.expires;
}

std::optional<std::string_view> cookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return std::nullopt;
}

}  // namespace portico::control::console
