#include "domain/calendar.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace docket::domain {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr std::uint8_t kEveryDay = 0x7F;
constexpr std::uint8_t kMonday = 0x01;
constexpr std::uint8_t kTuesday = 0x02;
constexpr std::uint8_t kSunday = 0x40;

LocalDate ymd(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}

Instant utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return Instant{date::sys_days{date::year{y} / date::month{m} / date::day{d}}} + hours{hh} +
         minutes{mm};
}

const date::time_zone& zone(std::string_view name) {
  const date::time_zone* z = find_zone(name);
  EXPECT_NE(z, nullptr) << name;
  return z ? *z : *find_zone("UTC");
}

ScheduleRule rule(std::uint8_t weekdays, int start, int end, int slot_minutes, int capacity = 1) {
  ScheduleRule r;
  r.weekdays = weekdays;
  r.start_minute = start;
  r.end_minute = end;
  r.slot_minutes = slot_minutes;
  r.capacity = capacity;
  return r;
}

ConsultationTypes types(std::initializer_list<ConsultationType> list) {
  ConsultationTypes t;
  for (ConsultationType c : list)
    t.insert(c);
  return t;
}

Schedule schedule_of(std::vector<ScheduleRule> rules, LocalDate from = ymd(2020, 1, 1)) {
  Schedule s;
  s.replace_from(from, std::move(rules));
  return s;
}

std::vector<Slot> slots(const Schedule& s, std::string_view tz, LocalDate day, int buffer = 0) {
  return slots_on(s, zone(tz), day, buffer, ConsultationTypes::all());
}

std::vector<int> local_starts(const std::vector<Slot>& slots) {
  std::vector<int> out;
  for (const Slot& s : slots)
    out.push_back(s.local_start_minute);
  return out;
}

std::vector<Instant> starts(const std::vector<Slot>& slots) {
  std::vector<Instant> out;
  for (const Slot& s : slots)
    out.push_back(s.start);
  return out;
}

TEST(ConsultationTypeText, RoundTripsEveryType) {
  for (auto t : ConsultationTypes::all().list()) {
    EXPECT_EQ(parse_consultation_type(to_string(t)), t);
  }
  EXPECT_EQ(to_string(ConsultationType::in_person), "in_person");
  EXPECT_EQ(to_string(ConsultationType::chat), "chat");
}

TEST(ConsultationTypeText, RejectsUnknownNames) {
  EXPECT_FALSE(parse_consultation_type("In_Person"));
  EXPECT_FALSE(parse_consultation_type(""));
  EXPECT_FALSE(parse_consultation_type("phone"));
}

TEST(ConsultationTypeSet, ListsMembersInDeclarationOrder) {
  const auto set = types({ConsultationType::chat, ConsultationType::in_person});
  EXPECT_EQ(set.list(), (std::vector{ConsultationType::in_person, ConsultationType::chat}));
  EXPECT_TRUE(ConsultationTypes{}.list().empty());
}

TEST(Zones, FindsIanaZonesByName) {
  const date::time_zone* berlin = find_zone("Europe/Berlin");
  ASSERT_NE(berlin, nullptr);
  EXPECT_EQ(berlin->name(), "Europe/Berlin");
}

TEST(Zones, ReturnsNullForUnknownNamesInsteadOfThrowing) {
  for (const char* name : {"", "Europe/Nowhere", "berlin", "Europe/Berlin ", "../etc/passwd"}) {
    EXPECT_EQ(find_zone(name), nullptr) << name;
  }
}

TEST(Zones, RepeatedLookupsReturnTheCachedZone) {
  const date::time_zone* first = find_zone("Asia/Kolkata");
  ASSERT_NE(first, nullptr);
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(find_zone("Asia/Kolkata"), first);
}

TEST(LocalTime, WestOfUtcEveningIsThePreviousLocalDate) {
  const auto& ny = zone("America/New_York");
  const Instant t = utc(2027, 3, 2, 3, 30);  // 22:30 EST on March 1
  EXPECT_EQ(local_date_of(t, ny), ymd(2027, 3, 1));
  EXPECT_EQ(local_minute_of(t, ny), 22 * 60 + 30);
}

