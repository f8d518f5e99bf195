#pragma once
// Snapshots of doctor aggregates in the side store ("s/<doctor>"), so that loading a doctor with a
// long stream folds only the events after the snapshot. A snapshot is an optimization only: it
// records the stream version it stands for and the chain hash of that version's event, and a load
// uses it only when the log still has that very event (same version, same hash); otherwise the
// caller replays the whole stream. The state's form is domain/doctor_state_json.hpp's.

#include <optional>
#include <string>

#include "api/side_store.hpp"
#include "domain/doctor_state.hpp"
#include "domain/doctor_state_json.hpp"
#include "eventstore/position.hpp"

namespace docket::api {

struct Snapshot {
  domain::DoctorState state;
  domain::SnapshotBasis basis;    // what the codec needs beyond the state (ended hold ids)
  std::string hash;               // chain hash of the event at state.version()
  eventstore::Position position;  // the log position of that event's commit
};

// Thread-safe (the side store is).
class SnapshotStore {
 public:
  explicit SnapshotStore(SideStore& store) : store_(store) {}

  // Stores a snapshot of `state` (which must be exactly the durable state at its version).
  // Returns false, storing nothing, when the codec refuses the state (it cannot rebuild it
  // exactly); errors when the side store fails.
  SideResult<bool> save(const std::string& doctor_id, const domain::DoctorState& state,
                        const domain::SnapshotBasis& basis, const std::string& hash,
                        const eventstore::Position& position);

  // The stored snapshot, nullopt when there is none or it cannot be decoded (an old or damaged
  // one is ignored rather than trusted). Errors when the side store fails.
  SideResult<std::optional<Snapshot>> load(const std::string& doctor_id);

 private:
  SideStore& store_;
};

}  // namespace docket::api
