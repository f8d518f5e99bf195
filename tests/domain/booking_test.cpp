// Booking an appointment: every error of API.md's booking list and the boundaries of the window.

#include <gtest/gtest.h>

#include "tests/domain/doctor_fixture.hpp"

namespace docket::domain::testing {
namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;

const Instant now = at("2027-02-22T08:00:00Z");      // a Monday, a week ahead
const Instant monday9 = at("2027-03-01T09:00:00Z");  // the first slot of a Monday

DoctorState doctor_with(Settings s) {
  return given(standard_doctor(), {settings_changed(s)});
}

TEST(BookAppointment, BooksAFreeSlotAsConfirmed) {
  const DoctorState s = given(standard_doctor());
  BookAppointment c = book("apt-1", monday9);
  c.reason_for_visit = "check-up";
  AppointmentBooked expected = booked("apt-1", "pat-1", monday9);
  expected.personal.reason_for_visit = "check-up";
  then_events(decide(s, c, now), {expected});
}

TEST(BookAppointment, IsPendingWhenAutoConfirmIsOff) {
  Settings set;
  set.auto_confirm = false;
  const auto events = then_ok(decide(doctor_with(set), book("apt-1", monday9), now));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<AppointmentBooked>(events[0]).status, AppointmentStatus::pending);
}

TEST(BookAppointment, TakesTheFeeFromTheProfile) {
  const auto events = then_ok(decide(given(standard_doctor()), book("apt-1", monday9), now));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<AppointmentBooked>(events[0]).fee, 5000);
}

TEST(BookAppointment, NumbersRunPerLocalDateFromOne) {
  const DoctorState s = given(standard_doctor(), {booked("apt-1", "pat-1", monday9, 1)});
  const auto same_day = then_ok(decide(s, book("apt-2", monday9 + minutes(30), "pat-2"), now));
  ASSERT_EQ(same_day.size(), 1u);
  EXPECT_EQ(std::get<AppointmentBooked>(same_day[0]).number, "APT-20270301-0002");
  const auto next_day = then_ok(decide(s, book("apt-3", monday9 + days(1), "pat-2"), now));
  ASSERT_EQ(next_day.size(), 1u);
  EXPECT_EQ(std::get<AppointmentBooked>(next_day[0]).number, "APT-20270302-0001");
}

TEST(BookAppointment, NumbersUseTheDoctorsLocalDate) {
  // Auckland is UTC+13 in March: 09:00 on Tuesday 2 March is 20:00Z on Monday 1 March.
  const DoctorState s = given({registered("Pacific/Auckland"), schedule_set()});
  const auto events = then_ok(decide(s, book("apt-1", at("2027-03-01T20:00:00Z")), now));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<AppointmentBooked>(events[0]).number, "APT-20270302-0001");
}

TEST(BookAppointment, FollowsTheDoctorsZoneAcrossDaylightSaving) {
  // Berlin: 09:00 local is 08:00Z on Friday 26 March (CET) and 07:00Z on Monday 29 March (CEST).
  const DoctorState s = given({registered("Europe/Berlin"), schedule_set()});
  then_ok(decide(s, book("apt-1", at("2027-03-26T08:00:00Z")), now));
  then_error(decide(s, book("apt-1", at("2027-03-26T07:00:00Z")), now), errc::not_a_slot);
  const auto events = then_ok(decide(s, book("apt-1", at("2027-03-29T07:00:00Z")), now));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<AppointmentBooked>(events[0]).number, "APT-20270329-0001");
}

TEST(BookAppointment, RejectsAnUnregisteredDoctor) {
  then_error(decide(initial_state(), book("apt-1", monday9), now), errc::doctor_not_found);
}

TEST(BookAppointment, RejectsAnInactiveDoctor) {
  Profile off = std::get<DoctorRegistered>(registered()).profile;
  Profile on = off;
  off.active = false;
  const DoctorState s = given(standard_doctor(), {DoctorProfileUpdated{admin(), on, off}});
  then_error(decide(s, book("apt-1", monday9), now), errc::doctor_inactive);
}

TEST(BookAppointment, ForbidsAPatientBookingForAnother) {
  BookAppointment c = book("apt-1", monday9);
  c.patient_id = "pat-2";
  then_error(decide(given(standard_doctor()), c, now), errc::forbidden, "patient_id");
}

TEST(BookAppointment, ForbidsDoctorsFromBooking) {
  BookAppointment c = book("apt-1", monday9);
  c.actor = the_doctor();
  c.patient_id = "pat-1";
  then_error(decide(given(standard_doctor()), c, now), errc::forbidden);
}

TEST(BookAppointment, LetsStaffBookForAnyPatient) {
  BookAppointment c = book("apt-1", monday9);
  c.actor = receptionist();
  c.patient_id = "pat-9";
  const auto events = then_ok(decide(given(standard_doctor()), c, now));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<AppointmentBooked>(events[0]).patient_id, "pat-9");
}

