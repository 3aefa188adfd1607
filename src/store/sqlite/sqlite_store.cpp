// SqliteStore: the embedded Store, one SQLite database file in WAL mode.
//
// One connection guarded by a mutex: the control plane is low-rate and the data
// plane never reads the store on its hot path (it serves compiled snapshots, and the
// function runtime caches what it reads until the kind's generation moves). The SQL is plain
// enough to run unchanged on PostgreSQL (INSERT ... ON CONFLICT ... DO UPDATE).
#include <sqlite3.h>

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "store/store.h"

namespace portico::store {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS documents (
  kind  TEXT    NOT NULL,
  scope TEXT    NOT NULL,
  id    TEXT    NOT NULL,
  seq   INTEGER NOT NULL,
  body  TEXT    NOT NULL,
  PRIMARY KEY (kind, scope, id)
);
CREATE INDEX IF NOT EXISTS documents_scope ON documents (scope);
CREATE TABLE IF NOT EXISTS sequence (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO sequence (name, value) VALUES ('documents', 0) ON CONFLICT (name) DO NOTHING;
)sql";

/// One use of a cached prepared statement: reset (and its bindings cleared) on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  /// Steps once; true if a row is available.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreError(std::string("sqlite step: ") + sqlite3_errmsg(db_));
  }
  std::string text(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::filesystem::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw StoreError("cannot open " + path.string() + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    exec(kSchema);
    // The store holds secrets (client certificates' and domains' private keys, API key values):
    // readable by Portico's user only, the journal files too (SQLite gives them the file's mode).
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ignored;
      std::filesystem::permissions(path.string() + suffix,
                                   std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ignored);
    }
  }
  ~SqliteStore() override {
    for (auto& [sql, stmt] : prepared_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  void put(const Document& doc) override {
    std::lock_guard lock(mu_);
    inTransaction([&] {
      Statement next(db_, prepared("UPDATE sequence SET value = value + 1 WHERE name = 'documents' RETURNING value"));
      next.step();
      std::int64_t seq = next.integer(0);
      Statement st(db_, prepared("INSERT INTO documents (kind, scope, id, seq, body) VALUES (?1, ?2, ?3, ?4, ?5) "
                                 "ON CONFLICT (kind, scope, id) DO UPDATE SET body = excluded.body"));
      st.bind(1, doc.kind).bind(2, doc.scope).bind(3, doc.id).bind(4, seq).bind(5, doc.body).step();
      changed(doc.kind);
    });
  }

  std::optional<Document> get(std::string_view kind, std::string_view scope, std::string_view id) override {
    std::lock_guard lock(mu_);
    Statement st(db_, prepared("SELECT seq, body FROM documents WHERE kind = ?1 AND scope = ?2 AND id = ?3"));
    st.bind(1, kind).bind(2, scope).bind(3, id);
    if (!st.step()) return std::nullopt;
    return Document{std::string(kind), std::string(scope), std::string(id), st.text(1), st.integer(0)};
  }

  std::vector<Document> list(std::string_view kind, std::string_view scope) override {
    std::lock_guard lock(mu_);
    Statement st(db_, prepared("SELECT id, seq, body FROM documents WHERE kind = ?1 AND scope = ?2 ORDER BY seq"));
    st.bind(1, kind).bind(2, scope);
    std::vector<Document> out;
    while (st.step()) {
      out.push_back(Document{std::string(kind), std::string(scope), st.text(0), st.text(2), st.integer(1)});
    }
    return out;
  }

  bool remove(std::string_view kind, std::string_view scope, std::string_view id) override {
    std::lock_guard lock(mu_);
    Statement st(db_, prepared("DELETE FROM documents WHERE kind = ?1 AND scope = ?2 AND id = ?3"));
    st.bind(1, kind).bind(2, scope).bind(3, id).step();
    bool removed = sqlite3_changes(db_) > 0;
    changed(kind);
    return removed;
  }

  std::size_t removeScope(std::string_view scope) override {
    std::lock_guard lock(mu_);
    Statement st(db_, prepared("DELETE FROM documents WHERE scope = ?1"));
    st.bind(1, scope).step();
    auto removed = static_cast<std::size_t>(sqlite3_changes(db_));
    changed("");  // every kind
    return removed;
  }

  void transaction(const std::function<void()>& fn) override {
    std::lock_guard lock(mu_);
    inTransaction(fn);
  }

  std::uint64_t generation(std::string_view kind) const override {
    std::lock_guard lock(generationMu_);
    auto it = generations_.find(kind);
    return allGeneration_ + (it == generations_.end() ? 0 : it->second);
  }

 private:
  /// Notes a written kind ("" = every kind); outside a transaction its generation moves now,
  /// inside one when the transaction ends. Called with mu_ held.
  void changed(std::string_view kind) {
    if (kind.empty()) {
      touchedAll_ = true;
    } else if (touchedKinds_.find(kind) == touchedKinds_.end()) {
      touchedKinds_.emplace(kind);
    }
    if (depth_ == 0) publishChanges();
  }
  void publishChanges() {
    if (touchedKinds_.empty() && !touchedAll_) return;
    std::lock_guard lock(generationMu_);
    for (const auto& kind : touchedKinds_) ++generations_[kind];
    if (touchedAll_) ++allGeneration_;
    touchedKinds_.clear();
    touchedAll_ = false;
  }

  /// The statement for sql (a string literal: cached by its address), prepared once. Preparing
  /// was about a third of a store read. Called with mu_ held.
  sqlite3_stmt* prepared(const char* sql) {
    sqlite3_stmt*& slot = prepared_[sql];
    if (!slot && sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot, nullptr) != SQLITE_OK) {
      slot = nullptr;
      throw StoreError(std::string("sqlite prepare: ") + sqlite3_errmsg(db_));
    }
    return slot;
  }

  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw StoreError("sqlite: " + msg);
    }
  }

  /// Runs fn in a transaction unless one is already open (nested calls join it).
  void inTransaction(const std::function<void()>& fn) {
    if (depth_ > 0) {
      ++depth_;
      try {
        fn();
      } catch (...) {
        --depth_;
        throw;
      }
      --depth_;
      return;
    }
    exec("BEGIN IMMEDIATE");
    // However it ends (commit, rollback, a failure of either), its writes' generations move: a
    // reader inside it may have cached what it wrote.
    struct PublishAtEnd {
      SqliteStore& store;
      ~PublishAtEnd() { store.publishChanges(); }
    } publishAtEnd{*this};
    depth_ = 1;
    try {
      fn();
    } catch (...) {
      depth_ = 0;
      exec("ROLLBACK");
      throw;
    }
    depth_ = 0;
    exec("COMMIT");
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> prepared_;
  std::recursive_mutex mu_;
  int depth_ = 0;
  std::set<std::string, std::less<>> touchedKinds_;                // written in the open transaction
  bool touchedAll_ = false;                                        // a removeScope: every kind
  mutable std::mutex generationMu_;                                // guards what follows; held for a lookup
  std::map<std::string, std::uint64_t, std::less<>> generations_;  // per kind
  std::uint64_t allGeneration_ = 0;                                // moves for every kind
};

}  // namespace

std::unique_ptr<Store> makeSqliteStore(const std::filesystem::path& path) {
  return std::make_unique<SqliteStore>(path);
}

}  // namespace portico::store
