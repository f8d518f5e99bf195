#pragma once
// A generation under construction held in memory: the bulk of a rebuild from zero.
//
// A rebuild writes a fresh generation that nobody reads until it is switched in, so its state
// need not go through RocksDB while it is built: apply_commit runs over a MemoryState (Txn's memory
// mode, memory_state.hpp), where a read is one look-up and a key written many times (an
// appointment moving through its statuses) is stored once. write_to() then sorts the final keys and
// loads them into the empty generation as table files (ModelStore::ingest_sorted), bypassing WAL,
// memtables and compactions. The bytes are those of ModelStore::apply: the same appliers write the
// same keys and values, only the storage underneath differs. Not thread-safe: one rebuilding thread
// owns it.

#include <cstddef>
#include <vector>

#include "eventstore/event_log.hpp"
#include "projections/decoded_batch.hpp"
#include "projections/errors.hpp"
#include "projections/model_store.hpp"
#include "projections/models.hpp"
#include "projections/txn.hpp"

namespace docket::projections {

class MemoryBuild {
 public:
  explicit MemoryBuild(ModelSet models) : models_(models) {}

  // The position the state covers.
  const eventstore::Position& checkpoint() const { return checkpoint_; }
  // Keys held (read models plus stream versions).
  std::size_t keys() const { return state_.size(); }

  // As ModelStore::apply, into memory: applies the commits the checkpoint does not cover yet,
  // stopping before the first one `until` (when given) does not cover. Errors: corrupt (an
  // undecodable event); the build is then unusable (partly applied) and must be dropped.
  Result<ApplyCounts> apply(const std::vector<eventstore::Commit>& commits,
                            const eventstore::Position* until = nullptr);
  // The same with the batch's events decoded ahead (by another thread, decoded_batch.hpp).
  Result<ApplyCounts> apply(DecodedBatch& batch, const eventstore::Position* until = nullptr);

  // Loads the state and its checkpoint into `fresh`, an empty generation, and empties this
  // build. Sorts on a second thread while it writes. Errors: io_error.
  Status write_to(ModelStore& fresh);

 private:
  ModelSet models_;
  MemoryState state_;
  eventstore::Position checkpoint_;
};

}  // namespace docket::projections
