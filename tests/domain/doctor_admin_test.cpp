// The doctor's own data: registration, profile, schedule, settings and blocks.

#include <gtest/gtest.h>

#include "tests/domain/doctor_fixture.hpp"

namespace docket::domain::testing {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

const Instant now = at("2027-02-22T08:00:00Z");
const Instant monday9 = at("2027-03-01T09:00:00Z");

RegisterDoctor registration(std::string id = doctor_id) {
  return RegisterDoctor{admin(), std::move(id), "Ada Lovelace",          "cardiology",
                        "UTC",   5000,          ConsultationTypes::all()};
}

// ---- register -----------------------------------------------------------------------------------

TEST(RegisterDoctor, RegistersWithDefaultSettings) {
  then_events(decide(initial_state(), registration(), now), {registered()});
}

TEST(RegisterDoctor, RejectsASecondRegistration) {
  then_error(decide(given(standard_doctor()), registration(), now), errc::doctor_exists);
}

TEST(RegisterDoctor, RejectsABadId) {
  then_error(decide(initial_state(), registration("Dr_Ada"), now), errc::invalid_id, "id");
  then_error(decide(initial_state(), registration(std::string(65, 'a')), now), errc::invalid_id);
  then_ok(decide(initial_state(), registration(std::string(64, 'a')), now));
}

TEST(RegisterDoctor, RejectsAnUnknownTimeZone) {
  RegisterDoctor c = registration();
  c.timezone = "Mars/Olympus";
  then_error(decide(initial_state(), c, now), errc::invalid_timezone, "timezone");
}

TEST(RegisterDoctor, RejectsANegativeFee) {
  RegisterDoctor c = registration();
  c.consultation_fee = -1;
  then_error(decide(initial_state(), c, now), errc::out_of_range, "consultation_fee");
}

TEST(RegisterDoctor, RejectsAnEmptyName) {
  RegisterDoctor c = registration();
  c.name.clear();
  then_error(decide(initial_state(), c, now), errc::invalid_field, "name");
}

TEST(RegisterDoctor, IsForAdminsOnly) {
  RegisterDoctor c = registration();
  c.actor = receptionist();
  then_error(decide(initial_state(), c, now), errc::forbidden);
}

// ---- profile ------------------------------------------------------------------------------------

TEST(UpdateProfile, RecordsOldAndNewProfile) {
  UpdateProfile c;
  c.actor = admin();
  c.consultation_fee = 6000;
  const Profile old = std::get<DoctorRegistered>(registered()).profile;
  Profile n = old;
  n.consultation_fee = 6000;
  then_events(decide(given(standard_doctor()), c, now), {DoctorProfileUpdated{admin(), old, n}});
}

TEST(UpdateProfile, DeactivatesAndReactivates) {
  UpdateProfile off;
  off.actor = admin();
  off.active = false;
  const auto events = then_ok(decide(given(standard_doctor()), off, now));
  ASSERT_EQ(events.size(), 1u);
  const DoctorState s = given(standard_doctor(), {events[0]});
  EXPECT_FALSE(s.profile().active);
  UpdateProfile on = off;
  on.active = true;
  then_ok(decide(s, on, now));
}

TEST(UpdateProfile, ChangesNothingWithTheSameValues) {
  UpdateProfile c;
  c.actor = admin();
  c.name = "Ada Lovelace";
  then_events(decide(given(standard_doctor()), c, now), {});
}

TEST(UpdateProfile, RejectsAnUnregisteredDoctor) {
  UpdateProfile c;
  c.actor = admin();
  then_error(decide(initial_state(), c, now), errc::doctor_not_found);
}

TEST(UpdateProfile, ForbidsTheDoctorItself) {
  UpdateProfile c;
  c.actor = the_doctor();
  c.name = "Ada";
  then_error(decide(given(standard_doctor()), c, now), errc::forbidden);
}

// ---- schedule -----------------------------------------------------------------------------------

TEST(SetSchedule, TakesEffectTodayInTheDoctorsZoneByDefault) {
  // 2027-02-22T23:30Z is already Tuesday 23 February in Berlin.
  const DoctorState s = given({registered("Europe/Berlin")});
  const auto events = then_ok(
      decide(s, SetSchedule{admin(), {weekday_rule()}, std::nullopt}, at("2027-02-22T23:30:00Z")));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<DoctorScheduleSet>(events[0]).effective_from, day("2027-02-23"));
}

