// An appointment after booking: cancel, reschedule, confirm / reject, check-in, start, complete,
// no-show, with who may do each and the time boundaries.

#include <gtest/gtest.h>

#include "tests/domain/doctor_fixture.hpp"

namespace docket::domain::testing {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const Instant now = at("2027-02-22T08:00:00Z");
const Instant monday9 = at("2027-03-01T09:00:00Z");
const Instant deadline = monday9 - hours(24);  // default cancellation_deadline_hours

DoctorState with_booking() {
  return given(standard_doctor(), {booked("apt-1", "pat-1", monday9)});
}

DoctorState with_pending() {
  AppointmentBooked b = booked("apt-1", "pat-1", monday9);
  b.status = AppointmentStatus::pending;
  return given(standard_doctor(), {b});
}

DoctorState with_status(std::initializer_list<Event> after_booking) {
  return given({registered(), schedule_set(), booked("apt-1", "pat-1", monday9)}, after_booking);
}

AppointmentCancelled cancelled(Actor by, std::string reason = {}) {
  AppointmentCancelled e{std::move(by), "apt-1", "pat-1", monday9, AppointmentStatus::confirmed, "",
                         Personal{}};
  e.personal.reason = std::move(reason);
  return e;
}

// ---- cancel -------------------------------------------------------------------------------------

TEST(CancelAppointment, LetsThePatientCancelWithAReason) {
  then_events(decide(with_booking(), CancelAppointment{patient(), "apt-1", "feeling better"}, now),
              {cancelled(patient(), "feeling better")});
}

TEST(CancelAppointment, LetsThePatientCancelExactlyAtTheDeadline) {
  then_ok(decide(with_booking(), CancelAppointment{patient(), "apt-1", ""}, deadline));
}

TEST(CancelAppointment, LetsThePatientCancelOneMinuteBeforeTheDeadline) {
  then_ok(decide(with_booking(), CancelAppointment{patient(), "apt-1", ""}, deadline - minutes(1)));
}

TEST(CancelAppointment, StopsThePatientOneMinuteAfterTheDeadline) {
  then_error(
      decide(with_booking(), CancelAppointment{patient(), "apt-1", ""}, deadline + minutes(1)),
      errc::deadline_passed);
}

TEST(CancelAppointment, LetsTheDoctorCancelAfterTheDeadline) {
  then_events(decide(with_booking(), CancelAppointment{the_doctor(), "apt-1", ""}, monday9),
              {cancelled(the_doctor())});
}

TEST(CancelAppointment, LetsStaffCancelAfterTheDeadline) {
  then_ok(decide(with_booking(), CancelAppointment{receptionist(), "apt-1", ""}, monday9));
}

TEST(CancelAppointment, ForbidsAnotherPatient) {
  then_error(decide(with_booking(), CancelAppointment{patient("pat-2"), "apt-1", ""}, now),
             errc::forbidden);
}

TEST(CancelAppointment, ForbidsAnotherDoctor) {
  then_error(decide(with_booking(), CancelAppointment{other_doctor(), "apt-1", ""}, now),
             errc::forbidden);
}

TEST(CancelAppointment, RejectsACancelledAppointment) {
  const DoctorState s = evolve(with_booking(), cancelled(patient()));
  then_error(decide(s, CancelAppointment{receptionist(), "apt-1", ""}, now),
             errc::invalid_transition);
}

TEST(CancelAppointment, RejectsACompletedAppointment) {
  const DoctorState s = with_status(
      {AppointmentStarted{the_doctor(), "apt-1"}, AppointmentCompleted{the_doctor(), "apt-1"}});
  then_error(decide(s, CancelAppointment{receptionist(), "apt-1", ""}, now),
             errc::invalid_transition);
}

TEST(CancelAppointment, RejectsANoShow) {
  const DoctorState s =
      with_status({AppointmentNoShow{the_doctor(), "apt-1", AppointmentStatus::confirmed}});
  then_error(decide(s, CancelAppointment{receptionist(), "apt-1", ""}, now),
             errc::invalid_transition);
}

TEST(CancelAppointment, RejectsARejectedAppointment) {
  const DoctorState s = evolve(with_pending(), AppointmentRejected{the_doctor(), "apt-1", {}});
  then_error(decide(s, CancelAppointment{receptionist(), "apt-1", ""}, now),
             errc::invalid_transition);
}

TEST(CancelAppointment, ReportsAnUnknownAppointment) {
  then_error(decide(with_booking(), CancelAppointment{receptionist(), "apt-9", ""}, now),
             errc::not_found);
}

TEST(CancelAppointment, RejectsAnOverlongReason) {
  then_error(
      decide(with_booking(), CancelAppointment{patient(), "apt-1", std::string(501, 'x')}, now),
      errc::text_too_long, "reason");
}

TEST(CancelAppointment, FreesTheSlotAndThePatient) {
  const DoctorState s = evolve(with_booking(), cancelled(patient()));
  EXPECT_EQ(s.taken(monday9), 0);
  EXPECT_TRUE(s.live_appointments_of("pat-1").empty());
  EXPECT_EQ(s.find_appointment("apt-1")->status, AppointmentStatus::cancelled);
}

// ---- reschedule ---------------------------------------------------------------------------------

TEST(RescheduleAppointment, MovesToAFreeSlotInOneEvent) {
  const Instant to = monday9 + minutes(60);
  AppointmentRescheduled e;
  e.actor = patient();
  e.appointment_id = "apt-1";
  e.patient_id = "pat-1";
  e.old_start = monday9;
  e.old_end = monday9 + minutes(30);
  e.new_start = to;
  e.new_end = to + minutes(30);
  e.personal.reason = "clash";
  then_events(decide(with_booking(), RescheduleAppointment{patient(), "apt-1", to, "clash"}, now),
              {e});
}

TEST(RescheduleAppointment, FreesTheOldSlotAndTakesTheNew) {
  const Instant to = monday9 + minutes(60);
  const auto events =
      then_ok(decide(with_booking(), RescheduleAppointment{patient(), "apt-1", to, ""}, now));
  ASSERT_EQ(events.size(), 1u);
  const DoctorState s = evolve(with_booking(), events[0]);
  EXPECT_EQ(s.taken(monday9), 0);
  EXPECT_EQ(s.taken(to), 1);
  EXPECT_EQ(s.find_appointment("apt-1")->start, to);
  EXPECT_EQ(s.find_appointment("apt-1")->number, "APT-20270301-0001");
}

TEST(RescheduleAppointment, ReturnsToPendingWithoutAutoConfirm) {
  Settings set;
  set.auto_confirm = false;
  const DoctorState s =
      given(standard_doctor(), {booked("apt-1", "pat-1", monday9), settings_changed(set)});
  const auto events =
      then_ok(decide(s, RescheduleAppointment{patient(), "apt-1", monday9 + minutes(60), ""}, now));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<AppointmentRescheduled>(events[0]).new_status, AppointmentStatus::pending);
}

