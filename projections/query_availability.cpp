#include <map>

#include "projections/codec.hpp"
#include "projections/query_support.hpp"

namespace docket::projections {

namespace dm = docket::domain;

namespace detail {

std::optional<DoctorRecord> load_doctor(const ReadView& store, std::string_view id) {
  const auto bytes = store.get(key::doctor(id));
  return bytes ? decode_doctor(*bytes) : std::nullopt;
}

Paging normalize(Paging p) {
  if (p.page < 1) p.page = 1;
  if (p.per_page < 1) p.per_page = kDefaultPerPage;
  if (p.per_page > kMaxPerPage) p.per_page = kMaxPerPage;
  return p;
}

std::vector<BlockRecord> live_blocks(const ReadView& store, std::string_view doctor_id) {
  std::vector<BlockRecord> out;
  store.scan(key::block_prefix(doctor_id), {}, [&](std::string_view, std::string_view v) {
    if (auto b = decode_block(v)) out.push_back(*b);
    return true;
  });
  return out;
}

bool blocked(const std::vector<BlockRecord>& blocks, dm::Instant start, dm::Instant end) {
  for (const BlockRecord& b : blocks) {
    if (b.start < end && start < b.end) return true;
  }
  return false;
}

std::vector<dm::Slot> slots_between(const DoctorRecord& d, const date::time_zone& zone,
                                    dm::LocalDate from, dm::LocalDate to) {
  std::vector<dm::Slot> out;
  for (dm::LocalDate day = from; day <= to; day += date::days(1)) {
    auto slots = dm::slots_on(d.schedule, zone, day, d.settings.buffer_minutes,
                              d.profile.consultation_types);
    out.insert(out.end(), slots.begin(), slots.end());
  }
  return out;
}

}  // namespace detail

std::string_view to_string(SlotStatus s) noexcept {
  switch (s) {
    case SlotStatus::available:
      return "available";
    case SlotStatus::full:
      return "full";
    case SlotStatus::blocked:
      return "blocked";
    case SlotStatus::past:
      return "past";
  }
  return "unknown";
}

Result<AvailabilityView> availability(const ReadView& store, std::string_view doctor_id,
                                      dm::LocalDate from, dm::LocalDate to, dm::Instant now) {
  if (to < from || (to - from).count() >= kMaxAvailabilityDays) {
    return error(errc::invalid_argument, "range must be 1 to 31 days");
  }
  const auto d = detail::load_doctor(store, doctor_id);
  if (!d) return error(errc::not_found, "unknown doctor");
  const date::time_zone* zone = dm::find_zone(d->profile.timezone);
  if (zone == nullptr) return error(errc::corrupt, "doctor's time zone is unknown");

  // Counts of the range, read in one ordered walk of the doctor's occupancy keys.
  const dm::Instant lo = dm::start_of_day(from, *zone);
  const dm::Instant hi = dm::start_of_day(to + date::days(1), *zone);
  std::map<std::int64_t, std::pair<int, int>> counts;
  const std::string prefix = key::occupancy_prefix(doctor_id);
  store.scan(prefix, key::occupancy(doctor_id, lo), [&](std::string_view k, std::string_view v) {
    KeyReader kr(k);
    kr.skip(prefix.size());
    const std::int64_t start = kr.i64();
    if (start >= seconds_of(hi)) return false;
    Reader r(v);
    const auto booked = static_cast<int>(r.i64());
    counts[start] = {booked, static_cast<int>(r.i64())};
    return true;
  });
  const std::vector<BlockRecord> blocks = detail::live_blocks(store, doctor_id);

  AvailabilityView out;
  out.doctor_id = std::string(doctor_id);
  out.timezone = d->profile.timezone;
  for (const dm::Slot& slot : detail::slots_between(*d, *zone, from, to)) {
    SlotView s;
    s.start = slot.start;
    s.end = slot.end;
    s.capacity = slot.capacity;
    if (const auto it = counts.find(seconds_of(slot.start)); it != counts.end()) {
      s.booked = it->second.first;
      s.held = it->second.second;
    }
    const int left = std::max(0, s.capacity - s.booked - s.held);
    if (slot.start < now) {
      s.status = SlotStatus::past;
    } else if (detail::blocked(blocks, slot.start, slot.end)) {
      s.status = SlotStatus::blocked;
    } else if (left == 0) {
      s.status = SlotStatus::full;
    } else {
      s.status = SlotStatus::available;
      s.available = left;
    }
    out.slots.push_back(s);
  }
  return out;
}

nlohmann::json to_json(const AvailabilityView& v) {
  nlohmann::json slots = nlohmann::json::array();
  for (const SlotView& s : v.slots) {
    slots.push_back({{"start", dm::format_rfc3339(s.start)},
                     {"end", dm::format_rfc3339(s.end)},
                     {"capacity", s.capacity},
                     {"booked", s.booked},
                     {"held", s.held},
                     {"available", s.available},
                     {"status", to_string(s.status)}});
  }
  return {{"doctor_id", v.doctor_id}, {"timezone", v.timezone}, {"slots", std::move(slots)}};
}

}  // namespace docket::projections
