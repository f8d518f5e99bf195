#pragma once
// The write side's own RocksDB database (next to the event log, never inside it): aggregate
// snapshots, the doctor -> next deadline index, idempotency records and their checkpoints.
// Nothing here is a source of truth for the domain: every value can be rebuilt from the log, except
// idempotency replies, which are kept for 24 h only.
//
// Keys are namespaced by a one-letter prefix per user ("s/", "d/", "i/", "m/"). Writes are not
// synced one by one (the log's fsync is what makes a command durable); sync() makes everything
// written so far durable, and callers that need ordering against the log use it.

#include <rocksdb/db.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace docket::api {

struct SideStoreError {
  std::string message;  // for operators
};

template <class T>
using SideResult = docket::Result<T, SideStoreError>;

// Thread-safe: RocksDB serializes writes itself.
class SideStore {
 public:
  // Opens (creating when missing, parents included) the database in `directory`.
  // Errors: the directory cannot be created, or RocksDB cannot open it (held by another process).
  static SideResult<std::unique_ptr<SideStore>> open(const std::filesystem::path& directory);

  // The value under `key`, nullopt when there is none; an error when RocksDB fails.
  SideResult<std::optional<std::string>> get(std::string_view key) const;
  // Puts or deletes, not synced (see the header comment). `sync` true waits for the disk.
  docket::Status<SideStoreError> put(std::string_view key, std::string_view value,
                                     bool sync = false);
  docket::Status<SideStoreError> erase(std::string_view key, bool sync = false);
  // Calls `visit(key, value)` for every key starting with `prefix`, in key order, until it returns
  // false. Sees a consistent snapshot of the database.
  docket::Status<SideStoreError> scan(
      std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const;
  // Makes every write made before the call durable.
  docket::Status<SideStoreError> sync();

 private:
  explicit SideStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace docket::api
