#include "api/request_mapping.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "api/error_map.hpp"
#include "domain/doctor.hpp"
#include "domain/time.hpp"

namespace docket::api {

namespace {

using nlohmann::json;

constexpr double max_money_major = 1e7;

void reject(FieldReader& in, domain::errc code, std::string field, std::string detail) {
  in.merge(docket::fail(make_problem(code, field + " " + detail, field)));
}

json instant_json(domain::Instant t) {
  return domain::format_rfc3339(t);
}

template <class Map>
std::vector<const typename Map::mapped_type*> sorted_by_id(const Map& map) {
  std::vector<const typename Map::mapped_type*> out;
  out.reserve(map.size());
  for (const auto& [id, value] : map)
    out.push_back(&value);
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  return out;
}

}  // namespace

domain::Actor actor_of(const Principal& who) {
  domain::Role role = domain::Role::patient;
  switch (who.role) {
    case Role::patient:
      role = domain::Role::patient;
      break;
    case Role::doctor:
      role = domain::Role::doctor;
      break;
    case Role::receptionist:
      role = domain::Role::receptionist;
      break;
    case Role::admin:
      role = domain::Role::admin;
      break;
  }
  return domain::Actor{who.sub, role};
}

std::optional<std::int64_t> read_money(FieldReader& in, std::string_view name, Presence presence) {
  const auto major = in.number(name, 0.0, max_money_major, presence);
  if (!major) return std::nullopt;
  const double cents = *major * 100.0;
  const double rounded = std::round(cents);
  // Binary doubles cannot hold 50.1 exactly; anything within a millionth of a cent is the
  // decimal the client wrote.
  if (std::fabs(cents - rounded) > 1e-6) {
    reject(in, domain::errc::invalid_field, std::string(name), "has more than two decimals");
    return std::nullopt;
  }
  return static_cast<std::int64_t>(rounded);
}

double money_json(std::int64_t minor) noexcept {
  return static_cast<double>(minor) / 100.0;
}

std::optional<domain::ConsultationType> read_consultation_type(FieldReader& in,
                                                               std::string_view name,
                                                               Presence presence) {
  const auto text = in.one_of(name, {"in_person", "video", "audio", "chat"}, presence);
  if (!text) return std::nullopt;
  return domain::parse_consultation_type(*text);
}

std::optional<domain::ConsultationTypes> read_consultation_types(FieldReader& in,
                                                                 std::string_view name,
                                                                 Presence presence,
                                                                 std::string_view prefix) {
  const auto list = in.string_list(name, presence);
  if (!list) return std::nullopt;
  const std::string field = std::string(prefix) + std::string(name);
  if (list->empty()) {
    reject(in, domain::errc::invalid_field, field, "must name at least one consultation type");
    return std::nullopt;
  }
  domain::ConsultationTypes types;
  for (const auto& text : *list) {
    const auto type = domain::parse_consultation_type(text);
    if (!type) {
      reject(in, domain::errc::invalid_field, field,
             "must list only in_person, video, audio or chat");
      return std::nullopt;
    }
    types.insert(*type);
  }
  return types;
}

json consultation_types_json(domain::ConsultationTypes types) {
  json out = json::array();
  for (auto t : types.list())
    out.push_back(std::string(domain::to_string(t)));
  return out;
}

std::optional<std::vector<domain::ScheduleRule>> read_rules(FieldReader& in) {
  const auto items = in.object_list("rules");
  if (!items) return std::nullopt;
  std::vector<domain::ScheduleRule> rules;
  rules.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string prefix = in.item_path("rules", i);
    FieldReader r(*(*items)[i], prefix);
    domain::ScheduleRule rule;
    if (auto days = r.integer_list("weekdays", 1, 7)) {
      for (auto d : *days)
        rule.weekdays |= static_cast<std::uint8_t>(1u << (d - 1));
    }
    if (auto start = r.time_of_day("start")) rule.start_minute = *start;
    if (auto end = r.time_of_day("end", true)) rule.end_minute = *end;
    if (auto slot = r.integer("slot_minutes", 5, 480, Presence::optional)) {
      rule.slot_minutes = static_cast<int>(*slot);
    }
    if (auto capacity = r.integer("capacity", 1, 100, Presence::optional)) {
      rule.capacity = static_cast<int>(*capacity);
    }
    rule.consultation_types =
        read_consultation_types(r, "consultation_types", Presence::optional, prefix);
    in.merge(r.finish());
    rules.push_back(rule);
  }
  return rules;
}

