// The availability model: per slot start, the units booked and held, plus what later events need
// to move those counts (live holds, live offers, each appointment's start and whether it takes
// capacity) and the doctor's live blocks. Slots themselves are not stored: the query lays the
// schedule's grid over these counts, so a schedule change costs nothing here.

#include "projections/apply_internal.hpp"
#include "projections/codec.hpp"
#include "projections/records.hpp"

namespace docket::projections::detail {

namespace {

namespace dm = docket::domain;

struct AvailabilityApplier {
  const EventContext& c;

  void occupy(dm::Instant start, int booked, int held) {
    std::string k = key::occupancy(c.doctor_id, start);
    std::int64_t b = 0;
    std::int64_t h = 0;
    if (const auto bytes = c.txn.find(k)) {
      Reader r(*bytes);
      b = r.i64();
      h = r.i64();
    }
    b = std::max<std::int64_t>(0, b + booked);
    h = std::max<std::int64_t>(0, h + held);
    if (b == 0 && h == 0) {
      c.txn.del(std::move(k));
    } else {
      c.txn.put(std::move(k), Writer().i64(b).i64(h).take());
    }
  }
  // A reservation (hold or offer) keyed in table H or F: ends it when it is live.
  void end_reservation(std::string k) {
    const auto bytes = c.txn.find(k);
    if (!bytes) return;
    occupy(instant_of(decode_count(*bytes)), 0, -1);
    c.txn.del(std::move(k));
  }
  void start_reservation(std::string k, dm::Instant start) {
    end_reservation(k);
    c.txn.put(std::move(k), encode_count(seconds_of(start)));
    occupy(start, 0, 1);
  }
  // The appointment's (start, takes capacity) as last recorded.
  std::optional<std::pair<dm::Instant, bool>> appointment(std::string_view id) {
    std::string k = "a";
    key_str(k, id);
    const auto bytes = c.txn.find(k);
    if (!bytes) return std::nullopt;
    Reader r(*bytes);
    const dm::Instant start = instant_of(r.i64());
    return std::pair{start, r.flag()};
  }
  void set_appointment(std::string_view id, dm::Instant start, bool takes) {
    const auto old = appointment(id);
    if (old && old->second) occupy(old->first, -1, 0);
    if (takes) occupy(start, 1, 0);
    std::string k = "a";
    key_str(k, id);
    c.txn.put(std::move(k), Writer().i64(seconds_of(start)).flag(takes).take());
  }
  void set_taking(std::string_view id, bool takes) {
    if (const auto old = appointment(id)) set_appointment(id, old->first, takes);
  }

  void operator()(const dm::DoctorBlockAdded& e) {
    c.txn.put(key::block(c.doctor_id, e.block_id), encode(BlockRecord{e.start, e.end, e.kind}));
  }
  void operator()(const dm::DoctorBlockRemoved& e) {
    c.txn.del(key::block(c.doctor_id, e.block_id));
  }
  void operator()(const dm::HoldPlaced& e) {
    start_reservation(key::hold(c.doctor_id, e.hold_id), e.start);
  }
  void operator()(const dm::HoldReleased& e) { end_reservation(key::hold(c.doctor_id, e.hold_id)); }
  void operator()(const dm::HoldExpired& e) { end_reservation(key::hold(c.doctor_id, e.hold_id)); }
  void operator()(const dm::AppointmentBooked& e) {
    if (!e.hold_id.empty()) end_reservation(key::hold(c.doctor_id, e.hold_id));
    if (!e.waitlist_entry_id.empty()) end_reservation(key::offer(c.doctor_id, e.waitlist_entry_id));
    set_appointment(e.appointment_id, e.start, dm::takes_capacity(e.status));
  }
  void operator()(const dm::AppointmentRejected& e) { set_taking(e.appointment_id, false); }
  void operator()(const dm::AppointmentCancelled& e) { set_taking(e.appointment_id, false); }
  void operator()(const dm::AppointmentNoShow& e) { set_taking(e.appointment_id, false); }
  void operator()(const dm::AppointmentRescheduled& e) {
    if (!e.hold_id.empty()) end_reservation(key::hold(c.doctor_id, e.hold_id));
    if (appointment(e.appointment_id)) {
      set_appointment(e.appointment_id, e.new_start, dm::takes_capacity(e.new_status));
    }
  }
  void operator()(const dm::WaitlistOffered& e) {
    start_reservation(key::offer(c.doctor_id, e.entry_id), e.start);
  }
  void operator()(const dm::WaitlistOfferExpired& e) {
    end_reservation(key::offer(c.doctor_id, e.entry_id));
  }
  void operator()(const dm::WaitlistAccepted& e) {
    end_reservation(key::offer(c.doctor_id, e.entry_id));
  }
  void operator()(const dm::WaitlistLeft& e) {
    end_reservation(key::offer(c.doctor_id, e.entry_id));
  }
  template <class Other>
  void operator()(const Other&) {}
};

}  // namespace

void apply_availability(const EventContext& c, const domain::Event& e) {
  std::visit(AvailabilityApplier{c}, e);
}

}  // namespace docket::projections::detail
