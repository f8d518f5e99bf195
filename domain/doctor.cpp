#include "domain/doctor.hpp"

#include <algorithm>

#include "domain/decide_support.hpp"

namespace docket::domain {
namespace {

using namespace detail;  // NOLINT: the handlers' home, in this one .cpp

struct Dispatch {
  const DoctorState& s;
  Instant now;
  Decision operator()(const RegisterDoctor& c) const { return decide_register(s, c, now); }
  Decision operator()(const UpdateProfile& c) const { return decide_profile(s, c, now); }
  Decision operator()(const SetSchedule& c) const { return decide_schedule(s, c, now); }
  Decision operator()(const AddBlock& c) const { return decide_add_block(s, c, now); }
  Decision operator()(const RemoveBlock& c) const { return decide_remove_block(s, c, now); }
  Decision operator()(const UpdateSettings& c) const { return decide_settings(s, c, now); }
  Decision operator()(const PlaceHold& c) const { return decide_place_hold(s, c, now); }
  Decision operator()(const ReleaseHold& c) const { return decide_release_hold(s, c, now); }
  Decision operator()(const BookAppointment& c) const { return decide_book(s, c, now); }
  Decision operator()(const CancelAppointment& c) const { return decide_cancel(s, c, now); }
  Decision operator()(const RescheduleAppointment& c) const { return decide_reschedule(s, c, now); }
  Decision operator()(const ConfirmAppointment& c) const { return decide_confirm(s, c, now); }
  Decision operator()(const RejectAppointment& c) const { return decide_reject(s, c, now); }
  Decision operator()(const CheckInAppointment& c) const { return decide_check_in(s, c, now); }
  Decision operator()(const StartAppointment& c) const { return decide_start(s, c, now); }
  Decision operator()(const CompleteAppointment& c) const { return decide_complete(s, c, now); }
  Decision operator()(const MarkNoShow& c) const { return decide_no_show(s, c, now); }
  Decision operator()(const RegisterWalkin& c) const { return decide_register_walkin(s, c, now); }
  Decision operator()(const CallNextWalkin& c) const { return decide_call_next(s, c, now); }
  Decision operator()(const CompleteWalkin& c) const { return decide_complete_walkin(s, c, now); }
  Decision operator()(const LeaveWalkin& c) const { return decide_leave_walkin(s, c, now); }
  Decision operator()(const MarkWalkinNoShow& c) const { return decide_walkin_no_show(s, c, now); }
  Decision operator()(const JoinWaitlist& c) const { return decide_join_waitlist(s, c, now); }
  Decision operator()(const AcceptWaitlistOffer& c) const { return decide_accept_offer(s, c, now); }
  Decision operator()(const LeaveWaitlist& c) const { return decide_leave_waitlist(s, c, now); }
  Decision operator()(const ExpireDue& c) const { return decide_expire_due(s, c, now); }
};

}  // namespace

Result<std::vector<Event>> decide(const DoctorState& state, const Command& command, Instant now) {
  // Every handler past registration relies on the doctor's zone; a registered doctor always has
  // one unless the tz database lost the name since.
  if (state.registered() && state.zone() == nullptr) {
    return error(errc::invalid_timezone, "the doctor's time zone is unknown to this build");
  }
  return std::visit(Dispatch{state, now}, command);
}

int walkin_minutes_per_patient(const DoctorState& state, LocalDate date) {
  constexpr int fallback_minutes = 15;
  const auto& rules = state.schedule().rules_on(date);
  const int weekday = iso_weekday(date);
  const ScheduleRule* first = nullptr;
  for (const ScheduleRule& r : rules) {
    if (r.on_weekday(weekday) && (first == nullptr || r.start_minute < first->start_minute)) {
      first = &r;
    }
  }
  return first == nullptr ? fallback_minutes : first->slot_minutes;
}

std::optional<QueuePlace> queue_place(const DoctorState& state, std::string_view walkin_id) {
  const auto it = state.walkins().find(std::string(walkin_id));
  if (it == state.walkins().end() || it->second.status != WalkinStatus::waiting) {
    return std::nullopt;
  }
  const auto queue = state.queue_on(it->second.date);
  const auto pos = std::find(queue.begin(), queue.end(), &it->second);
  const int ahead = static_cast<int>(pos - queue.begin());
  return QueuePlace{ahead + 1, ahead * walkin_minutes_per_patient(state, it->second.date)};
}

std::optional<int> waitlist_position(const DoctorState& state, std::string_view entry_id) {
  const auto it = state.waitlist().find(std::string(entry_id));
  if (it == state.waitlist().end() || it->second.status != WaitlistStatus::waiting) {
    return std::nullopt;
  }
  const auto waiting = state.waiting_on(it->second.date);
  const auto pos = std::find(waiting.begin(), waiting.end(), &it->second);
  return static_cast<int>(pos - waiting.begin()) + 1;
}

}  // namespace docket::domain
