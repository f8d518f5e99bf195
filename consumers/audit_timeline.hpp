#pragma once
// `docket audit appointment ID`: one appointment's full history read back from the log — who
// acted, when, in which role, what changed from what to what, and why.
//
// "Why" never quotes a patient's free text (DESIGN.md, Privacy): it says whether a reason was
// given, and names the block that cancelled an appointment when one did.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "consumers/audit_scan.hpp"

namespace docket::consumers {

struct FieldChange {
  std::string field;  // "status", "start", "end", ...
  std::string from;   // empty when the field had no value before
  std::string to;
  bool operator==(const FieldChange&) const = default;
};

struct TimelineEntry {
  std::string time;        // RFC 3339, when the command was decided
  std::string actor_sub;   // who
  std::string actor_role;  // patient, doctor, receptionist, admin, system
  std::string type;        // the event type, e.g. "docket.appointment.cancelled.v1"
  std::string stream;
  std::uint64_t version = 0;
  std::string position;  // the token of the event's commit
  std::vector<FieldChange> changes;
  std::string why;  // e.g. "reason given", "no reason given", "block b-1"; may be empty
};

struct AppointmentTimeline {
  std::string appointment_id;
  std::string doctor_id;
  std::vector<TimelineEntry> entries;  // in log order
};

// Walks the whole log and collects every event about `appointment_id` (its booking, status
// changes, reschedules, and the waitlist acceptance that booked it). Errors: not_found when no
// event names it, unreadable when the log fails, undecodable when one of its events does not
// decode. Thread-safe as far as `log` is.
AuditResult<AppointmentTimeline> appointment_timeline(eventstore::EventLog& log,
                                                      std::string_view appointment_id);

// One line per entry: "<time> <sub> (<role>) <type> field: from -> to; ... [why]".
void write_timeline(const AppointmentTimeline& timeline, std::ostream& out);

// {"appointment_id", "doctor_id", "events": [{"time", "actor": {"sub", "role"}, "type",
//  "stream", "version", "position", "changes": [{"field", "from", "to"}], "why"}]}
nlohmann::json timeline_json(const AppointmentTimeline& timeline);

}  // namespace docket::consumers
