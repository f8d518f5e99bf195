#include "domain/doctor_state_json.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "domain/event_json.hpp"

namespace docket::domain {
namespace {

constexpr int kFormat = 1;

const Actor& snapshot_actor() {
  static const Actor actor{"system", Role::system};
  return actor;
}

// Applied to pad the rebuilt state to the stream version: no block ever has an empty id (block
// ids are entity ids), so removing one changes nothing but the version. Verified by the round trip.
const Event& padding_event() {
  static const Event e = DoctorBlockRemoved{snapshot_actor(), "", {}, {}};
  return e;
}

template <class Map>
std::vector<const typename Map::mapped_type*> sorted_by_id(const Map& m) {
  std::vector<const typename Map::mapped_type*> out;
  out.reserve(m.size());
  for (const auto& [id, value] : m)
    out.push_back(&value);
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  return out;
}

// An order of `ids` that keeps the relative order of every list in `orders` (each a subsequence
// of the original placement order, so one exists); ties by id for determinism.
std::vector<std::string> merge_orders(const std::vector<std::string>& ids,
                                      const std::vector<const std::vector<std::string>*>& orders) {
  std::unordered_map<std::string, std::vector<std::string>> next;
  std::unordered_map<std::string, int> incoming;
  for (const std::string& id : ids)
    incoming.emplace(id, 0);
  for (const auto* order : orders) {
    for (std::size_t i = 1; i < order->size(); ++i) {
      next[(*order)[i - 1]].push_back((*order)[i]);
      ++incoming[(*order)[i]];
    }
  }
  std::set<std::string> ready;
  for (const auto& [id, n] : incoming) {
    if (n == 0) ready.insert(id);
  }
  std::vector<std::string> out;
  while (!ready.empty()) {
    const std::string id = *ready.begin();
    ready.erase(ready.begin());
    out.push_back(id);
    for (const std::string& n : next[id]) {
      if (--incoming[n] == 0) ready.insert(n);
    }
  }
  return out;  // shorter than ids on a cycle: the round trip then refuses the snapshot
}

std::vector<Event> compact(const DoctorState& s, const SnapshotBasis& basis) {
  std::vector<Event> out;
  if (!s.registered()) return out;
  const Actor& actor = snapshot_actor();
  out.push_back(DoctorRegistered{actor, s.id(), s.profile(), s.settings()});
  for (const RuleSet& set : s.schedule().history()) {
    DoctorScheduleSet e;
    e.actor = actor;
    e.effective_from = set.effective_from;
    e.rules = set.rules;
    out.push_back(std::move(e));
  }
  for (const Block* b : sorted_by_id(s.blocks())) {
    out.push_back(DoctorBlockAdded{actor, b->id, b->start, b->end, b->reason, b->kind});
    if (b->removed) out.push_back(DoctorBlockRemoved{actor, b->id, b->start, b->end});
  }
  // Ended holds: only their ids matter (hold_id_used).
  for (const std::string& id : basis.ended_holds) {
    out.push_back(
        HoldPlaced{actor, id, "", Instant{}, Instant{}, ConsultationType::in_person, Instant{}});
    out.push_back(HoldReleased{actor, id, "", Instant{}});
  }

  // Appointments: the ones not live first, then each patient's live ones in their index order.
  std::set<std::string> patients;
  for (const Appointment* a : sorted_by_id(s.appointments())) {
    patients.insert(a->patient_id);
    if (is_live(a->status)) continue;
    AppointmentBooked e;
    e.actor = actor;
    e.appointment_id = a->id;
    e.number = a->number;
    e.patient_id = a->patient_id;
    e.start = a->start;
    e.end = a->end;
    e.consultation_type = a->consultation_type;
    e.fee = a->fee;
    e.status = a->status;
    out.push_back(std::move(e));
  }
  for (const std::string& patient : patients) {
    for (const std::string& id : s.live_appointments_of(patient)) {
      const Appointment* a = s.find_appointment(id);
      if (a == nullptr) continue;
      AppointmentBooked e;
      e.actor = actor;
      e.appointment_id = a->id;
      e.number = a->number;
      e.patient_id = a->patient_id;
      e.start = a->start;
      e.end = a->end;
      e.consultation_type = a->consultation_type;
      e.fee = a->fee;
      e.status = a->status;
      out.push_back(std::move(e));
    }
  }

  // Live holds, in an order that keeps both the per-slot and the per-patient lists.
  std::vector<std::string> hold_ids;
  std::vector<const std::vector<std::string>*> orders;
  std::set<std::int64_t> starts;
  std::set<std::string> hold_patients;
  for (const auto& [id, h] : s.holds()) {
    hold_ids.push_back(id);
    starts.insert(h.start.time_since_epoch().count());
    hold_patients.insert(h.patient_id);
  }
  for (const std::int64_t start : starts) {
    if (const SlotUse* u = s.slot_use(Instant(std::chrono::seconds(start))))
      orders.push_back(&u->holds);
  }
  for (const std::string& p : hold_patients)
    orders.push_back(&s.holds_of(p));
  for (const std::string& id : merge_orders(hold_ids, orders)) {
    const Hold* h = s.find_hold(id);
    if (h == nullptr) continue;
    out.push_back(HoldPlaced{actor, h->id, h->patient_id, h->start, h->end, h->consultation_type,
                             h->expires_at});
  }

  // Walk-ins and waitlist entries share the arrival counter: register both in its order.
  std::map<std::uint64_t, Event> registrations;
  std::vector<Event> transitions;
  for (const auto& [id, w] : s.walkins()) {
    registrations.emplace(w.arrival, WalkinRegistered{actor,
                                                      w.id,
                                                      w.patient_id,
                                                      w.urgency,
                                                      w.date,
                                                      w.sequence,
                                                      w.queue_number,
                                                      w.arrived_at,
                                                      {}});
    switch (w.status) {
      case WalkinStatus::waiting:
        break;
      case WalkinStatus::called:
        transitions.push_back(WalkinCalled{actor, w.id});
        break;
      case WalkinStatus::completed:
        transitions.push_back(WalkinCompleted{actor, w.id});
        break;
      case WalkinStatus::left:
        transitions.push_back(WalkinLeft{actor, w.id, WalkinStatus::waiting});
        break;
      case WalkinStatus::no_show:
        transitions.push_back(WalkinNoShow{actor, w.id, WalkinStatus::waiting});
        break;
    }
  }
  std::set<std::int64_t> offer_starts;
  for (const auto& [id, e] : s.waitlist()) {
    registrations.emplace(e.joined, WaitlistJoined{actor, e.id, e.patient_id, e.date, e.from_minute,
                                                   e.to_minute, e.consultation_type, e.priority});
    switch (e.status) {
      case WaitlistStatus::waiting:
        break;
      case WaitlistStatus::offered:
        if (e.offer) offer_starts.insert(e.offer->start.time_since_epoch().count());
        break;
      case WaitlistStatus::booked:
        transitions.push_back(WaitlistAccepted{actor, e.id, e.patient_id, e.appointment_id});
        break;
      case WaitlistStatus::expired:
        transitions.push_back(WaitlistOfferExpired{actor, e.id, e.patient_id, {}});
        break;
      case WaitlistStatus::left:
        transitions.push_back(WaitlistLeft{actor, e.id, e.patient_id, WaitlistStatus::waiting});
        break;
    }
  }
  for (auto& [order, e] : registrations)
    out.push_back(std::move(e));
  for (Event& e : transitions)
    out.push_back(std::move(e));
  // Open offers in each slot's order.
  for (const std::int64_t start : offer_starts) {
    const SlotUse* u = s.slot_use(Instant(std::chrono::seconds(start)));
    if (u == nullptr) continue;
    for (const std::string& id : u->offers) {
      const auto it = s.waitlist().find(id);
      if (it == s.waitlist().end() || !it->second.offer) continue;
      const WaitlistEntry& e = it->second;
      out.push_back(WaitlistOffered{actor, e.id, e.patient_id, e.offer->start, e.offer->end,
                                    e.offer->expires_at});
    }
  }
  return out;
}

DoctorState rebuild(const std::vector<Event>& events, std::uint64_t pad) {
  DoctorState s = initial_state();
  for (const Event& e : events)
    domain::apply(s, e);
  const Event& p = padding_event();
  for (std::uint64_t i = 0; i < pad; ++i)
    domain::apply(s, p);
  return s;
}

std::vector<std::string> ids_of(const std::vector<const WaitlistEntry*>& v) {
  std::vector<std::string> out;
  for (const auto* e : v)
    out.push_back(e->id);
  return out;
}

std::vector<std::string> ids_of(const std::vector<const Walkin*>& v) {
  std::vector<std::string> out;
  for (const auto* w : v)
    out.push_back(w->id);
  return out;
}

bool same_slot_use(const SlotUse* a, const SlotUse* b) {
  static const SlotUse empty{};
  return *(a ? a : &empty) == *(b ? b : &empty);
}

// Equal through everything `decide` can see. (operator== also compares index entries that no
// lookup can tell apart from absent ones, such as a slot's zero use after a reschedule.)
bool same_observable(const DoctorState& a, const DoctorState& b, const SnapshotBasis& basis) {
  if (a.registered() != b.registered() || a.id() != b.id() || !(a.profile() == b.profile()) ||
      a.zone() != b.zone() || !(a.settings() == b.settings()) || !(a.schedule() == b.schedule()) ||
      a.version() != b.version() || a.blocks() != b.blocks() ||
      a.appointments() != b.appointments() || a.holds() != b.holds() ||
      a.walkins() != b.walkins() || a.waitlist() != b.waitlist() ||
      a.deadlines() != b.deadlines() || a.waiting_dates() != b.waiting_dates()) {
    return false;
  }
  std::set<std::string> patients;
  std::set<std::int64_t> starts;
  std::set<LocalDate> dates;
  for (const auto& [id, x] : a.appointments()) {
    patients.insert(x.patient_id);
    starts.insert(x.start.time_since_epoch().count());
    if (a.zone() != nullptr) dates.insert(local_date_of(x.start, *a.zone()));
  }
  for (const auto& [id, x] : a.holds()) {
    patients.insert(x.patient_id);
    starts.insert(x.start.time_since_epoch().count());
  }
  for (const auto& [id, x] : a.waitlist()) {
    if (x.offer) starts.insert(x.offer->start.time_since_epoch().count());
    dates.insert(x.date);
  }
  for (const auto& [id, x] : a.walkins())
    dates.insert(x.date);
  for (const std::string& p : patients) {
    if (a.live_appointments_of(p) != b.live_appointments_of(p) || a.holds_of(p) != b.holds_of(p))
      return false;
  }
  for (const std::int64_t t : starts) {
    const Instant at{std::chrono::seconds(t)};
    if (!same_slot_use(a.slot_use(at), b.slot_use(at))) return false;
  }
  for (const LocalDate d : dates) {
    if (a.appointment_sequence(d) != b.appointment_sequence(d) ||
        a.walkins_registered(d) != b.walkins_registered(d) ||
        ids_of(a.queue_on(d)) != ids_of(b.queue_on(d)) ||
        ids_of(a.waiting_on(d)) != ids_of(b.waiting_on(d))) {
      return false;
    }
  }
  for (const std::string& id : basis.ended_holds) {
    if (a.hold_id_used(id) != b.hold_id_used(id)) return false;
  }
  return true;
}

}  // namespace

void SnapshotBasis::observe(const DoctorState& before, const Event& event) {
  // Mirrors what ends a hold in `apply`: only a hold that is live at that moment.
  const auto ended = [&](const std::string& hold_id) {
    if (!hold_id.empty() && before.find_hold(hold_id) != nullptr) ended_holds.push_back(hold_id);
  };
  if (const auto* e = std::get_if<HoldReleased>(&event)) {
    ended(e->hold_id);
  } else if (const auto* x = std::get_if<HoldExpired>(&event)) {
    ended(x->hold_id);
  } else if (const auto* b = std::get_if<AppointmentBooked>(&event)) {
    ended(b->hold_id);
  } else if (const auto* r = std::get_if<AppointmentRescheduled>(&event)) {
    ended(r->hold_id);
  }
}

std::optional<nlohmann::json> encode_snapshot(const DoctorState& state,
                                              const SnapshotBasis& basis) {
  const std::vector<Event> events = compact(state, basis);
  if (events.size() > state.version()) return std::nullopt;
  const std::uint64_t pad = state.version() - events.size();
  if (!same_observable(state, rebuild(events, pad), basis)) return std::nullopt;
  nlohmann::json list = nlohmann::json::array();
  for (const Event& e : events) {
    EncodedEvent encoded = encode(e);
    list.push_back({{"type", std::move(encoded.type)}, {"data", std::move(encoded.data)}});
  }
  return nlohmann::json{{"format", kFormat},
                        {"events", std::move(list)},
                        {"pad", pad},
                        {"ended_holds", basis.ended_holds}};
}

Result<DecodedSnapshot> decode_snapshot(const nlohmann::json& j) {
  const auto bad = [](std::string what) { return error(errc::invalid_field, std::move(what)); };
  if (!j.is_object() || !j.contains("format") || j["format"] != kFormat) {
    return bad("not a doctor snapshot of a known format");
  }
  if (!j.contains("events") || !j["events"].is_array() || !j.contains("pad") ||
      !j["pad"].is_number_unsigned() || !j.contains("ended_holds") ||
      !j["ended_holds"].is_array()) {
    return bad("snapshot lacks events, pad or ended_holds");
  }
  DecodedSnapshot out{initial_state(), {}};
  for (const nlohmann::json& item : j["events"]) {
    if (!item.is_object() || !item.contains("type") || !item["type"].is_string() ||
        !item.contains("data")) {
      return bad("malformed snapshot event");
    }
    auto event = decode(item["type"].get<std::string>(), item["data"]);
    if (!event) return fail(std::move(event).error());
    domain::apply(out.state, *event);
  }
  const Event& p = padding_event();
  const std::uint64_t pad = j["pad"].get<std::uint64_t>();
  for (std::uint64_t i = 0; i < pad; ++i)
    domain::apply(out.state, p);
  for (const nlohmann::json& id : j["ended_holds"]) {
    if (!id.is_string()) return bad("malformed ended hold id");
    out.basis.ended_holds.push_back(id.get<std::string>());
  }
  return out;
}

}  // namespace docket::domain
