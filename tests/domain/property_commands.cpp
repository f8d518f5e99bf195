#include "tests/domain/property_commands.hpp"

#include <algorithm>
#include <chrono>

namespace docket::domain::testing {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr int kPatients = 6;

Instant instant(std::string_view text) {
  return parse_rfc3339(text).value_or(Instant{});
}

std::string when(Instant t) {
  return format_rfc3339(t);
}

std::string who(const Actor& a) {
  return std::string(to_string(a.role)) + ":" + a.sub;
}

}  // namespace

CommandGenerator::CommandGenerator(const DoctorSetup& setup, std::uint64_t seed)
    : setup_(setup), rng_(seed), now_(instant(setup.start)) {}

std::vector<Generated> CommandGenerator::setup_commands() {
  const Actor admin{"root", Role::admin};
  RegisterDoctor reg{admin,           setup_.doctor_id, "Dr " + setup_.name, "general",
                     setup_.timezone, 4000 + counter_,  setup_.types};
  SetSchedule sched{admin, setup_.rules, parse_local_date("2027-01-01")};
  UpdateSettings set = setup_.settings;
  set.actor = admin;
  return {{reg, "register", false}, {sched, "schedule", false}, {set, "settings", false}};
}

void CommandGenerator::advance_clock() {
  const int r = rng_.below(100);
  if (r < 55) {
    now_ += std::chrono::seconds(rng_.below(121));
  } else if (r < 85) {
    now_ += minutes(2 + rng_.below(58));
  } else if (r < 97) {
    now_ += minutes(60 + rng_.below(300));
  } else {
    now_ += hours(6 + rng_.below(18));
  }
}

Actor CommandGenerator::patient_actor() {
  return {"pat-" + std::to_string(rng_.below(kPatients)), Role::patient};
}

Actor CommandGenerator::staff() {
  return rng_.percent(80) ? Actor{"desk-1", Role::receptionist} : Actor{"root", Role::admin};
}

Actor CommandGenerator::any_actor() {
  const int r = rng_.below(100);
  if (r < 50) return patient_actor();
  if (r < 75) return staff();
  if (r < 87) return {setup_.doctor_id, Role::doctor};
  if (r < 95) return {"dr-other", Role::doctor};
  return {"scheduler", Role::system};
}

std::string CommandGenerator::patient_field(const Actor& actor) {
  const std::string someone = "pat-" + std::to_string(rng_.below(kPatients));
  if (actor.role == Role::patient) {
    const int r = rng_.below(100);
    return r < 70 ? std::string() : (r < 90 ? actor.sub : someone);
  }
  return rng_.percent(92) ? someone : std::string();
}

std::string CommandGenerator::new_id(std::string_view prefix,
                                     const std::vector<std::string>& used) {
  const int r = rng_.below(100);
  if (r < 3 && !used.empty()) return pick(used);  // invalid_id
  if (r < 4) return {};
  return std::string(prefix) + "-" + std::to_string(++counter_);
}

std::string CommandGenerator::pick(const std::vector<std::string>& ids) {
  if (ids.empty() || rng_.percent(4)) return "unknown-id";
  return ids[static_cast<std::size_t>(rng_.below(static_cast<int>(ids.size())))];
}

std::string CommandGenerator::free_text(std::size_t limit) {
  const int r = rng_.below(100);
  if (r < 80) return {};
  std::string text(kSecretMark);
  if (r < 92) return text + " says something private";
  // Within the limit in characters although longer in bytes (two-byte characters), or over it.
  const std::size_t n = r < 97 ? limit - text.size() : limit + 1;
  for (std::size_t i = 0; i < n; ++i)
    text += r < 97 ? "\xC3\xA9" : "x";
  return text;
}

LocalDate CommandGenerator::pick_date(const DoctorState& s) {
  const LocalDate today =
      std::chrono::floor<date::days>(date::local_seconds{now_.time_since_epoch()});
  const LocalDate base = s.zone() != nullptr ? local_date_of(now_, *s.zone()) : today;
  return base + date::days(rng_.below(5) - (rng_.percent(5) ? 2 : 0));
}

