#include "common/iso_time.h"

#include <ctime>

namespace portico {

std::string isoMillis(std::chrono::system_clock::time_point t, std::string_view zone) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms % 1000));
  std::string out(buf, n);
  out += frac;
  out += zone;
  return out;
}

}  // namespace portico
