// The graph of lists and maps: whether one is inside another (a value must never contain itself),
// and freeing long chains of them without recursing.
#include <unordered_set>

#include "vtl/value.h"

namespace portico::vtl {
namespace {

/// Frees the lists and maps in `pending` one at a time: each one only this list holds gives its
/// own values to `pending` before it goes, so no destructor runs inside another.
void dismantle(std::vector<Value> pending) {
  while (!pending.empty()) {
    Value v = std::move(pending.back());
    pending.pop_back();
    if (!v.soleOwner()) continue;
    if (v.isList()) {
      for (auto& item : v.asList().items) pending.push_back(std::move(item));
      v.asList().items.clear();
    } else if (v.isMap()) {
      for (auto& item : v.asMap().takeValues()) pending.push_back(std::move(item));
    }
  }
}

}  // namespace

bool contains(const Value& from, const Value& container) {
  const void* target = container.container();
  if (!target || !from.container()) return false;
  std::vector<const Value*> pending{&from};
  std::unordered_set<const void*> seen;  // what was looked into (shared parts once)
  while (!pending.empty()) {
    const Value* v = pending.back();
    pending.pop_back();
    const void* here = v->container();
    if (!here) continue;
    if (here == target) return true;
    if (!seen.insert(here).second) continue;
    if (v->isList()) {
      for (const auto& item : v->asList().items) {
        if (item.container()) pending.push_back(&item);
      }
    } else {
      for (const auto& [key, item] : v->asMap().entries()) {
        if (item.container()) pending.push_back(&item);
      }
    }
  }
  return false;
}

const void* Value::container() const {
  if (isList()) return std::get<5>(v_).get();
  if (isMap()) return std::get<6>(v_).get();
  return nullptr;
}

bool Value::soleOwner() const {
  if (isList()) return std::get<5>(v_).use_count() == 1;
  if (isMap()) return std::get<6>(v_).use_count() == 1;
  return false;
}

List::~List() {
  if (!items.empty()) dismantle(std::move(items));
}

Map::~Map() {
  if (!entries_.empty()) dismantle(takeValues());
}

std::vector<Value> Map::takeValues() {
  std::vector<Value> out;
  out.reserve(entries_.size());
  for (auto& entry : entries_) out.push_back(std::move(entry.second));
  return out;
}

}  // namespace portico::vtl
