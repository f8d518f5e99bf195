#pragma once
// The pending changes of one projection batch over the database they will be written to.
//
// Reads see the batch's own writes first, then the database; writes stay in memory until
// write_to() moves them into the WriteBatch that also carries the checkpoint. Hot keys (a
// doctor's counters, the stream version) are therefore read and written once per batch, not once
// per event. The final bytes depend only on the events applied, never on where batches split.
// Every key the batch has read or written is remembered with what it held before the batch when
// that is known (read from the database, or asserted by put_new): a key the batch creates and
// deletes again (an appointment booked and confirmed within one batch leaves a per-status index
// entry behind) is then not written at all, and a key read twice is read from RocksDB once.
// A Txn over a MemoryState instead (a generation built in memory, memory_build.hpp) reads and
// writes that map directly: nothing is pending and there is nothing to write out.
// Not thread-safe: one projector thread owns a Txn.

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "projections/memory_state.hpp"

namespace docket::projections {

// Hashing that finds std::string keys by std::string_view without building a string. Not
// noexcept on purpose: libstdc++ then stores each key's hash in its node, so that growing the
// table does not hash every key again and a probe compares hashes before key bytes.
struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class Txn {
 public:
  // A batch of the projector's size touches a few thousand keys: the table is sized once for
  // them rather than rehashed as it grows.
  explicit Txn(rocksdb::DB& db) : db_(&db) { pending_.reserve(8192); }
  // Direct mode: reads and changes go straight to `state`; write_to() has nothing to write.
  explicit Txn(MemoryState& state) : state_(&state) {}

  // The value of `key` as this batch sees it; nullopt when absent. A RocksDB read error other
  // than not-found marks the Txn failed (failed() true) and reads as absent.
  std::optional<std::string> get(std::string_view key) {
    const auto value = find(key);
    return value ? std::optional<std::string>(*value) : std::nullopt;
  }
  // get() without the copy: the value, or nullopt when absent; the view is valid until the next
  // change of this Txn.
  std::optional<std::string_view> find(std::string_view key);
  bool exists(std::string_view key) { return find(key).has_value(); }
  void put(std::string key, std::string value);
  // put() of a key the caller knows did not exist before this batch (an index entry of a record
  // this batch created: new_in_batch() of the record's key).
  void put_new(std::string key, std::string value);
  void del(std::string key);
  // Calls `change` with the value of `key` to change in place (an empty string when absent, which
  // then becomes present). Over RocksDB this is put() without copying the value out and back; in
  // memory (a rebuild) the value is copied out and stored again.
  template <class Change>
  void edit(std::string key, Change&& change) {
    if (state_ != nullptr) {
      std::string value(state_->find(key).value_or(std::string_view()));
      change(value);
      state_->put(key, value);
      return;
    }
    change(pending_value(std::move(key)));
  }
  // True when `key` is known not to have existed before this batch (it may exist now).
  bool new_in_batch(std::string_view key) const;
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
  enum class Before : std::uint8_t { unknown, absent, present };
  struct Entry {
    std::optional<std::string> value;  // as this batch sees it; nullopt: absent
    Before before = Before::unknown;   // what the database holds
    bool changed = false;              // written by this batch (else only read)
  };
  void set(std::string key, std::optional<std::string> value, bool is_new);
  // The batch's value of `key`, read from the database first when the batch has not seen it,
  // marked changed and made present.
  std::string& pending_value(std::string key);

  rocksdb::DB* db_ = nullptr;
  MemoryState* state_ = nullptr;
  std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> pending_;
  bool failed_ = false;
};

}  // namespace docket::projections
