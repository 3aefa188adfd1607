#include "http/listeners.h"

#include <boost/asio/ip/address.hpp>

namespace portico::http {
using boost::asio::ip::tcp;

Listeners::Listeners(WorkerLoops& loops, const std::vector<ListenAddress>& addresses) {
  for (const auto& a : addresses) {
    auto acceptor = std::make_unique<tcp::acceptor>(loops.at(0));
    tcp::endpoint ep(boost::asio::ip::make_address(a.host), a.port);
    acceptor->open(ep.protocol());
    acceptor->set_option(tcp::acceptor::reuse_address(true));
    acceptor->bind(ep);
    acceptor->listen(boost::asio::socket_base::max_listen_connections);
    names_.push_back(a.name);
    acceptors_.push_back(std::move(acceptor));
  }
}

tcp::endpoint Listeners::endpoint(std::size_t i) const {
  return acceptors_.at(i)->local_endpoint();
}

std::string Listeners::address(std::size_t i) const {
  auto ep = endpoint(i);
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

}  // namespace portico::http