TEST(RescheduleAppointment, IgnoresItsOwnOccupancyForConflicts) {
  // With 60-minute bookings the next slot overlaps nothing but the appointment itself would, if
  // it were counted.
  const DoctorState s = given({registered(), schedule_set({weekday_rule(1, 60)})},
                              {booked("apt-1", "pat-1", monday9, 1, 60)});
  then_ok(decide(s, RescheduleAppointment{patient(), "apt-1", monday9 + minutes(60), ""}, now));
}

TEST(RescheduleAppointment, AppliesTheBookingChecksToTheNewSlot) {
  const DoctorState s = given(
      standard_doctor(),
      {booked("apt-1", "pat-1", monday9), booked("apt-2", "pat-2", monday9 + minutes(30), 2)});
  then_error(decide(s, RescheduleAppointment{patient(), "apt-1", monday9 + minutes(30), ""}, now),
             errc::slot_taken, "start");
  then_error(decide(s, RescheduleAppointment{patient(), "apt-1", monday9 + minutes(31), ""}, now),
             errc::not_a_slot, "start");
}

TEST(RescheduleAppointment, ToTheSameStartChangesNothing) {
  then_events(decide(with_booking(), RescheduleAppointment{patient(), "apt-1", monday9, ""}, now),
              {});
}

TEST(RescheduleAppointment, BindsThePatientToTheOldSlotsDeadline) {
  then_error(
      decide(with_booking(), RescheduleAppointment{patient(), "apt-1", monday9 + hours(48), ""},
             deadline + minutes(1)),
      errc::deadline_passed);
}

TEST(RescheduleAppointment, LetsStaffMoveAfterTheDeadline) {
  then_ok(decide(with_booking(),
                 RescheduleAppointment{receptionist(), "apt-1", monday9 + hours(48), ""},
                 deadline + minutes(1)));
}

TEST(RescheduleAppointment, ForbidsTheDoctor) {
  then_error(decide(with_booking(),
                    RescheduleAppointment{the_doctor(), "apt-1", monday9 + minutes(60), ""}, now),
             errc::forbidden);
}

TEST(RescheduleAppointment, RejectsACheckedInAppointment) {
  const DoctorState s = with_status({AppointmentCheckedIn{receptionist(), "apt-1"}});
  then_error(decide(s, RescheduleAppointment{receptionist(), "apt-1", monday9 + hours(1), ""}, now),
             errc::invalid_transition);
}

// ---- confirm / reject ---------------------------------------------------------------------------

TEST(ConfirmAppointment, ConfirmsAPendingAppointment) {
  then_events(decide(with_pending(), ConfirmAppointment{the_doctor(), "apt-1"}, now),
              {AppointmentConfirmed{the_doctor(), "apt-1"}});
}

TEST(ConfirmAppointment, RejectsAConfirmedAppointment) {
  then_error(decide(with_booking(), ConfirmAppointment{the_doctor(), "apt-1"}, now),
             errc::invalid_transition);
}

TEST(ConfirmAppointment, ForbidsThePatient) {
  then_error(decide(with_pending(), ConfirmAppointment{patient(), "apt-1"}, now), errc::forbidden);
}

