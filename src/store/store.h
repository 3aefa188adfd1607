// Store: the narrow persistence interface behind all control-plane state.
//
// State is kept as JSON documents addressed by (kind, scope, id): a REST API is
// ("restapi", "", id), a resource ("resource", apiId, id), a deployment
// ("deployment", apiId, id), and so on. Implementations: SqliteStore (embedded
// default, sqlite/), and later PostgreSQL behind the same interface, so the SQL is
// kept portable. Store failures (disk, corruption) are exceptional: they throw
// StoreError and the caller turns them into a 500.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace portico::store {

struct Document {
  std::string kind;
  std::string scope;
  std::string id;
  std::string body;      // JSON text
  std::int64_t seq = 0;  // insertion order, assigned by the store on first put
};

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  virtual ~Store() = default;

  /// Inserts or replaces a document. A replaced document keeps its insertion order.
  virtual void put(const Document& doc) = 0;
  /// The document, or nullopt.
  virtual std::optional<Document> get(std::string_view kind, std::string_view scope, std::string_view id) = 0;
  /// All documents of a kind in a scope, in insertion order.
  virtual std::vector<Document> list(std::string_view kind, std::string_view scope) = 0;
  /// Removes one document; false if it did not exist.
  virtual bool remove(std::string_view kind, std::string_view scope, std::string_view id) = 0;
  /// Removes every document of every kind in a scope; returns how many.
  virtual std::size_t removeScope(std::string_view scope) = 0;
  /// Runs fn atomically: all its writes land, or none do (fn's exception propagates).
  virtual void transaction(const std::function<void()>& fn) = 0;

  /// A number that changes once a write to documents of `kind` has ended (committed or rolled
  /// back), for readers that cache what they read: take it before reading, and trust the cache
  /// only while it stays the same. Writes of other kinds leave it alone (a removeScope moves
  /// every kind's). Cheap: one short lock. Counts this process's writes (a store shared by
  /// several nodes needs their notifications).
  virtual std::uint64_t generation(std::string_view kind) const = 0;
};

/// The embedded SQLite store (WAL mode) in the file `path`, created if missing.
std::unique_ptr<Store> makeSqliteStore(const std::filesystem::path& path);

}  // namespace portico::store
