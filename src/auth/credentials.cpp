#include "auth/credentials.h"

#include <fstream>
#include <stdexcept>

namespace portico::auth {

void StaticCredentials::loadFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read credentials file " + file.string());
  std::string line;
  while (std::getline(in, line)) {
    auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    auto sep = line.find_first_of(" :\t", start);
    if (sep == std::string::npos) throw std::runtime_error("bad line in " + file.string() + ": no secret");
    auto secretStart = line.find_first_not_of(" :\t", sep);
    auto secretEnd = line.find_last_not_of(" \t\r");
    if (secretStart == std::string::npos) throw std::runtime_error("bad line in " + file.string());
    add(line.substr(start, sep - start), line.substr(secretStart, secretEnd - secretStart + 1));
  }
}

std::optional<std::string> StaticCredentials::secretFor(std::string_view accessKeyId) const {
  auto it = keys_.find(accessKeyId);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

}  // namespace portico::auth
