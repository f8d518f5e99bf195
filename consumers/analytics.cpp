#include "consumers/analytics.hpp"

#include <nlohmann/json.hpp>

#include "domain/calendar.hpp"
#include "domain/event_json.hpp"

namespace docket::consumers {
namespace {

using nlohmann::json;

std::string fact_key(char kind, std::string_view day, std::string_view group) {
  std::string k = "f";
  k.push_back(kind);
  k.append(day);
  k.push_back('\0');
  k.append(group);
  return k;
}

std::string lead_bucket(std::chrono::seconds lead) {
  using namespace std::chrono;
  if (lead < seconds(0)) return "cancelled_lead_after_start";
  if (lead < hours(2)) return "cancelled_lead_under_2h";
  if (lead < hours(24)) return "cancelled_lead_2h_24h";
  if (lead < hours(24 * 7)) return "cancelled_lead_1d_7d";
  return "cancelled_lead_over_7d";
}

struct Count {
  const eventstore::RecordedEvent& recorded;
  Effects& effects;
  std::string doctor_id;
  domain::Instant time;

  StoreResult<json> load(const std::string& key) {
    auto v = effects.get(key);
    if (!v) return fail(v.error());
    return v->has_value() ? json::parse(**v) : json::object();
  }

  // Adds to the fact on the doctor's local date, for the doctor and its specialty.
  StoreResult<Unit> add(std::initializer_list<std::pair<std::string, std::int64_t>> facts) {
    auto doctor = load("D" + doctor_id);
    if (!doctor) return fail(doctor.error());
    const auto* zone = domain::find_zone(doctor->value("timezone", "UTC"));
    if (zone == nullptr) zone = domain::find_zone("UTC");
    const std::string day = domain::format_local_date(domain::local_date_of(time, *zone));
    const std::string specialty = doctor->value("specialty", "");
    for (const auto& key : {fact_key('d', day, doctor_id), fact_key('s', day, specialty)}) {
      auto counts = load(key);
      if (!counts) return fail(counts.error());
      for (const auto& [name, n] : facts)
        (*counts)[name] = counts->value(name, std::int64_t{0}) + n;
      effects.put(key, counts->dump());
    }
    return unit;
  }

