#pragma once
// Internal to the embedded log: the envelopes and stored values of one commit, built in steps so
// that the appending thread, not the single writer thread, does the costly part (ids,
// serialization, SHA-256). Whatever the writer does for a commit, it does for the whole group
// while the next group waits; work done by appenders overlaps with the writer's sync instead.
//
// `build_commit` needs only the request. `chain_commit` needs the stream's state (version and
// chain tip), which only the writer knows for sure: an appender chains against the state published
// when it appends (the one its expected version was read from, normally), and the writer chains
// again when the state it decides against is another one. Chaining is deterministic, so either
// way the stored bytes are those the writer alone would have produced, ids aside.

#include <cstdint>
#include <string>
#include <vector>

#include "eventstore/embedded_store.hpp"
#include "eventstore/event_log.hpp"

namespace docket::eventstore::embedded {

struct StagedCommit {
  std::string stream;
  std::vector<RecordedEvent> events;  // position unset; chained by chain_commit
  std::vector<std::string> values;    // stored values; their seqs set by place_commit
  bool chained = false;
  StreamState base;  // the state chain_commit used
};

// Moves the request's events into envelopes with new ids and the request's metadata. The request
// must pass validate_append. Thread-safe.
StagedCommit build_commit(AppendRequest& request);

// Versions, prevhash and hash of every event, and their stored values, following `base`.
void chain_commit(StagedCommit& commit, const StreamState& base);

// True when `commit` is chained and followed exactly `base`.
bool chained_on(const StagedCommit& commit, const StreamState& base);

// Writes the seqs of the commit's events (from `first_seq` on) into the stored values' headers.
void place_commit(StagedCommit& commit, std::uint64_t first_seq);

}  // namespace docket::eventstore::embedded
