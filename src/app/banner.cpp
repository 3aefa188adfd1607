#include "app/banner.h"

namespace portico::app {

void printBanner(std::ostream& out, const BannerFacts& f) {
  out << "Portico " << PORTICO_VERSION << " is running (" << f.threads << " worker threads)\n"
      << "  Management API (apigateway, lambda): http://" << f.adminAddress << "\n"
      << "  Data plane (deployed stages):    http://" << f.dataAddress << "\n"
      << "  Custom domain names over TLS:    "
      << (f.tlsAddress.empty() ? "off (--tls-listen off)" : "https://" + f.tlsAddress + " (SNI picks the domain)")
      << "\n"
      << "  Data dir:                        " << f.dataDir << "\n";
  if (f.devCredentials) out << "  Dev credentials:                 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test\n";
  out << "  Web console:                     http://" << f.adminAddress << "/console/"
      << (f.consoleBuilt ? " (log in with an access key id and secret)"
                         : " (not built: no index.html in " + f.consoleDir + ")")
      << "\n";
  out << "  Functions:                       " << f.functions << "\n";
  if (!f.runtimes.empty()) out << "  Runtimes:                        " << f.runtimes << "\n";
  out << "  Try: aws --endpoint-url http://" << f.adminAddress << " apigateway get-rest-apis\n"
      << "       aws --endpoint-url http://" << f.adminAddress << " lambda list-functions\n";
  if (f.demoApiId) {
    out << "  Demo API:                        curl http://" << f.dataAddress << "/restapis/" << *f.demoApiId
        << "/demo/_user_request_/hello\n";
  }
  out << "  Serving " << f.stages << " deployed stage(s). Stop with Ctrl-C (SIGTERM drains).\n" << std::flush;
}

}  // namespace portico::app
