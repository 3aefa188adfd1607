#include "gateway/usage_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "common/parse_number.h"

namespace portico::gateway {
namespace fs = std::filesystem;

namespace {

/// The generation in "usage-<n>.journal", or 0.
std::uint64_t generationOf(const fs::path& p) {
  std::string name = p.filename().string();
  constexpr std::string_view kPrefix = "usage-", kSuffix = ".journal";
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return 0;
  std::string_view digits(name.data() + kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  return parseNumber<std::uint64_t>(digits).value_or(0);
}

}  // namespace

UsageJournal::UsageJournal(fs::path dir) : dir_(std::move(dir)) {
  fs::create_directories(dir_);
}

UsageJournal::~UsageJournal() {
  if (fd_ >= 0) ::close(fd_);
}

fs::path UsageJournal::fileOf(std::uint64_t generation) const {
  return dir_ / ("usage-" + std::to_string(generation) + ".journal");
}

bool UsageJournal::openCurrent() {
  if (fd_ >= 0) return true;
  fd_ = ::open(fileOf(current_).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  return fd_ >= 0;
}

std::uint64_t UsageJournal::replay(
    std::uint64_t after, const std::function<void(std::string_view, std::string_view, std::string_view)>& record) {
  std::vector<std::uint64_t> generations;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    if (std::uint64_t g = generationOf(it->path()); g > after) generations.push_back(g);
  }
  std::sort(generations.begin(), generations.end());
  std::uint64_t highest = after;
  for (std::uint64_t g : generations) {
    std::ifstream in(fileOf(g));
    std::string line;
    while (std::getline(in, line)) {
      auto t1 = line.find('\t');
      auto t2 = t1 == std::string::npos ? std::string::npos : line.find('\t', t1 + 1);
      if (t2 == std::string::npos || in.eof()) continue;  // a torn last line (no newline) is no record
      std::string_view view(line);
      record(view.substr(0, t1), view.substr(t1 + 1, t2 - t1 - 1), view.substr(t2 + 1));
    }
    highest = g;
  }
  std::lock_guard lock(mu_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  current_ = highest + 1;
  written_ = false;
  return highest;
}

bool UsageJournal::append(std::string_view plan, std::string_view key, std::string_view day) {
  std::string line;
  line.reserve(plan.size() + key.size() + day.size() + 3);
  line.append(plan).append(1, '\t').append(key).append(1, '\t').append(day).append(1, '\n');
  std::lock_guard lock(mu_);
  if (!openCurrent()) return false;
  written_ = true;
  return ::write(fd_, line.data(), line.size()) == static_cast<ssize_t>(line.size());
}

std::uint64_t UsageJournal::rotate() {
  std::lock_guard lock(mu_);
  if (!written_) return current_ - 1;  // nothing new since the last rotation: no new file
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  written_ = false;
  return current_++;
}

void UsageJournal::discardUpTo(std::uint64_t generation) {
  std::error_code ec;
  std::vector<fs::path> old;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    if (std::uint64_t g = generationOf(it->path()); g > 0 && g <= generation) old.push_back(it->path());
  }
  for (const auto& p : old) fs::remove(p, ec);
}

}  // namespace portico::gateway
