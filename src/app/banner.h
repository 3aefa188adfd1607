// The banner `portico serve` prints once it listens: where everything is and what to try.
#pragma once
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>

namespace portico::app {

struct BannerFacts {
  unsigned threads = 0;
  std::string adminAddress, dataAddress, tlsAddress;  // HOST:PORT as bound
  std::string dataDir;                                // absolute
  bool devCredentials = false;
  bool consoleBuilt = false;
  std::string consoleDir;  // where index.html was looked for
  std::string functions;   // the sandbox's description
  std::string runtimes;    // what the runtimes run on ("python3.9 … python3.14 on Python 3.11.2; ...")
  std::optional<std::string> demoApiId;
  std::size_t stages = 0;  // deployed stages being served
};

void printBanner(std::ostream& out, const BannerFacts& facts);

}  // namespace portico::app