  StoreResult<Unit> operator()(const domain::DoctorRegistered& e) {
    effects.put("D" + doctor_id,
                json{{"specialty", e.profile.specialty}, {"timezone", e.profile.timezone}}.dump());
    return unit;
  }
  StoreResult<Unit> operator()(const domain::DoctorProfileUpdated& e) {
    effects.put(
        "D" + doctor_id,
        json{{"specialty", e.new_profile.specialty}, {"timezone", e.new_profile.timezone}}.dump());
    return unit;
  }
  StoreResult<Unit> operator()(const domain::AppointmentBooked& e) {
    effects.put("a" + e.appointment_id,
                json{{"fee", e.fee}, {"start", e.start.time_since_epoch().count()}}.dump());
    return add({{"booked", 1}});
  }
  StoreResult<Unit> operator()(const domain::AppointmentCancelled& e) {
    return add({{"cancelled", 1},
                {"cancelled_by_" + recorded.actor.role, 1},
                {lead_bucket(e.start - time), 1}});
  }
  StoreResult<Unit> operator()(const domain::AppointmentRescheduled& e) {
    auto a = load("a" + e.appointment_id);
    if (!a) return fail(a.error());
    (*a)["start"] = e.new_start.time_since_epoch().count();
    effects.put("a" + e.appointment_id, a->dump());
    return add({{"rescheduled", 1}});
  }
  StoreResult<Unit> operator()(const domain::AppointmentCompleted& e) {
    auto a = load("a" + e.appointment_id);
    if (!a) return fail(a.error());
    return add({{"completed", 1}, {"revenue", a->value("fee", std::int64_t{0})}});
  }
  StoreResult<Unit> operator()(const domain::AppointmentNoShow&) { return add({{"no_shows", 1}}); }
  StoreResult<Unit> operator()(const domain::WalkinRegistered& e) {
    effects.put("w" + e.walkin_id,
                json{{"arrived_at", e.arrived_at.time_since_epoch().count()}}.dump());
    return add({{"walk_ins", 1}});
  }
  StoreResult<Unit> operator()(const domain::WalkinCalled& e) {
    auto w = load("w" + e.walkin_id);
    if (!w) return fail(w.error());
    const std::int64_t arrived = w->value("arrived_at", time.time_since_epoch().count());
    return add({{"walk_ins_called", 1},
                {"walk_in_wait_seconds", time.time_since_epoch().count() - arrived}});
  }
  template <class Other>
  StoreResult<Unit> operator()(const Other&) {
    return unit;
  }
};

bool relevant(std::string_view t) {
  return t == domain::DoctorRegistered::type || t == domain::DoctorProfileUpdated::type ||
         t == domain::AppointmentBooked::type || t == domain::AppointmentCancelled::type ||
         t == domain::AppointmentRescheduled::type || t == domain::AppointmentCompleted::type ||
         t == domain::AppointmentNoShow::type || t == domain::WalkinRegistered::type ||
         t == domain::WalkinCalled::type;
}

std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

const std::vector<std::string>& fact_names() {
  static const std::vector<std::string> names = {"booked",
                                                 "cancelled",
                                                 "cancelled_by_patient",
                                                 "cancelled_by_doctor",
                                                 "cancelled_by_receptionist",
                                                 "cancelled_by_admin",
                                                 "cancelled_by_system",
                                                 "cancelled_lead_after_start",
                                                 "cancelled_lead_under_2h",
                                                 "cancelled_lead_2h_24h",
                                                 "cancelled_lead_1d_7d",
                                                 "cancelled_lead_over_7d",
                                                 "rescheduled",
                                                 "completed",
                                                 "no_shows",
                                                 "walk_ins",
                                                 "walk_ins_called",
                                                 "walk_in_wait_seconds",
                                                 "revenue"};
  return names;
}

StoreResult<Unit> AnalyticsHandler::handle(const eventstore::RecordedEvent& event,
                                           Effects& effects) {
  if (!relevant(event.type)) return unit;
  auto decoded = domain::decode(event.type, event.data);
  if (!decoded) return fail(StoreError{"event " + event.id + " does not decode"});
  const auto time = domain::parse_rfc3339(event.time);
  if (!time) return fail(StoreError{"event " + event.id + " has no valid time"});
  std::string doctor_id =
      event.stream.starts_with("doctor-") ? event.stream.substr(7) : event.stream;
  return std::visit(Count{event, effects, std::move(doctor_id), *time}, decoded.value());
}

StoreResult<std::vector<FactRow>> query_facts(const ConsumerStore& store, domain::LocalDate from,
                                              domain::LocalDate to, GroupBy by) {
  const char kind = by == GroupBy::doctor ? 'd' : 's';
  const std::string prefix = std::string("f") + kind;
  const std::string begin = prefix + domain::format_local_date(from);
  // Keys of day `to` are "<to>\0<group>": every one is below "<to>\x01".
  const std::string end = prefix + domain::format_local_date(to) + '\x01';
  auto rows = store.scan(prefix, end);
  if (!rows) return fail(rows.error());
  std::map<std::string, FactRow> groups;
  for (const auto& [key, value] : *rows) {
    if (key < begin) continue;
    const auto zero = key.find('\0');
    const std::string group = key.substr(zero + 1);
    auto& row = groups[group];
    if (row.group.empty()) {
      row.group = group;
      for (const auto& name : fact_names())
        row.counts[name] = 0;
    }
    const json counts = json::parse(value);
    for (const auto& [name, n] : counts.items())
      row.counts[name] += n.get<std::int64_t>();
  }
  std::vector<FactRow> out;
  for (auto& [group, row] : groups)
    out.push_back(std::move(row));
  return out;
}

void write_facts_csv(const std::vector<FactRow>& rows, std::ostream& out) {
  out << "group";
  for (const auto& name : fact_names())
    out << "," << name;
  out << "\n";
  for (const auto& row : rows) {
    out << csv_field(row.group);
    for (const auto& name : fact_names()) {
      const auto it = row.counts.find(name);
      out << "," << (it == row.counts.end() ? 0 : it->second);
    }
    out << "\n";
  }
}

void write_facts_jsonl(const std::vector<FactRow>& rows, std::ostream& out) {
  for (const auto& row : rows) {
    json line = {{"group", row.group}};
    for (const auto& [name, n] : row.counts)
      line[name] = n;
    out << line.dump() << "\n";
  }
}

}  // namespace docket::consumers