TEST(SetSchedule, RecordsTheRulesItReplaces) {
  const auto events = then_ok(decide(
      given(standard_doctor()), SetSchedule{admin(), {weekday_rule(2)}, day("2027-03-01")}, now));
  ASSERT_EQ(events.size(), 1u);
  const auto& e = std::get<DoctorScheduleSet>(events[0]);
  EXPECT_TRUE(e.had_old);
  EXPECT_EQ(e.old_effective_from, day("2027-01-01"));
  EXPECT_EQ(e.old_rules, std::vector<ScheduleRule>{weekday_rule()});
}

TEST(SetSchedule, MayTakeEffectInThePast) {
  then_ok(decide(given(standard_doctor()),
                 SetSchedule{admin(), {weekday_rule()}, day("2026-01-01")}, now));
}

TEST(SetSchedule, RejectsOverlappingRules) {
  then_error(decide(given(standard_doctor()),
                    SetSchedule{admin(), {weekday_rule(), weekday_rule()}, std::nullopt}, now),
             errc::overlapping_rules);
}

TEST(SetSchedule, NeverCancelsAppointments) {
  const DoctorState s = given(standard_doctor(), {booked("apt-1", "pat-1", monday9)});
  ScheduleRule afternoons = weekday_rule();
  afternoons.start_minute = 13 * 60;
  const auto events =
      then_ok(decide(s, SetSchedule{admin(), {afternoons}, day("2027-02-22")}, now));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(evolve(s, events[0]).find_appointment("apt-1")->status, AppointmentStatus::confirmed);
}

TEST(SetSchedule, ChangesNothingWhenRepeated) {
  then_events(decide(given(standard_doctor()),
                     SetSchedule{admin(), {weekday_rule()}, day("2027-01-01")}, now),
              {});
}

TEST(SetSchedule, KeepsEarlierDatesOnTheirRules) {
  const DoctorState s =
      given(standard_doctor(), {schedule_set({weekday_rule(1, 60)}, day("2027-03-08"))});
  then_ok(decide(s, book("apt-1", monday9 + minutes(30)), now));
  then_error(decide(s, book("apt-2", monday9 + days(7) + minutes(30)), now), errc::not_a_slot);
}

// ---- settings -----------------------------------------------------------------------------------

TEST(UpdateSettings, RecordsOldAndNewSettings) {
  UpdateSettings c;
  c.actor = admin();
  c.hold_minutes = 10;
  Settings n;
  n.hold_minutes = 10;
  then_events(decide(given(standard_doctor()), c, now),
              {DoctorSettingsChanged{admin(), Settings{}, n}});
}

TEST(UpdateSettings, AcceptsTheEdgesOfEveryRange) {
  UpdateSettings c;
  c.actor = admin();
  c.min_notice_minutes = 10080;
  c.max_advance_days = 1;
  c.cancellation_deadline_hours = 168;
  c.buffer_minutes = 120;
  c.hold_minutes = 60;
  c.max_walk_ins_per_day = 0;
  c.waitlist_offer_minutes = 1440;
  c.auto_confirm = false;
  then_ok(decide(given(standard_doctor()), c, now));
}

TEST(UpdateSettings, RejectsValuesOutsideTheirRange) {
  const auto check = [](auto member, int value, std::string_view field) {
    UpdateSettings c;
    c.actor = admin();
    c.*member = value;
    then_error(decide(given(standard_doctor()), c, now), errc::out_of_range, field);
  };
  check(&UpdateSettings::min_notice_minutes, 10081, "min_notice_minutes");
  check(&UpdateSettings::min_notice_minutes, -1, "min_notice_minutes");
  check(&UpdateSettings::max_advance_days, 0, "max_advance_days");
  check(&UpdateSettings::max_advance_days, 1826, "max_advance_days");
  check(&UpdateSettings::cancellation_deadline_hours, 169, "cancellation_deadline_hours");
  check(&UpdateSettings::buffer_minutes, 121, "buffer_minutes");
  check(&UpdateSettings::hold_minutes, 0, "hold_minutes");
  check(&UpdateSettings::hold_minutes, 61, "hold_minutes");
  check(&UpdateSettings::max_walk_ins_per_day, 501, "max_walk_ins_per_day");
  check(&UpdateSettings::waitlist_offer_minutes, 0, "waitlist_offer_minutes");
  check(&UpdateSettings::waitlist_offer_minutes, 1441, "waitlist_offer_minutes");
}

