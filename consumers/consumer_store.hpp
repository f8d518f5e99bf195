#pragma once
// A consumer's own RocksDB store: its effects, its checkpoint and the ids of the events it has
// processed, always written together in one synced WriteBatch. A crash at any point therefore
// leaves effects and checkpoint consistent, and an event redelivered after the checkpoint (a
// Kafka rebalance, a restart from an older position) is recognised by its id and skipped.
//
// Key space (one default column family):
//   '!c'          -> the checkpoint (position token)
//   '!p' <id>     -> "" for every processed event id
//   anything else -> the consumer's own records; consumers use one lowercase letter per kind.

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.hpp"
#include "eventstore/position.hpp"

namespace rocksdb {
class DB;
}

namespace docket::consumers {

struct StoreError {
  std::string message;  // for operators; no event data
};

template <class T>
using StoreResult = docket::Result<T, StoreError>;

class ConsumerStore;

// Changes buffered for one atomic write. Reads see the buffered changes over the stored values,
// so a handler that processes several events in one batch sees its own earlier effects.
// Not thread-safe; used under the store's lock.
class Effects {
 public:
  explicit Effects(const ConsumerStore& store) : store_(store) {}
  void put(std::string key, std::string value) { ops_[std::move(key)] = std::move(value); }
  void del(std::string key) { ops_[std::move(key)] = std::nullopt; }
  // The buffered or stored value; nullopt when absent. Errors when the store cannot be read.
  StoreResult<std::optional<std::string>> get(std::string_view key) const;
  // Every (key, value) whose key starts with `prefix` and is < `end` (no bound when empty), in
  // key order, merged with the buffered changes.
  StoreResult<std::map<std::string, std::string>> scan(std::string_view prefix,
                                                       std::string_view end = {}) const;
  const std::map<std::string, std::optional<std::string>>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }

 private:
  const ConsumerStore& store_;
  std::map<std::string, std::optional<std::string>> ops_;
};

// Thread-safe: reads at any time; writers serialise through lock().
class ConsumerStore {
 public:
  // Opens (creating it and its parents when missing) the store in `directory`. Errors when
  // RocksDB cannot open it (another process holds it, permissions).
  static StoreResult<std::unique_ptr<ConsumerStore>> open(const std::filesystem::path& directory);
  ~ConsumerStore();
  ConsumerStore(const ConsumerStore&) = delete;
  ConsumerStore& operator=(const ConsumerStore&) = delete;

  // The position up to which events have been processed ("0": none yet).
  StoreResult<eventstore::Position> checkpoint() const;
  // Whether an event with this id has been processed.
  StoreResult<bool> processed(std::string_view event_id) const;

  StoreResult<std::optional<std::string>> get(std::string_view key) const;
  StoreResult<std::map<std::string, std::string>> scan(std::string_view prefix,
                                                       std::string_view end = {}) const;

  // Writes `effects`, and when given the checkpoint and processed ids, as one synced batch.
  StoreResult<Unit> write(const Effects& effects,
                          const std::optional<eventstore::Position>& checkpoint = std::nullopt,
                          const std::vector<std::string>& processed_ids = {});

  // The lock every read-modify-write of the store (the runner's batches, the reminder and
  // delivery workers) holds, so that their checks and writes do not interleave.
  std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(mutex_); }

  static std::string processed_key(std::string_view event_id);

 private:
  explicit ConsumerStore(std::unique_ptr<rocksdb::DB> db);
  std::unique_ptr<rocksdb::DB> db_;
  std::mutex mutex_;
};

// Big-endian 8 bytes, so that numeric keys sort in order.
std::string be64(std::uint64_t v);
std::uint64_t read_be64(std::string_view in);

}  // namespace docket::consumers
