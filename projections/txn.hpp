#pragma once
// The pending changes of one projection batch over the database they will be written to.
//
// Reads see the batch's own writes first, then the database; writes stay in memory until
// write_to() moves them into the WriteBatch that also carries the checkpoint. Hot keys (a
// doctor's counters, the stream version) are therefore read and written once per batch, not once
// per event. The final bytes depend only on the events applied, never on where batches split.
// Not thread-safe: one projector thread owns a Txn.

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace docket::projections {

class Txn {
 public:
  explicit Txn(rocksdb::DB& db) : db_(db) {}

  // The value of `key` as this batch sees it; nullopt when absent. A RocksDB read error other
  // than not-found marks the Txn failed (failed() true) and reads as absent.
  std::optional<std::string> get(std::string_view key);
  bool exists(std::string_view key) { return get(key).has_value(); }
  void put(std::string key, std::string value);
  void del(std::string key);
  // Adds `delta` to an 8-byte counter (absent = 0); a counter that reaches 0 is deleted so that
  // an empty model holds no keys.
  void add(std::string key, std::int64_t delta);

  // Moves every pending change into `batch` and forgets them.
  void write_to(rocksdb::WriteBatch& batch);
  // Forgets the pending changes (after a failed write).
  void clear() { pending_.clear(); }
  bool failed() const { return failed_; }
  std::size_t pending() const { return pending_.size(); }

 private:
  rocksdb::DB& db_;
  std::unordered_map<std::string, std::optional<std::string>> pending_;
  bool failed_ = false;
};

}  // namespace docket::projections
