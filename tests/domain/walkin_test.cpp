// Walk-ins: registration with daily queue numbers and limit, queue order, call-next, outcomes.

#include <gtest/gtest.h>

#include "tests/domain/doctor_fixture.hpp"

namespace docket::domain::testing {
namespace {

using std::chrono::days;
using std::chrono::minutes;

const Instant now = at("2027-03-01T08:00:00Z");  // a Monday

RegisterWalkin walk_in(std::string id, Urgency u = Urgency::routine, Actor by = receptionist()) {
  std::string patient_id = "pat-" + id;
  return RegisterWalkin{std::move(by), std::move(id), std::move(patient_id), u, ""};
}

WalkinRegistered registered_walkin(std::string id, int sequence, Urgency u = Urgency::routine,
                                   Instant when = now) {
  WalkinRegistered e;
  e.actor = receptionist();
  e.walkin_id = id;
  e.patient_id = "pat-" + id;
  e.urgency = u;
  e.date = std::chrono::floor<date::days>(date::local_seconds{when.time_since_epoch()});
  e.sequence = sequence;
  e.queue_number = format_queue_number(sequence);
  e.arrived_at = when;
  return e;
}

DoctorState four_waiting() {
  return given(
      standard_doctor(),
      {registered_walkin("a", 1, Urgency::routine), registered_walkin("b", 2, Urgency::urgent),
       registered_walkin("c", 3, Urgency::emergency), registered_walkin("d", 4, Urgency::routine)});
}

TEST(RegisterWalkin, GivesTheFirstQueueNumberOfTheDay) {
  RegisterWalkin c = walk_in("a");
  c.reason = "sprained ankle";
  WalkinRegistered e = registered_walkin("a", 1);
  e.personal.notes = "sprained ankle";
  then_events(decide(given(standard_doctor()), c, now), {e});
}

TEST(RegisterWalkin, NumbersOnWithinTheDay) {
  const DoctorState s = given(standard_doctor(), {registered_walkin("a", 1)});
  const auto events = then_ok(decide(s, walk_in("b"), now + minutes(5)));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<WalkinRegistered>(events[0]).queue_number, "Q002");
}

TEST(RegisterWalkin, StartsAgainFromQ001OnTheNextDay) {
  const DoctorState s = given(standard_doctor(), {registered_walkin("a", 1)});
  const auto events = then_ok(decide(s, walk_in("b"), now + days(1)));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<WalkinRegistered>(events[0]).queue_number, "Q001");
}

TEST(RegisterWalkin, CountsTheDayInTheDoctorsZone) {
  // 23:30Z on Monday is already Tuesday in Berlin.
  const DoctorState s = given({registered("Europe/Berlin"), schedule_set()});
  const auto events = then_ok(decide(s, walk_in("a"), at("2027-03-01T23:30:00Z")));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<WalkinRegistered>(events[0]).date, day("2027-03-02"));
}

TEST(RegisterWalkin, RejectsTheOnePastTheDailyLimit) {
  Settings set;
  set.max_walk_ins_per_day = 2;
  const DoctorState s = given(standard_doctor(), {settings_changed(set), registered_walkin("a", 1),
                                                  registered_walkin("b", 2)});
  then_error(decide(s, walk_in("c"), now), errc::queue_full);
  then_ok(decide(s, walk_in("c"), now + days(1)));
}

TEST(RegisterWalkin, LetsTheDoctorRegisterForItsOwnQueue) {
  then_ok(decide(given(standard_doctor()), walk_in("a", Urgency::routine, the_doctor()), now));
}

TEST(RegisterWalkin, ForbidsPatientsAndOtherDoctors) {
  then_error(decide(given(standard_doctor()), walk_in("a", Urgency::routine, patient()), now),
             errc::forbidden);
  then_error(decide(given(standard_doctor()), walk_in("a", Urgency::routine, other_doctor()), now),
             errc::forbidden);
}

TEST(RegisterWalkin, RequiresAPatient) {
  RegisterWalkin c = walk_in("a");
  c.patient_id.clear();
  then_error(decide(given(standard_doctor()), c, now), errc::invalid_field, "patient_id");
}

