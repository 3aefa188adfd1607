// Request framing checks beyond what the HTTP parser enforces (RFC 9112), so that Portico and a
// proxy in front of it or a backend behind it never disagree on where a request ends:
//
// - Transfer-Encoding: only `chunked`, once, as the final coding. A final coding that is not
//   chunked (`xchunked`, `"chunked"`, `chunked, identity`), `chunked` twice, or a malformed list
//   → 400 and close (§6.1); another known coding before chunked (`gzip, chunked`) → 501.
//   Transfer-Encoding together with Content-Length → 400 (§6.3: a smuggling signature).
// - An obs-folded header line → 400 (§5.2).
// - Host: more than one → 400; none on HTTP/1.1 → 400 (§3.2).
// - A chunk-size line or chunk end terminated by a bare LF → 400 at once (the parser would wait
//   for a CR until the request timeout).
#pragma once
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <optional>
#include <string_view>

namespace portico::http {

struct FramingRefusal {
  int status;  // 400 or 501
  std::string_view message;
};

/// Checks a parsed request head; `rawHead` is its bytes as received (request line to the blank line).
std::optional<FramingRefusal> checkRequestHead(const boost::beast::http::request_header<>& head,
                                               std::string_view rawHead);

/// Whether the unparsed input of a chunked body (which starts at a chunk-size line, a chunk's
/// closing CRLF or the trailer) has a line ended by a bare LF.
bool hasBareLineFeed(std::string_view pending);

}  // namespace portico::http
