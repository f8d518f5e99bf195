#include "consumers/audit_replay.hpp"

#include <algorithm>

#include "domain/event_json.hpp"

namespace docket::consumers {
namespace {

using domain::format_rfc3339;
using nlohmann::json;

template <class Map, class Fn>
json sorted_list(const Map& by_id, Fn&& to_json) {
  std::vector<const typename Map::mapped_type*> items;
  items.reserve(by_id.size());
  for (const auto& [id, item] : by_id)
    items.push_back(&item);
  std::sort(items.begin(), items.end(), [](auto* a, auto* b) { return a->id < b->id; });
  json out = json::array();
  for (const auto* item : items)
    out.push_back(to_json(*item));
  return out;
}

json types_json(domain::ConsultationTypes types) {
  json out = json::array();
  for (auto t : types.list())
    out.push_back(domain::to_string(t));
  return out;
}

json rules_json(const std::vector<domain::ScheduleRule>& rules) {
  json out = json::array();
  for (const auto& r : rules) {
    json days = json::array();
    for (int d = 1; d <= 7; ++d) {
      if (r.on_weekday(d)) days.push_back(d);
    }
    json rule = {{"weekdays", std::move(days)},
                 {"start", domain::format_time_of_day(r.start_minute)},
                 {"end", domain::format_time_of_day(r.end_minute)},
                 {"slot_minutes", r.slot_minutes},
                 {"capacity", r.capacity}};
    if (r.consultation_types) rule["consultation_types"] = types_json(*r.consultation_types);
    out.push_back(std::move(rule));
  }
  return out;
}

}  // namespace

json doctor_state_json(const domain::DoctorState& s) {
  const auto& p = s.profile();
  const auto& st = s.settings();
  json schedule = json::array();
  for (const auto& set : s.schedule().history()) {
    schedule.push_back({{"effective_from", domain::format_local_date(set.effective_from)},
                        {"rules", rules_json(set.rules)}});
  }
  return {{"registered", s.registered()},
          {"id", s.id()},
          {"version", s.version()},
          {"profile",
           {{"name", p.name},
            {"specialty", p.specialty},
            {"timezone", p.timezone},
            {"consultation_fee", p.consultation_fee},
            {"consultation_types", types_json(p.consultation_types)},
            {"active", p.active}}},
          {"settings",
           {{"min_notice_minutes", st.min_notice_minutes},
            {"max_advance_days", st.max_advance_days},
            {"cancellation_deadline_hours", st.cancellation_deadline_hours},
            {"buffer_minutes", st.buffer_minutes},
            {"auto_confirm", st.auto_confirm},
            {"hold_minutes", st.hold_minutes},
            {"max_walk_ins_per_day", st.max_walk_ins_per_day},
            {"waitlist_offer_minutes", st.waitlist_offer_minutes}}},
          {"schedule", std::move(schedule)},
          {"blocks", sorted_list(s.blocks(),
                                 [](const domain::Block& b) {
                                   return json{{"id", b.id},
                                               {"start", format_rfc3339(b.start)},
                                               {"end", format_rfc3339(b.end)},
                                               {"kind", domain::to_string(b.kind)},
                                               {"removed", b.removed}};
                                 })},
          {"appointments", sorted_list(s.appointments(),
                                       [](const domain::Appointment& a) {
                                         return json{{"id", a.id},
                                                     {"number", a.number},
                                                     {"patient_id", a.patient_id},
                                                     {"start", format_rfc3339(a.start)},
                                                     {"end", format_rfc3339(a.end)},
                                                     {"consultation_type",
                                                      domain::to_string(a.consultation_type)},
                                                     {"fee", a.fee},
                                                     {"status", domain::to_string(a.status)}};
                                       })},
          {"holds", sorted_list(s.holds(),
                                [](const domain::Hold& h) {
                                  return json{{"id", h.id},
                                              {"patient_id", h.patient_id},
                                              {"start", format_rfc3339(h.start)},
                                              {"expires_at", format_rfc3339(h.expires_at)}};
                                })},
          {"walk_ins", sorted_list(s.walkins(),
                                   [](const domain::Walkin& w) {
                                     return json{{"id", w.id},
                                                 {"queue_number", w.queue_number},
                                                 {"patient_id", w.patient_id},
                                                 {"urgency", domain::to_string(w.urgency)},
                                                 {"date", domain::format_local_date(w.date)},
                                                 {"arrived_at", format_rfc3339(w.arrived_at)},
                                                 {"status", domain::to_string(w.status)}};
                                   })},
          {"waitlist", sorted_list(s.waitlist(), [](const domain::WaitlistEntry& e) {
             json entry = {{"id", e.id},
                           {"patient_id", e.patient_id},
                           {"date", domain::format_local_date(e.date)},
                           {"from", domain::format_time_of_day(e.from_minute)},
                           {"to", domain::format_time_of_day(e.to_minute)},
                           {"consultation_type", domain::to_string(e.consultation_type)},
                           {"priority", e.priority},
                           {"status", domain::to_string(e.status)},
                           {"offer", nullptr}};
             if (e.offer) {
               entry["offer"] = {{"start", format_rfc3339(e.offer->start)},
                                 {"expires_at", format_rfc3339(e.offer->expires_at)}};
             }
             if (!e.appointment_id.empty()) entry["appointment_id"] = e.appointment_id;
             return entry;
           })}};
}

AuditResult<ReplayedDoctor> replay_doctor(eventstore::EventLog& log, std::string_view doctor_id,
                                          domain::Instant as_of) {
  const std::string stream = "doctor-" + std::string(doctor_id);
  auto events = log.read_stream(stream);
  if (!events) {
    return fail(AuditError{audit_errc::unreadable,
                           "reading " + stream + " failed: " + events.error().message});
  }
  if (events->empty()) return fail(AuditError{audit_errc::not_found, "no stream " + stream});
  ReplayedDoctor out{std::string(doctor_id), as_of, domain::initial_state(), "0"};
  for (const auto& recorded : *events) {
    const auto time = domain::parse_rfc3339(recorded.time);
    if (!time) {
      return fail(AuditError{
          audit_errc::undecodable,
          stream + " version " + std::to_string(recorded.version) + " has no valid time"});
    }
    if (*time > as_of) break;
    auto event = domain::decode(recorded.type, recorded.data);
    if (!event) {
      return fail(
          AuditError{audit_errc::undecodable,
                     stream + " version " + std::to_string(recorded.version) + " does not decode"});
    }
    domain::apply(out.state, event.value());
    out.position = recorded.position.to_token();
  }
  return out;
}

void write_replay(const ReplayedDoctor& replayed, std::ostream& out) {
  const json doc = {{"doctor_id", replayed.doctor_id},
                    {"as_of", format_rfc3339(replayed.as_of)},
                    {"version", replayed.state.version()},
                    {"position", replayed.position},
                    {"state", doctor_state_json(replayed.state)}};
  out << doc.dump(2) << "\n";
}

}  // namespace docket::consumers