TEST(LocalTime, ToInstantIsEmptyForATimeSkippedBySpringForward) {
  EXPECT_FALSE(to_instant(ymd(2027, 3, 28), 150, zone("Europe/Berlin")));
}

TEST(LocalTime, ToInstantTakesTheEarlierOfTwoOccurrences) {
  // 02:30 on 2027-10-31 occurs at 00:30Z (CEST) and at 01:30Z (CET).
  EXPECT_EQ(to_instant(ymd(2027, 10, 31), 150, zone("Europe/Berlin")), utc(2027, 10, 31, 0, 30));
}

TEST(LocalTime, StartOfDayIsLocalMidnight) {
  EXPECT_EQ(start_of_day(ymd(2027, 7, 1), zone("Europe/Berlin")), utc(2027, 6, 30, 22));
  EXPECT_EQ(start_of_day(ymd(2027, 7, 1), zone("America/New_York")), utc(2027, 7, 1, 4));
}

TEST(LocalTime, StartOfDayIsTheJumpWhenMidnightIsSkipped) {
  // Chile starts summer time on the first Sunday on or after 2 September at 04:00 UTC, when local
  // midnight (-04) becomes 01:00 (-03).
  EXPECT_EQ(start_of_day(ymd(2027, 9, 5), zone("America/Santiago")), utc(2027, 9, 5, 4));
}

TEST(SlotGrid, FirstSlotStartsAtRuleStart) {
  const auto got =
      slots(schedule_of({rule(kMonday, 9 * 60, 12 * 60, 30)}), "Europe/Berlin", ymd(2027, 3, 1));
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.front().start, utc(2027, 3, 1, 8));  // 09:00 CET
  EXPECT_EQ(got.front().local_start_minute, 9 * 60);
  EXPECT_EQ(got.front().date, ymd(2027, 3, 1));
}

TEST(SlotGrid, LastSlotMayEndExactlyAtRuleEnd) {
  const auto got = slots(schedule_of({rule(kMonday, 9 * 60, 10 * 60, 20)}), "UTC", ymd(2027, 3, 1));
  EXPECT_EQ(local_starts(got), (std::vector{540, 560, 580}));
  EXPECT_EQ(got.back().end, utc(2027, 3, 1, 10));
}

TEST(SlotGrid, NoSlotThatWouldEndAfterRuleEnd) {
  // 10:00 + 30 would end at 10:30, one minute after the rule's end.
  const auto got =
      slots(schedule_of({rule(kMonday, 9 * 60, 10 * 60 + 29, 30)}), "UTC", ymd(2027, 3, 1));
  EXPECT_EQ(local_starts(got), (std::vector{540, 570}));
}

TEST(SlotGrid, DayLongRuleRunsFromMidnightToMidnight) {
  const auto& berlin = zone("Europe/Berlin");
  const auto got = slots_on(schedule_of({rule(kMonday, 0, 1440, 480)}), berlin, ymd(2027, 3, 1), 0,
                            ConsultationTypes::all());
  EXPECT_EQ(local_starts(got), (std::vector{0, 480, 960}));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got.front().start, start_of_day(ymd(2027, 3, 1), berlin));
  EXPECT_EQ(got.back().end, start_of_day(ymd(2027, 3, 2), berlin));
}

TEST(SlotGrid, SlotEndIsStartPlusSlotMinutes) {
  const auto got = slots(schedule_of({rule(kMonday, 9 * 60, 10 * 60, 45)}), "UTC", ymd(2027, 3, 1));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].end - got[0].start, minutes{45});
}

TEST(SlotGrid, BufferSeparatesConsecutiveStarts) {
  const auto got =
      slots(schedule_of({rule(kMonday, 9 * 60, 11 * 60, 30)}), "UTC", ymd(2027, 3, 1), 10);
  EXPECT_EQ(local_starts(got), (std::vector{540, 580, 620}));
}

