// The upstream client's HTTP/1.1 response codec: a Beast parser whose string body grows as bytes
// arrive (nothing reserved from the announced length), fed from a buffer as reads fill it rather
// than by a composed read, and the framing decisions taken from what it has parsed: the length
// the response declared, and whether it goes back before its body is complete (RelayMode). No I/O
// here: upstream_pool reads the bytes and hands them over.
#pragma once
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/optional/optional.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace portico::http {

/// Which responses may come back before their body is complete (the body read so far in the
/// response, the rest as a BodyStream). Bodies complete within the first reads always come whole.
enum class RelayMode {
  kNone,   // always read whole (up to the size limit)
  kSized,  // a body with a Content-Length within the size limit may be relayed; others are read whole
  kAny,    // any body may be relayed, with no size limit
};

/// A string body whose reader appends what arrives without reserving the announced length: a
/// relayed body may be far larger than what is ever held at once.
struct AppendBody {
  using value_type = std::string;
  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}
    void init(const boost::optional<std::uint64_t>&, boost::beast::error_code& ec) { ec = {}; }
    template <class Buffers>
    std::size_t put(const Buffers& buffers, boost::beast::error_code& ec) {
      const std::size_t n = boost::asio::buffer_size(buffers);
      const std::size_t at = body_.size();
      body_.resize(at + n);
      boost::asio::buffer_copy(boost::asio::buffer(body_.data() + at, n), buffers);
      ec = {};
      return n;
    }
    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};
using ResponseParser = boost::beast::http::response_parser<AppendBody>;

/// The parser for the response to one request: a 64 KiB head, a body of at most maxBody bytes
/// (no limit for RelayMode::kAny, whose bodies are relayed, not held), and no body after a HEAD.
std::unique_ptr<ResponseParser> makeResponseParser(bool headRequest, RelayMode relay, std::size_t maxBody);

/// Feeds what is buffered to the parser, consuming what it takes. Stops when the response is
/// complete (bytes after it stay in buf) or the parser needs more input (an incomplete line or
/// chunk header stays in buf until more arrives). Returns the error, if any (need_more is not one).
boost::beast::error_code parseBuffered(boost::beast::flat_buffer& buf, ResponseParser& parser);

/// The Content-Length the response declared (the parser has validated it), if any; nullopt for a
/// chunked response.
std::optional<std::uint64_t> announcedLength(const ResponseParser& parser);

/// Whether a response whose head is in but whose body is not complete is handed back now, the rest
/// relayed (see RelayMode). Bodies that will not take more than a small buffer are read whole.
bool relayNow(const ResponseParser& parser, RelayMode relay);

}  // namespace portico::http
