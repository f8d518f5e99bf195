#include "domain/event_json.hpp"

#include <array>
#include <stdexcept>
#include <utility>

// Instants and local dates are std::chrono types; their JSON form is declared here, the one place
// that turns events into JSON.
namespace nlohmann {

template <>
struct adl_serializer<docket::domain::Instant> {
  static void to_json(json& j, const docket::domain::Instant& t) {
    j = docket::domain::format_rfc3339(t);
  }
  static void from_json(const json& j, docket::domain::Instant& t) {
    const auto parsed = docket::domain::parse_rfc3339(j.get_ref<const std::string&>());
    if (!parsed) throw std::invalid_argument("not an RFC 3339 instant");
    t = *parsed;
  }
};

template <>
struct adl_serializer<docket::domain::LocalDate> {
  static void to_json(json& j, const docket::domain::LocalDate& d) {
    j = docket::domain::format_local_date(d);
  }
  static void from_json(const json& j, docket::domain::LocalDate& d) {
    const auto parsed = docket::domain::parse_local_date(j.get<std::string>());
    if (!parsed) throw std::invalid_argument("not a YYYY-MM-DD date");
    d = *parsed;
  }
};

}  // namespace nlohmann

namespace docket::domain {

using nlohmann::json;

// Enums as their API strings; an unknown string is a decode error.
#define DOCKET_JSON_ENUM(Type, parse_fn)                                       \
  void to_json(json& j, const Type& v) {                                       \
    j = std::string(to_string(v));                                             \
  }                                                                            \
  void from_json(const json& j, Type& v) {                                     \
    const auto parsed = parse_fn(j.get<std::string>());                        \
    if (!parsed) throw std::invalid_argument("unknown " #Type " " + j.dump()); \
    v = *parsed;                                                               \
  }

DOCKET_JSON_ENUM(Role, parse_role)
DOCKET_JSON_ENUM(ConsultationType, parse_consultation_type)
DOCKET_JSON_ENUM(AppointmentStatus, parse_appointment_status)
DOCKET_JSON_ENUM(BlockKind, parse_block_kind)
DOCKET_JSON_ENUM(Urgency, parse_urgency)
DOCKET_JSON_ENUM(WalkinStatus, parse_walkin_status)
DOCKET_JSON_ENUM(WaitlistStatus, parse_waitlist_status)
#undef DOCKET_JSON_ENUM

void to_json(json& j, const ConsultationTypes& v) {
  j = json::array();
  for (const ConsultationType t : v.list())
    j.push_back(t);
}
void from_json(const json& j, ConsultationTypes& v) {
  v = ConsultationTypes{};
  for (const json& t : j)
    v.insert(t.get<ConsultationType>());
}

// Free text only where present, so that an encrypted `personal` has the same shape.
void to_json(json& j, const Personal& p) {
  j = json::object();
  if (!p.reason_for_visit.empty()) j["reason_for_visit"] = p.reason_for_visit;
  if (!p.symptoms.empty()) j["symptoms"] = p.symptoms;
  if (!p.notes.empty()) j["notes"] = p.notes;
  if (!p.reason.empty()) j["reason"] = p.reason;
}
void from_json(const json& j, Personal& p) {
  if (!j.is_object()) throw std::invalid_argument("personal is not an object");
  p = Personal{j.value("reason_for_visit", ""), j.value("symptoms", ""), j.value("notes", ""),
               j.value("reason", "")};
}

void to_json(json& j, const ScheduleRule& r) {
  json days = json::array();
  for (int d = 1; d <= 7; ++d) {
    if (r.on_weekday(d)) days.push_back(d);
  }
  j = json{{"weekdays", days},
           {"start", format_time_of_day(r.start_minute)},
           {"end", format_time_of_day(r.end_minute)},
           {"slot_minutes", r.slot_minutes},
           {"capacity", r.capacity}};
  if (r.consultation_types) j["consultation_types"] = *r.consultation_types;
}
void from_json(const json& j, ScheduleRule& r) {
  r = ScheduleRule{};
  for (const json& d : j.at("weekdays")) {
    const int day = d.get<int>();
    if (day < 1 || day > 7) throw std::invalid_argument("weekday out of range");
    r.weekdays = static_cast<std::uint8_t>(r.weekdays | (1u << (day - 1)));
  }
  const auto start = parse_time_of_day(j.at("start").get<std::string>());
  const auto end = parse_time_of_day(j.at("end").get<std::string>(), true);
  if (!start || !end) throw std::invalid_argument("bad time of day in a rule");
  r.start_minute = *start;
  r.end_minute = *end;
  r.slot_minutes = j.at("slot_minutes").get<int>();
  r.capacity = j.at("capacity").get<int>();
  if (j.contains("consultation_types")) {
    r.consultation_types = j.at("consultation_types").get<ConsultationTypes>();
  }
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Actor, sub, role)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Settings, min_notice_minutes, max_advance_days,
                                   cancellation_deadline_hours, buffer_minutes, auto_confirm,
                                   hold_minutes, max_walk_ins_per_day, waitlist_offer_minutes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Profile, name, specialty, timezone, consultation_fee,
                                   consultation_types, active)

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DoctorRegistered, actor, doctor_id, profile, settings)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DoctorProfileUpdated, actor, old_profile, new_profile)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DoctorScheduleSet, actor, effective_from, rules, had_old,
                                   old_effective_from, old_rules)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DoctorSettingsChanged, actor, old_settings, new_settings)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DoctorBlockAdded, actor, block_id, start, end, reason, kind)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DoctorBlockRemoved, actor, block_id, start, end)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(HoldPlaced, actor, hold_id, patient_id, start, end,
                                   consultation_type, expires_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(HoldReleased, actor, hold_id, patient_id, start)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(HoldExpired, actor, hold_id, patient_id, start, expired_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AppointmentBooked, actor, appointment_id, number, patient_id,
                                   start, end, consultation_type, fee, status, hold_id,
                                   waitlist_entry_id, personal)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AppointmentConfirmed, actor, appointment_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AppointmentRejected, actor, appointment_id, personal)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AppointmentCancelled, actor, appointment_id, patient_id, start,
                                   old_status, block_id, personal)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AppointmentRescheduled, actor, appointment_id, patient_id,
                                   old_start, old_end, new_start, new_end, old_status, new_status,
                                   hold_id, personal)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AppointmentCheckedIn, actor, appointment_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AppointmentStarted, actor, appointment_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AppointmentCompleted, actor, appointment_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AppointmentNoShow, actor, appointment_id, old_status)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WalkinRegistered, actor, walkin_id, patient_id, urgency, date,
                                   sequence, queue_number, arrived_at, personal)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WalkinCalled, actor, walkin_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WalkinCompleted, actor, walkin_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WalkinLeft, actor, walkin_id, old_status)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WalkinNoShow, actor, walkin_id, old_status)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WaitlistJoined, actor, entry_id, patient_id, date, from_minute,
                                   to_minute, consultation_type, priority)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WaitlistOffered, actor, entry_id, patient_id, start, end,
                                   expires_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WaitlistOfferExpired, actor, entry_id, patient_id, start)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WaitlistAccepted, actor, entry_id, patient_id, appointment_id)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(WaitlistLeft, actor, entry_id, patient_id, old_status)

