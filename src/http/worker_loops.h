// WorkerLoops: the server's event loops, one per thread ("one event loop per core"). Made before
// anything that lives on a loop (upstream pools, the data plane's per-worker state), so those are
// built, through their constructors, before the server that serves them.
#pragma once
#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

namespace portico::http {

class WorkerLoops {
 public:
  explicit WorkerLoops(unsigned count);
  WorkerLoops(const WorkerLoops&) = delete;
  WorkerLoops& operator=(const WorkerLoops&) = delete;

  unsigned size() const { return static_cast<unsigned>(loops_.size()); }
  boost::asio::io_context& at(unsigned i) { return *loops_.at(i); }
  /// Every loop, for what must run what is left on them after they stopped.
  std::vector<boost::asio::io_context*> all();

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
};

/// Runs what is ready on stopped loops, round after round, until rounds find nothing for ~25 ms
/// (bounded: at most ~0.5 s), so that no coroutine is left owned by another loop's queue when the
/// loops are destroyed.
void runWhatIsLeft(const std::vector<boost::asio::io_context*>& loops);

}  // namespace portico::http
