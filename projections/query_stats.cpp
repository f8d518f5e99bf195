#include <set>

#include "projections/codec.hpp"
#include "projections/query_support.hpp"

namespace docket::projections {

namespace dm = docket::domain;

namespace {

// Appointments of the doctor starting in [lo, hi): all of them, and those taking capacity.
std::pair<std::int64_t, std::int64_t> count_starts(const ReadView& store,
                                                   std::string_view doctor_id, dm::Instant lo,
                                                   dm::Instant hi) {
  const std::string prefix = key::stats_by_start_prefix(doctor_id);
  std::string from = prefix;
  key_i64(from, seconds_of(lo));
  std::int64_t all = 0;
  std::int64_t taking = 0;
  store.scan(prefix, from, [&](std::string_view k, std::string_view v) {
    KeyReader kr(k);
    kr.skip(prefix.size());
    if (kr.i64() >= seconds_of(hi)) return false;
    ++all;
    if (!v.empty() && dm::takes_capacity(static_cast<dm::AppointmentStatus>(v[0]))) ++taking;
    return true;
  });
  return {all, taking};
}

void finish(StatsView& s) {
  const auto completed = s.by_status[static_cast<std::size_t>(dm::AppointmentStatus::completed)];
  const auto no_show = s.by_status[static_cast<std::size_t>(dm::AppointmentStatus::no_show)];
  s.no_show_rate = completed + no_show > 0
                       ? static_cast<double>(no_show) / static_cast<double>(completed + no_show)
                       : 0.0;
  s.utilization = s.month_capacity > 0
                      ? static_cast<double>(s.month_taken) / static_cast<double>(s.month_capacity)
                      : 0.0;
}

void add(StatsView& into, const StatsView& s) {
  into.total += s.total;
  into.today += s.today;
  into.this_week += s.this_week;
  into.this_month += s.this_month;
  for (std::size_t i = 0; i < kStatusCount; ++i)
    into.by_status[i] += s.by_status[i];
  into.unique_patients += s.unique_patients;
  into.month_taken += s.month_taken;
  into.month_capacity += s.month_capacity;
}

StatsView stats_of(const ReadView& store, const DoctorRecord& d, dm::Instant now) {
  StatsView out;
  if (const auto bytes = store.get(key::stats(d.id))) {
    if (const auto s = decode_stats(*bytes)) {
      out.total = s->total;
      out.by_status = s->by_status;
      out.unique_patients = s->unique_patients;
    }
  }
  const date::time_zone* zone = dm::find_zone(d.profile.timezone);
  if (zone == nullptr) {
    finish(out);
    return out;
  }
  const dm::LocalDate today = dm::local_date_of(now, *zone);
  const dm::LocalDate monday = today - date::days(dm::iso_weekday(today) - 1);
  const date::year_month_day ymd{today};
  const dm::LocalDate month_first{ymd.year() / ymd.month() / date::day{1}};
  const dm::LocalDate month_next{(ymd.year() / ymd.month() + date::months(1)) / date::day{1}};
  const auto day = [&](dm::LocalDate x) { return dm::start_of_day(x, *zone); };
  out.today = count_starts(store, d.id, day(today), day(today + date::days(1))).first;
  out.this_week = count_starts(store, d.id, day(monday), day(monday + date::days(7))).first;
  const auto month = count_starts(store, d.id, day(month_first), day(month_next));
  out.this_month = month.first;
  out.month_taken = month.second;
  const std::vector<BlockRecord> blocks = detail::live_blocks(store, d.id);
  for (const dm::Slot& slot :
       detail::slots_between(d, *zone, month_first, month_next - date::days(1))) {
    if (!detail::blocked(blocks, slot.start, slot.end)) out.month_capacity += slot.capacity;
  }
  finish(out);
  return out;
}

}  // namespace

Result<StatsView> doctor_stats(const ReadView& store, std::string_view doctor_id, dm::Instant now) {
  const auto d = detail::load_doctor(store, doctor_id);
  if (!d) return error(errc::not_found, "unknown doctor");
  return stats_of(store, *d, now);
}

ClinicStats clinic_stats(const ReadView& store, dm::Instant now, std::optional<dm::LocalDate> from,
                         std::optional<dm::LocalDate> to) {
  ClinicStats out;
  out.from = from;
  out.to = to;
  std::map<std::string, std::set<std::string>> patients_by_specialty;
  store.scan("D", {}, [&](std::string_view, std::string_view v) {
    const auto d = decode_doctor(v);
    if (!d) return true;
    const StatsView s = stats_of(store, *d, now);
    add(out.clinic, s);
    add(out.by_specialty[d->profile.specialty], s);
    auto& patients = patients_by_specialty[d->profile.specialty];
    const std::string prefix = key::doctor_patient_prefix(d->id);
    store.scan(prefix, {}, [&](std::string_view k, std::string_view) {
      KeyReader kr(k);
      kr.skip(prefix.size());
      patients.emplace(kr.str());
      return true;
    });
    const date::time_zone* zone = dm::find_zone(d->profile.timezone);
    if (from && to && zone != nullptr && *from <= *to) {
      out.in_range += count_starts(store, d->id, dm::start_of_day(*from, *zone),
                                   dm::start_of_day(*to + date::days(1), *zone))
                          .first;
    }
    return true;
  });
  const auto g = store.get(key::global_patient_count());
  out.clinic.unique_patients = g ? decode_count(*g) : 0;
  finish(out.clinic);
  for (auto& [specialty, s] : out.by_specialty) {
    s.unique_patients = static_cast<std::int64_t>(patients_by_specialty[specialty].size());
    finish(s);
  }
  return out;
}

nlohmann::json to_json(const StatsView& s) {
  nlohmann::json by_status = nlohmann::json::object();
  for (std::size_t i = 0; i < kStatusCount; ++i)
    by_status[std::string(dm::to_string(static_cast<dm::AppointmentStatus>(i)))] = s.by_status[i];
  return {{"total", s.total},
          {"today", s.today},
          {"this_week", s.this_week},
          {"this_month", s.this_month},
          {"by_status", std::move(by_status)},
          {"unique_patients", s.unique_patients},
          {"no_show_rate", s.no_show_rate},
          {"utilization", s.utilization}};
}

nlohmann::json to_json(const ClinicStats& s) {
  nlohmann::json out = to_json(s.clinic);
  nlohmann::json specialties = nlohmann::json::object();
  for (const auto& [name, v] : s.by_specialty)
    specialties[name] = to_json(v);
  out["by_specialty"] = std::move(specialties);
  if (s.from && s.to) {
    out["range"] = {{"from", dm::format_local_date(*s.from)},
                    {"to", dm::format_local_date(*s.to)},
                    {"appointments", s.in_range}};
  }
  return out;
}

}  // namespace docket::projections
