#include "http/worker_loops.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace portico::http {

WorkerLoops::WorkerLoops(unsigned count) {
  for (unsigned i = 0; i < std::max(1u, count); ++i) {
    loops_.push_back(std::make_unique<boost::asio::io_context>(1));  // one thread each: no locking inside
  }
}

std::vector<boost::asio::io_context*> WorkerLoops::all() {
  std::vector<boost::asio::io_context*> out;
  for (auto& l : loops_) out.push_back(l.get());
  return out;
}

void runWhatIsLeft(const std::vector<boost::asio::io_context*>& loops) {
  int quiet = 0;
  for (int round = 0; round < 100 && quiet < 5; ++round) {
    std::size_t ran = 0;
    for (auto* loop : loops) {
      loop->restart();
      ran += loop->poll();
    }
    if (ran) {
      quiet = 0;
    } else {
      ++quiet;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // e.g. a killed runtime's pipes closing
    }
  }
}

}  // namespace portico::http
