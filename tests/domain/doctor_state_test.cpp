// The state and its evolution: evolve is apply as a value, versions count events, apply never
// fails, decide is deterministic and leaves the state alone.

#include <gtest/gtest.h>

#include "tests/domain/doctor_fixture.hpp"

namespace docket::domain::testing {
namespace {

using std::chrono::minutes;

const Instant now = at("2027-02-22T08:00:00Z");
const Instant monday9 = at("2027-03-01T09:00:00Z");

TEST(DoctorState, StartsUnregisteredAtVersionZero) {
  const DoctorState s = initial_state();
  EXPECT_FALSE(s.registered());
  EXPECT_EQ(s.version(), 0u);
  EXPECT_EQ(next_deadline(s), std::nullopt);
}

TEST(DoctorState, CountsEveryAppliedEventAsAVersion) {
  EXPECT_EQ(given(standard_doctor()).version(), 2u);
}

TEST(DoctorState, EvolveEqualsApply) {
  DoctorState applied = given(standard_doctor());
  const Event e = booked("apt-1", "pat-1", monday9);
  const DoctorState evolved = evolve(applied, e);
  apply(applied, e);
  EXPECT_EQ(evolved, applied);
}

TEST(DoctorState, AppliesNonConstEventsThroughTheDomainOverload) {
  DoctorState s = given(standard_doctor());
  Event e = booked("apt-1", "pat-1", monday9);
  apply(s, e);
  apply(s, Event{AppointmentConfirmed{admin(), "apt-1"}});
  EXPECT_EQ(s.version(), 4u);
}

TEST(DoctorState, ApplyNeverFailsOnEventsThatDoNotFit) {
  DoctorState s = given(standard_doctor());
  apply(s, AppointmentCancelled{admin(), "apt-unknown", "p", monday9, AppointmentStatus::confirmed,
                                "", Personal{}});
  apply(s, HoldReleased{admin(), "hold-unknown", "p", monday9});
  apply(s, WaitlistLeft{admin(), "wl-unknown", "p", WaitlistStatus::waiting});
  EXPECT_EQ(s.version(), 5u);
  EXPECT_EQ(s.taken(monday9), 0);
}

TEST(DoctorState, RebuildsTheSameStateFromTheSameEvents) {
  const std::vector<Event> events{
      registered(), schedule_set(), booked("apt-1", "pat-1", monday9),
      hold_placed("hold-1", "pat-2", monday9 + minutes(30), now + minutes(5))};
  EXPECT_EQ(given(events), given(events));
}

TEST(Decide, IsDeterministic) {
  const DoctorState s = given(standard_doctor());
  const auto a = decide(s, book("apt-1", monday9), now);
  const auto b = decide(s, book("apt-1", monday9), now);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.value(), b.value());
}

TEST(Decide, RefusesEverythingButRegistrationBeforeRegistration) {
  then_error(decide(initial_state(), SetSchedule{admin(), {weekday_rule()}, std::nullopt}, now),
             errc::doctor_not_found);
  then_error(decide(initial_state(), CallNextWalkin{admin()}, now), errc::doctor_not_found);
}

TEST(Decide, RefusesTheSchedulerOutsideTimeDrivenCommands) {
  BookAppointment c = book("apt-1", monday9);
  c.actor = scheduler();
  c.patient_id = "pat-1";
  then_error(decide(given(standard_doctor()), c, now), errc::forbidden);
}

}  // namespace
}  // namespace docket::domain::testing
