#pragma once
// Internal to the doctor decider: the pieces several command handlers share (authorization, the
// booking checks of a slot, waitlist offers for freed slots). Not part of the public API.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "domain/commands.hpp"
#include "domain/doctor_state.hpp"
#include "domain/errors.hpp"
#include "domain/events.hpp"

namespace docket::domain::detail {

using Events = std::vector<Event>;
using Decision = Result<Events>;

inline constexpr std::size_t max_reason_chars = 500;
inline constexpr std::size_t max_reason_for_visit_chars = 500;
inline constexpr std::size_t max_symptoms_chars = 1000;
inline constexpr std::size_t max_name_chars = 200;
// Check-in and start are allowed from this long before the start.
inline constexpr std::chrono::minutes early_window{120};

// Whether the actor is the doctor whose stream this is.
inline bool is_own_doctor(const DoctorState& s, const Actor& a) {
  return a.role == Role::doctor && a.sub == s.id();
}
// Staff or the doctor itself.
inline bool is_staff_or_own_doctor(const DoctorState& s, const Actor& a) {
  return a.is_staff() || is_own_doctor(s, a);
}

// The patient a command acts for: a patient acts for itself (an empty or equal patient_id; any
// other is forbidden), staff for the named patient (required: invalid_field), nobody else.
Result<std::string> resolve_patient(const Actor& actor, const std::string& patient_id);

// text_too_long with `field` when `text` has more than `max` characters.
std::optional<Error> check_length(std::string_view text, std::size_t max, std::string_view field);

// What a booking-like command asks of a slot.
struct SlotRequest {
  Instant start;
  ConsultationType type = ConsultationType::in_person;
  std::string_view patient_id;
  std::string_view moving_appointment;  // reschedule: the appointment itself never conflicts
  std::string_view reserved_hold;       // a hold of this patient on this slot: not counted
  std::string_view reserved_offer;      // a waitlist entry whose offer is on this slot: not counted
  bool check_window = true;             // min notice / max advance (off for accepting an offer)
  bool check_capacity = true;
};

// The booking checks of one slot, in this order (what a user most needs to hear first):
//   in_past, too_soon, too_far (time alone: fix the time), not_a_slot,
//   consultation_type_not_offered (the schedule), slot_blocked (the doctor is away),
//   patient_conflict (the patient already has an overlapping appointment: more useful than
//   slot_taken when it is the patient's own), slot_taken. Each failure names field "start"
//   ("consultation_type" for the type).
// Boundaries: start == now is not in the past; start == now + min_notice is allowed; start ==
// now + max_advance_days * 24 h is allowed and one second later is too_far (elapsed time, not
// local calendar days). A hold or offer counts against capacity while now < its expires_at.
Result<Slot> check_slot(const DoctorState& s, const SlotRequest& r, Instant now);

// Units of `start` taken at `now`: appointments that take capacity plus holds and offers with
// expires_at > now, minus the reserved hold/offer named.
int taken_at(const DoctorState& s, Instant start, Instant now, std::string_view reserved_hold = {},
             std::string_view reserved_offer = {});

// The patient's live hold on the slot starting at `start`, or nullptr.
const Hold* own_live_hold(const DoctorState& s, std::string_view patient_id, Instant start,
                          Instant now);

// Whether [start, end) intersects a block that is not removed (other than `ignore_block`).
bool is_blocked(const DoctorState& s, Instant start, Instant end,
                std::string_view ignore_block = {});

// Makes waitlist offers for capacity a decision frees, in the same decision. Feed it freed slots
// (and for schedule changes / unblocking, whole dates), then call `finish`.
class OfferMaker {
 public:
  OfferMaker(const DoctorState& s, Instant now, const Actor& actor, Events& out);
  // Uses `schedule` instead of the state's (a new schedule decided in the same command).
  void use_schedule(const Schedule* schedule) { schedule_ = schedule; }
  // Ignores a block (one removed in the same command).
  void ignore_block(std::string_view block_id) { ignore_block_ = block_id; }
  // A slot freed by this decision; `still_counted` units of it the state still counts at `now`
  // (1 for a cancelled appointment or a released live hold, 0 for what already lapsed).
  void freed(Instant start, int still_counted);
  // Every slot of the waiting entries' dates in [from, to] may now be free.
  void dates(LocalDate from, LocalDate to);
  // Appends the offers.
  void finish();

 private:
  int free_units(const Slot& slot) const;
  bool offerable(const Slot& slot) const;
  bool matches(const WaitlistEntry& e, const Slot& slot) const;
  void offer(const WaitlistEntry& e, const Slot& slot);

  const DoctorState& s_;
  Instant now_;
  const Actor& actor_;
  Events& out_;
  const Schedule* schedule_;
  std::string_view ignore_block_;
  std::vector<std::pair<Instant, int>> freed_;
  std::vector<std::pair<LocalDate, LocalDate>> ranges_;
  std::unordered_map<std::int64_t, int> adjust_;  // + offered here, - freed but still counted
  std::unordered_set<std::string> offered_;
};

// Command handlers, one per command (decide dispatches on the variant).
Decision decide_register(const DoctorState& s, const RegisterDoctor& c, Instant now);
Decision decide_profile(const DoctorState& s, const UpdateProfile& c, Instant now);
Decision decide_schedule(const DoctorState& s, const SetSchedule& c, Instant now);
Decision decide_add_block(const DoctorState& s, const AddBlock& c, Instant now);
Decision decide_remove_block(const DoctorState& s, const RemoveBlock& c, Instant now);
Decision decide_settings(const DoctorState& s, const UpdateSettings& c, Instant now);
Decision decide_place_hold(const DoctorState& s, const PlaceHold& c, Instant now);
Decision decide_release_hold(const DoctorState& s, const ReleaseHold& c, Instant now);
Decision decide_book(const DoctorState& s, const BookAppointment& c, Instant now);
Decision decide_cancel(const DoctorState& s, const CancelAppointment& c, Instant now);
Decision decide_reschedule(const DoctorState& s, const RescheduleAppointment& c, Instant now);
Decision decide_confirm(const DoctorState& s, const ConfirmAppointment& c, Instant now);
Decision decide_reject(const DoctorState& s, const RejectAppointment& c, Instant now);
Decision decide_check_in(const DoctorState& s, const CheckInAppointment& c, Instant now);
Decision decide_start(const DoctorState& s, const StartAppointment& c, Instant now);
Decision decide_complete(const DoctorState& s, const CompleteAppointment& c, Instant now);
Decision decide_no_show(const DoctorState& s, const MarkNoShow& c, Instant now);
Decision decide_register_walkin(const DoctorState& s, const RegisterWalkin& c, Instant now);
Decision decide_call_next(const DoctorState& s, const CallNextWalkin& c, Instant now);
Decision decide_complete_walkin(const DoctorState& s, const CompleteWalkin& c, Instant now);
Decision decide_leave_walkin(const DoctorState& s, const LeaveWalkin& c, Instant now);
Decision decide_walkin_no_show(const DoctorState& s, const MarkWalkinNoShow& c, Instant now);
Decision decide_join_waitlist(const DoctorState& s, const JoinWaitlist& c, Instant now);
Decision decide_accept_offer(const DoctorState& s, const AcceptWaitlistOffer& c, Instant now);
Decision decide_leave_waitlist(const DoctorState& s, const LeaveWaitlist& c, Instant now);
Decision decide_expire_due(const DoctorState& s, const ExpireDue& c, Instant now);

}  // namespace docket::domain::detail
