// The waitlist: joining, offers whenever a matching slot frees, accepting, lapsing, leaving.

#include <gtest/gtest.h>

#include "tests/domain/doctor_fixture.hpp"

namespace docket::domain::testing {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const Instant now = at("2027-02-22T08:00:00Z");
const Instant monday9 = at("2027-03-01T09:00:00Z");
const LocalDate monday = day("2027-03-01");
const Instant offer_expiry = now + minutes(30);  // default waitlist_offer_minutes

WaitlistOffered offered(std::string entry, std::string patient_id, Actor by,
                        Instant start = monday9, Instant expires_at = offer_expiry) {
  return WaitlistOffered{std::move(by), std::move(entry),    std::move(patient_id),
                         start,         start + minutes(30), expires_at};
}

// Monday 09:00 booked by pat-1; pat-2 waits for Monday.
DoctorState full_with_waiter() {
  return given(standard_doctor(),
               {booked("apt-1", "pat-1", monday9), joined("wl-1", "pat-2", monday)});
}

// pat-2 holds an offer of Monday 09:00 (after a cancellation), pat-3 waits too.
DoctorState offered_to_pat2() {
  return given(standard_doctor(), {joined("wl-1", "pat-2", monday), joined("wl-2", "pat-3", monday),
                                   offered("wl-1", "pat-2", patient())});
}

TEST(JoinWaitlist, JoinsForADate) {
  JoinWaitlist c{patient("pat-2"), "wl-1", "", monday, 0, 1440, ConsultationType::in_person, 0};
  then_events(decide(given(standard_doctor()), c, now), {joined("wl-1", "pat-2", monday)});
}

TEST(JoinWaitlist, ForbidsJoiningForAnotherPatient) {
  JoinWaitlist c{
      patient("pat-2"), "wl-1", "pat-3", monday, 0, 1440, ConsultationType::in_person, 0};
  then_error(decide(given(standard_doctor()), c, now), errc::forbidden);
}

TEST(JoinWaitlist, RejectsAPastDate) {
  JoinWaitlist c{patient(), "wl-1", "", day("2027-02-21"), 0, 1440, ConsultationType::in_person, 0};
  then_error(decide(given(standard_doctor()), c, now), errc::in_past, "date");
}

TEST(JoinWaitlist, RejectsAnEmptyTimeRange) {
  JoinWaitlist c{patient(), "wl-1", "", monday, 600, 600, ConsultationType::in_person, 0};
  then_error(decide(given(standard_doctor()), c, now), errc::invalid_field, "to");
}

TEST(JoinWaitlist, RejectsATypeTheDoctorDoesNotOffer) {
  ConsultationTypes only_video;
  only_video.insert(ConsultationType::video);
  Profile p = std::get<DoctorRegistered>(registered()).profile;
  Profile n = p;
  n.consultation_types = only_video;
  const DoctorState s = given(standard_doctor(), {DoctorProfileUpdated{admin(), p, n}});
  JoinWaitlist c{patient(), "wl-1", "", monday, 0, 1440, ConsultationType::in_person, 0};
  then_error(decide(s, c, now), errc::consultation_type_not_offered, "consultation_type");
}

TEST(JoinWaitlist, PositionsByPriorityThenJoin) {
  const DoctorState s = given(
      standard_doctor(), {joined("wl-1", "pat-2", monday, 0), joined("wl-2", "pat-3", monday, 5),
                          joined("wl-3", "pat-4", monday, 0)});
  EXPECT_EQ(waitlist_position(s, "wl-2"), 1);
  EXPECT_EQ(waitlist_position(s, "wl-1"), 2);
  EXPECT_EQ(waitlist_position(s, "wl-3"), 3);
}

TEST(WaitlistOffer, FollowsACancellationInTheSameDecision) {
  then_events(decide(full_with_waiter(), CancelAppointment{patient(), "apt-1", ""}, now),
              {AppointmentCancelled{patient(), "apt-1", "pat-1", monday9,
                                    AppointmentStatus::confirmed, "", Personal{}},
               offered("wl-1", "pat-2", patient())});
}

TEST(WaitlistOffer, GoesToTheHigherPriorityFirst) {
  const DoctorState s = given(
      standard_doctor(), {booked("apt-1", "pat-1", monday9), joined("wl-1", "pat-2", monday, 0),
                          joined("wl-2", "pat-3", monday, 1)});
  const auto events = then_ok(decide(s, CancelAppointment{patient(), "apt-1", ""}, now));
  const auto* o = first_of<WaitlistOffered>(events);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->entry_id, "wl-2");
}

TEST(WaitlistOffer, GoesToTheEarlierJoinOnEqualPriority) {
  const DoctorState s =
      given(standard_doctor(), {booked("apt-1", "pat-1", monday9), joined("wl-1", "pat-2", monday),
                                joined("wl-2", "pat-3", monday)});
  const auto events = then_ok(decide(s, CancelAppointment{patient(), "apt-1", ""}, now));
  const auto* o = first_of<WaitlistOffered>(events);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->entry_id, "wl-1");
}

