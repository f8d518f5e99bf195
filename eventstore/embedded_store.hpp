#pragma once
// Internal to the embedded log: the state that the log and its subscriptions share, and the read
// paths over RocksDB. A subscription keeps the store alive after the log object is gone; once the
// store is closed every read answers errc::closed.

#include <rocksdb/db.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "eventstore/event_log.hpp"

namespace docket::eventstore::embedded {

struct StreamState {
  std::uint64_t version = 0;
  std::string last_hash;
};

Error io_error(const rocksdb::Status& s, std::string_view what);

class Store {
 public:
  // Opens (creating) the database and loads the metadata of every stream and the head.
  // `env` may be null (RocksDB's default).
  static Result<std::shared_ptr<Store>> open(const std::filesystem::path& directory,
                                             rocksdb::Env* env);

  // Thread-safe. Reads are bounded by the head, the last commit whose write has returned.
  Result<ReadBatch> read_all(std::uint64_t after, std::size_t max_commits);
  Result<std::vector<RecordedEvent>> read_stream(std::string_view stream, std::uint64_t from);
  std::uint64_t head() const;
  // The head when the caller already holds `mutex` (subscriptions waiting on `appended`).
  std::uint64_t head_unlocked() const { return head_; }
  std::optional<StreamState> stream(std::string_view stream) const;

  // Writer thread only: applies a successful group write to the shared state and wakes readers.
  void publish(std::unordered_map<std::string, StreamState>&& changed, std::uint64_t head);
  // Writes one synced batch. Writer thread only.
  rocksdb::Status write(rocksdb::WriteBatch& batch);

  // Wakes every subscription with errc::closed, waits for reads in flight and closes RocksDB.
  void close();

  // Subscriptions wait on these.
  mutable std::mutex mutex;
  std::condition_variable appended;
  bool closed = false;  // guarded by mutex

 private:
  // Parses the stored event `seq` into `out` (default-constructed; `position` is left alone).
  Status<Error> decode_into(std::uint64_t seq, std::string_view value, RecordedEvent& out,
                            std::uint64_t* commit_first, std::uint64_t* commit_last) const;

  std::shared_mutex db_mutex_;  // shared by reads and writes, exclusive to close
  std::unique_ptr<rocksdb::DB> db_;
  std::uint64_t head_ = 0;                                // guarded by mutex
  std::unordered_map<std::string, StreamState> streams_;  // guarded by mutex
};

// A catch-up-then-live subscription over `store` starting after `from`.
std::unique_ptr<Subscription> make_subscription(std::shared_ptr<Store> store, std::uint64_t from);

}  // namespace docket::eventstore::embedded
