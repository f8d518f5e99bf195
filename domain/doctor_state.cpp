#include "domain/doctor_state.hpp"

#include <algorithm>

namespace docket::domain {
namespace {

const std::vector<std::string> no_ids;

std::int64_t key_of(Instant t) {
  return t.time_since_epoch().count();
}

void erase_id(std::vector<std::string>& ids, std::string_view id) {
  const auto it = std::find(ids.begin(), ids.end(), id);
  if (it != ids.end()) ids.erase(it);
}

// Offer order: higher priority first, then earlier join.
bool offer_order(const WaitlistEntry* a, const WaitlistEntry* b) {
  if (a->priority != b->priority) return a->priority > b->priority;
  return a->joined < b->joined;
}

}  // namespace

// The mutations, one per event. Each only records the event's facts; no rules live here.
struct Applier {
  DoctorState& s;

  void occupy(const Appointment& a) {
    s.slot_use_[key_of(a.start)].booked += 1;
    if (is_live(a.status)) {
      auto& live = s.live_by_patient_[a.patient_id];
      live.ids.push_back(a.id);
      live.spans.emplace_back(a.start, a.end);
    }
  }
  void vacate(const Appointment& a) {
    const auto it = s.slot_use_.find(key_of(a.start));
    if (it != s.slot_use_.end() && it->second.booked > 0) it->second.booked -= 1;
    if (is_live(a.status)) {
      const auto p = s.live_by_patient_.find(a.patient_id);
      if (p != s.live_by_patient_.end()) {
        auto& live = p->second;
        const auto it = std::find(live.ids.begin(), live.ids.end(), a.id);
        if (it != live.ids.end()) {
          live.spans.erase(live.spans.begin() + (it - live.ids.begin()));
          live.ids.erase(it);
        }
        if (live.ids.empty()) s.live_by_patient_.erase(p);
      }
    }
  }
  // Sets a status, keeping the indexes in step with what the status counts for.
  void set_status(Appointment& a, AppointmentStatus to) {
    vacate(a);
    a.status = to;
    if (takes_capacity(to)) occupy(a);
  }
  void end_hold(std::string_view hold_id) {
    const auto it = s.holds_.find(std::string(hold_id));
    if (it == s.holds_.end()) return;
    const Hold& h = it->second;
    const auto u = s.slot_use_.find(key_of(h.start));
    if (u != s.slot_use_.end()) erase_id(u->second.holds, h.id);
    const auto p = s.holds_by_patient_.find(h.patient_id);
    if (p != s.holds_by_patient_.end()) {
      erase_id(p->second, h.id);
      if (p->second.empty()) s.holds_by_patient_.erase(p);
    }
    s.deadlines_.erase({h.expires_at, h.id});
    s.ended_holds_.insert(h.id);
    s.holds_.erase(it);
  }
  void unwait(const WaitlistEntry& e) {
    const auto d = s.waiting_by_date_.find(e.date);
    if (d == s.waiting_by_date_.end()) return;
    erase_id(d->second, e.id);
    if (d->second.empty()) s.waiting_by_date_.erase(d);
  }
  void end_offer(WaitlistEntry& e) {
    if (!e.offer) return;
    const auto u = s.slot_use_.find(key_of(e.offer->start));
    if (u != s.slot_use_.end()) erase_id(u->second.offers, e.id);
    s.deadlines_.erase({e.offer->expires_at, e.id});
    e.offer.reset();
  }
  // Leaves the entry in status `to`, whatever it was doing before.
  void close_entry(std::string_view id, WaitlistStatus to) {
    const auto it = s.waitlist_.find(std::string(id));
    if (it == s.waitlist_.end()) return;
    WaitlistEntry& e = it->second;
    if (e.status == WaitlistStatus::waiting) unwait(e);
    end_offer(e);
    e.status = to;
  }
  Appointment* appointment(std::string_view id) {
    const auto it = s.appointments_.find(std::string(id));
    return it == s.appointments_.end() ? nullptr : &it->second;
  }
  Walkin* walkin(std::string_view id) {
    const auto it = s.walkins_.find(std::string(id));
    return it == s.walkins_.end() ? nullptr : &it->second;
  }

