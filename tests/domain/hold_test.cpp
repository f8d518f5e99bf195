// Slot holds: placing, consuming by a booking, releasing and expiring.

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/domain/doctor_fixture.hpp"

namespace docket::domain::testing {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const Instant now = at("2027-02-22T08:00:00Z");
const Instant monday9 = at("2027-03-01T09:00:00Z");
const Instant expiry = now + minutes(5);

PlaceHold place(std::string id, Instant start, Actor actor = patient()) {
  return PlaceHold{std::move(actor), std::move(id), "", start, ConsultationType::in_person};
}

DoctorState held_by(std::string patient_id) {
  return given(standard_doctor(), {hold_placed("hold-1", std::move(patient_id), monday9, expiry)});
}

TEST(PlaceHold, HoldsTheSlotForHoldMinutes) {
  then_events(decide(given(standard_doctor()), place("hold-1", monday9), now),
              {hold_placed("hold-1", "pat-1", monday9, expiry)});
}

TEST(PlaceHold, TakesTheOnlyUnitOfTheSlot) {
  then_error(decide(held_by("pat-1"), place("hold-2", monday9, patient("pat-2")), now),
             errc::slot_taken, "start");
}

TEST(PlaceHold, AppliesTheBookingChecks) {
  then_error(decide(given(standard_doctor()), place("hold-1", monday9 + minutes(5)), now),
             errc::not_a_slot);
}

TEST(PlaceHold, ForbidsDoctors) {
  PlaceHold c = place("hold-1", monday9, the_doctor());
  c.patient_id = "pat-1";
  then_error(decide(given(standard_doctor()), c, now), errc::forbidden);
}

TEST(PlaceHold, LetsAReceptionistHoldForAPatient) {
  PlaceHold c = place("hold-1", monday9, receptionist());
  c.patient_id = "pat-1";
  const auto events = then_ok(decide(given(standard_doctor()), c, now));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<HoldPlaced>(events[0]).patient_id, "pat-1");
}

TEST(PlaceHold, RejectsAReusedHoldId) {
  then_error(decide(held_by("pat-1"), place("hold-1", monday9 + minutes(30)), now),
             errc::invalid_id);
}

TEST(BookWithHold, ConsumesTheNamedHold) {
  BookAppointment c = book("apt-1", monday9);
  c.hold_id = "hold-1";
  AppointmentBooked expected = booked("apt-1", "pat-1", monday9);
  expected.hold_id = "hold-1";
  const auto r = decide(held_by("pat-1"), c, now + minutes(1));
  then_events(r, {expected});
  const DoctorState after = evolve(held_by("pat-1"), expected);
  EXPECT_EQ(after.find_hold("hold-1"), nullptr);
  EXPECT_EQ(after.taken(monday9), 1);
}

TEST(BookWithHold, ConsumesTheOwnHoldEvenWhenNotNamed) {
  const auto events = then_ok(decide(held_by("pat-1"), book("apt-1", monday9), now));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<AppointmentBooked>(events[0]).hold_id, "hold-1");
}

TEST(BookWithHold, RejectsAnUnknownHold) {
  BookAppointment c = book("apt-1", monday9);
  c.hold_id = "nope";
  then_error(decide(given(standard_doctor()), c, now), errc::hold_invalid, "hold_id");
}

TEST(BookWithHold, RejectsAHoldAtItsExpiry) {
  BookAppointment c = book("apt-1", monday9);
  c.hold_id = "hold-1";
  then_error(decide(held_by("pat-1"), c, expiry), errc::hold_invalid, "hold_id");
}

TEST(BookWithHold, AcceptsAHoldOneSecondBeforeItsExpiry) {
  BookAppointment c = book("apt-1", monday9);
  c.hold_id = "hold-1";
  then_ok(decide(held_by("pat-1"), c, expiry - seconds(1)));
}

TEST(BookWithHold, RejectsAnotherPatientsHold) {
  BookAppointment c = book("apt-1", monday9);
  c.hold_id = "hold-1";
  then_error(decide(held_by("pat-2"), c, now), errc::hold_invalid, "hold_id");
}

TEST(BookWithHold, RejectsAHoldForAnotherSlot) {
  BookAppointment c = book("apt-1", monday9 + minutes(30));
  c.hold_id = "hold-1";
  then_error(decide(held_by("pat-1"), c, now), errc::hold_invalid, "hold_id");
}

TEST(BookWithHold, AnotherPatientsLiveHoldTakesTheSlot) {
  then_error(decide(held_by("pat-2"), book("apt-1", monday9), now), errc::slot_taken);
}

