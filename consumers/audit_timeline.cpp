#include "consumers/audit_timeline.hpp"

#include <type_traits>

#include "domain/event_json.hpp"

namespace docket::consumers {
namespace {

using domain::format_rfc3339;

std::string given(const std::string& text, std::string_view what) {
  return text.empty() ? "no " + std::string(what) + " given" : std::string(what) + " given";
}

std::string status_text(domain::AppointmentStatus s) {
  return std::string(domain::to_string(s));
}

// Turns one decoded event into the changes it makes to the appointment. `status` is the
// appointment's status before the event, updated to the one after it.
struct Describe {
  std::string& status;
  TimelineEntry& entry;

  void change(std::string field, std::string from, std::string to) {
    entry.changes.push_back({std::move(field), std::move(from), std::move(to)});
  }
  void move_status(std::string to) {
    change("status", status, to);
    status = std::move(to);
  }

  void operator()(const domain::AppointmentBooked& e) {
    change("number", "", e.number);
    change("patient_id", "", e.patient_id);
    change("start", "", format_rfc3339(e.start));
    change("end", "", format_rfc3339(e.end));
    change("consultation_type", "", std::string(domain::to_string(e.consultation_type)));
    change("fee", "", std::to_string(e.fee));
    if (!e.hold_id.empty()) change("hold_id", "", e.hold_id);
    if (!e.waitlist_entry_id.empty()) change("waitlist_entry_id", "", e.waitlist_entry_id);
    move_status(status_text(e.status));
    entry.why = given(e.personal.reason_for_visit, "reason for visit") + ", " +
                given(e.personal.symptoms, "symptoms");
  }
  void operator()(const domain::AppointmentConfirmed&) { move_status("confirmed"); }
  void operator()(const domain::AppointmentRejected& e) {
    move_status("rejected");
    entry.why = given(e.personal.reason, "reason");
  }
  void operator()(const domain::AppointmentCancelled& e) {
    status = status_text(e.old_status);
    move_status("cancelled");
    entry.why = e.block_id.empty()
                    ? given(e.personal.reason, "reason")
                    : "calendar block " + e.block_id + ", " + given(e.personal.reason, "reason");
  }
  void operator()(const domain::AppointmentRescheduled& e) {
    change("start", format_rfc3339(e.old_start), format_rfc3339(e.new_start));
    change("end", format_rfc3339(e.old_end), format_rfc3339(e.new_end));
    status = status_text(e.old_status);
    move_status(status_text(e.new_status));
    if (!e.hold_id.empty()) change("hold_id", "", e.hold_id);
    entry.why = given(e.personal.reason, "reason");
  }
  void operator()(const domain::AppointmentCheckedIn&) { move_status("checked_in"); }
  void operator()(const domain::AppointmentStarted&) { move_status("in_progress"); }
  void operator()(const domain::AppointmentCompleted&) { move_status("completed"); }
  void operator()(const domain::AppointmentNoShow& e) {
    status = status_text(e.old_status);
    move_status("no_show");
  }
  void operator()(const domain::WaitlistAccepted& e) {
    change("waitlist_entry", e.entry_id, "accepted");
    entry.why = "waitlist offer accepted";
  }
  template <class Other>
  void operator()(const Other&) {}
};

// Whether the stored data names the appointment (checked before decoding anything).
bool names_appointment(const nlohmann::json& data, std::string_view id) {
  if (!data.is_object()) return false;
  const auto it = data.find("appointment_id");
  return it != data.end() && it->is_string() && it->get_ref<const std::string&>() == id;
}

}  // namespace

AuditResult<AppointmentTimeline> appointment_timeline(eventstore::EventLog& log,
                                                      std::string_view appointment_id) {
  AppointmentTimeline timeline;
  timeline.appointment_id = std::string(appointment_id);
  std::string status;
  std::optional<AuditError> failure;
  auto walked = for_each_event(log, {}, [&](const eventstore::RecordedEvent& recorded) {
    if (!names_appointment(recorded.data, appointment_id)) return true;
    auto event = domain::decode(recorded.type, recorded.data);
    if (!event) {
      failure = AuditError{
          audit_errc::undecodable,
          recorded.stream + " version " + std::to_string(recorded.version) + " does not decode"};
      return false;
    }
    TimelineEntry entry;
    entry.time = recorded.time;
    entry.actor_sub = recorded.actor.sub;
    entry.actor_role = recorded.actor.role;
    entry.type = recorded.type;
    entry.stream = recorded.stream;
    entry.version = recorded.version;
    entry.position = recorded.position.to_token();
    std::visit(Describe{status, entry}, event.value());
    if (timeline.doctor_id.empty() && recorded.stream.starts_with("doctor-")) {
      timeline.doctor_id = recorded.stream.substr(7);
    }
    timeline.entries.push_back(std::move(entry));
    return true;
  });
  if (!walked) return fail(walked.error());
  if (failure) return fail(*failure);
  if (timeline.entries.empty()) {
    return fail(AuditError{audit_errc::not_found, "no event names this appointment"});
  }
  return timeline;
}

void write_timeline(const AppointmentTimeline& timeline, std::ostream& out) {
  out << "appointment " << timeline.appointment_id << " (doctor " << timeline.doctor_id << ")\n";
  for (const auto& e : timeline.entries) {
    out << e.time << "  " << e.actor_sub << " (" << e.actor_role << ")  " << e.type;
    const char* sep = "  ";
    for (const auto& c : e.changes) {
      out << sep << c.field << ": " << (c.from.empty() ? "-" : c.from) << " -> " << c.to;
      sep = "; ";
    }
    if (!e.why.empty()) out << "  [" << e.why << "]";
    out << "\n";
  }
}

nlohmann::json timeline_json(const AppointmentTimeline& timeline) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : timeline.entries) {
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& c : e.changes)
      changes.push_back({{"field", c.field}, {"from", c.from}, {"to", c.to}});
    events.push_back({{"time", e.time},
                      {"actor", {{"sub", e.actor_sub}, {"role", e.actor_role}}},
                      {"type", e.type},
                      {"stream", e.stream},
                      {"version", e.version},
                      {"position", e.position},
                      {"changes", std::move(changes)},
                      {"why", e.why}});
  }
  return {{"appointment_id", timeline.appointment_id},
          {"doctor_id", timeline.doctor_id},
          {"events", std::move(events)}};
}

}  // namespace docket::consumers
