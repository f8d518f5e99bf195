#pragma once
// The snapshot form of the doctor aggregate's state (used by the write side to load a doctor
// without folding its whole stream).
//
// DoctorState keeps its fields and indexes private and changes only through `apply`, so a snapshot
// is not a dump of fields: it is the state *compacted into events*, a short list of catalog events
// (event_json.hpp's form, so upcasting covers snapshots too) that, applied to initial_state() and
// padded to the stream version with events that change nothing, rebuild a state equal
// (operator==) to the original. Every appointment becomes one booking in its final form, every
// live hold one placement, every ended hold a placement and a release, blocks, walk-ins and
// waitlist entries their registration plus their final status, the schedule its rule sets in order.
// encode_snapshot verifies the round trip and refuses (nullopt) any state it cannot rebuild
// exactly, so a rule added to `apply` later can never be silently lost by a snapshot: the writer
// then simply replays the stream.
//
// Pure functions, no I/O; thread-safe on distinct or unmodified arguments.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/doctor_state.hpp"
#include "domain/errors.hpp"
#include "domain/events.hpp"

namespace docket::domain {

// What a snapshot needs that DoctorState does not list: the ids of holds that have ended (the
// state only answers hold_id_used for them). Kept next to the state by whoever folds the events.
struct SnapshotBasis {
  std::vector<std::string> ended_holds;
  // Records what `event` ends; call with the state BEFORE `event` is applied to it.
  void observe(const DoctorState& before, const Event& event);
  bool operator==(const SnapshotBasis&) const = default;
};

// The snapshot of `state`; nullopt when the compaction does not rebuild `state` exactly.
// Cost: O(size of the state) to build plus one rebuild to verify.
std::optional<nlohmann::json> encode_snapshot(const DoctorState& state, const SnapshotBasis& basis);

struct DecodedSnapshot {
  DoctorState state;
  SnapshotBasis basis;
};

// The state a snapshot stands for. Errors (invalid_field) when the JSON is not a snapshot of
// this format or holds an event that does not decode.
Result<DecodedSnapshot> decode_snapshot(const nlohmann::json& snapshot);

}  // namespace docket::domain
