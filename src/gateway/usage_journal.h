// UsageJournal: the write-ahead log of requests counted against usage plans, so that a count
// survives a crash (kill -9) between QuotaCounters' flushes to the store.
//
// Each counted request appends one line ("plan\tkey\tday\n", one write(2) to an O_APPEND file)
// before it is answered: the page cache keeps it when the process dies. Files are numbered
// (usage-<generation>.journal); a flush rotates to a new one, writes the counts to the store
// together with the generation it covers, then deletes the files that are now in the store. At
// start, files newer than the stored generation are replayed. A request counted while a flush
// runs may be counted twice after a crash (never not at all): quotas err on the safe side.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string_view>

namespace portico::gateway {

class UsageJournal {
 public:
  /// Opens (making it if needed) the journal directory. Throws std::system_error when it cannot.
  explicit UsageJournal(std::filesystem::path dir);
  ~UsageJournal();
  UsageJournal(const UsageJournal&) = delete;
  UsageJournal& operator=(const UsageJournal&) = delete;

  /// Calls `record` for each line of every file with a generation above `after`, oldest first;
  /// returns the highest generation seen (or `after`). Then writes go to a generation above it.
  std::uint64_t replay(
      std::uint64_t after,
      const std::function<void(std::string_view plan, std::string_view key, std::string_view day)>& record);
  /// Appends one counted request. Thread-safe. False when the write failed (the caller decides).
  bool append(std::string_view plan, std::string_view key, std::string_view day);
  /// Closes the current file (if anything was written to it) and starts the next; returns the
  /// highest generation that is complete (every later append goes to a newer one).
  std::uint64_t rotate();
  /// Deletes the files of generations up to and including `generation`.
  void discardUpTo(std::uint64_t generation);

 private:
  std::filesystem::path fileOf(std::uint64_t generation) const;
  bool openCurrent();

  std::filesystem::path dir_;
  std::mutex mu_;  // guards the fields below
  int fd_ = -1;
  std::uint64_t current_ = 1;
  bool written_ = false;
};

}  // namespace portico::gateway
