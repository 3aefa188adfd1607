// fetchUrl: one blocking GET of a small document over HTTP or HTTPS (peer verified against the
// system's CA store, which OpenSSL's SSL_CERT_FILE / SSL_CERT_DIR can point elsewhere), bounded by
// a timeout and a size limit. For configuration Portico reads from the network (a user pool's
// JWKS), never for request traffic.
#pragma once
#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"

namespace portico::http {

/// The body of a 200 answer to GET url; an ApiError (type "FetchError") naming what failed.
Result<std::string> fetchUrl(std::string_view url, std::chrono::milliseconds timeout,
                             std::size_t maxBytes = 1024 * 1024);

}  // namespace portico::http
