// Precompiled header for the heavy third-party headers (Boost.Asio/Beast/JSON).
// Only third-party headers belong here; Portico's own headers change too often.
#pragma once
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