TEST(SlotGrid, BufferAfterTheLastSlotNeedNotFit) {
  const auto got =
      slots(schedule_of({rule(kMonday, 9 * 60, 10 * 60 + 10, 30)}), "UTC", ymd(2027, 3, 1), 10);
  EXPECT_EQ(local_starts(got), (std::vector{540, 580}));
}

TEST(SlotGrid, OnlyOnTheRulesWeekdays) {
  const auto s = schedule_of({rule(kMonday, 9 * 60, 10 * 60, 30)});
  EXPECT_EQ(slots(s, "UTC", ymd(2027, 3, 1)).size(), 2u);
  EXPECT_TRUE(slots(s, "UTC", ymd(2027, 3, 2)).empty());
}

TEST(SlotGrid, SlotsOfSeveralRulesComeInStartOrder) {
  auto afternoon = rule(kMonday, 14 * 60, 15 * 60, 60, 3);
  const auto got =
      slots(schedule_of({afternoon, rule(kMonday, 9 * 60, 10 * 60, 60)}), "UTC", ymd(2027, 3, 1));
  EXPECT_EQ(local_starts(got), (std::vector{540, 840}));
  EXPECT_EQ(got[0].capacity, 1);
  EXPECT_EQ(got[1].capacity, 3);
}

TEST(SlotGrid, SkipsStartsThatDoNotExistOnSpringForward) {
  // Berlin, 2027-03-28: 02:00 CET becomes 03:00 CEST at 01:00Z.
  const auto got =
      slots(schedule_of({rule(kSunday, 60, 5 * 60, 30)}), "Europe/Berlin", ymd(2027, 3, 28));
  EXPECT_EQ(local_starts(got), (std::vector{60, 90, 180, 210, 240, 270}));
  EXPECT_EQ(starts(got),
            (std::vector{utc(2027, 3, 28, 0), utc(2027, 3, 28, 0, 30), utc(2027, 3, 28, 1),
                         utc(2027, 3, 28, 1, 30), utc(2027, 3, 28, 2), utc(2027, 3, 28, 2, 30)}));
}

TEST(SlotGrid, SlotAcrossSpringForwardLastsRealMinutes) {
  const auto got =
      slots(schedule_of({rule(kSunday, 90, 150, 60)}), "Europe/Berlin", ymd(2027, 3, 28));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].start, utc(2027, 3, 28, 0, 30));  // 01:30 CET
  EXPECT_EQ(got[0].end, utc(2027, 3, 28, 1, 30));    // 03:30 CEST on the wall clock
}

TEST(SlotGrid, TakesOnlyTheFirstOccurrenceOnAutumnBack) {
  // Berlin, 2027-10-31: 03:00 CEST becomes 02:00 CET at 01:00Z; 02:00-02:59 occur twice.
  const auto got =
      slots(schedule_of({rule(kSunday, 60, 4 * 60, 30)}), "Europe/Berlin", ymd(2027, 10, 31));
  EXPECT_EQ(local_starts(got), (std::vector{60, 90, 120, 150, 180, 210}));
  EXPECT_EQ(starts(got), (std::vector{utc(2027, 10, 30, 23), utc(2027, 10, 30, 23, 30),
                                      utc(2027, 10, 31, 0), utc(2027, 10, 31, 0, 30),
                                      utc(2027, 10, 31, 2), utc(2027, 10, 31, 2, 30)}));
}

TEST(SlotGrid, SecondOccurrenceOnAutumnBackIsNotASlot) {
  const auto s = schedule_of({rule(kSunday, 60, 4 * 60, 30)});
  const auto& berlin = zone("Europe/Berlin");
  const auto all = ConsultationTypes::all();
  EXPECT_FALSE(slot_starting_at(s, berlin, utc(2027, 10, 31, 1), 0, all));  // 02:00 CET
  EXPECT_FALSE(slot_starting_at(s, berlin, utc(2027, 10, 31, 1, 30), 0, all));
  const auto first = slot_starting_at(s, berlin, utc(2027, 10, 31, 0), 0, all);  // 02:00 CEST
  ASSERT_TRUE(first);
  EXPECT_EQ(first->local_start_minute, 120);
}