TEST(RejectAppointment, RejectsAPendingAppointmentAndFreesTheSlot) {
  AppointmentRejected e{receptionist(), "apt-1", {}};
  e.personal.reason = "referral needed";
  then_events(
      decide(with_pending(), RejectAppointment{receptionist(), "apt-1", "referral needed"}, now),
      {e});
  EXPECT_EQ(evolve(with_pending(), e).taken(monday9), 0);
}

TEST(RejectAppointment, RejectsAConfirmedAppointment) {
  then_error(decide(with_booking(), RejectAppointment{the_doctor(), "apt-1", ""}, now),
             errc::invalid_transition);
}

// ---- check-in / start / complete / no-show ------------------------------------------------------

TEST(CheckIn, IsAllowedExactlyTwoHoursBefore) {
  then_events(
      decide(with_booking(), CheckInAppointment{receptionist(), "apt-1"}, monday9 - hours(2)),
      {AppointmentCheckedIn{receptionist(), "apt-1"}});
}

TEST(CheckIn, IsTooEarlyOneMinuteBeforeTheWindow) {
  then_error(decide(with_booking(), CheckInAppointment{receptionist(), "apt-1"},
                    monday9 - hours(2) - minutes(1)),
             errc::too_early);
}

TEST(CheckIn, IsAllowedOneMinuteIntoTheWindow) {
  then_ok(decide(with_booking(), CheckInAppointment{receptionist(), "apt-1"},
                 monday9 - hours(2) + minutes(1)));
}

TEST(CheckIn, IsForStaffOnly) {
  then_error(decide(with_booking(), CheckInAppointment{the_doctor(), "apt-1"}, monday9),
             errc::forbidden);
}

TEST(CheckIn, RejectsAPendingAppointment) {
  then_error(decide(with_pending(), CheckInAppointment{receptionist(), "apt-1"}, monday9),
             errc::invalid_transition);
}

TEST(StartAppointment, StartsStraightFromConfirmed) {
  then_events(decide(with_booking(), StartAppointment{the_doctor(), "apt-1"}, monday9 - hours(2)),
              {AppointmentStarted{the_doctor(), "apt-1"}});
}

TEST(StartAppointment, StartsFromCheckedIn) {
  const DoctorState s = with_status({AppointmentCheckedIn{receptionist(), "apt-1"}});
  then_ok(decide(s, StartAppointment{receptionist(), "apt-1"}, monday9));
}

TEST(StartAppointment, IsTooEarlyOneMinuteBeforeTheWindow) {
  then_error(decide(with_booking(), StartAppointment{the_doctor(), "apt-1"},
                    monday9 - hours(2) - minutes(1)),
             errc::too_early);
}

TEST(StartAppointment, ForbidsAnotherDoctor) {
  then_error(decide(with_booking(), StartAppointment{other_doctor(), "apt-1"}, monday9),
             errc::forbidden);
}

TEST(CompleteAppointment, CompletesAnAppointmentInProgress) {
  const DoctorState s = with_status({AppointmentStarted{the_doctor(), "apt-1"}});
  then_events(decide(s, CompleteAppointment{the_doctor(), "apt-1"}, monday9),
              {AppointmentCompleted{the_doctor(), "apt-1"}});
}

TEST(CompleteAppointment, RejectsAConfirmedAppointment) {
  then_error(decide(with_booking(), CompleteAppointment{the_doctor(), "apt-1"}, monday9),
             errc::invalid_transition);
}

TEST(MarkNoShow, IsTooEarlyExactlyAtTheStart) {
  then_error(decide(with_booking(), MarkNoShow{the_doctor(), "apt-1"}, monday9), errc::too_early);
}

TEST(MarkNoShow, IsTooEarlyOneMinuteBeforeTheStart) {
  then_error(decide(with_booking(), MarkNoShow{the_doctor(), "apt-1"}, monday9 - minutes(1)),
             errc::too_early);
}

TEST(MarkNoShow, IsAllowedOneMinuteAfterTheStart) {
  then_events(decide(with_booking(), MarkNoShow{the_doctor(), "apt-1"}, monday9 + minutes(1)),
              {AppointmentNoShow{the_doctor(), "apt-1", AppointmentStatus::confirmed}});
}

TEST(MarkNoShow, IsAllowedFromCheckedIn) {
  const DoctorState s = with_status({AppointmentCheckedIn{receptionist(), "apt-1"}});
  then_ok(decide(s, MarkNoShow{receptionist(), "apt-1"}, monday9 + minutes(1)));
}

TEST(MarkNoShow, RejectsAnAppointmentInProgress) {
  const DoctorState s = with_status({AppointmentStarted{the_doctor(), "apt-1"}});
  then_error(decide(s, MarkNoShow{the_doctor(), "apt-1"}, monday9 + minutes(1)),
             errc::invalid_transition);
}

TEST(MarkNoShow, FreesTheSlot) {
  const DoctorState s =
      with_status({AppointmentNoShow{the_doctor(), "apt-1", AppointmentStatus::confirmed}});
  EXPECT_EQ(s.taken(monday9), 0);
}

}  // namespace
}  // namespace docket::domain::testing