domain::UpdateSettings read_settings(FieldReader& in) {
  domain::UpdateSettings c;
  const auto as_int = [](std::optional<std::int64_t> v) -> std::optional<int> {
    if (!v) return std::nullopt;
    return static_cast<int>(*v);
  };
  c.min_notice_minutes = as_int(in.integer("min_notice_minutes", 0, 10080, Presence::optional));
  c.max_advance_days = as_int(in.integer("max_advance_days", 1, 1825, Presence::optional));
  c.cancellation_deadline_hours =
      as_int(in.integer("cancellation_deadline_hours", 0, 168, Presence::optional));
  c.buffer_minutes = as_int(in.integer("buffer_minutes", 0, 120, Presence::optional));
  c.auto_confirm = in.boolean("auto_confirm", Presence::optional);
  c.hold_minutes = as_int(in.integer("hold_minutes", 1, 60, Presence::optional));
  c.max_walk_ins_per_day = as_int(in.integer("max_walk_ins_per_day", 0, 500, Presence::optional));
  c.waitlist_offer_minutes =
      as_int(in.integer("waitlist_offer_minutes", 1, 1440, Presence::optional));
  return c;
}

json rule_json(const domain::ScheduleRule& rule) {
  json days = json::array();
  for (int d = 1; d <= 7; ++d) {
    if (rule.on_weekday(d)) days.push_back(d);
  }
  json out = {{"weekdays", std::move(days)},
              {"start", domain::format_time_of_day(rule.start_minute)},
              {"end", domain::format_time_of_day(rule.end_minute)},
              {"slot_minutes", rule.slot_minutes},
              {"capacity", rule.capacity}};
  out["consultation_types"] =
      rule.consultation_types ? consultation_types_json(*rule.consultation_types) : json(nullptr);
  return out;
}

json settings_json(const domain::Settings& s) {
  return {{"min_notice_minutes", s.min_notice_minutes},
          {"max_advance_days", s.max_advance_days},
          {"cancellation_deadline_hours", s.cancellation_deadline_hours},
          {"buffer_minutes", s.buffer_minutes},
          {"auto_confirm", s.auto_confirm},
          {"hold_minutes", s.hold_minutes},
          {"max_walk_ins_per_day", s.max_walk_ins_per_day},
          {"waitlist_offer_minutes", s.waitlist_offer_minutes}};
}

json schedule_json(const domain::DoctorState& state, domain::Instant now) {
  const auto& history = state.schedule().history();
  const domain::RuleSet* set = nullptr;
  if (state.zone() != nullptr)
    set = state.schedule().set_on(domain::local_date_of(now, *state.zone()));
  if (set == nullptr && !history.empty()) set = &history.back();
  json rules = json::array();
  if (set == nullptr) return {{"rules", std::move(rules)}, {"effective_from", nullptr}};
  for (const auto& r : set->rules)
    rules.push_back(rule_json(r));
  return {{"rules", std::move(rules)},
          {"effective_from", domain::format_local_date(set->effective_from)}};
}

json doctor_json(const domain::DoctorState& state, domain::Instant now) {
  const auto& p = state.profile();
  return {{"id", state.id()},
          {"name", p.name},
          {"specialty", p.specialty},
          {"timezone", p.timezone},
          {"consultation_fee", money_json(p.consultation_fee)},
          {"consultation_types", consultation_types_json(p.consultation_types)},
          {"active", p.active},
          {"schedule", schedule_json(state, now)},
          {"settings", settings_json(state.settings())},
          {"version", state.version()}};
}