TEST(WaitlistOffer, SkipsEntriesThatDoNotMatch) {
  const DoctorState s =
      given(standard_doctor(),
            {booked("apt-1", "pat-1", monday9), joined("wl-1", "pat-2", monday + days(1)),
             joined("wl-2", "pat-3", monday, 0, 10 * 60, 12 * 60),
             joined("wl-3", "pat-4", monday, 0, 8 * 60, 9 * 60)});
  then_events(decide(s, CancelAppointment{patient(), "apt-1", ""}, now),
              {AppointmentCancelled{patient(), "apt-1", "pat-1", monday9,
                                    AppointmentStatus::confirmed, "", Personal{}}});
}

TEST(WaitlistOffer, SkipsAPatientWhoAlreadyHasAnAppointmentThen) {
  const DoctorState s =
      given({registered(), schedule_set({weekday_rule(2)})},
            {booked("apt-1", "pat-1", monday9), booked("apt-2", "pat-2", monday9, 2),
             joined("wl-1", "pat-2", monday), joined("wl-2", "pat-3", monday)});
  const auto events = then_ok(decide(s, CancelAppointment{patient(), "apt-1", ""}, now));
  const auto* o = first_of<WaitlistOffered>(events);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->entry_id, "wl-2");
}

TEST(WaitlistOffer, MatchesFromInclusively) {
  const DoctorState s = given(
      standard_doctor(),
      {booked("apt-1", "pat-1", monday9), joined("wl-1", "pat-2", monday, 0, 9 * 60, 9 * 60 + 1)});
  const auto events = then_ok(decide(s, CancelAppointment{patient(), "apt-1", ""}, now));
  EXPECT_NE(first_of<WaitlistOffered>(events), nullptr);
}

TEST(WaitlistOffer, TakesCapacityLikeAHold) {
  then_error(decide(offered_to_pat2(), book("apt-9", monday9, "pat-9"), now), errc::slot_taken);
}

TEST(WaitlistOffer, FollowsAReleasedHold) {
  const DoctorState s = given(
      standard_doctor(),
      {hold_placed("hold-1", "pat-1", monday9, now + minutes(5)), joined("wl-1", "pat-2", monday)});
  then_events(
      decide(s, ReleaseHold{patient(), "hold-1"}, now),
      {HoldReleased{patient(), "hold-1", "pat-1", monday9}, offered("wl-1", "pat-2", patient())});
}

TEST(WaitlistOffer, FollowsAnExpiredHold) {
  const Instant t = now + minutes(5);
  const DoctorState s = given(standard_doctor(), {hold_placed("hold-1", "pat-1", monday9, t),
                                                  joined("wl-1", "pat-2", monday)});
  then_events(decide(s, ExpireDue{scheduler()}, t),
              {HoldExpired{scheduler(), "hold-1", "pat-1", monday9, t},
               offered("wl-1", "pat-2", scheduler(), monday9, t + minutes(30))});
}

TEST(WaitlistOffer, FollowsARescheduleOfTheOldSlot) {
  const auto events = then_ok(decide(
      full_with_waiter(), RescheduleAppointment{patient(), "apt-1", monday9 + hours(1), ""}, now));
  const auto* o = first_of<WaitlistOffered>(events);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->start, monday9);
}

TEST(WaitlistOffer, FollowsARejection) {
  AppointmentBooked b = booked("apt-1", "pat-1", monday9);
  b.status = AppointmentStatus::pending;
  const DoctorState s = given(standard_doctor(), {b, joined("wl-1", "pat-2", monday)});
  const auto events = then_ok(decide(s, RejectAppointment{the_doctor(), "apt-1", ""}, now));
  EXPECT_NE(first_of<WaitlistOffered>(events), nullptr);
}

TEST(WaitlistOffer, FollowsARemovedBlock) {
  const DoctorState s = given(
      standard_doctor(),
      {DoctorBlockAdded{admin(), "blk-1", monday9, monday9 + hours(8), "away", BlockKind::leave},
       joined("wl-1", "pat-2", monday)});
  then_events(decide(s, RemoveBlock{admin(), "blk-1"}, now),
              {DoctorBlockRemoved{admin(), "blk-1", monday9, monday9 + hours(8)},
               offered("wl-1", "pat-2", admin())});
}

TEST(WaitlistOffer, FollowsANewSchedule) {
  const DoctorState s = given({registered(), joined("wl-1", "pat-2", monday)});
  const auto events =
      then_ok(decide(s, SetSchedule{admin(), {weekday_rule()}, day("2027-02-01")}, now));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<WaitlistOffered>(events[1]), offered("wl-1", "pat-2", admin()));
}

TEST(WaitlistOffer, IsNotMadeForABlockedSlot) {
  const DoctorState s = given(standard_doctor(),
                              {booked("apt-1", "pat-1", monday9), joined("wl-1", "pat-2", monday)});
  const auto events = then_ok(decide(
      s, AddBlock{admin(), "blk-1", monday9, monday9 + hours(1), "away", BlockKind::leave, true},
      now));
  EXPECT_EQ(first_of<WaitlistOffered>(events), nullptr);
}

