#include "http/fetch_document.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <exception>

#include "http/asio_names.h"
#include "http/http_url.h"
#include "http/upstream_pool.h"

namespace portico::http {
namespace {

ApiError failure(std::string message) {
  return ApiError{"FetchError", 502, std::move(message)};
}

}  // namespace

asio::awaitable<Result<std::string>> fetchDocument(UpstreamPool& pool, const std::string& url,
                                                   std::chrono::milliseconds timeout, std::size_t maxBytes) {
  auto parsed = parseHttpUrl(url);
  if (!parsed) co_return failure("not an http or https URL: " + url);
  UpstreamTarget target{parsed->host, parsed->port, parsed->tls};
  Request req{bhttp::verb::get, parsed->target, 11};
  req.set(bhttp::field::host, parsed->hostHeader);
  req.set(bhttp::field::user_agent, "portico/" PORTICO_VERSION);
  req.set(bhttp::field::accept, "application/json");
  UpstreamOutcome outcome = co_await pool.send(target, req, timeout, RelayMode::kNone, maxBytes);
  if (!outcome) {
    const UpstreamError& err = outcome.error();
    if (err.kind == UpstreamErrorKind::kTimeout) {
      co_return failure("timed out after " + std::to_string(timeout.count()) + " ms fetching " + url);
    }
    if (err.kind == UpstreamErrorKind::kTooLarge) {
      co_return failure("the answer from " + url + " is over " + std::to_string(maxBytes) + " bytes");
    }
    co_return failure("fetching " + url + " failed: " + err.detail);
  }
  Response& res = outcome->response;
  if (res.result() != bhttp::status::ok) co_return failure(url + " answered " + std::to_string(res.result_int()));
  co_return std::move(res.body());
}

void startFetch(const std::vector<UpstreamPool*>& pools, std::string url, std::chrono::milliseconds timeout,
                std::size_t maxBytes, std::function<void(Result<std::string>)> done) {
  if (pools.empty()) {
    done(failure("no upstream pool to fetch " + url + " with"));
    return;
  }
  UpstreamPool* pool = pools.front();
  for (UpstreamPool* p : pools) {
    if (p->executor().running_in_this_thread()) pool = p;
  }
  // The function object lives in the spawned coroutine's frame until it ends.
  asio::co_spawn(
      pool->executor(),
      [pool, url = std::move(url), timeout, maxBytes, done = std::move(done)]() -> asio::awaitable<void> {
        Result<std::string> body = failure("fetching " + url + " failed");
        try {
          body = co_await fetchDocument(*pool, url, timeout, maxBytes);
        } catch (const std::exception& e) {
          body = failure("fetching " + url + " failed: " + e.what());
        }
        done(std::move(body));
      },
      asio::detached);
}

}  // namespace portico::http
