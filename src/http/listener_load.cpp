#include "http/listener_load.h"

namespace portico::http {

bool ListenerLoad::admitClient(const std::string& address, std::size_t cap) {
  std::lock_guard lock(mu_);
  std::size_t& n = perClient_[address];
  if (n >= cap) return false;
  ++n;
  return true;
}

void ListenerLoad::releaseClient(const std::string& address) {
  std::lock_guard lock(mu_);
  if (auto it = perClient_.find(address); it != perClient_.end() && --it->second == 0) perClient_.erase(it);
}

bool ListenerLoad::reserveBody(std::size_t bytes, std::size_t cap) {
  std::size_t now = bodies.load();
  do {
    if (now + bytes > cap) return false;
  } while (!bodies.compare_exchange_weak(now, now + bytes));
  return true;
}

void ListenerLoad::releaseBody(std::size_t bytes) {
  if (bytes > 0) bodies.fetch_sub(bytes);
}

}  // namespace portico::http