TEST(UpdateSettings, ChangesNothingWithTheDefaults) {
  UpdateSettings c;
  c.actor = admin();
  c.hold_minutes = 5;
  then_events(decide(given(standard_doctor()), c, now), {});
}

TEST(UpdateSettings, BufferMovesTheGrid) {
  Settings set;
  set.buffer_minutes = 10;
  const DoctorState s = given(standard_doctor(), {settings_changed(set)});
  then_ok(decide(s, book("apt-1", monday9 + minutes(40)), now));
  then_error(decide(s, book("apt-1", monday9 + minutes(30)), now), errc::not_a_slot);
}

// ---- blocks -------------------------------------------------------------------------------------

AddBlock block(Actor by, bool cancel_conflicting = false) {
  return AddBlock{std::move(by), "blk-1",          monday9,           monday9 + hours(8),
                  "congress",    BlockKind::leave, cancel_conflicting};
}

TEST(AddBlock, BlocksAFreePeriod) {
  then_events(decide(given(standard_doctor()), block(admin()), now),
              {DoctorBlockAdded{admin(), "blk-1", monday9, monday9 + hours(8), "congress",
                                BlockKind::leave}});
}

TEST(AddBlock, LetsTheDoctorBlockItsOwnCalendar) {
  then_ok(decide(given(standard_doctor()), block(the_doctor()), now));
}

TEST(AddBlock, ForbidsAnotherDoctorAndPatients) {
  then_error(decide(given(standard_doctor()), block(other_doctor()), now), errc::forbidden);
  then_error(decide(given(standard_doctor()), block(patient()), now), errc::forbidden);
}

TEST(AddBlock, ListsConflictingAppointments) {
  const DoctorState s = given(standard_doctor(), {booked("apt-2", "pat-2", monday9 + hours(1), 2),
                                                  booked("apt-1", "pat-1", monday9, 1)});
  const auto r = decide(s, block(admin()), now);
  then_error(r, errc::conflicting_appointments);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().ids, (std::vector<std::string>{"apt-1", "apt-2"}));
}

TEST(AddBlock, CancelsConflictingAppointmentsWithTheBlocksReason) {
  const DoctorState s = given(standard_doctor(), {booked("apt-1", "pat-1", monday9)});
  AppointmentCancelled c{admin(), "apt-1",   "pat-1", monday9, AppointmentStatus::confirmed,
                         "blk-1", Personal{}};
  c.personal.reason = "congress";
  then_events(decide(s, block(admin(), true), now),
              {DoctorBlockAdded{admin(), "blk-1", monday9, monday9 + hours(8), "congress",
                                BlockKind::leave},
               c});
}

TEST(AddBlock, IgnoresAppointmentsThatOnlyTouchIt) {
  const DoctorState s = given(standard_doctor(), {booked("apt-1", "pat-1", monday9 - days(3))});
  AddBlock c = block(admin());
  c.start = monday9 - days(3) + minutes(30);
  then_ok(decide(s, c, now));
}

TEST(AddBlock, RejectsAnEmptyPeriod) {
  AddBlock c = block(admin());
  c.end = c.start;
  then_error(decide(given(standard_doctor()), c, now), errc::invalid_field, "end");
}

TEST(RemoveBlock, RemovesABlock) {
  const DoctorState s =
      given(standard_doctor(), {DoctorBlockAdded{admin(), "blk-1", monday9, monday9 + hours(8),
                                                 "congress", BlockKind::leave}});
  then_events(decide(s, RemoveBlock{the_doctor(), "blk-1"}, now),
              {DoctorBlockRemoved{the_doctor(), "blk-1", monday9, monday9 + hours(8)}});
  const DoctorState after =
      evolve(s, DoctorBlockRemoved{the_doctor(), "blk-1", monday9, monday9 + hours(8)});
  then_ok(decide(after, book("apt-1", monday9), now));
  then_events(decide(after, RemoveBlock{the_doctor(), "blk-1"}, now), {});
}

TEST(RemoveBlock, ReportsAnUnknownBlock) {
  then_error(decide(given(standard_doctor()), RemoveBlock{admin(), "nope"}, now), errc::not_found);
}

}  // namespace
}  // namespace docket::domain::testing