TEST(SlotGrid, NonHourOffsetZone) {
  // Asia/Kolkata is UTC+05:30 all year.
  const auto got =
      slots(schedule_of({rule(kMonday, 9 * 60, 10 * 60, 30)}), "Asia/Kolkata", ymd(2027, 3, 1));
  EXPECT_EQ(starts(got), (std::vector{utc(2027, 3, 1, 3, 30), utc(2027, 3, 1, 4)}));
}

TEST(SlotGrid, WestOfUtcZoneKeepsTheLocalDate) {
  // 20:00 EST on Monday 2027-03-01 is Tuesday 01:00Z.
  const auto s = schedule_of({rule(kMonday, 20 * 60, 21 * 60, 60)});
  const auto got = slots(s, "America/New_York", ymd(2027, 3, 1));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].start, utc(2027, 3, 2, 1));
  EXPECT_EQ(got[0].date, ymd(2027, 3, 1));
  const auto found = slot_starting_at(s, zone("America/New_York"), utc(2027, 3, 2, 1), 0,
                                      ConsultationTypes::all());
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, got[0]);
}

TEST(SlotGrid, RuleTypesAreIntersectedWithTheDoctors) {
  auto r = rule(kMonday, 9 * 60, 10 * 60, 60);
  r.consultation_types = types({ConsultationType::video, ConsultationType::chat});
  const auto got = slots_on(schedule_of({r}), zone("UTC"), ymd(2027, 3, 1), 0,
                            types({ConsultationType::in_person, ConsultationType::video}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].types, types({ConsultationType::video}));
}

TEST(SlotGrid, RuleWithoutTypesOffersAllOfTheDoctors) {
  const auto doctor = types({ConsultationType::audio, ConsultationType::in_person});
  const auto got = slots_on(schedule_of({rule(kMonday, 9 * 60, 10 * 60, 60)}), zone("UTC"),
                            ymd(2027, 3, 1), 0, doctor);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].types, doctor);
}

TEST(SlotGrid, EmptyTypeIntersectionIsStillASlot) {
  auto r = rule(kMonday, 9 * 60, 10 * 60, 60);
  r.consultation_types = types({ConsultationType::chat});
  const auto s = schedule_of({r});
  const auto doctor = types({ConsultationType::in_person});
  const auto got = slots_on(s, zone("UTC"), ymd(2027, 3, 1), 0, doctor);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].types.empty());
  EXPECT_TRUE(slot_starting_at(s, zone("UTC"), utc(2027, 3, 1, 9), 0, doctor));
}

TEST(SlotStartingAt, RejectsOffGridAndOutsideTheSchedule) {
  const auto s = schedule_of({rule(kMonday, 9 * 60, 12 * 60, 30)});
  const auto& tz = zone("UTC");
  const auto all = ConsultationTypes::all();
  EXPECT_TRUE(slot_starting_at(s, tz, utc(2027, 3, 1, 9, 30), 0, all));
  EXPECT_FALSE(slot_starting_at(s, tz, utc(2027, 3, 1, 9, 15), 0, all));
  EXPECT_FALSE(slot_starting_at(s, tz, utc(2027, 3, 1, 9, 30) + std::chrono::seconds{1}, 0, all));
  EXPECT_FALSE(slot_starting_at(s, tz, utc(2027, 3, 1, 8, 30), 0, all));
  EXPECT_FALSE(slot_starting_at(s, tz, utc(2027, 3, 1, 12), 0, all));
  EXPECT_FALSE(slot_starting_at(s, tz, utc(2027, 3, 2, 9, 30), 0, all));
}

TEST(SlotStartingAt, HonoursTheBuffer) {
  const auto s = schedule_of({rule(kMonday, 9 * 60, 12 * 60, 30)});
  const auto all = ConsultationTypes::all();
  EXPECT_TRUE(slot_starting_at(s, zone("UTC"), utc(2027, 3, 1, 9, 45), 15, all));
  EXPECT_FALSE(slot_starting_at(s, zone("UTC"), utc(2027, 3, 1, 9, 30), 15, all));
}