json appointment_json(const domain::Appointment& a, std::string_view doctor_id) {
  return {{"id", a.id},
          {"number", a.number},
          {"status", std::string(domain::to_string(a.status))},
          {"doctor_id", std::string(doctor_id)},
          {"patient_id", a.patient_id},
          {"start", instant_json(a.start)},
          {"end", instant_json(a.end)},
          {"consultation_type", std::string(domain::to_string(a.consultation_type))},
          {"fee", money_json(a.fee)}};
}

json walkin_json(const domain::DoctorState& state, const domain::Walkin& w) {
  json out = {{"id", w.id},
              {"queue_number", w.queue_number},
              {"patient_id", w.patient_id},
              {"urgency", std::string(domain::to_string(w.urgency))},
              {"status", std::string(domain::to_string(w.status))},
              {"position", nullptr},
              {"estimated_wait_minutes", nullptr}};
  if (auto place = domain::queue_place(state, w.id)) {
    out["position"] = place->position;
    out["estimated_wait_minutes"] = place->estimated_wait_minutes;
  }
  return out;
}

json state_json(const domain::DoctorState& state) {
  json out = json::object();
  out["registered"] = state.registered();
  if (!state.registered()) return out;
  const auto& p = state.profile();
  out["profile"] = {{"name", p.name},
                    {"specialty", p.specialty},
                    {"timezone", p.timezone},
                    {"consultation_fee", money_json(p.consultation_fee)},
                    {"consultation_types", consultation_types_json(p.consultation_types)},
                    {"active", p.active}};
  out["settings"] = settings_json(state.settings());
  json schedule = json::array();
  for (const auto& set : state.schedule().history()) {
    json rules = json::array();
    for (const auto& r : set.rules)
      rules.push_back(rule_json(r));
    schedule.push_back(
        {{"effective_from", domain::format_local_date(set.effective_from)}, {"rules", rules}});
  }
  out["schedule"] = std::move(schedule);
  json blocks = json::array();
  for (const auto* b : sorted_by_id(state.blocks())) {
    blocks.push_back({{"id", b->id},
                      {"start", instant_json(b->start)},
                      {"end", instant_json(b->end)},
                      {"reason", b->reason},
                      {"kind", std::string(domain::to_string(b->kind))},
                      {"removed", b->removed}});
  }
  out["blocks"] = std::move(blocks);
  json appointments = json::array();
  for (const auto* a : sorted_by_id(state.appointments())) {
    appointments.push_back(appointment_json(*a, state.id()));
  }
  out["appointments"] = std::move(appointments);
  json holds = json::array();
  for (const auto* h : sorted_by_id(state.holds())) {
    holds.push_back({{"id", h->id},
                     {"patient_id", h->patient_id},
                     {"start", instant_json(h->start)},
                     {"end", instant_json(h->end)},
                     {"consultation_type", std::string(domain::to_string(h->consultation_type))},
                     {"expires_at", instant_json(h->expires_at)}});
  }
  out["holds"] = std::move(holds);
  json walkins = json::array();
  for (const auto* w : sorted_by_id(state.walkins())) {
    json j = walkin_json(state, *w);
    j["date"] = domain::format_local_date(w->date);
    j["arrived_at"] = instant_json(w->arrived_at);
    walkins.push_back(std::move(j));
  }
  out["walk_ins"] = std::move(walkins);
  json waitlist = json::array();
  for (const auto* e : sorted_by_id(state.waitlist())) {
    json j = {{"id", e->id},
              {"patient_id", e->patient_id},
              {"date", domain::format_local_date(e->date)},
              {"from", domain::format_time_of_day(e->from_minute)},
              {"to", domain::format_time_of_day(e->to_minute)},
              {"consultation_type", std::string(domain::to_string(e->consultation_type))},
              {"priority", e->priority},
              {"status", std::string(domain::to_string(e->status))},
              {"offer", nullptr}};
    if (e->offer) {
      j["offer"] = {{"start", instant_json(e->offer->start)},
                    {"expires_at", instant_json(e->offer->expires_at)}};
    }
    if (!e->appointment_id.empty()) j["appointment_id"] = e->appointment_id;
    waitlist.push_back(std::move(j));
  }
  out["waitlist"] = std::move(waitlist);
  return out;
}

}  // namespace docket::api
