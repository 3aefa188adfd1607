// A connection's life on its worker loop: requests read one after another (keep-alive,
// pipelining), each handed to the listener's handler once read whole, and the reply framed for the
// request and written, or relayed while its body still arrives. A refused request is answered and
// the connection closed. Worker is what a loop knows of its connections, for shedding idle ones
// and for the drain.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <list>
#include <string>

#include "common/id_generator.h"
#include "http/listener_load.h"
#include "http/server.h"

namespace portico::http {

/// One connection as the worker sees it: the socket (to cut idle connections at shutdown or to
/// make room) and whether a request is in flight.
struct SessionSlot {
  boost::asio::ip::tcp::socket* socket = nullptr;
  bool busy = false;
  ListenerLoad* load = nullptr;  // the listener it came on
};

struct Worker {
  explicit Worker(boost::asio::io_context& loop) : ioc(loop) {}
  boost::asio::io_context& ioc;     // borrowed from the WorkerLoops
  std::list<SessionSlot> sessions;  // touched only on this worker's thread
  bool draining = false;            // ditto
  IdGenerator ids;                  // x-amzn-RequestId of the replies the server makes itself; ditto
};

/// Serves the connection on `socket` (accepted on worker's loop, counted open in `load`) until it
/// ends, then closes it and forgets its slot; the caller still holds its place in load's counts of
/// open connections and of connections per client.
boost::asio::awaitable<void> serveConnection(boost::asio::ip::tcp::socket& socket, const ListenerSpec& spec,
                                             Worker& worker, unsigned workerIndex, ListenerLoad& load,
                                             const std::string& client);

}  // namespace portico::http