namespace {

using Decoder = Event (*)(const json&);

template <std::size_t I>
Event decode_as(const json& data) {
  return Event{std::in_place_index<I>, data.get<std::variant_alternative_t<I, Event>>()};
}

struct Known {
  std::string_view type;
  Decoder decode;
};

// Every alternative of Event, found by its type name.
template <std::size_t... I>
constexpr std::array<Known, sizeof...(I)> make_known(std::index_sequence<I...>) {
  return {Known{std::variant_alternative_t<I, Event>::type, &decode_as<I>}...};
}
constexpr auto known = make_known(std::make_index_sequence<std::variant_size_v<Event>>{});

const Known* find_known(std::string_view type) {
  for (const Known& k : known) {
    if (k.type == type) return &k;
  }
  return nullptr;
}

constexpr int max_upcast_steps = 16;

}  // namespace

EncodedEvent encode(const Event& event) {
  return std::visit(
      [](const auto& e) {
        return EncodedEvent{std::string(std::decay_t<decltype(e)>::type), e};
      },
      event);
}

void UpcasterRegistry::add(std::string old_type, Upcaster up) {
  by_type_.insert_or_assign(std::move(old_type), std::move(up));
}

const Upcaster* UpcasterRegistry::find(std::string_view type) const {
  const auto it = by_type_.find(std::string(type));
  return it == by_type_.end() ? nullptr : &it->second;
}

const UpcasterRegistry& default_upcasters() {
  static const UpcasterRegistry registry;
  return registry;
}

Result<Event> decode(std::string_view type, const json& data) {
  return decode(type, data, default_upcasters());
}

Result<Event> decode(std::string_view type, const json& data, const UpcasterRegistry& upcasters) {
  // Current types (nearly every stored event) decode straight from `data`: copying it first cost
  // a third of decode.
  if (const Known* k = find_known(type)) {
    try {
      return k->decode(data);
    } catch (const std::exception& e) {
      return error(errc::invalid_field, std::string(type) + ": " + e.what());
    }
  }
  EncodedEvent current{std::string(type), data};
  for (int step = 0;; ++step) {
    if (const Known* k = find_known(current.type)) {
      try {
        return k->decode(current.data);
      } catch (const std::exception& e) {
        // Stored data at the edge: a malformed event is reported, never thrown further.
        return error(errc::invalid_field, current.type + ": " + e.what());
      }
    }
    const Upcaster* up = upcasters.find(current.type);
    if (up == nullptr) return error(errc::invalid_field, "unknown event type " + current.type);
    if (step >= max_upcast_steps) {
      return error(errc::invalid_field, "upcasting " + std::string(type) + " does not end");
    }
    auto next = (*up)(current.data);
    if (!next) return Failure<Error>{next.error()};
    current = std::move(next).value();
  }
}

}  // namespace docket::domain
