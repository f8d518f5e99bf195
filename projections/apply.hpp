#pragma once
// Applying the log's commits to the read models.
//
// Idempotent per event: the shared table 'V' keeps, per stream, the last stream version applied,
// and an event at or below it is skipped. So a commit delivered twice (a redelivered batch, a
// Kafka re-read, a replay over a restored checkpoint) changes nothing, whatever the checkpoint
// says. Events of streams other than `doctor-<id>` are skipped (no read model follows them).

#include <cstddef>
#include <span>
#include <string_view>

#include "domain/events.hpp"
#include "eventstore/event_log.hpp"
#include "projections/errors.hpp"
#include "projections/model_store.hpp"
#include "projections/models.hpp"
#include "projections/txn.hpp"

namespace docket::projections {

// Applies the events of `commit` to the tables of `models` in `txn`, and moves the stream's
// applied version. Errors: corrupt when an event's data does not decode (unknown type without an
// upcaster, missing field); the Txn then holds a partial commit and must be cleared. Not
// thread-safe (the Txn's contract).
Status apply_commit(Txn& txn, const eventstore::Commit& commit, ModelSet models,
                    ApplyCounts& counts);

// As above with the events already decoded by the caller: `decoded[i]` is commit.events[i]
// decoded, nullptr when it does not decode (the same corrupt error then, when it is applied).
Status apply_commit(Txn& txn, const eventstore::Commit& commit,
                    std::span<const domain::Event* const> decoded, ModelSet models,
                    ApplyCounts& counts);

// Whether the read models follow `stream` at all (apply_commit skips the others' events).
bool is_projected(std::string_view stream);

}  // namespace docket::projections