TEST(BookAppointment, RequiresAPatientIdFromStaff) {
  BookAppointment c = book("apt-1", monday9);
  c.actor = receptionist();
  then_error(decide(given(standard_doctor()), c, now), errc::invalid_field, "patient_id");
}

TEST(BookAppointment, RejectsAReusedAppointmentId) {
  const DoctorState s = given(standard_doctor(), {booked("apt-1", "pat-1", monday9)});
  then_error(decide(s, book("apt-1", monday9 + minutes(30), "pat-2"), now), errc::invalid_id);
}

TEST(BookAppointment, RejectsAStartInThePast) {
  then_error(decide(given(standard_doctor()), book("apt-1", monday9), monday9 + seconds(1)),
             errc::in_past, "start");
}

TEST(BookAppointment, AllowsAStartExactlyNow) {
  then_ok(decide(given(standard_doctor()), book("apt-1", monday9), monday9));
}

TEST(BookAppointment, AllowsExactlyTheMinimumNotice) {
  Settings set;
  set.min_notice_minutes = 60;
  then_ok(decide(doctor_with(set), book("apt-1", monday9), monday9 - minutes(60)));
}

TEST(BookAppointment, RejectsOneMinuteInsideTheMinimumNotice) {
  Settings set;
  set.min_notice_minutes = 60;
  then_error(decide(doctor_with(set), book("apt-1", monday9), monday9 - minutes(59)),
             errc::too_soon, "start");
}

TEST(BookAppointment, AllowsOneMinuteOutsideTheMinimumNotice) {
  Settings set;
  set.min_notice_minutes = 60;
  then_ok(decide(doctor_with(set), book("apt-1", monday9), monday9 - minutes(61)));
}

// max_advance_days counts elapsed days of 24 h from now; exactly at the horizon is allowed.
TEST(BookAppointment, AllowsExactlyTheMaximumAdvance) {
  then_ok(decide(given(standard_doctor()), book("apt-1", monday9), monday9 - days(90)));
}

TEST(BookAppointment, RejectsOneMinuteBeyondTheMaximumAdvance) {
  then_error(
      decide(given(standard_doctor()), book("apt-1", monday9), monday9 - days(90) - minutes(1)),
      errc::too_far, "start");
}

TEST(BookAppointment, AllowsOneMinuteWithinTheMaximumAdvance) {
  then_ok(
      decide(given(standard_doctor()), book("apt-1", monday9), monday9 - days(90) + minutes(1)));
}

TEST(BookAppointment, BooksTheLastSlotOfTheDay) {
  then_ok(decide(given(standard_doctor()), book("apt-1", at("2027-03-01T16:30:00Z")), now));
}

TEST(BookAppointment, RejectsTheEndOfTheDayAsNotASlot) {
  then_error(decide(given(standard_doctor()), book("apt-1", at("2027-03-01T17:00:00Z")), now),
             errc::not_a_slot, "start");
}

TEST(BookAppointment, RejectsAStartOffTheGrid) {
  then_error(decide(given(standard_doctor()), book("apt-1", monday9 + minutes(10)), now),
             errc::not_a_slot, "start");
}

TEST(BookAppointment, RejectsAWeekendAsNotASlot) {
  then_error(decide(given(standard_doctor()), book("apt-1", at("2027-02-27T09:00:00Z")), now),
             errc::not_a_slot, "start");
}

TEST(BookAppointment, RejectsATypeTheSlotDoesNotOffer) {
  ScheduleRule r = weekday_rule();
  ConsultationTypes in_person;
  in_person.insert(ConsultationType::in_person);
  r.consultation_types = in_person;
  const DoctorState s = given({registered(), schedule_set({r})});
  BookAppointment c = book("apt-1", monday9);
  c.consultation_type = ConsultationType::video;
  then_error(decide(s, c, now), errc::consultation_type_not_offered, "consultation_type");
}

TEST(BookAppointment, RejectsABlockedSlot) {
  const DoctorState s =
      given(standard_doctor(), {DoctorBlockAdded{admin(), "blk-1", monday9, monday9 + days(1),
                                                 "congress", BlockKind::leave}});
  then_error(decide(s, book("apt-1", monday9), now), errc::slot_blocked, "start");
}

TEST(BookAppointment, RejectsATakenSlotOfCapacityOne) {
  const DoctorState s = given(standard_doctor(), {booked("apt-1", "pat-1", monday9)});
  then_error(decide(s, book("apt-2", monday9, "pat-2"), now), errc::slot_taken, "start");
}