Instant CommandGenerator::pick_start(const DoctorState& s) {
  const int r = rng_.below(100);
  if (r < 70 && s.zone() != nullptr) {
    const auto slots = slots_on(s.schedule(), *s.zone(), pick_date(s), s.settings().buffer_minutes,
                                s.profile().consultation_types);
    if (!slots.empty()) {
      // A few busy slots per day, so that capacities of 3 fill up too.
      const int n = static_cast<int>(slots.size());
      return slots[static_cast<std::size_t>(rng_.below(rng_.percent(50) ? std::min(n, 2) : n))]
          .start;
    }
  }
  if (r < 85 && !appointments_.empty()) {
    if (const Appointment* a = s.find_appointment(pick(appointments_))) return a->start;
  }
  if (r < 95) return std::chrono::floor<minutes>(now_) + minutes(rng_.below(4 * 1440));
  return std::chrono::floor<hours>(now_) + date::days(95 + rng_.below(30));
}

ConsultationType CommandGenerator::pick_type() {
  return rng_.percent(70) ? ConsultationType::in_person
                          : static_cast<ConsultationType>(rng_.below(4));
}

std::string CommandGenerator::pick_appointment(const DoctorState& s,
                                               std::initializer_list<AppointmentStatus> in) {
  if (rng_.percent(75)) {
    std::vector<std::string> fitting;
    for (const std::string& id : appointments_) {
      const Appointment* a = s.find_appointment(id);
      if (a != nullptr && std::find(in.begin(), in.end(), a->status) != in.end()) {
        fitting.push_back(id);
      }
    }
    if (!fitting.empty()) return pick(fitting);
  }
  return pick(appointments_);
}

Generated CommandGenerator::next(const DoctorState& s) {
  // Offers lapse within minutes, so accepting one gets its own chance besides the table below.
  if (rng_.percent(3)) return waitlist(s, 2);
  const int r = rng_.below(1000);
  if (r < 200) return book(s);
  if (r < 300) return hold(s);
  if (r < 600) return lifecycle(s, (r - 300) / 35);  // 0..8: 8 is release hold
  if (r < 630) return block(s);
  if (r < 640) return schedule(s);
  if (r < 660) return settings();
  if (r < 670) return profile(s);
  if (r < 760) return walkin(s, (r - 670) / 18);
  if (r < 900) return waitlist(s, (r - 760) / 35);
  const Actor actor = rng_.percent(95) ? Actor{"scheduler", Role::system} : any_actor();
  if (r < 995) return {ExpireDue{actor}, "expire-due by " + who(actor), true};
  RegisterDoctor again{
      Actor{"root", Role::admin}, setup_.doctor_id, "Again", "general", setup_.timezone, 1,
      ConsultationTypes::all()};
  return {again, "register again", false};
}

Generated CommandGenerator::book(const DoctorState& s) {
  BookAppointment c;
  c.actor = rng_.percent(70) ? patient_actor() : any_actor();
  c.patient_id = patient_field(c.actor);
  c.appointment_id = new_id("apt", appointments_);
  c.start = pick_start(s);
  c.consultation_type = pick_type();
  c.reason_for_visit = free_text(500);
  c.symptoms = free_text(1000);
  // Often the booking that follows a hold: the hold's patient and slot, the hold named or not.
  if (rng_.percent(30) && !holds_.empty()) {
    if (const Hold* h = s.find_hold(pick(holds_))) {
      c.start = h->start;
      c.consultation_type = h->consultation_type;
      if (c.actor.role == Role::patient && rng_.percent(80)) c.actor.sub = h->patient_id;
      if (c.actor.is_staff()) c.patient_id = h->patient_id;
      if (rng_.percent(70)) c.hold_id = h->id;
    }
  }
  return {c, "book " + c.appointment_id + " at " + when(c.start) + " by " + who(c.actor) +
                 " for '" + c.patient_id + "' hold '" + c.hold_id + "'"};
}

Generated CommandGenerator::hold(const DoctorState& s) {
  PlaceHold c;
  c.actor = rng_.percent(75) ? patient_actor() : any_actor();
  c.patient_id = patient_field(c.actor);
  c.hold_id = new_id("hold", holds_);
  c.start = pick_start(s);
  c.consultation_type = pick_type();
  return {c, "hold " + c.hold_id + " at " + when(c.start) + " by " + who(c.actor)};
}

