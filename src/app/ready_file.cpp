#include "app/ready_file.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

namespace portico::app {

void writeReadyFile(const std::string& path, const std::string& admin, const std::string& data,
                    const std::string& tls) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    boost::json::object facts{{"admin", admin}, {"data", data}, {"pid", ::getpid()}};
    if (!tls.empty()) facts["tls"] = tls;  // absent with --tls-listen off
    out << boost::json::serialize(facts) << "\n";
    if (!out.flush()) {
      throw std::filesystem::filesystem_error("cannot write the ready file", tmp,
                                              std::make_error_code(std::errc::io_error));
    }
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace portico::app
