// The doctors of the property test, and its small shared pieces (statistics, random numbers).

#include "tests/domain/property_commands.hpp"

namespace docket::domain::testing {
namespace {

ScheduleRule rule(std::uint8_t weekdays, int start_h, int start_m, int end_h, int end_m,
                  int slot_minutes, int capacity,
                  std::optional<ConsultationTypes> types = std::nullopt) {
  ScheduleRule r;
  r.weekdays = weekdays;
  r.start_minute = start_h * 60 + start_m;
  r.end_minute = end_h * 60 + end_m;
  r.slot_minutes = slot_minutes;
  r.capacity = capacity;
  r.consultation_types = types;
  return r;
}

constexpr std::uint8_t kWeekdays = 0x1F;  // Monday..Friday
constexpr std::uint8_t kEveryDay = 0x7F;
constexpr std::uint8_t kSunday = 0x40;
constexpr std::uint8_t kSaturday = 0x20;

}  // namespace

ConsultationTypes types_of(std::initializer_list<ConsultationType> list) {
  ConsultationTypes t;
  for (const ConsultationType x : list)
    t.insert(x);
  return t;
}

std::vector<DoctorSetup> doctor_setups() {
  std::vector<DoctorSetup> out;
  {
    DoctorSetup d{"UtcCapacityOne",         "dr-utc", "UTC", "2027-03-01T07:00:00Z",
                  ConsultationTypes::all(), {},       {},    {}};
    d.rules = {rule(kWeekdays, 9, 0, 12, 0, 30, 1),
               rule(kWeekdays, 13, 0, 17, 0, 20, 1,
                    types_of({ConsultationType::in_person, ConsultationType::video}))};
    d.other_rules = {rule(kWeekdays | kSaturday, 8, 0, 12, 0, 15, 1)};
    d.settings.hold_minutes = 5;
    out.push_back(d);
  }
  {
    // Sunday 2027-03-28: 02:00-03:00 does not exist in Berlin; the night rule spans it.
    DoctorSetup d{"BerlinCapacityThree",
                  "dr-berlin",
                  "Europe/Berlin",
                  "2027-03-26T06:00:00Z",
                  ConsultationTypes::all(),
                  {},
                  {},
                  {}};
    d.rules = {rule(kEveryDay, 0, 30, 4, 0, 20, 3), rule(kEveryDay, 9, 0, 13, 0, 30, 3)};
    d.other_rules = {rule(kEveryDay, 1, 0, 4, 0, 30, 2), rule(kWeekdays, 9, 0, 12, 0, 30, 3)};
    d.settings.buffer_minutes = 10;
    d.settings.auto_confirm = false;
    d.settings.hold_minutes = 10;
    d.settings.waitlist_offer_minutes = 15;
    d.settings.cancellation_deadline_hours = 2;
    out.push_back(d);
  }
  {
    // Sunday 2027-11-07: 01:00-02:00 happens twice in New York; the Sunday rule spans it.
    DoctorSetup d{"NewYorkBuffered",
                  "dr-ny",
                  "America/New_York",
                  "2027-11-05T12:00:00Z",
                  ConsultationTypes::all(),
                  {},
                  {},
                  {}};
    d.rules = {rule(kSunday, 0, 0, 3, 0, 15, 2), rule(kWeekdays | kSaturday, 8, 0, 16, 0, 45, 2)};
    d.other_rules = {rule(kEveryDay, 0, 0, 4, 0, 15, 1)};
    d.settings.buffer_minutes = 5;
    d.settings.min_notice_minutes = 30;
    d.settings.max_walk_ins_per_day = 5;
    d.settings.cancellation_deadline_hours = 0;
    out.push_back(d);
  }
  {
    DoctorSetup d{"TokyoShortHolds",
                  "dr-tokyo",
                  "Asia/Tokyo",
                  "2027-06-01T00:00:00Z",
                  types_of({ConsultationType::in_person, ConsultationType::video}),
                  {},
                  {},
                  {}};
    d.rules = {rule(kWeekdays, 9, 0, 18, 0, 30, 1),
               rule(kSaturday, 10, 0, 12, 0, 60, 3, types_of({ConsultationType::video}))};
    d.other_rules = {rule(kWeekdays | kSaturday, 9, 0, 13, 0, 60, 3)};
    d.settings.hold_minutes = 1;
    d.settings.waitlist_offer_minutes = 2;
    d.settings.auto_confirm = false;
    out.push_back(d);
  }
  return out;
}

void RunStats::add(const RunStats& o) {
  accepted += o.accepted;
  rejected += o.rejected;
  for (const auto& [k, v] : o.by_event)
    by_event[k] += v;
  for (const auto& [k, v] : o.by_error)
    by_error[k] += v;
}

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace docket::domain::testing