Generated CommandGenerator::lifecycle(const DoctorState& s, int which) {
  using S = AppointmentStatus;
  Actor actor = any_actor();
  const auto as_patient_of = [&](const std::string& id) {
    const Appointment* a = s.find_appointment(id);
    if (a != nullptr && actor.role == Role::patient && rng_.percent(80)) actor.sub = a->patient_id;
  };
  std::string id;
  switch (which) {
    case 0: {
      id = pick_appointment(s, {S::pending, S::confirmed, S::checked_in});
      as_patient_of(id);
      return {CancelAppointment{actor, id, free_text(500)}, "cancel " + id + " by " + who(actor)};
    }
    case 1: {
      id = pick_appointment(s, {S::pending, S::confirmed});
      as_patient_of(id);
      const Instant start = pick_start(s);
      return {RescheduleAppointment{actor, id, start, free_text(500)},
              "reschedule " + id + " to " + when(start) + " by " + who(actor)};
    }
    case 2:
      id = pick_appointment(s, {S::pending});
      return {ConfirmAppointment{actor, id}, "confirm " + id + " by " + who(actor)};
    case 3:
      id = pick_appointment(s, {S::pending});
      return {RejectAppointment{actor, id, free_text(500)}, "reject " + id + " by " + who(actor)};
    case 4:
      id = pick_appointment(s, {S::confirmed});
      return {CheckInAppointment{actor, id}, "check in " + id + " by " + who(actor)};
    case 5:
      id = pick_appointment(s, {S::confirmed, S::checked_in});
      return {StartAppointment{actor, id}, "start " + id + " by " + who(actor)};
    case 6:
      id = pick_appointment(s, {S::in_progress});
      return {CompleteAppointment{actor, id}, "complete " + id + " by " + who(actor)};
    case 7:
      id = pick_appointment(s, {S::confirmed, S::checked_in});
      return {MarkNoShow{actor, id}, "no-show " + id + " by " + who(actor)};
    default: {
      id = pick(holds_);
      if (const Hold* h = s.find_hold(id); h != nullptr && actor.role == Role::patient) {
        if (rng_.percent(80)) actor.sub = h->patient_id;
      }
      return {ReleaseHold{actor, id}, "release " + id + " by " + who(actor)};
    }
  }
}

Generated CommandGenerator::block(const DoctorState& s) {
  Actor actor = rng_.percent(45) ? Actor{setup_.doctor_id, Role::doctor} : any_actor();
  if (rng_.percent(25) && !blocks_.empty()) {
    const std::string id = pick(blocks_);
    return {RemoveBlock{actor, id}, "unblock " + id + " by " + who(actor)};
  }
  AddBlock c;
  c.actor = actor;
  c.block_id = new_id("block", blocks_);
  c.start = pick_start(s);
  c.end = c.start + minutes(30 * (rng_.below(8) - (rng_.percent(5) ? 7 : 0)));
  c.reason = "staff training";
  c.kind = static_cast<BlockKind>(rng_.below(4));
  c.cancel_conflicting = rng_.percent(50);
  return {c, "block " + c.block_id + " " + when(c.start) + ".." + when(c.end) + " cancelling " +
                 (c.cancel_conflicting ? "yes" : "no") + " by " + who(actor)};
}

Generated CommandGenerator::schedule(const DoctorState& s) {
  SetSchedule c;
  c.actor = rng_.percent(90) ? Actor{"root", Role::admin} : any_actor();
  c.rules = rng_.percent(50) ? setup_.other_rules : setup_.rules;
  if (rng_.percent(10)) c.rules.push_back(c.rules.front());  // overlapping_rules
  const int r = rng_.below(10);
  if (r >= 4) c.effective_from = pick_date(s);
  return {c, "schedule (" + std::to_string(c.rules.size()) + " rules) from " +
                 (c.effective_from ? format_local_date(*c.effective_from) : "today")};
}

Generated CommandGenerator::settings() {
  UpdateSettings c;
  c.actor = rng_.percent(90) ? Actor{"root", Role::admin} : any_actor();
  const auto maybe = [&](std::optional<int>& field, std::initializer_list<int> values) {
    if (rng_.percent(30)) field = *(values.begin() + rng_.below(static_cast<int>(values.size())));
  };
  maybe(c.min_notice_minutes, {0, 30, 120});
  maybe(c.cancellation_deadline_hours, {0, 2, 24});
  maybe(c.buffer_minutes, {0, 5, 10, 121});
  maybe(c.hold_minutes, {1, 5, 10});
  maybe(c.max_walk_ins_per_day, {2, 5, 20});
  maybe(c.waitlist_offer_minutes, {1, 5, 30});
  if (rng_.percent(30)) c.auto_confirm = rng_.percent(50);
  return {c, "settings by " + who(c.actor)};
}