// Expectations come from slots_on; slot_starting_at must find exactly those slots, at every minute
// of days around each clock change of the year (found from the zone itself) and a few plain days.
TEST(SlotStartingAt, AgreesWithSlotsOnAtEveryMinute) {
  auto morning = rule(kEveryDay, 0, 6 * 60 + 30, 25, 2);
  morning.consultation_types = types({ConsultationType::video, ConsultationType::chat});
  Schedule s =
      schedule_of({morning, rule(kEveryDay & ~kTuesday, 7 * 60, 24 * 60, 40, 1)}, ymd(2027, 1, 1));
  s.replace_from(ymd(2027, 6, 1), {rule(kEveryDay, 90, 23 * 60 + 50, 35, 4)});
  const auto doctor = types({ConsultationType::in_person, ConsultationType::video});
  const int buffer = 5;
  std::size_t minutes_checked = 0;
  std::size_t slots_checked = 0;

  for (const char* name : {"Europe/Berlin", "America/New_York", "Asia/Kolkata",
                           "Australia/Lord_Howe", "America/Santiago", "Pacific/Chatham"}) {
    const auto& tz = zone(name);
    std::vector<LocalDate> days{ymd(2027, 1, 4), ymd(2027, 5, 31), ymd(2027, 6, 1)};
    int clock_changes = 0;
    for (LocalDate d = ymd(2027, 1, 1); d < ymd(2028, 1, 1); d += date::days{1}) {
      const auto before = tz.get_info(start_of_day(d, tz)).offset;
      const auto after = tz.get_info(start_of_day(d + date::days{1}, tz)).offset;
      if (before != after) {
        ++clock_changes;
        for (int k = -1; k <= 1; ++k)
          days.push_back(d + date::days{k});
      }
    }
    if (std::string_view{name} != "Asia/Kolkata") {
      EXPECT_GE(clock_changes, 2) << name;
    }

    for (LocalDate day : days) {
      std::map<Instant, Slot> expected;
      for (const Slot& slot : slots_on(s, tz, day, buffer, doctor)) {
        expected.emplace(slot.start, slot);
      }
      std::size_t found = 0;
      const Instant end = start_of_day(day + date::days{1}, tz);
      for (Instant t = start_of_day(day, tz); t < end; t += minutes{1}) {
        ++minutes_checked;
        const auto got = slot_starting_at(s, tz, t, buffer, doctor);
        const auto it = expected.find(t);
        if (it == expected.end()) {
          EXPECT_FALSE(got) << name << " " << format_rfc3339(t);
        } else {
          ++found;
          EXPECT_EQ(got, it->second) << name << " " << format_rfc3339(t);
        }
      }
      EXPECT_EQ(found, expected.size()) << name << " " << format_local_date(day);
      slots_checked += found;
    }
  }
  // Six zones, three plain days each and three days around each clock change (none in Kolkata).
  EXPECT_EQ(minutes_checked, (6 * 3 + 5 * 2 * 3) * 1440u);
  EXPECT_GT(slots_checked, 1000u);
}

TEST(ScheduleHistory, NoRulesBeforeTheFirstSet) {
  const auto s = schedule_of({rule(kEveryDay, 540, 600, 30)}, ymd(2027, 3, 1));
  EXPECT_TRUE(s.rules_on(ymd(2027, 2, 28)).empty());
  EXPECT_EQ(s.set_on(ymd(2027, 2, 28)), nullptr);
}

TEST(ScheduleHistory, RulesApplyFromTheirEffectiveDate) {
  const std::vector rules{rule(kEveryDay, 540, 600, 30)};
  const auto s = schedule_of(rules, ymd(2027, 3, 1));
  EXPECT_EQ(s.rules_on(ymd(2027, 3, 1)), rules);
  EXPECT_EQ(s.rules_on(ymd(2027, 3, 2)), rules);
}

