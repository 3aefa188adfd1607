// fetchDocument: one GET of a small document through the upstream pool (UpstreamPool: http or
// https, the peer's certificate verified against the system's CAs, which OpenSSL's SSL_CERT_FILE /
// SSL_CERT_DIR can point elsewhere, and the URL's host), bounded by a timeout and a size limit.
// For configuration Portico reads from the network (a user pool's JWKS), never for request traffic.
// startFetch runs one on the pool of the loop that asks and hands the result to a callback, for
// callers below http/ that take a plain function (auth::UserPoolKeys).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"

namespace portico::http {

class UpstreamPool;

/// The body of a 200 answer to GET url (at most maxBytes), or an ApiError (type "FetchError", 502)
/// naming what failed. Must run on pool's loop; url must stay alive until it completes.
boost::asio::awaitable<Result<std::string>> fetchDocument(UpstreamPool& pool, const std::string& url,
                                                          std::chrono::milliseconds timeout,
                                                          std::size_t maxBytes = 1024 * 1024);

/// Starts fetchDocument on the pool whose loop runs the calling thread (pools[0]'s when none does)
/// and returns at once; `done` gets the result on that loop. The pools must outlive the fetch.
void startFetch(const std::vector<UpstreamPool*>& pools, std::string url, std::chrono::milliseconds timeout,
                std::size_t maxBytes, std::function<void(Result<std::string>)> done);

}  // namespace portico::http
