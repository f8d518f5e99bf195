#pragma once
// The slot grid: weekly schedule rules in the doctor's IANA time zone turned into concrete slots.
//
// The grid is local. A rule gives, on each of its ISO weekdays, slots starting at `start`,
// `start + slot + buffer`, ... while the slot ends by `end` (local time of day). A slot's end is its
// start plus `slot_minutes` of real time. On a day when clocks change, a local start that does not
// exist is skipped, and one that occurs twice takes its first occurrence only.
//
// Schedules have history: a rule set applies to local dates on or after its `effective_from`, until
// the next set's. Everything here is pure (the tz database is read-only library data), so every
// function may be called from any thread at once; a Schedule is a plain value with no locking.
//
// Limit of the tz data as Debian's date/tz 3.0.1 reads it (the OS's compiled zone files): it knows
// the transitions listed up to 2037 and does not extend the zone's rule past them, so local times
// after 2037 use the last listed offset (for Berlin: CET all year).

#include <date/tz.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/errors.hpp"
#include "domain/time.hpp"

namespace docket::domain {

enum class ConsultationType : std::uint8_t { in_person = 0, video = 1, audio = 2, chat = 3 };

// "in_person", "video", "audio", "chat".
std::string_view to_string(ConsultationType t) noexcept;
std::optional<ConsultationType> parse_consultation_type(std::string_view text) noexcept;

// A set of consultation types (a small bit set; a value type).
class ConsultationTypes {
 public:
  constexpr ConsultationTypes() = default;
  static constexpr ConsultationTypes all() { return ConsultationTypes(0x0F); }
  constexpr bool contains(ConsultationType t) const { return bits_ & bit(t); }
  constexpr void insert(ConsultationType t) { bits_ |= bit(t); }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr ConsultationTypes intersect(ConsultationTypes o) const {
    return ConsultationTypes(bits_ & o.bits_);
  }
  constexpr std::uint8_t bits() const { return bits_; }
  constexpr bool operator==(const ConsultationTypes&) const = default;
  // The members in the order in_person, video, audio, chat.
  std::vector<ConsultationType> list() const;

 private:
  constexpr explicit ConsultationTypes(std::uint8_t bits) : bits_(bits) {}
  static constexpr std::uint8_t bit(ConsultationType t) {
    return static_cast<std::uint8_t>(1u << static_cast<unsigned>(t));
  }
  std::uint8_t bits_ = 0;
};

struct ScheduleRule {
  std::uint8_t weekdays = 0;  // bit (d-1) set for ISO weekday d (1 = Monday ... 7 = Sunday)
  int start_minute = 0;       // local minutes after midnight, 0..1439
  int end_minute = 0;         // local minutes after midnight, start_minute+1..1440
  int slot_minutes = 30;      // 5..480
  int capacity = 1;           // 1..100
  // Limits this rule's slots; nullopt means every type the doctor offers.
  std::optional<ConsultationTypes> consultation_types;

  bool on_weekday(int iso_weekday) const { return weekdays & (1u << (iso_weekday - 1)); }
  bool operator==(const ScheduleRule&) const = default;
};

// Checks shapes and ranges of a rule set and that no two rules overlap (same weekday, intersecting
// [start, end)). Errors: invalid_field / out_of_range with field "rules[i].<name>", or
// overlapping_rules with field "rules[j]" naming the later of the first overlapping pair.
// <name> is the API's field name: weekdays, start, end, slot_minutes, capacity, consultation_types.
// An empty weekdays or consultation_types is invalid_field; anything else outside its range is
// out_of_range, including a slot that does not fit once between start and end (on slot_minutes).
// Shapes are checked for every rule before any overlap, and the first failing rule is reported.
Result<Unit> validate_rules(const std::vector<ScheduleRule>& rules);

struct RuleSet {
  LocalDate effective_from;
  std::vector<ScheduleRule> rules;
  bool operator==(const RuleSet&) const = default;
};

// The doctor's schedule with its history, oldest first. A value type.
class Schedule {
 public:
  // Replaces the rules for local dates on or after `from`: every set effective on or after `from`
  // is dropped and `rules` takes effect from `from`. Earlier dates keep the rules they had.
  void replace_from(LocalDate from, std::vector<ScheduleRule> rules);
  // The rules in force on `day`; empty when none are.
  const std::vector<ScheduleRule>& rules_on(LocalDate day) const;
  // The set in force on `day`, nullptr when none is.
  const RuleSet* set_on(LocalDate day) const;
  const std::vector<RuleSet>& history() const { return sets_; }
  bool operator==(const Schedule&) const = default;

 private:
  std::vector<RuleSet> sets_;
};

struct Slot {
  Instant start;
  Instant end;               // start + slot_minutes
  LocalDate date;            // local date of start
  int local_start_minute;    // local minutes after midnight of start
  int capacity;
  ConsultationTypes types;   // what the slot offers: the rule's types within the doctor's
  // `types` may be empty and it is still a slot: booking it answers consultation_type_not_offered
  // rather than not_a_slot.
  bool operator==(const Slot&) const = default;
};

// The IANA zone with that name, or nullptr when the tz database does not know it.
const date::time_zone* find_zone(std::string_view name) noexcept;

// The local date on which `t` falls in `zone`.
LocalDate local_date_of(Instant t, const date::time_zone& zone);
// Local minutes after midnight of `t` in `zone`.
int local_minute_of(Instant t, const date::time_zone& zone);
// The instant of a local date and time under the grid's DST policy: nullopt when that local time
// does not exist that day; the earlier instant when it occurs twice.
std::optional<Instant> to_instant(LocalDate day, int minute, const date::time_zone& zone);
// The instant of the local midnight starting `day` (first instant of that local date).
Instant start_of_day(LocalDate day, const date::time_zone& zone);

// Every slot of `day` in start order. `buffer_minutes` is the gap after each slot;
// `doctor_types` is what the doctor offers (a rule's types are intersected with it).
std::vector<Slot> slots_on(const Schedule& schedule, const date::time_zone& zone, LocalDate day,
                           int buffer_minutes, ConsultationTypes doctor_types);

// The slot that starts exactly at `start`, or nullopt when none does (outside the schedule, off the
// grid, or a skipped / second-occurrence DST start). Cheaper than scanning slots_on: it works
// from the local time of `start` alone and allocates nothing. Always agrees with slots_on.
std::optional<Slot> slot_starting_at(const Schedule& schedule, const date::time_zone& zone,
                                     Instant start, int buffer_minutes,
                                     ConsultationTypes doctor_types);

}  // namespace docket::domain