TEST(ScheduleHistory, LaterSetTakesOverOnlyFromItsDate) {
  const std::vector old_rules{rule(kEveryDay, 540, 600, 30)};
  const std::vector new_rules{rule(kEveryDay, 600, 660, 20)};
  Schedule s = schedule_of(old_rules, ymd(2027, 3, 1));
  s.replace_from(ymd(2027, 4, 1), new_rules);
  EXPECT_EQ(s.rules_on(ymd(2027, 3, 31)), old_rules);
  EXPECT_EQ(s.rules_on(ymd(2027, 4, 1)), new_rules);
  EXPECT_EQ(s.rules_on(ymd(2027, 4, 2)), new_rules);
  ASSERT_NE(s.set_on(ymd(2027, 4, 2)), nullptr);
  EXPECT_EQ(s.set_on(ymd(2027, 4, 2))->effective_from, ymd(2027, 4, 1));
}

TEST(ScheduleHistory, ReplaceDropsSetsOnOrAfterItsDate) {
  Schedule s = schedule_of({rule(kEveryDay, 540, 600, 30)}, ymd(2027, 3, 1));
  s.replace_from(ymd(2027, 4, 1), {rule(kEveryDay, 600, 660, 30)});
  s.replace_from(ymd(2027, 5, 1), {rule(kEveryDay, 660, 720, 30)});
  const std::vector latest{rule(kEveryDay, 700, 760, 30)};
  s.replace_from(ymd(2027, 4, 1), latest);
  ASSERT_EQ(s.history().size(), 2u);
  EXPECT_EQ(s.history()[0].effective_from, ymd(2027, 3, 1));
  EXPECT_EQ(s.history()[1].effective_from, ymd(2027, 4, 1));
  EXPECT_EQ(s.rules_on(ymd(2027, 6, 1)), latest);
}

TEST(ScheduleHistory, ReplaceBeforeEverySetDropsThemAll) {
  Schedule s = schedule_of({rule(kEveryDay, 540, 600, 30)}, ymd(2027, 3, 1));
  s.replace_from(ymd(2027, 1, 1), {});
  ASSERT_EQ(s.history().size(), 1u);
  EXPECT_TRUE(s.rules_on(ymd(2027, 3, 1)).empty());
}

TEST(ScheduleHistory, SlotsFollowTheRulesOfTheirDay) {
  Schedule s = schedule_of({rule(kEveryDay, 540, 600, 30)}, ymd(2027, 3, 1));
  s.replace_from(ymd(2027, 3, 2), {rule(kEveryDay, 600, 660, 60)});
  EXPECT_EQ(local_starts(slots(s, "UTC", ymd(2027, 3, 1))), (std::vector{540, 570}));
  EXPECT_EQ(local_starts(slots(s, "UTC", ymd(2027, 3, 2))), (std::vector{600}));
  EXPECT_FALSE(slot_starting_at(s, zone("UTC"), utc(2027, 3, 2, 9), 0, ConsultationTypes::all()));
}

// validate_rules: one shape error per test, reported as code + field.
void expect_error(const std::vector<ScheduleRule>& rules, errc code, std::string_view field) {
  const auto result = validate_rules(rules);
  ASSERT_FALSE(result.ok()) << "expected " << to_code(code) << " at " << field;
  EXPECT_EQ(result.error().code, code) << result.error().detail;
  EXPECT_EQ(result.error().field, field) << result.error().detail;
}

ScheduleRule valid_rule() {
  return rule(kMonday, 9 * 60, 17 * 60, 30, 1);
}

TEST(ValidateRules, AcceptsAWellFormedSet) {
  auto video = rule(kEveryDay & ~kMonday, 8 * 60, 12 * 60, 15, 100);
  video.consultation_types = types({ConsultationType::video});
  EXPECT_TRUE(validate_rules({valid_rule(), video}).ok());
  EXPECT_TRUE(validate_rules({}).ok());
}

TEST(ValidateRules, AcceptsTheBoundaries) {
  EXPECT_TRUE(validate_rules({rule(kEveryDay, 0, 1440, 480, 100)}).ok());
  EXPECT_TRUE(validate_rules({rule(kEveryDay, 1435, 1440, 5, 1)}).ok());
}

TEST(ValidateRules, RejectsEmptyWeekdays) {
  expect_error({rule(0, 540, 600, 30)}, errc::invalid_field, "rules[0].weekdays");
}

