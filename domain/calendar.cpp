#include "domain/calendar.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <exception>

namespace docket::domain {
namespace {

constexpr std::array<std::string_view, 4> kTypeNames{"in_person", "video", "audio", "chat"};

constexpr int kMinutesPerDay = 1440;
constexpr int kMinSlotMinutes = 5;
constexpr int kMaxSlotMinutes = 480;
constexpr int kMinCapacity = 1;
constexpr int kMaxCapacity = 100;
constexpr std::uint8_t kAllWeekdays = 0x7F;

std::string rule_field(std::size_t i, std::string_view name) {
  std::string field = "rules[" + std::to_string(i) + "]";
  if (!name.empty()) {
    field += '.';
    field += name;
  }
  return field;
}

// Field names are the API's (`start`, `end`, ...) because the HTTP layer reports them verbatim.
Result<Unit> validate_rule(const ScheduleRule& r, std::size_t i) {
  if (r.weekdays == 0) {
    return error(errc::invalid_field, "weekdays must not be empty", rule_field(i, "weekdays"));
  }
  if ((r.weekdays & ~kAllWeekdays) != 0) {
    return error(errc::out_of_range, "weekdays must be 1 (Monday) to 7 (Sunday)",
                 rule_field(i, "weekdays"));
  }
  if (r.start_minute < 0 || r.start_minute >= kMinutesPerDay) {
    return error(errc::out_of_range, "start must be 00:00 to 23:59", rule_field(i, "start"));
  }
  if (r.end_minute <= r.start_minute || r.end_minute > kMinutesPerDay) {
    return error(errc::out_of_range, "end must be after start and at most 24:00",
                 rule_field(i, "end"));
  }
  if (r.slot_minutes < kMinSlotMinutes || r.slot_minutes > kMaxSlotMinutes) {
    return error(errc::out_of_range, "slot_minutes must be 5 to 480",
                 rule_field(i, "slot_minutes"));
  }
  if (r.start_minute + r.slot_minutes > r.end_minute) {
    return error(errc::out_of_range, "slot_minutes must fit at least once between start and end",
                 rule_field(i, "slot_minutes"));
  }
  if (r.capacity < kMinCapacity || r.capacity > kMaxCapacity) {
    return error(errc::out_of_range, "capacity must be 1 to 100", rule_field(i, "capacity"));
  }
  if (r.consultation_types && r.consultation_types->empty()) {
    return error(errc::invalid_field, "consultation_types must not be empty",
                 rule_field(i, "consultation_types"));
  }
  return unit;
}

bool overlap(const ScheduleRule& a, const ScheduleRule& b) {
  return (a.weekdays & b.weekdays) != 0 && a.start_minute < b.end_minute &&
         b.start_minute < a.end_minute;
}

ConsultationTypes slot_types(const ScheduleRule& r, ConsultationTypes doctor_types) {
  // An empty result is still a slot: the booking decision answers consultation_type_not_offered
  // rather than not_a_slot, which is what a caller who picked the wrong type needs to hear.
  return r.consultation_types.value_or(ConsultationTypes::all()).intersect(doctor_types);
}

Slot make_slot(const ScheduleRule& r, Instant start, LocalDate day, int minute,
               ConsultationTypes doctor_types) {
  return Slot{start,      start + std::chrono::minutes{r.slot_minutes},
              day,        minute,
              r.capacity, slot_types(r, doctor_types)};
}

// A negative buffer or a malformed rule would make the grid walk backwards or stand still; the
// settings and validate_rules exclude both, so this only keeps a programming error finite.
int grid_step(const ScheduleRule& r, int buffer_minutes) {
  return r.slot_minutes + std::max(buffer_minutes, 0);
}

const std::vector<ScheduleRule> kNoRules;

}  // namespace

std::string_view to_string(ConsultationType t) noexcept {
  return kTypeNames[static_cast<std::size_t>(t) & 3u];
}

std::optional<ConsultationType> parse_consultation_type(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == text) return static_cast<ConsultationType>(i);
  }
  return std::nullopt;
}

std::vector<ConsultationType> ConsultationTypes::list() const {
  std::vector<ConsultationType> out;
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    const auto t = static_cast<ConsultationType>(i);
    if (contains(t)) out.push_back(t);
  }
  return out;
}

Result<Unit> validate_rules(const std::vector<ScheduleRule>& rules) {
  // Shapes first: an overlap between malformed rules would be a misleading report.
  for (std::size_t i = 0; i < rules.size(); ++i) {
    auto checked = validate_rule(rules[i], i);
    if (!checked) return checked;
  }
  for (std::size_t j = 1; j < rules.size(); ++j) {
    for (std::size_t i = 0; i < j; ++i) {
      if (overlap(rules[i], rules[j])) {
        return error(errc::overlapping_rules,
                     rule_field(j, "") + " overlaps " + rule_field(i, "") + " on a shared weekday",
                     rule_field(j, ""));
      }
    }
  }
  return unit;
}

