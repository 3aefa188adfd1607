// IdGenerator: random identifiers shaped like AWS's (lowercase alphanumerics) and
// request ids (UUID v4 text). Injected, so tests can seed it; one per owner
// (the control plane has one, each data-plane worker has its own): not thread-safe.
#pragma once
#include <cstdint>
#include <random>
#include <string>

namespace portico {

class IdGenerator {
 public:
  IdGenerator() : rng_(std::random_device{}()) {}
  explicit IdGenerator(std::uint64_t seed) : rng_(seed) {}

  /// n characters from [a-z0-9], e.g. a REST API id "te6si5ach7".
  std::string alnum(std::size_t n) {
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string out(n, '0');
    for (auto& c : out) c = kAlphabet[rng_() % 36];
    return out;
  }
  /// A number drawn uniformly from [0, 1) (53 random bits).
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  /// A random UUID v4 in canonical text form.
  std::string uuid() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::uint64_t hi = rng_(), lo = rng_();
    hi = (hi & ~0xF000ULL) | 0x4000ULL;              // version 4
    lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);  // variant 10
    std::string out(36, '-');
    char* p = out.data();
    auto put = [&p](std::uint64_t word, int from, int to) {  // hex digits from..to-1 of word
      for (int i = from; i < to; ++i) *p++ = kHex[(word >> (60 - 4 * i)) & 0xF];
    };
    put(hi, 0, 8), ++p, put(hi, 8, 12), ++p, put(hi, 12, 16), ++p, put(lo, 0, 4), ++p, put(lo, 4, 16);
    return out;
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace portico
