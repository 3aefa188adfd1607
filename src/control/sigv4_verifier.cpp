#include "control/sigv4_verifier.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>

#include "common/uri_encoding.h"

namespace portico::control {
namespace {

constexpr const char* kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
    "Key and signing method. Consult the service documentation for details.";

ApiError denied(std::string type, std::string message) {
  return ApiError{std::move(type), 403, std::move(message)};
}

std::string toHex(const unsigned char* p, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 0xF]);
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// All values of a header (case-insensitive name), in order.
std::vector<std::string> headerValues(const SigV4Request& req, std::string_view lowerName) {
  std::vector<std::string> out;
  for (auto& [k, v] : req.headers) {
    if (lower(k) == lowerName) out.push_back(v);
  }
  return out;
}

std::string canonicalUri(std::string_view path) {
  std::vector<std::string_view> kept;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (seg == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!seg.empty() && seg != ".") {
      kept.push_back(seg);
    }
    start = end + 1;
  }
  std::string out;
  for (auto seg : kept) out += "/" + percentEncode(seg);
  if (out.empty() || (path.size() > 1 && path.back() == '/')) out += "/";
  return out;
}

std::string canonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view part = query.substr(start, end - start);
    if (!part.empty()) {
      auto eq = part.find('=');
      std::string name = percentDecode(part.substr(0, eq));
      std::string value = eq == std::string_view::npos ? "" : percentDecode(part.substr(eq + 1));
      pairs.emplace_back(percentEncode(name), percentEncode(value));
    }
    start = end + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (auto& [k, v] : pairs) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

/// Parses "20150830T123600Z" as UTC.
std::optional<std::time_t> parseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  std::tm tm{};
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), mo = num(4, 2), d = num(6, 2), h = num(9, 2), mi = num(11, 2), se = num(13, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) {
    return std::nullopt;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  return timegm(&tm);
}

std::string formatAmzDate(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

std::string sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return toHex(md, len);
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string canonicalRequest(const SigV4Request& req, std::string_view signedHeaders) {
  std::string_view target = req.target;
  auto q = target.find('?');
  std::string out(req.method);
  out += '\n';
  out += canonicalUri(target.substr(0, q));
  out += '\n';
  out += q == std::string_view::npos ? "" : canonicalQuery(target.substr(q + 1));
  out += '\n';
  std::size_t start = 0;
  while (start < signedHeaders.size()) {
    std::size_t end = signedHeaders.find(';', start);
    if (end == std::string_view::npos) end = signedHeaders.size();
    std::string name(signedHeaders.substr(start, end - start));
    std::string joined;
    for (auto& v : headerValues(req, name)) {
      std::string collapsed;
      for (char c : trim(v)) {
        if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
        collapsed.push_back(c);
      }
      if (!joined.empty()) joined += ',';
      joined += collapsed;
    }
    out += name + ":" + joined + "\n";
    start = end + 1;
  }
  out += '\n';
  out += signedHeaders;
  out += '\n';
  auto declared = headerValues(req, "x-amz-content-sha256");
  bool signedHash = (";" + std::string(signedHeaders) + ";").find(";x-amz-content-sha256;") != std::string::npos;
  out += (signedHash && !declared.empty()) ? declared.front() : sha256Hex(req.body);
  return out;
}

Result<SigV4Identity> verifySigV4(const SigV4Request& req, const CredentialSource& creds, const Clock& clock) {
  auto auth = headerValues(req, "authorization");
  if (auth.empty()) return denied("MissingAuthenticationTokenException", "Missing Authentication Token");
  std::string_view header = trim(auth.front());
  constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
  auto space = header.find(' ');
  std::string_view algorithm = header.substr(0, space);
  if (algorithm != kAlgorithm) {
    return denied("IncompleteSignatureException", "Unsupported AWS 'algorithm': " + std::string(algorithm));
  }
  std::string credential, signedHeaders, signature;
  std::string_view rest = space == std::string_view::npos ? std::string_view() : header.substr(space + 1);
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view part = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view k = part.substr(0, eq), v = part.substr(eq + 1);
    if (k == "Credential") credential = v;
    if (k == "SignedHeaders") signedHeaders = v;
    if (k == "Signature") signature = v;
  }
  std::string missing;
  if (credential.empty()) missing += "Authorization header requires 'Credential' parameter. ";
  if (signature.empty()) missing += "Authorization header requires 'Signature' parameter. ";
  if (signedHeaders.empty()) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) {
    return denied("IncompleteSignatureException", missing + "Authorization=" + std::string(header));
  }
  // Credential = KEY/DATE/REGION/SERVICE/aws4_request
  std::vector<std::string> scope;
  std::size_t start = 0;
  for (;;) {
    auto slash = credential.find('/', start);
    scope.push_back(credential.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (scope.size() != 5 || scope[4] != "aws4_request") {
    return denied("IncompleteSignatureException", "Credential should be scoped to a valid region, not '" +
                                                      (scope.size() > 2 ? scope[2] : "") +
                                                      "'. Authorization=" + std::string(header));
  }
  auto dates = headerValues(req, "x-amz-date");
  if (dates.empty()) dates = headerValues(req, "date");
  if (dates.empty()) {
    return denied("IncompleteSignatureException",
                  "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
                  "Authorization=" +
                      std::string(header));
  }
  std::string amzDate(trim(dates.front()));
  auto when = parseAmzDate(amzDate);
  if (!when || amzDate.compare(0, 8, scope[1]) != 0) {
    return denied("InvalidSignatureException",
                  "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                  "version of date from HTTP: '" +
                      scope[1] + "' != '" + amzDate.substr(0, 8) + "'");
  }
  auto secret = creds.secretFor(scope[0]);
  if (!secret) return denied("UnrecognizedClientException", "The security token included in the request is invalid.");

  std::time_t now = std::chrono::system_clock::to_time_t(clock.now());
  constexpr std::time_t kWindow = 15 * 60;
  if (*when < now - kWindow) {
    return denied("InvalidSignatureException", "Signature expired: " + amzDate + " is now earlier than " +
                                                   formatAmzDate(now - kWindow) + " (" + formatAmzDate(now) +
                                                   " - 15 min.)");
  }
  if (*when > now + kWindow) {
    return denied("InvalidSignatureException", "Signature not yet current: " + amzDate + " is still later than " +
                                                   formatAmzDate(now + kWindow) + " (" + formatAmzDate(now) +
                                                   " + 15 min.)");
  }
  std::string stringToSign = std::string(kAlgorithm) + "\n" + amzDate + "\n" + scope[1] + "/" + scope[2] + "/" +
                             scope[3] + "/aws4_request\n" + sha256Hex(canonicalRequest(req, signedHeaders));
  std::string key = hmacSha256("AWS4" + *secret, scope[1]);
  key = hmacSha256(key, scope[2]);
  key = hmacSha256(key, scope[3]);
  key = hmacSha256(key, "aws4_request");
  std::string raw = hmacSha256(key, stringToSign);
  std::string expected = toHex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  if (expected.size() != signature.size() || CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) != 0) {
    return denied("InvalidSignatureException", kMismatch);
  }
  return SigV4Identity{scope[0], scope[2], scope[3]};
}

}  // namespace portico::control
