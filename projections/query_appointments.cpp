#include <algorithm>
#include <limits>
#include <unordered_map>

#include "projections/codec.hpp"
#include "projections/query_support.hpp"

namespace docket::projections {

namespace dm = docket::domain;
using key::Dim;

namespace {

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

// Counts the entries that match and keeps the ids of those on the page.
struct PageWindow {
  std::int64_t skip = 0;
  std::int64_t per_page = 0;
  std::int64_t matched = 0;
  std::vector<std::string> ids;

  void take(std::string_view id) {
    if (matched >= skip && matched < skip + per_page) ids.emplace_back(id);
    ++matched;
  }
  bool full() const { return matched >= skip + per_page; }
};

// A patient's index is short and has no per-status entries (its values carry the status and the
// doctor, patient_entry): the page walks it whole, checking each entry.
void patient_page(const ReadView& store, const AppointmentFilter& filter, ZoneCache& zones,
                  PageWindow& window) {
  const std::string prefix =
      key::appt_index_prefix(Dim::patient, filter.patient_id, key::kAnyStatus);
  store.scan(prefix, {}, [&](std::string_view k, std::string_view v) {
    if (v.empty()) return true;
    KeyReader kr(k);
    kr.skip(prefix.size());
    const dm::Instant start = instant_of(kr.i64());
    const std::string_view id = kr.str();
    const std::string_view doctor = v.substr(1);
    if (filter.status &&
        static_cast<std::uint8_t>(v[0]) != static_cast<std::uint8_t>(*filter.status)) {
      return true;
    }
    if (!filter.doctor_id.empty() && doctor != filter.doctor_id) return true;
    if (filter.date) {
      const date::time_zone* zone = zones.of(std::string(doctor));
      if (zone == nullptr || dm::local_date_of(start, *zone) != *filter.date) return true;
    }
    window.take(id);
    return true;
  });
}

// Every doctor with appointments, with the counts of its index, in doctor order.
std::vector<std::pair<std::string, IndexCounts>> doctors_with_appointments(const ReadView& store) {
  std::vector<std::pair<std::string, IndexCounts>> out;
  const std::string prefix = key::appt_count_prefix(Dim::doctor);
  store.scan(prefix, {}, [&](std::string_view k, std::string_view v) {
    KeyReader kr(k);
    kr.skip(prefix.size());
    const std::string_view doctor = kr.str();
    auto counts = decode_index_counts(v);
    if (kr.ok() && counts) out.emplace_back(std::string(doctor), *counts);
    return true;
  });
  return out;
}

// One doctor's index entries still to merge: a cursor over its (status) range, up to `end`.
struct DoctorRange {
  std::unique_ptr<ModelStore::Cursor> cursor;
  std::size_t prefix_size = 0;
  std::int64_t end = std::numeric_limits<std::int64_t>::max();  // start seconds, exclusive

  // The entry's (start, appointment) bytes: the same encoding in every doctor's index, so that
  // comparing them orders entries by start, then id, across doctors.
  std::string_view order_key() const { return cursor->key().substr(prefix_size); }
  bool live() const {
    if (!cursor->valid()) return false;
    KeyReader kr(order_key());
    return kr.i64() < end;
  }
};

// The page of the doctors' indexes merged by start, then id (the order of AppointmentPage): each
// doctor's per-status (or across-status) range, from the start of `filter.date` in the doctor's
// zone to its end when a date is asked. Returns the total: from the counts when every entry of
// the ranges matches (no date), else by walking them all.
std::int64_t merged_page(const ReadView& store, const AppointmentFilter& filter, ZoneCache& zones,
                         const std::vector<std::pair<std::string, IndexCounts>>& doctors,
                         PageWindow& window) {
  const std::uint8_t status =
      filter.status ? static_cast<std::uint8_t>(*filter.status) : key::kAnyStatus;
  std::int64_t counted = 0;
  std::vector<DoctorRange> ranges;
  for (const auto& [doctor, counts] : doctors) {
    const std::int64_t n = filter.status ? counts.by_status[status % kStatusCount] : counts.any;
    if (n <= 0) continue;
    DoctorRange r;
    const std::string prefix = key::appt_index_prefix(Dim::doctor, doctor, status);
    r.prefix_size = prefix.size();
    std::string from;
    if (filter.date) {
      const date::time_zone* zone = zones.of(doctor);
      if (zone == nullptr) continue;  // no zone, no local dates: nothing of this doctor matches
      from = prefix;
      key_i64(from, seconds_of(dm::start_of_day(*filter.date, *zone)));
      r.end = seconds_of(dm::start_of_day(*filter.date + date::days(1), *zone));
    }
    counted += n;
    r.cursor = store.cursor(prefix, from);
    if (r.live()) ranges.push_back(std::move(r));
  }
  const bool exact = !filter.date;
  if (exact && window.skip >= counted) return counted;  // past the last page: nothing to walk
  // A min-heap on the order key: the next entry clinic-wide is at the front.
  const auto later = [](const DoctorRange& a, const DoctorRange& b) {
    return a.order_key() > b.order_key();
  };
  std::make_heap(ranges.begin(), ranges.end(), later);
  while (!ranges.empty() && !(exact && window.full())) {
    std::pop_heap(ranges.begin(), ranges.end(), later);
    DoctorRange& r = ranges.back();
    KeyReader kr(r.order_key());
    kr.i64();
    window.take(kr.str());
    r.cursor->next();
    if (r.live()) {
      std::push_heap(ranges.begin(), ranges.end(), later);
    } else {
      ranges.pop_back();
    }
  }
  return exact ? counted : window.matched;
}

// Every appointment clinic-wide: a walk of the clinic-wide index up to the page, its total the
// stored count.
std::int64_t clinic_page(const ReadView& store, PageWindow& window) {
  const auto bytes = store.get(key::appt_count(Dim::all, {}));
  const auto counts = bytes ? decode_index_counts(*bytes) : std::nullopt;
  const std::int64_t total = counts ? counts->any : 0;
  if (window.skip >= total) return total;
  const std::string prefix = key::appt_index_prefix(Dim::all, {}, key::kAnyStatus);
  store.scan(prefix, {}, [&](std::string_view k, std::string_view) {
    KeyReader kr(k);
    kr.skip(prefix.size());
    kr.i64();
    window.take(kr.str());
    return !window.full();
  });
  return total;
}

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
  PageWindow window;
  window.skip = static_cast<std::int64_t>(paging.page - 1) * paging.per_page;
  window.per_page = paging.per_page;
  ZoneCache zones{store, {}};
  if (!filter.patient_id.empty()) {
    patient_page(store, filter, zones, window);
    out.total = window.matched;
  } else if (!filter.doctor_id.empty()) {
    const auto bytes = store.get(key::appt_count(Dim::doctor, filter.doctor_id));
    const auto counts = bytes ? decode_index_counts(*bytes) : std::nullopt;
    if (counts)
      out.total = merged_page(store, filter, zones, {{filter.doctor_id, *counts}}, window);
  } else if (!filter.status && !filter.date) {
    out.total = clinic_page(store, window);
  } else {
    out.total = merged_page(store, filter, zones, doctors_with_appointments(store), window);
  }
  for (const std::string& id : window.ids) {
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