Generated CommandGenerator::profile(const DoctorState& s) {
  UpdateProfile c;
  c.actor = rng_.percent(90) ? Actor{"root", Role::admin} : any_actor();
  // Inactive doctors take nothing, so reactivation is likelier than deactivation.
  if (s.profile().active ? rng_.percent(30) : rng_.percent(90)) c.active = !s.profile().active;
  if (rng_.percent(40)) c.consultation_fee = 3000 + 500 * rng_.below(5);
  if (rng_.percent(20)) {
    c.consultation_types = rng_.percent(50)
                               ? setup_.types
                               : types_of({ConsultationType::in_person, ConsultationType::video});
  }
  return {c, "profile by " + who(c.actor)};
}

Generated CommandGenerator::walkin(const DoctorState& /*s*/, int which) {
  Actor actor = rng_.percent(80)
                    ? (rng_.percent(70) ? staff() : Actor{setup_.doctor_id, Role::doctor})
                    : any_actor();
  switch (which) {
    case 0:
    case 1: {
      RegisterWalkin c;
      c.actor = actor;
      c.walkin_id = new_id("walkin", walkins_);
      c.patient_id = rng_.percent(95) ? "pat-" + std::to_string(rng_.below(kPatients)) : "";
      c.urgency = static_cast<Urgency>(rng_.below(3));
      c.reason = free_text(500);
      return {c, "walk-in " + c.walkin_id + " by " + who(actor)};
    }
    case 2:
      return {CallNextWalkin{actor}, "call next by " + who(actor)};
    case 3: {
      const std::string id = pick(walkins_);
      return {CompleteWalkin{actor, id}, "complete walk-in " + id + " by " + who(actor)};
    }
    default: {
      const std::string id = pick(walkins_);
      if (rng_.percent(50)) return {LeaveWalkin{actor, id}, "walk-in leaves " + id};
      return {MarkWalkinNoShow{actor, id}, "walk-in no-show " + id};
    }
  }
}

Generated CommandGenerator::waitlist(const DoctorState& s, int which) {
  Actor actor = rng_.percent(75) ? patient_actor() : any_actor();
  if (which <= 1) {
    JoinWaitlist c;
    c.actor = actor;
    c.patient_id = patient_field(actor);
    c.entry_id = new_id("wait", entries_);
    c.date = pick_date(s);
    const int r = rng_.below(10);
    c.from_minute = r < 5 ? 0 : (r < 9 ? 9 * 60 : 20 * 60);
    c.to_minute = r < 3 ? 1440 : (r < 9 ? 12 * 60 + 60 * rng_.below(6) : 10 * 60);
    c.consultation_type = pick_type();
    c.priority = rng_.percent(95) ? rng_.below(3) : 1001;
    return {c, "join waitlist " + c.entry_id + " for " + format_local_date(c.date) + " by " +
                   who(actor)};
  }
  // Mostly an entry that holds an offer, as its own patient: the accepting path.
  std::string id = pick(entries_);
  if (rng_.percent(70)) {
    std::vector<std::string> offered;
    for (const std::string& e : entries_) {
      const auto it = s.waitlist().find(e);
      if (it != s.waitlist().end() && it->second.status == WaitlistStatus::offered) {
        offered.push_back(e);
      }
    }
    if (!offered.empty()) id = pick(offered);
  }
  if (const auto it = s.waitlist().find(id); it != s.waitlist().end() && rng_.percent(80)) {
    if (actor.role == Role::patient) actor.sub = it->second.patient_id;
  }
  if (which == 2) {
    AcceptWaitlistOffer c{actor, id, new_id("apt", appointments_)};
    return {c, "accept offer " + id + " as " + c.appointment_id + " by " + who(actor)};
  }
  return {LeaveWaitlist{actor, id}, "leave waitlist " + id + " by " + who(actor)};
}

void CommandGenerator::learn(const Event& e) {
  if (const auto* b = std::get_if<AppointmentBooked>(&e))
    appointments_.push_back(b->appointment_id);
  if (const auto* h = std::get_if<HoldPlaced>(&e)) holds_.push_back(h->hold_id);
  if (const auto* b = std::get_if<DoctorBlockAdded>(&e)) blocks_.push_back(b->block_id);
  if (const auto* w = std::get_if<WalkinRegistered>(&e)) walkins_.push_back(w->walkin_id);
  if (const auto* j = std::get_if<WaitlistJoined>(&e)) entries_.push_back(j->entry_id);
}

}  // namespace docket::domain::testing
