// portico: the command line. `serve` builds and runs everything (app/serve.cpp); `version`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/serve.h"
#include "app/serve_options.h"

int main(int argc, char** argv) {
  CLI::App app{"Portico: a self-hosted, AWS-compatible API Gateway and Lambda platform"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("portico ") + PORTICO_VERSION);

  portico::app::ServeOptions opt;
  auto* serveCmd = app.add_subcommand("serve", "Run the management API and the data plane");
  portico::app::addServeOptions(*serveCmd, opt);

  auto* versionCmd = app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);
  if (versionCmd->parsed()) {
    std::cout << "portico " << PORTICO_VERSION << "\n";
    return 0;
  }
  try {
    return portico::app::serve(opt);
  } catch (const std::exception& e) {
    std::cerr << "portico: " << e.what() << "\n";
    return 1;
  }
}