void Schedule::replace_from(LocalDate from, std::vector<ScheduleRule> rules) {
  // Sets stay sorted by effective_from: everything left after the erase is earlier than `from`.
  std::erase_if(sets_, [from](const RuleSet& s) { return s.effective_from >= from; });
  sets_.push_back(RuleSet{from, std::move(rules)});
}

const RuleSet* Schedule::set_on(LocalDate day) const {
  const auto after =
      std::upper_bound(sets_.begin(), sets_.end(), day,
                       [](LocalDate d, const RuleSet& s) { return d < s.effective_from; });
  if (after == sets_.begin()) return nullptr;
  return &*std::prev(after);
}

const std::vector<ScheduleRule>& Schedule::rules_on(LocalDate day) const {
  const RuleSet* set = set_on(day);
  return set ? set->rules : kNoRules;
}

const date::time_zone* find_zone(std::string_view name) noexcept {
  // locate_zone looks the name up in the tz database that is loaded once per process (a binary
  // search over the sorted zones) and hands out pointers into it, so repeated calls are cheap
  // and return the same zone. It throws for unknown names and when the database cannot be read.
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

LocalDate local_date_of(Instant t, const date::time_zone& zone) {
  return std::chrono::floor<date::days>(zone.to_local(t));
}

int local_minute_of(Instant t, const date::time_zone& zone) {
  const auto local = zone.to_local(t);
  const auto day = std::chrono::floor<date::days>(local);
  return static_cast<int>(std::chrono::floor<std::chrono::minutes>(local - day).count());
}

std::optional<Instant> to_instant(LocalDate day, int minute, const date::time_zone& zone) {
  const date::local_seconds local = day + std::chrono::minutes{minute};
  const date::local_info info = zone.get_info(local);
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // `first` is the earlier period: its offset gives the
                                       // earlier instant
      return Instant{local.time_since_epoch() - info.first.offset};
    case date::local_info::nonexistent:
    default:
      return std::nullopt;
  }
}

Instant start_of_day(LocalDate day, const date::time_zone& zone) {
  const date::local_seconds midnight{day};
  const date::local_info info = zone.get_info(midnight);
  if (info.result == date::local_info::nonexistent) {
    // Clocks jumped over midnight: the day begins at the jump.
    return info.second.begin;
  }
  return Instant{midnight.time_since_epoch() - info.first.offset};
}

std::vector<Slot> slots_on(const Schedule& schedule, const date::time_zone& zone, LocalDate day,
                           int buffer_minutes, ConsultationTypes doctor_types) {
  assert(buffer_minutes >= 0);
  std::vector<Slot> slots;
  const int weekday = iso_weekday(day);
  for (const ScheduleRule& r : schedule.rules_on(day)) {
    if (!r.on_weekday(weekday) || r.slot_minutes <= 0) continue;
    const int step = grid_step(r, buffer_minutes);
    for (int m = r.start_minute; m + r.slot_minutes <= r.end_minute; m += step) {
      if (const auto start = to_instant(day, m, zone)) {
        slots.push_back(make_slot(r, *start, day, m, doctor_types));
      }
    }
  }
  std::stable_sort(slots.begin(), slots.end(),
                   [](const Slot& a, const Slot& b) { return a.start < b.start; });
  return slots;
}

std::optional<Slot> slot_starting_at(const Schedule& schedule, const date::time_zone& zone,
                                     Instant start, int buffer_minutes,
                                     ConsultationTypes doctor_types) {
  assert(buffer_minutes >= 0);
  const date::local_seconds local = zone.to_local(start);
  const LocalDate day = std::chrono::floor<date::days>(local);
  const auto since_midnight = local - day;
  // Grid starts are whole local minutes.
  if (since_midnight.count() % 60 != 0) return std::nullopt;
  const int minute = static_cast<int>(since_midnight.count() / 60);
  const int weekday = iso_weekday(day);

  for (const ScheduleRule& r : schedule.rules_on(day)) {
    if (!r.on_weekday(weekday) || r.slot_minutes <= 0) continue;
    if (minute < r.start_minute || minute + r.slot_minutes > r.end_minute) continue;
    if ((minute - r.start_minute) % grid_step(r, buffer_minutes) != 0) continue;
    // The local time exists (it was read off `start`); what remains is whether `start` is its
    // first occurrence, which is the one the grid uses on a day when clocks go back.
    if (to_instant(day, minute, zone) != start) return std::nullopt;
    return make_slot(r, start, day, minute, doctor_types);
  }
  return std::nullopt;
}

}  // namespace docket::domain