TEST(AcceptWaitlistOffer, BooksTheOfferedSlot) {
  AppointmentBooked b = booked("apt-7", "pat-2", monday9);
  b.actor = patient("pat-2");
  b.waitlist_entry_id = "wl-1";
  then_events(decide(offered_to_pat2(), AcceptWaitlistOffer{patient("pat-2"), "wl-1", "apt-7"},
                     now + minutes(1)),
              {WaitlistAccepted{patient("pat-2"), "wl-1", "pat-2", "apt-7"}, b});
}

TEST(AcceptWaitlistOffer, AcceptsOneSecondBeforeExpiry) {
  then_ok(decide(offered_to_pat2(), AcceptWaitlistOffer{patient("pat-2"), "wl-1", "apt-7"},
                 offer_expiry - seconds(1)));
}

TEST(AcceptWaitlistOffer, ReportsAnOfferExpiredExactlyAtExpiry) {
  then_error(decide(offered_to_pat2(), AcceptWaitlistOffer{patient("pat-2"), "wl-1", "apt-7"},
                    offer_expiry),
             errc::offer_expired);
}

TEST(AcceptWaitlistOffer, ReportsAnOfferExpiredOneMinuteAfter) {
  then_error(decide(offered_to_pat2(), AcceptWaitlistOffer{patient("pat-2"), "wl-1", "apt-7"},
                    offer_expiry + minutes(1)),
             errc::offer_expired);
}

TEST(AcceptWaitlistOffer, RejectsAnEntryWithoutOffer) {
  then_error(decide(offered_to_pat2(), AcceptWaitlistOffer{patient("pat-3"), "wl-2", "apt-7"}, now),
             errc::invalid_transition);
}

TEST(AcceptWaitlistOffer, ForbidsAnotherPatient) {
  then_error(decide(offered_to_pat2(), AcceptWaitlistOffer{patient("pat-3"), "wl-1", "apt-7"}, now),
             errc::forbidden);
}

TEST(AcceptWaitlistOffer, LeavesTheSlotBookedOnce) {
  const DoctorState s =
      given({registered(), schedule_set(), joined("wl-1", "pat-2", monday),
             joined("wl-2", "pat-3", monday), offered("wl-1", "pat-2", patient())});
  const auto events =
      then_ok(decide(s, AcceptWaitlistOffer{patient("pat-2"), "wl-1", "apt-7"}, now));
  DoctorState after = s;
  for (const Event& e : events)
    apply(after, e);
  EXPECT_EQ(after.taken(monday9), 1);
  EXPECT_EQ(after.waitlist().at("wl-1").status, WaitlistStatus::booked);
  EXPECT_EQ(next_deadline(after), std::nullopt);
}

TEST(ExpireDue, PassesALapsedOfferToTheNextMatch) {
  then_events(decide(offered_to_pat2(), ExpireDue{scheduler()}, offer_expiry),
              {WaitlistOfferExpired{scheduler(), "wl-1", "pat-2", monday9},
               offered("wl-2", "pat-3", scheduler(), monday9, offer_expiry + minutes(30))});
}

TEST(ExpireDue, KeepsAnOfferOneSecondBeforeItsExpiry) {
  then_events(decide(offered_to_pat2(), ExpireDue{scheduler()}, offer_expiry - seconds(1)), {});
}

TEST(ExpireDue, NextDeadlineIsTheOfferExpiry) {
  EXPECT_EQ(next_deadline(offered_to_pat2()), offer_expiry);
}

TEST(LeaveWaitlist, LeavesAWaitingEntry) {
  then_events(decide(full_with_waiter(), LeaveWaitlist{patient("pat-2"), "wl-1"}, now),
              {WaitlistLeft{patient("pat-2"), "wl-1", "pat-2", WaitlistStatus::waiting}});
}

TEST(LeaveWaitlist, IsHarmlessToRetry) {
  const DoctorState s = evolve(
      full_with_waiter(), WaitlistLeft{patient("pat-2"), "wl-1", "pat-2", WaitlistStatus::waiting});
  then_events(decide(s, LeaveWaitlist{patient("pat-2"), "wl-1"}, now), {});
}

TEST(LeaveWaitlist, PassesAnOfferOnWhenLeaving) {
  then_events(decide(offered_to_pat2(), LeaveWaitlist{patient("pat-2"), "wl-1"}, now),
              {WaitlistLeft{patient("pat-2"), "wl-1", "pat-2", WaitlistStatus::offered},
               offered("wl-2", "pat-3", patient("pat-2"))});
}

TEST(LeaveWaitlist, ReportsAnUnknownEntry) {
  then_error(decide(full_with_waiter(), LeaveWaitlist{receptionist(), "nope"}, now),
             errc::not_found);
}

}  // namespace
}  // namespace docket::domain::testing
