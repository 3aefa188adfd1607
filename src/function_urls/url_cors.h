// CORS for a function URL, as Lambda applies a URL's Cors settings: it answers preflight requests
// itself (the function is not invoked) and puts the CORS headers on the function's responses,
// replacing any the function set; an origin the settings do not allow gets none.
// https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors
#pragma once
#include <optional>

#include "function_urls/url_config.h"
#include "http/handler.h"

namespace portico::function_urls {

/// True for a CORS preflight: OPTIONS with Origin and Access-Control-Request-Method.
bool isPreflight(const http::Request& req);

/// The answer to a preflight under `cors`: 200 with the allowed origin, methods, headers and max
/// age when the origin, method and headers asked for are allowed, else 200 without them.
http::Response preflightResponse(const UrlCors& cors, const http::Request& req);

/// Sets the CORS headers of an actual response (the request's Origin allowed), removing the
/// function's own Access-Control-* headers.
void applyCors(const UrlCors& cors, const http::Request& req, http::Response& res);

}  // namespace portico::function_urls
