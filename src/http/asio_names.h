// The short names the .cpp files of http/ use for Boost.Asio and Beast, in one place rather than
// at the top of each. Include it from .cpp files only: a header of the folder spells the names
// out, so that including it brings no aliases into a caller's namespace.
#pragma once

namespace boost::asio {}
namespace boost::beast::http {}

namespace portico::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
}  // namespace portico::http
