#pragma once
// `docket replay doctor ID --as-of INSTANT`: a doctor aggregate as it stood at an instant,
// rebuilt by folding the doctor's stream.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "consumers/audit_scan.hpp"
#include "domain/doctor_state.hpp"

namespace docket::consumers {

struct ReplayedDoctor {
  std::string doctor_id;
  domain::Instant as_of;
  domain::DoctorState state;  // version() = events folded
  std::string position;       // token of the last folded event's commit; "0" when none
};

// Folds the events of stream "doctor-<doctor_id>" whose envelope `time` is <= `as_of`: an event
// recorded exactly at `as_of` IS included. The fold stops at the first event recorded after
// `as_of` (a stream is in decision order, so skipping one event and applying a later one would
// build a state that never existed). A doctor whose first event is after `as_of` gives the
// initial state (version 0). Errors: not_found when the stream does not exist, unreadable when
// the log fails, undecodable when a folded event does not decode. Thread-safe as far as `log` is.
AuditResult<ReplayedDoctor> replay_doctor(eventstore::EventLog& log, std::string_view doctor_id,
                                          domain::Instant as_of);

// A readable JSON form of the state: profile, settings, schedule, blocks, appointments (with
// ids, numbers, statuses), live holds, walk-ins, waitlist — each list sorted by id so that the
// same state always prints the same bytes. No patient free text (the state holds none).
nlohmann::json doctor_state_json(const domain::DoctorState& state);

// {"doctor_id", "as_of", "version", "position", "state"} as one pretty-printed JSON document.
void write_replay(const ReplayedDoctor& replayed, std::ostream& out);

}  // namespace docket::consumers
