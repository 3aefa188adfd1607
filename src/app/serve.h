// `portico serve`: everything between the parsed options and the process's exit status.
#pragma once
#include "app/serve_options.h"

namespace portico::app {

/// Runs Portico until SIGTERM/SIGINT (then drains); the exit status. Throws on a setup failure.
int serve(const ServeOptions& options);

}  // namespace portico::app