TEST(BookWithHold, AnExpiredHoldNoLongerTakesTheSlot) {
  then_ok(decide(held_by("pat-2"), book("apt-1", monday9), expiry));
}

TEST(ReleaseHold, ReleasesTheOwnHold) {
  then_events(decide(held_by("pat-1"), ReleaseHold{patient(), "hold-1"}, now),
              {HoldReleased{patient(), "hold-1", "pat-1", monday9}});
}

TEST(ReleaseHold, ForbidsAnotherPatient) {
  then_error(decide(held_by("pat-1"), ReleaseHold{patient("pat-2"), "hold-1"}, now),
             errc::forbidden);
}

TEST(ReleaseHold, IsHarmlessToRetry) {
  const DoctorState s =
      evolve(held_by("pat-1"), HoldReleased{patient(), "hold-1", "pat-1", monday9});
  then_events(decide(s, ReleaseHold{patient(), "hold-1"}, now), {});
}

TEST(ReleaseHold, ReportsAnUnknownHold) {
  then_error(decide(given(standard_doctor()), ReleaseHold{patient(), "nope"}, now),
             errc::not_found);
}

TEST(ExpireDue, ExpiresAHoldExactlyAtItsExpiry) {
  then_events(decide(held_by("pat-1"), ExpireDue{scheduler()}, expiry),
              {HoldExpired{scheduler(), "hold-1", "pat-1", monday9, expiry}});
}

TEST(ExpireDue, KeepsAHoldOneSecondBeforeItsExpiry) {
  then_events(decide(held_by("pat-1"), ExpireDue{scheduler()}, expiry - seconds(1)), {});
}

TEST(ExpireDue, ExpiresAHoldOneMinuteAfterItsExpiry) {
  const auto events =
      then_ok(decide(held_by("pat-1"), ExpireDue{scheduler()}, expiry + minutes(1)));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<HoldExpired>(events[0]));
}

TEST(ExpireDue, ExpiresEverythingDueAndNothingElse) {
  const DoctorState s =
      given(standard_doctor(),
            {hold_placed("hold-1", "pat-1", monday9, expiry),
             hold_placed("hold-2", "pat-2", monday9 + minutes(30), expiry),
             hold_placed("hold-3", "pat-3", monday9 + minutes(60), expiry + seconds(1))});
  const auto events = then_ok(decide(s, ExpireDue{scheduler()}, expiry));
  ASSERT_EQ(events.size(), 2u);
  std::vector<std::string> ids;
  for (const Event& e : events)
    ids.push_back(std::get<HoldExpired>(e).hold_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"hold-1", "hold-2"}));
}

TEST(ExpireDue, HasNothingToDoForAnUnregisteredDoctor) {
  then_events(decide(initial_state(), ExpireDue{scheduler()}, expiry), {});
}

TEST(RescheduleWithHold, ConsumesThePatientsHoldOnTheNewSlot) {
  const Instant to = monday9 + minutes(30);
  const DoctorState s = given(standard_doctor(), {booked("apt-1", "pat-1", monday9),
                                                  hold_placed("hold-1", "pat-1", to, expiry)});
  const auto events = then_ok(decide(s, RescheduleAppointment{patient(), "apt-1", to, ""}, now));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<AppointmentRescheduled>(events[0]).hold_id, "hold-1");
  const DoctorState after = evolve(s, events[0]);
  EXPECT_EQ(after.taken(to), 1);
  EXPECT_EQ(after.find_hold("hold-1"), nullptr);
}

TEST(ExpireDue, IsOnlyForTheScheduler) {
  then_error(decide(held_by("pat-1"), ExpireDue{admin()}, expiry), errc::forbidden);
}

TEST(ExpireDue, FreesTheSlotInTheState) {
  const DoctorState s =
      evolve(held_by("pat-1"), HoldExpired{scheduler(), "hold-1", "pat-1", monday9, expiry});
  EXPECT_EQ(s.taken(monday9), 0);
  EXPECT_EQ(next_deadline(s), std::nullopt);
}

TEST(NextDeadline, IsTheEarliestHoldExpiry) {
  const DoctorState s =
      given(standard_doctor(), {hold_placed("hold-1", "pat-1", monday9, expiry + minutes(1)),
                                hold_placed("hold-2", "pat-2", monday9 + minutes(30), expiry)});
  EXPECT_EQ(next_deadline(s), expiry);
  EXPECT_EQ(next_deadline(given(standard_doctor())), std::nullopt);
}

}  // namespace
}  // namespace docket::domain::testing
