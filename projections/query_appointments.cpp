#include <unordered_map>

#include "projections/codec.hpp"
#include "projections/query_support.hpp"

namespace docket::projections {

namespace dm = docket::domain;
using key::Dim;

namespace {

// A day's start and end widened by the largest zone offsets, for a date without a doctor.
constexpr std::chrono::hours kWidestOffset{15};

struct ZoneCache {
  const ReadView& store;
  std::unordered_map<std::string, const date::time_zone*> zones;
  const date::time_zone* of(const std::string& doctor_id) {
    const auto it = zones.find(doctor_id);
    if (it != zones.end()) return it->second;
    const auto d = detail::load_doctor(store, doctor_id);
    const date::time_zone* z = d ? dm::find_zone(d->profile.timezone) : nullptr;
    zones.emplace(doctor_id, z);
    return z;
  }
};

}  // namespace

Result<AppointmentRecord> appointment(const ReadView& store, std::string_view id) {
  const auto bytes = store.get(key::appointment(id));
  if (!bytes) return error(errc::not_found, "unknown appointment");
  auto a = decode_appointment(*bytes);
  if (!a) return error(errc::corrupt, "stored appointment does not parse");
  return std::move(*a);
}

AppointmentPage appointments(const ReadView& store, const AppointmentFilter& filter,
                             Paging paging) {
  paging = detail::normalize(paging);
  AppointmentPage out;
  out.page = paging.page;
  out.per_page = paging.per_page;
  const std::uint8_t status =
      filter.status ? static_cast<std::uint8_t>(*filter.status) : key::kAnyStatus;

  // Which index to walk, and what it leaves to check per entry.
  Dim dim = Dim::all;
  std::string value;
  if (!filter.patient_id.empty()) {
    dim = Dim::patient;
    value = filter.patient_id;
  } else if (!filter.doctor_id.empty()) {
    dim = Dim::doctor;
    value = filter.doctor_id;
  }
  const bool doctor_filter = !filter.doctor_id.empty() && dim != Dim::doctor;
  // A patient's index has no per-status entries: its values carry the status (patient_entry).
  const bool status_filter = filter.status && dim == Dim::patient;
  const std::string prefix =
      key::appt_index_prefix(dim, value, dim == Dim::patient ? key::kAnyStatus : status);

  ZoneCache zones{store, {}};
  std::string from_key;
  std::optional<dm::Instant> lo;
  std::optional<dm::Instant> hi;
  if (filter.date) {
    const date::time_zone* zone = nullptr;
    if (!filter.doctor_id.empty()) {
      zone = zones.of(filter.doctor_id);
      if (zone == nullptr) return out;  // unknown doctor: nothing matches
      lo = dm::start_of_day(*filter.date, *zone);
      hi = dm::start_of_day(*filter.date + date::days(1), *zone);
    } else {
      lo = dm::Instant(filter.date->time_since_epoch()) - kWidestOffset;
      hi = dm::Instant((*filter.date + date::days(1)).time_since_epoch()) + kWidestOffset;
    }
    if (dim != Dim::patient) {
      from_key = prefix;
      key_i64(from_key, seconds_of(*lo));
    }
  }
  // Without per-entry checks the stored count is the total and the walk stops after the page.
  // A patient's index has no stored counts (it is short): its walk counts every entry.
  const bool exact = !filter.date && !doctor_filter && dim != Dim::patient;
  if (exact) {
    const auto bytes = store.get(key::appt_count(dim, value));
    const auto counts = bytes ? decode_index_counts(*bytes) : std::nullopt;
    if (counts) {
      out.total = filter.status ? counts->by_status[status % kStatusCount] : counts->any;
    }
  }
  const std::int64_t skip = static_cast<std::int64_t>(paging.page - 1) * paging.per_page;
  std::int64_t matched = 0;
  std::vector<std::string> ids;
  store.scan(prefix, from_key, [&](std::string_view k, std::string_view v) {
    KeyReader kr(k);
    kr.skip(prefix.size());
    const dm::Instant start = instant_of(kr.i64());
    const std::string_view id = kr.str();
    if (hi && start >= *hi && dim != Dim::patient) return false;
    // The entry's doctor: the index's own, or its value (after the status in a patient's).
    const std::string_view entry_doctor = dim == Dim::doctor    ? std::string_view(value)
                                          : dim == Dim::patient ? v.substr(1)
                                                                : v;
    if (status_filter && (v.empty() || static_cast<std::uint8_t>(v[0]) != status)) return true;
    if (doctor_filter && entry_doctor != filter.doctor_id) return true;
    if (lo && (start < *lo || start >= *hi)) return true;
    if (filter.date && filter.doctor_id.empty()) {
      const std::string doctor_id(entry_doctor);
      const date::time_zone* zone = zones.of(doctor_id);
      if (zone == nullptr || dm::local_date_of(start, *zone) != *filter.date) return true;
    }
    if (matched >= skip && matched < skip + paging.per_page) ids.emplace_back(id);
    ++matched;
    return !exact || matched < skip + paging.per_page;
  });
  if (!exact) out.total = matched;
  for (const std::string& id : ids) {
    auto a = appointment(store, id);
    if (a.ok()) out.items.push_back(std::move(a).value());
  }
  return out;
}

nlohmann::json to_json(const AppointmentRecord& a) {
  return {{"id", a.id},
          {"number", a.number},
          {"status", dm::to_string(a.status)},
          {"doctor_id", a.doctor_id},
          {"patient_id", a.patient_id},
          {"start", dm::format_rfc3339(a.start)},
          {"end", dm::format_rfc3339(a.end)},
          {"consultation_type", dm::to_string(a.consultation_type)},
          {"fee", a.fee},
          {"version", a.version},
          {"created_at", a.created_at},
          {"updated_at", a.updated_at}};
}

nlohmann::json to_json(const AppointmentPage& p) {
  nlohmann::json items = nlohmann::json::array();
  for (const AppointmentRecord& a : p.items)
    items.push_back(to_json(a));
  return {{"appointments", std::move(items)},
          {"page", p.page},
          {"per_page", p.per_page},
          {"total", p.total}};
}

Result<nlohmann::json> appointment_history(const ReadView& store, std::string_view id) {
  const auto bytes = store.get(key::history(id));
  if (!bytes) return error(errc::not_found, "unknown appointment");
  auto events = nlohmann::json::parse(*bytes, nullptr, false);
  if (events.is_discarded() || !events.is_array()) {
    return error(errc::corrupt, "stored history does not parse");
  }
  if (events.empty()) return error(errc::not_found, "unknown appointment");
  return nlohmann::json{{"appointment_id", id}, {"events", std::move(events)}};
}

}  // namespace docket::projections
