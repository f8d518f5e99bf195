#pragma once
// One generation of the read models: a RocksDB database holding every model's tables and the
// checkpoint they cover (models.hpp has the key layout).
//
// Exactly-once effect: apply() writes a batch's read-model changes AND the new checkpoint in one
// rocksdb::WriteBatch, so after a crash at any point the models and the checkpoint agree.
// Writes skip RocksDB's write-ahead log: the models are derived from the event log, which is
// what makes a write durable. Model and checkpoint share one column family, so a memtable flush
// always persists whole batches together with the checkpoint that covers them, and a crash
// (process or power) rolls the generation back to its last flush, never to a mix; the projector
// then re-applies the lost batches from the log (at most the memtables: 2 × 16 MB, about 150,000
// events, a second or two). Closing flushes, so a clean restart re-applies nothing. The WAL would
// cost each batch a second copy of its bytes and their checksums (about 6 % of apply time) to
// save only that replay. A generation being rebuilt beside the serving one is flushed before it
// is switched in: a crash mid-rebuild just discards it.

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/event_log.hpp"
#include "projections/errors.hpp"
#include "projections/models.hpp"

namespace rocksdb {
class DB;
class Iterator;
class Snapshot;
}  // namespace rocksdb

namespace docket::projections {

struct ApplyCounts {
  std::size_t applied = 0;  // events applied
  std::size_t skipped = 0;  // events already applied (redelivered) or of other streams
};

class ModelStore {
 public:
  // Opens the database in `directory`, creating it (parents included) when missing, and reads
  // its checkpoint. Errors: io_error (held by another process, permissions), corrupt (a stored
  // checkpoint that does not parse).
  static Result<std::unique_ptr<ModelStore>> open(const std::filesystem::path& directory);
  ~ModelStore();
  ModelStore(const ModelStore&) = delete;
  ModelStore& operator=(const ModelStore&) = delete;

  const std::filesystem::path& directory() const { return directory_; }
  // The position the models cover. Thread-safe.
  eventstore::Position checkpoint() const;

  // Applies, in order, the commits the checkpoint does not cover yet (others are skipped) to the
  // tables of `models`, then writes changes and checkpoint in one WriteBatch. Stops before the
  // first commit that `until` (when given) does not cover. On error nothing is written and the
  // checkpoint stays. Errors: corrupt (an undecodable event), io_error. One applier at a time;
  // concurrent reads are fine.
  Result<ApplyCounts> apply(const std::vector<eventstore::Commit>& commits, ModelSet models,
                            const eventstore::Position* until = nullptr);

  // Makes every applied batch durable (memtables to disk). Errors: io_error.
  Status flush();
  // Loads `next`'s entries (it returns false at the end; keys strictly increasing, none of them
  // the checkpoint key) and `checkpoint` into this generation, which must be empty, as table
  // files: no WAL, no memtable, no compaction (a rebuild's bulk load, memory_build.hpp). They
  // become visible together, and durable, when it returns. Errors: io_error.
  Status ingest_sorted(
      const std::function<bool(std::string_view& key, std::string_view& value)>& next,
      const eventstore::Position& checkpoint);
  // Copies every key of `models`' tables from `from` (replacing what this store has in them).
  Status copy_tables_from(const ModelStore& from, ModelSet models);
  // Every key and value of the tables of `models`, in key order, as one byte string: equal
  // dumps mean equal read models. Thread-safe.
  std::string dump(ModelSet models) const;

  // Point read; nullopt when absent or unreadable. Thread-safe.
  std::optional<std::string> get(std::string_view key,
                                 const rocksdb::Snapshot* snapshot = nullptr) const;
  // Calls `fn(key, value)` for keys in [from, prefix_end(prefix)) in order while it returns
  // true. An empty `from` starts at `prefix`. Thread-safe.
  void scan(std::string_view prefix, std::string_view from,
            const std::function<bool(std::string_view, std::string_view)>& fn,
            const rocksdb::Snapshot* snapshot = nullptr) const;
  // The keys of [from, prefix_end(prefix)) in order, one at a time: for walking several ranges
  // side by side (merging them), where scan() walks one. Thread-safe.
  class Cursor;
  std::unique_ptr<Cursor> cursor(std::string_view prefix, std::string_view from,
                                 const rocksdb::Snapshot* snapshot = nullptr) const;
  // A point-in-time snapshot for reads (ReadView); release it exactly once. Thread-safe.
  const rocksdb::Snapshot* acquire_snapshot() const;
  void release_snapshot(const rocksdb::Snapshot* snapshot) const;

  // Removes the directory when the last owner releases this store (an old generation).
  // Thread-safe.
  void drop_on_close(bool drop = true) { drop_ = drop; }

 private:
  ModelStore(std::filesystem::path directory, std::unique_ptr<rocksdb::DB> db,
             eventstore::Position checkpoint);

  std::filesystem::path directory_;
  std::unique_ptr<rocksdb::DB> db_;
  mutable std::mutex mu_;
  eventstore::Position checkpoint_;
  std::atomic<bool> drop_ = false;
};

// A position in a range of keys (ModelStore::cursor). A read error ends the range early, as in
// scan(). Use from one thread; the store must outlive the cursor.
class ModelStore::Cursor {
 public:
  Cursor(std::unique_ptr<rocksdb::Iterator> it, std::string end);
  ~Cursor();
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  bool valid() const;
  // The current key; valid() must be true. The view lasts until next().
  std::string_view key() const;
  void next();

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string end_;  // the range's end, exclusive
};

// One point in time of a generation for the duration of a query: every read of the view sees the
// same applied batches, so counts and items of one answer agree even while the projector
// applies. Built implicitly from a ModelStore, so that `query(store, ...)` reads one snapshot.
// Use from one thread; the store must outlive the view.
class ReadView {
 public:
  ReadView(const ModelStore& store)  // NOLINT: implicit by design
      : store_(store), snapshot_(store.acquire_snapshot()) {}
  ~ReadView() { store_.release_snapshot(snapshot_); }
  ReadView(const ReadView&) = delete;
  ReadView& operator=(const ReadView&) = delete;

  // ModelStore::get and ::scan at the view's point in time.
  std::optional<std::string> get(std::string_view key) const { return store_.get(key, snapshot_); }
  void scan(std::string_view prefix, std::string_view from,
            const std::function<bool(std::string_view, std::string_view)>& fn) const {
    store_.scan(prefix, from, fn, snapshot_);
  }
  std::unique_ptr<ModelStore::Cursor> cursor(std::string_view prefix, std::string_view from) const {
    return store_.cursor(prefix, from, snapshot_);
  }

 private:
  const ModelStore& store_;
  const rocksdb::Snapshot* snapshot_;
};

}  // namespace docket::projections
