// portico: the command line (app/serve_options.cpp): `serve` builds and runs everything
// (app/serve.cpp); `version`.
#include "app/serve_options.h"

int main(int argc, char** argv) {
  return portico::app::runCommandLine(argc, argv);
}