  void operator()(const DoctorRegistered& e) {
    s.registered_ = true;
    s.id_ = e.doctor_id;
    s.profile_ = e.profile;
    s.zone_ = find_zone(e.profile.timezone);
    s.settings_ = e.settings;
  }
  void operator()(const DoctorProfileUpdated& e) {
    s.profile_ = e.new_profile;
    s.zone_ = find_zone(e.new_profile.timezone);
  }
  void operator()(const DoctorScheduleSet& e) {
    s.schedule_.replace_from(e.effective_from, e.rules);
  }
  void operator()(const DoctorSettingsChanged& e) { s.settings_ = e.new_settings; }
  void operator()(const DoctorBlockAdded& e) {
    s.blocks_[e.block_id] = Block{e.block_id, e.start, e.end, e.reason, e.kind, false};
  }
  void operator()(const DoctorBlockRemoved& e) {
    const auto it = s.blocks_.find(e.block_id);
    if (it != s.blocks_.end()) it->second.removed = true;
  }
  void operator()(const HoldPlaced& e) {
    s.holds_[e.hold_id] =
        Hold{e.hold_id, e.patient_id, e.start, e.end, e.consultation_type, e.expires_at};
    s.slot_use_[key_of(e.start)].holds.push_back(e.hold_id);
    s.holds_by_patient_[e.patient_id].push_back(e.hold_id);
    s.deadlines_.insert({e.expires_at, e.hold_id});
  }
  void operator()(const HoldReleased& e) { end_hold(e.hold_id); }
  void operator()(const HoldExpired& e) { end_hold(e.hold_id); }
  void operator()(const AppointmentBooked& e) {
    if (!e.hold_id.empty()) end_hold(e.hold_id);
    auto [it, inserted] = s.appointments_.try_emplace(e.appointment_id);
    if (!inserted) vacate(it->second);
    Appointment& a = it->second;
    a = Appointment{e.appointment_id,    e.number, e.patient_id, e.start, e.end,
                    e.consultation_type, e.fee,    e.status};
    if (takes_capacity(a.status)) occupy(a);
    // The number is APT-YYYYMMDD-NNNN: its date and the last sequence used on that date.
    if (e.number.size() >= 17) {
      const auto digits = [&](std::size_t from, std::size_t to) {
        int v = 0;
        for (std::size_t i = from; i < to; ++i)
          v = v * 10 + (e.number[i] - '0');
        return v;
      };
      const date::year_month_day ymd{date::year{digits(4, 8)},
                                     date::month{static_cast<unsigned>(digits(8, 10))},
                                     date::day{static_cast<unsigned>(digits(10, 12))}};
      int& last = s.appointment_sequence_[LocalDate{ymd}];
      last = std::max(last, digits(13, e.number.size()));
    }
  }
  void operator()(const AppointmentConfirmed& e) {
    if (Appointment* a = appointment(e.appointment_id))
      set_status(*a, AppointmentStatus::confirmed);
  }
  void operator()(const AppointmentRejected& e) {
    if (Appointment* a = appointment(e.appointment_id)) set_status(*a, AppointmentStatus::rejected);
  }
  void operator()(const AppointmentCancelled& e) {
    if (Appointment* a = appointment(e.appointment_id))
      set_status(*a, AppointmentStatus::cancelled);
  }
  void operator()(const AppointmentRescheduled& e) {
    if (!e.hold_id.empty()) end_hold(e.hold_id);
    Appointment* a = appointment(e.appointment_id);
    if (a == nullptr) return;
    vacate(*a);
    a->start = e.new_start;
    a->end = e.new_end;
    a->status = e.new_status;
    if (takes_capacity(a->status)) occupy(*a);
  }
  void operator()(const AppointmentCheckedIn& e) {
    if (Appointment* a = appointment(e.appointment_id))
      set_status(*a, AppointmentStatus::checked_in);
  }
  void operator()(const AppointmentStarted& e) {
    if (Appointment* a = appointment(e.appointment_id)) {
      set_status(*a, AppointmentStatus::in_progress);
    }
  }
  void operator()(const AppointmentCompleted& e) {
    if (Appointment* a = appointment(e.appointment_id))
      set_status(*a, AppointmentStatus::completed);
  }
  void operator()(const AppointmentNoShow& e) {
    if (Appointment* a = appointment(e.appointment_id)) set_status(*a, AppointmentStatus::no_show);
  }
  void operator()(const WalkinRegistered& e) {
    s.walkins_[e.walkin_id] =
        Walkin{e.walkin_id,  e.patient_id,          e.urgency,   e.date, e.sequence, e.queue_number,
               e.arrived_at, WalkinStatus::waiting, ++s.counter_};
    s.walkins_by_date_[e.date].push_back(e.walkin_id);
    int& count = s.walkin_count_[e.date];
    count = std::max(count, e.sequence);
  }
  void operator()(const WalkinCalled& e) {
    if (Walkin* w = walkin(e.walkin_id)) w->status = WalkinStatus::called;
  }
  void operator()(const WalkinCompleted& e) {
    if (Walkin* w = walkin(e.walkin_id)) w->status = WalkinStatus::completed;
  }
  void operator()(const WalkinLeft& e) {
    if (Walkin* w = walkin(e.walkin_id)) w->status = WalkinStatus::left;
  }
  void operator()(const WalkinNoShow& e) {
    if (Walkin* w = walkin(e.walkin_id)) w->status = WalkinStatus::no_show;
  }
  void operator()(const WaitlistJoined& e) {
    WaitlistEntry entry;
    entry.id = e.entry_id;
    entry.patient_id = e.patient_id;
    entry.date = e.date;
    entry.from_minute = e.from_minute;
    entry.to_minute = e.to_minute;
    entry.consultation_type = e.consultation_type;
    entry.priority = e.priority;
    entry.joined = ++s.counter_;
    s.waitlist_[e.entry_id] = std::move(entry);
    s.waiting_by_date_[e.date].push_back(e.entry_id);
  }
  void operator()(const WaitlistOffered& e) {
    const auto it = s.waitlist_.find(e.entry_id);
    if (it == s.waitlist_.end()) return;
    WaitlistEntry& entry = it->second;
    if (entry.status == WaitlistStatus::waiting) unwait(entry);
    end_offer(entry);
    entry.status = WaitlistStatus::offered;
    entry.offer = WaitlistOffer{e.start, e.end, e.expires_at};
    s.slot_use_[key_of(e.start)].offers.push_back(e.entry_id);
    s.deadlines_.insert({e.expires_at, e.entry_id});
  }
  void operator()(const WaitlistOfferExpired& e) {
    close_entry(e.entry_id, WaitlistStatus::expired);
  }
  void operator()(const WaitlistAccepted& e) {
    close_entry(e.entry_id, WaitlistStatus::booked);
    const auto it = s.waitlist_.find(e.entry_id);
    if (it != s.waitlist_.end()) it->second.appointment_id = e.appointment_id;
  }
  void operator()(const WaitlistLeft& e) { close_entry(e.entry_id, WaitlistStatus::left); }
};

const Appointment* DoctorState::find_appointment(std::string_view id) const {
  const auto it = appointments_.find(std::string(id));
  return it == appointments_.end() ? nullptr : &it->second;
}

const Hold* DoctorState::find_hold(std::string_view id) const {
  const auto it = holds_.find(std::string(id));
  return it == holds_.end() ? nullptr : &it->second;
}

bool DoctorState::hold_id_used(std::string_view id) const {
  const std::string key(id);
  return holds_.contains(key) || ended_holds_.contains(key);
}

const SlotUse* DoctorState::slot_use(Instant start) const {
  const auto it = slot_use_.find(key_of(start));
  return it == slot_use_.end() ? nullptr : &it->second;
}

int DoctorState::taken(Instant start) const {
  const SlotUse* u = slot_use(start);
  return u == nullptr ? 0 : u->taken();
}

const std::vector<std::string>& DoctorState::live_appointments_of(
    std::string_view patient_id) const {
  const auto it = live_by_patient_.find(std::string(patient_id));
  return it == live_by_patient_.end() ? no_ids : it->second.ids;
}

const std::vector<std::pair<Instant, Instant>>& DoctorState::live_spans_of(
    std::string_view patient_id) const {
  static const std::vector<std::pair<Instant, Instant>> none;
  const auto it = live_by_patient_.find(std::string(patient_id));
  return it == live_by_patient_.end() ? none : it->second.spans;
}

const std::vector<std::string>& DoctorState::holds_of(std::string_view patient_id) const {
  const auto it = holds_by_patient_.find(std::string(patient_id));
  return it == holds_by_patient_.end() ? no_ids : it->second;
}

std::vector<const WaitlistEntry*> DoctorState::waiting_on(LocalDate date) const {
  std::vector<const WaitlistEntry*> out;
  const auto d = waiting_by_date_.find(date);
  if (d == waiting_by_date_.end()) return out;
  for (const std::string& id : d->second)
    out.push_back(&waitlist_.at(id));
  std::sort(out.begin(), out.end(), offer_order);
  return out;
}

std::vector<LocalDate> DoctorState::waiting_dates() const {
  std::vector<LocalDate> out;
  for (const auto& [date, ids] : waiting_by_date_)
    out.push_back(date);
  return out;
}

int DoctorState::appointment_sequence(LocalDate date) const {
  const auto it = appointment_sequence_.find(date);
  return it == appointment_sequence_.end() ? 0 : it->second;
}

int DoctorState::walkins_registered(LocalDate date) const {
  const auto it = walkin_count_.find(date);
  return it == walkin_count_.end() ? 0 : it->second;
}

std::vector<const Walkin*> DoctorState::queue_on(LocalDate date) const {
  std::vector<const Walkin*> out;
  const auto d = walkins_by_date_.find(date);
  if (d == walkins_by_date_.end()) return out;
  for (const std::string& id : d->second) {
    const Walkin& w = walkins_.at(id);
    if (w.status == WalkinStatus::waiting) out.push_back(&w);
  }
  std::sort(out.begin(), out.end(), [](const Walkin* a, const Walkin* b) {
    if (a->urgency != b->urgency) return a->urgency > b->urgency;
    return a->arrival < b->arrival;
  });
  return out;
}

DoctorState initial_state() {
  return DoctorState{};
}

void apply(DoctorState& state, const Event& event) {
  std::visit(Applier{state}, event);
  state.version_ += 1;
}

DoctorState evolve(DoctorState state, const Event& event) {
  apply(state, event);
  return state;
}

std::optional<Instant> next_deadline(const DoctorState& state) {
  if (state.deadlines().empty()) return std::nullopt;
  return state.deadlines().begin()->first;
}

}  // namespace docket::domain