TEST(ValidateRules, RejectsWeekdaysOutsideOneToSeven) {
  expect_error({rule(0x80 | kMonday, 540, 600, 30)}, errc::out_of_range, "rules[0].weekdays");
}

TEST(ValidateRules, RejectsStartOutsideTheDay) {
  expect_error({rule(kMonday, -1, 600, 30)}, errc::out_of_range, "rules[0].start");
  expect_error({rule(kMonday, 1440, 1440, 30)}, errc::out_of_range, "rules[0].start");
}

TEST(ValidateRules, RejectsEndNotAfterStart) {
  expect_error({rule(kMonday, 600, 600, 30)}, errc::out_of_range, "rules[0].end");
  expect_error({rule(kMonday, 600, 540, 30)}, errc::out_of_range, "rules[0].end");
}

TEST(ValidateRules, RejectsEndAfterMidnight) {
  expect_error({rule(kMonday, 600, 1441, 30)}, errc::out_of_range, "rules[0].end");
}

TEST(ValidateRules, RejectsSlotMinutesOutsideFiveToFourHundredEighty) {
  expect_error({rule(kMonday, 0, 1440, 4)}, errc::out_of_range, "rules[0].slot_minutes");
  expect_error({rule(kMonday, 0, 1440, 481)}, errc::out_of_range, "rules[0].slot_minutes");
}

TEST(ValidateRules, RejectsSlotThatDoesNotFitOnce) {
  expect_error({rule(kMonday, 540, 569, 30)}, errc::out_of_range, "rules[0].slot_minutes");
}

TEST(ValidateRules, RejectsCapacityOutsideOneToHundred) {
  expect_error({rule(kMonday, 540, 600, 30, 0)}, errc::out_of_range, "rules[0].capacity");
  expect_error({rule(kMonday, 540, 600, 30, 101)}, errc::out_of_range, "rules[0].capacity");
}

TEST(ValidateRules, RejectsEmptyConsultationTypes) {
  auto r = valid_rule();
  r.consultation_types = ConsultationTypes{};
  expect_error({r}, errc::invalid_field, "rules[0].consultation_types");
}

TEST(ValidateRules, FieldNamesTheRulesIndex) {
  auto bad = rule(kSunday, 540, 600, 3);
  expect_error({valid_rule(), rule(kTuesday, 540, 600, 30), bad}, errc::out_of_range,
               "rules[2].slot_minutes");
}

TEST(ValidateRules, ShapeErrorsComeBeforeOverlaps) {
  expect_error({valid_rule(), valid_rule(), rule(kTuesday, 540, 600, 30, 0)}, errc::out_of_range,
               "rules[2].capacity");
}

TEST(ValidateRules, RejectsOverlappingRulesOnASharedWeekday) {
  expect_error(
      {rule(kMonday | kTuesday, 9 * 60, 12 * 60, 30), rule(kTuesday, 11 * 60, 13 * 60, 30)},
      errc::overlapping_rules, "rules[1]");
}

TEST(ValidateRules, RejectsARuleInsideAnother) {
  expect_error({rule(kMonday, 9 * 60, 17 * 60, 30), rule(kMonday, 10 * 60, 11 * 60, 30)},
               errc::overlapping_rules, "rules[1]");
}

TEST(ValidateRules, TouchingRulesDoNotOverlap) {
  EXPECT_TRUE(
      validate_rules({rule(kMonday, 9 * 60, 12 * 60, 30), rule(kMonday, 12 * 60, 17 * 60, 30)})
          .ok());
}

TEST(ValidateRules, SameHoursOnOtherWeekdaysDoNotOverlap) {
  EXPECT_TRUE(validate_rules({rule(kMonday, 540, 600, 30), rule(kTuesday, 540, 600, 30)}).ok());
}

TEST(ValidateRules, OverlapNamesTheLaterRuleOfTheFirstPair) {
  expect_error({rule(kMonday, 540, 720, 30), rule(kTuesday, 540, 720, 30),
                rule(kTuesday, 660, 780, 30), rule(kMonday, 600, 660, 30)},
               errc::overlapping_rules, "rules[2]");
}

}  // namespace
}  // namespace docket::domain