TEST(WalkinQueue, OrdersByUrgencyThenArrival) {
  const DoctorState s = four_waiting();
  std::vector<std::string> order;
  for (const Walkin* w : s.queue_on(day("2027-03-01")))
    order.push_back(w->id);
  EXPECT_EQ(order, (std::vector<std::string>{"c", "b", "a", "d"}));
}

TEST(WalkinQueue, EstimatesWaitsFromTheDaysSlotLength) {
  const DoctorState s = four_waiting();
  const auto first = queue_place(s, "c");
  const auto last = queue_place(s, "d");
  ASSERT_TRUE(first && last);
  EXPECT_EQ(first->position, 1);
  EXPECT_EQ(first->estimated_wait_minutes, 0);
  EXPECT_EQ(last->position, 4);
  EXPECT_EQ(last->estimated_wait_minutes, 3 * 30);
}

TEST(WalkinQueue, FallsBackToFifteenMinutesWithoutRules) {
  EXPECT_EQ(walkin_minutes_per_patient(given(standard_doctor()), day("2027-03-06")), 15);
  EXPECT_EQ(walkin_minutes_per_patient(given(standard_doctor()), day("2027-03-05")), 30);
}

TEST(CallNextWalkin, CallsTheMostUrgent) {
  then_events(decide(four_waiting(), CallNextWalkin{receptionist()}, now),
              {WalkinCalled{receptionist(), "c"}});
}

TEST(CallNextWalkin, ReportsAnEmptyQueue) {
  then_error(decide(given(standard_doctor()), CallNextWalkin{the_doctor()}, now),
             errc::queue_empty);
}

TEST(CallNextWalkin, OnlyCallsTodaysQueue) {
  then_error(decide(four_waiting(), CallNextWalkin{receptionist()}, now + days(1)),
             errc::queue_empty);
}

TEST(CompleteWalkin, CompletesACalledWalkin) {
  const DoctorState s = evolve(four_waiting(), WalkinCalled{receptionist(), "c"});
  then_events(decide(s, CompleteWalkin{the_doctor(), "c"}, now),
              {WalkinCompleted{the_doctor(), "c"}});
}

TEST(CompleteWalkin, RejectsAWaitingWalkin) {
  then_error(decide(four_waiting(), CompleteWalkin{receptionist(), "a"}, now),
             errc::invalid_transition);
}

TEST(CompleteWalkin, IsHarmlessToRetry) {
  const DoctorState done =
      given({registered(), schedule_set(), registered_walkin("a", 1),
             WalkinCalled{receptionist(), "a"}, WalkinCompleted{receptionist(), "a"}});
  then_events(decide(done, CompleteWalkin{receptionist(), "a"}, now), {});
}

TEST(LeaveWalkin, LeavesFromTheQueue) {
  then_events(decide(four_waiting(), LeaveWalkin{receptionist(), "a"}, now),
              {WalkinLeft{receptionist(), "a", WalkinStatus::waiting}});
}

TEST(LeaveWalkin, RejectsACompletedWalkin) {
  const DoctorState done =
      given({registered(), schedule_set(), registered_walkin("a", 1),
             WalkinCalled{receptionist(), "a"}, WalkinCompleted{receptionist(), "a"}});
  then_error(decide(done, LeaveWalkin{receptionist(), "a"}, now), errc::invalid_transition);
}

TEST(MarkWalkinNoShow, MarksACalledWalkin) {
  const DoctorState s = evolve(four_waiting(), WalkinCalled{receptionist(), "c"});
  then_events(decide(s, MarkWalkinNoShow{receptionist(), "c"}, now),
              {WalkinNoShow{receptionist(), "c", WalkinStatus::called}});
}

TEST(MarkWalkinNoShow, ReportsAnUnknownWalkin) {
  then_error(decide(four_waiting(), MarkWalkinNoShow{receptionist(), "zz"}, now), errc::not_found);
}

}  // namespace
}  // namespace docket::domain::testing
