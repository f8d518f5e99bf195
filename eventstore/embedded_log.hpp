#pragma once
// The embedded event log: one RocksDB database in a local directory, Docket's default backend.
//
// Appends are group-committed: one writer thread takes every append queued since its last write,
// checks each against the streams' versions in queue order (so a later append in the same group
// sees an earlier one), chains and hashes the events, and writes the whole group as ONE synced
// RocksDB WriteBatch. Callbacks run afterwards, in commit order, on a completion thread; a group
// whose write fails acknowledges nothing (every callback gets io_error) and leaves memory as it
// was. Callbacks must not block waiting on another append of the same log, nor close it (they
// would wait on their own completion thread). A failed WAL *sync* is the one case RocksDB cannot
// undo: its bytes may already be in the file, so such a commit, reported as io_error, can still
// appear after a restart (a retry then sees version_conflict).
//
// A position has one component: the number of events before that point, so a commit's position
// is the global sequence number of its last event. Only one process may open a directory at once
// (RocksDB's LOCK file): a second open fails with io_error.

#include <cstddef>
#include <filesystem>
#include <memory>

#include "eventstore/event_log.hpp"

namespace rocksdb {
class Env;
}

namespace docket::eventstore {

struct EmbeddedLogOptions {
  std::filesystem::path directory;  // created, parents included, when missing
  // Most appends one group commit takes; bounds the size and latency of one write.
  std::size_t max_group_appends = 1024;
  // The RocksDB environment; null for the default. Tests inject I/O faults through it. Must
  // outlive the log.
  rocksdb::Env* env = nullptr;
};

// Opens the log in `options.directory`, creating it when missing, and recovers the streams'
// versions, chain tips and the head from the stored stream metadata (no event is decoded).
// Errors: io_error when the directory cannot be created or RocksDB cannot open it (held by another
// process, permissions); corrupt when stored metadata or the last event is malformed.
// The returned log is thread-safe (EventLog's contract).
Result<std::unique_ptr<EventLog>> open_embedded_log(const EmbeddedLogOptions& options);

}  // namespace docket::eventstore