TEST(BookAppointment, FillsASlotOfCapacityThree) {
  const DoctorState s =
      given({registered(), schedule_set({weekday_rule(3)})},
            {booked("apt-1", "pat-1", monday9), booked("apt-2", "pat-2", monday9)});
  then_ok(decide(s, book("apt-3", monday9, "pat-3"), now));
  const DoctorState full = evolve(s, booked("apt-3", "pat-3", monday9));
  then_error(decide(full, book("apt-4", monday9, "pat-4"), now), errc::slot_taken, "start");
}

TEST(BookAppointment, FreesCapacityWhenAnAppointmentIsCancelled) {
  const DoctorState s =
      given(standard_doctor(),
            {booked("apt-1", "pat-1", monday9),
             AppointmentCancelled{
                 patient(), "apt-1", "pat-1", monday9, AppointmentStatus::confirmed, "", {}}});
  then_ok(decide(s, book("apt-2", monday9, "pat-2"), now));
}

TEST(BookAppointment, CountsCompletedAppointmentsAsTaken) {
  const DoctorState s = given(standard_doctor(), {booked("apt-1", "pat-1", monday9),
                                                  AppointmentStarted{the_doctor(), "apt-1"},
                                                  AppointmentCompleted{the_doctor(), "apt-1"}});
  then_error(decide(s, book("apt-2", monday9, "pat-2"), at("2027-03-01T08:00:00Z")),
             errc::slot_taken);
}

TEST(BookAppointment, ReportsAPatientConflictBeforeSlotTaken) {
  const DoctorState s = given(standard_doctor(), {booked("apt-1", "pat-1", monday9)});
  then_error(decide(s, book("apt-2", monday9), now), errc::patient_conflict, "start");
}

TEST(BookAppointment, RejectsAnOverlapWithTheSamePatientsAppointment) {
  // An appointment recorded with 60 minutes covers the 09:30 slot as well.
  const DoctorState s = given({registered(), schedule_set({weekday_rule(3)})},
                              {booked("apt-1", "pat-1", monday9, 1, 60)});
  then_error(decide(s, book("apt-2", monday9 + minutes(30)), now), errc::patient_conflict);
}

TEST(BookAppointment, AllowsAnotherPatientInAFreeUnitOfTheSameSlot) {
  const DoctorState s =
      given({registered(), schedule_set({weekday_rule(3)})}, {booked("apt-1", "pat-1", monday9)});
  then_ok(decide(s, book("apt-2", monday9, "pat-2"), now));
}

TEST(BookAppointment, CountsReasonForVisitInCharactersNotBytes) {
  BookAppointment c = book("apt-1", monday9);
  std::string text;
  for (int i = 0; i < 500; ++i)
    text += "\xC3\xA9";  // é: 2 bytes, 1 character
  c.reason_for_visit = text;
  then_ok(decide(given(standard_doctor()), c, now));
}

TEST(BookAppointment, RejectsAReasonForVisitOf501Characters) {
  BookAppointment c = book("apt-1", monday9);
  c.reason_for_visit = std::string(501, 'a');
  then_error(decide(given(standard_doctor()), c, now), errc::text_too_long, "reason_for_visit");
}

TEST(BookAppointment, RejectsSymptomsOf1001Characters) {
  BookAppointment c = book("apt-1", monday9);
  c.symptoms = std::string(1000, 'a');
  then_ok(decide(given(standard_doctor()), c, now));
  c.symptoms += "b";
  then_error(decide(given(standard_doctor()), c, now), errc::text_too_long, "symptoms");
}

TEST(BookAppointment, ChecksTextBeforeTheSlot) {
  BookAppointment c = book("apt-1", monday9 + minutes(10));
  c.symptoms = std::string(1001, 'a');
  then_error(decide(given(standard_doctor()), c, now), errc::text_too_long);
}

TEST(BookAppointment, ChecksTimeBeforeTheGrid) {
  then_error(decide(given(standard_doctor()), book("apt-1", at("2027-02-21T09:10:00Z")), now),
             errc::in_past);
}

TEST(BookAppointment, DoesNotChangeTheState) {
  const DoctorState s = given(standard_doctor());
  const DoctorState copy = s;
  then_ok(decide(s, book("apt-1", monday9), now));
  EXPECT_EQ(s, copy);
}

TEST(BookAppointment, IndexesTheBookingInTheState) {
  const DoctorState s = given(standard_doctor(), {booked("apt-1", "pat-1", monday9)});
  EXPECT_EQ(s.taken(monday9), 1);
  ASSERT_EQ(s.live_appointments_of("pat-1").size(), 1u);
  ASSERT_NE(s.find_appointment("apt-1"), nullptr);
  EXPECT_EQ(s.find_appointment("apt-1")->number, "APT-20270301-0001");
  EXPECT_EQ(s.appointment_sequence(day("2027-03-01")), 1);
  EXPECT_EQ(s.version(), 3u);
}

}  // namespace
}  // namespace docket::domain::testing
