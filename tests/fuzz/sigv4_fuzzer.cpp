// libFuzzer target: verifySigV4 (Authorization header parsing, scope, date and canonical request) over a request
// read from the input; byte 0 picks head-only, key cache, required scope and whether the harness signs it itself.
// Invariants: refusals are the documented 403s; a request the harness signed verifies (again from the cache).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4_verifier.h"
#include "common/digest.h"

namespace {

using portico::auth::SigV4Identity;
using portico::auth::SigV4Request;

// 2015-08-30T12:36:00Z, the date of the AWS documentation's examples.
constexpr std::string_view kAmzDate = "20150830T123600Z";
constexpr std::string_view kRegion = "us-east-1";
constexpr std::string_view kService = "apigateway";

class FixedClock final : public portico::Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::sys_days{std::chrono::year{2015} / 8 / 30} + std::chrono::hours{12} + std::chrono::minutes{36};
  }
};

class Keys final : public portico::auth::CredentialSource {
 public:
  std::optional<std::string> secretFor(std::string_view id) const override {
    if (id == "AKIDEXAMPLE") return "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    if (id == "test") return "test";
    return std::nullopt;
  }
};

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

std::string_view trimmed(std::string_view s) {
  constexpr std::string_view kSpaces = " \t\r\n";
  const std::size_t first = s.find_first_not_of(kSpaces);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpaces) - first + 1);
}

// "METHOD TARGET", then "Name: value" lines up to an empty one, then the body.
SigV4Request readRequest(std::string_view text) {
  SigV4Request req;
  auto nextLine = [&]() {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };
  const std::string_view first = nextLine();
  const std::size_t space = first.find(' ');
  req.method = first.substr(0, space);
  req.target = space == std::string_view::npos ? std::string_view("/") : first.substr(space + 1);
  while (!text.empty()) {
    const std::string_view line = nextLine();
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    req.headers.emplace_back(std::string(line.substr(0, colon)),
                             colon == std::string_view::npos ? std::string() : std::string(line.substr(colon + 1)));
  }
  req.body = text;
  return req;
}

const std::string* header(const SigV4Request& req, std::string_view name) {
  for (const auto& [k, v] : req.headers) {
    if (lowered(k) == name) return &v;
  }
  return nullptr;
}

// Signs `req` as a client would, from the fixed date: X-Amz-Date and an Authorization header (both put first)
// that sign every header whose name can be listed in SignedHeaders.
void signRequest(SigV4Request& req, std::string_view accessKey) {
  std::string signedHeaders = "x-amz-date";
  for (const auto& [name, value] : req.headers) {
    if (name.empty() || name.find_first_of(" \t\r\n;,") != std::string::npos || lowered(name) == "authorization") {
      continue;
    }
    signedHeaders += ';' + lowered(name);
  }
  req.headers.insert(req.headers.begin(), {{"Authorization", ""}, {"X-Amz-Date", std::string(kAmzDate)}});
  const std::string scope =
      std::string(kAmzDate.substr(0, 8)) + '/' + std::string(kRegion) + '/' + std::string(kService) + "/aws4_request";
  const std::string toSign = "AWS4-HMAC-SHA256\n" + std::string(kAmzDate) + '\n' + scope + '\n' +
                             portico::sha256Hex(portico::auth::canonicalRequest(req, signedHeaders));
  std::string key = portico::hmacSha256("AWS4" + *Keys().secretFor(accessKey), kAmzDate.substr(0, 8));
  for (std::string_view part : {kRegion, kService, std::string_view("aws4_request")}) {
    key = portico::hmacSha256(key, part);
  }
  req.headers.front().second = "AWS4-HMAC-SHA256 Credential=" + std::string(accessKey) + '/' + scope +
                               ", SignedHeaders=" + signedHeaders +
                               ", Signature=" + portico::hexEncode(portico::hmacSha256(key, toSign));
}

portico::Result<SigV4Identity> verify(const SigV4Request& req, portico::auth::SigningKeyCache* cache) {
  static const Keys keys;
  static const FixedClock clock;
  auto result = portico::auth::verifySigV4(req, keys, clock, cache);
  if (result) {
    if (result->accessKeyId != "AKIDEXAMPLE" && result->accessKeyId != "test") __builtin_trap();
    if (!req.region.empty() && result->region != req.region) __builtin_trap();
    if (!req.service.empty() && result->service != req.service) __builtin_trap();
    if (!header(req, "authorization")) __builtin_trap();
  } else {
    const portico::ApiError& e = result.error();
    if (e.status != 403 ||
        (e.type != "MissingAuthenticationTokenException" && e.type != "IncompleteSignatureException" &&
         e.type != "UnrecognizedClientException" && e.type != "InvalidSignatureException")) {
      __builtin_trap();
    }
    if (!header(req, "authorization") && e.type != "MissingAuthenticationTokenException" &&
        e.type != "IncompleteSignatureException") {
      __builtin_trap();
    }
  }
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  SigV4Request req = readRequest(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  req.headOnly = flags & 0x01;
  portico::auth::SigningKeyCache cache;
  portico::auth::SigningKeyCache* keys = flags & 0x02 ? &cache : nullptr;
  if (flags & 0x04) {
    req.region = kRegion;
    req.service = kService;
  }
  const bool signHere = flags & 0x08;
  if (signHere) signRequest(req, flags & 0x10 ? "test" : "AKIDEXAMPLE");

  auto result = verify(req, keys);
  if (signHere) {
    // Correctly signed: only a signed x-amz-content-sha256 that is not the body's hash may be refused.
    const std::string* declared = header(req, "x-amz-content-sha256");
    const bool badHash = !req.headOnly && declared && trimmed(*declared) != portico::sha256Hex(req.body);
    if (result.ok() == badHash) __builtin_trap();
  }
  if (!result) return 0;
  auto again = verify(req, keys);  // from the cache, when there is one
  if (!again || again->accessKeyId != result->accessKeyId || again->region != result->region ||
      again->service != result->service) {
    __builtin_trap();
  }
  if (!req.headOnly) {
    SigV4Request head = req;  // what passes with the body passes before it is read
    head.headOnly = true;
    if (!verify(head, nullptr)) __builtin_trap();
  }
  if (signHere && !req.headOnly) {
    std::string& auth = req.headers.front().second;  // ours, ending with the signature's last hex digit
    auth.back() = auth.back() == '0' ? '1' : '0';
    if (verify(req, keys)) __builtin_trap();
  }
  return 0;
}
