// The queues model: walk-ins with their day's queue (waiting and called entries in service
// order) and waitlist entries with the waiting ones of each date in offer order. Positions and
// waits are not stored: they shift with every arrival, so the query counts them.

#include "projections/apply_internal.hpp"
#include "projections/records.hpp"

namespace docket::projections::detail {

namespace {

namespace dm = docket::domain;

struct QueueApplier {
  const EventContext& c;

  std::optional<WalkinRecord> walkin(std::string_view id) {
    const auto bytes = c.txn.find(key::walkin(id));
    return bytes ? decode_walkin(*bytes) : std::nullopt;
  }
  // A queue entry of a walk-in this batch registered cannot exist in the database yet.
  void enqueue(const WalkinRecord& w) {
    if (c.txn.new_in_batch(key::walkin(w.id))) {
      c.txn.put_new(key::queue_entry(w), {});
    } else {
      c.txn.put(key::queue_entry(w), {});
    }
  }
  bool queued(dm::WalkinStatus s) {
    return s == dm::WalkinStatus::waiting || s == dm::WalkinStatus::called;
  }
  void set_walkin(std::string_view id, dm::WalkinStatus to) {
    auto w = walkin(id);
    if (!w) return;
    if (queued(w->status)) c.txn.del(key::queue_entry(*w));
    w->status = to;
    if (queued(w->status)) enqueue(*w);
    c.txn.put(key::walkin(w->id), encode(*w));
  }

  std::optional<WaitlistRecord> entry(std::string_view id) {
    const auto bytes = c.txn.find(key::waitlist(id));
    return bytes ? decode_waitlist(*bytes) : std::nullopt;
  }
  void save(const WaitlistRecord& e) { c.txn.put(key::waitlist(e.id), encode(e)); }
  // Takes the entry out of its date's waiting order and ends any offer, leaving it `to`.
  void close(std::string_view id, dm::WaitlistStatus to, std::string_view appointment_id = {}) {
    auto e = entry(id);
    if (!e) return;
    if (e->status == dm::WaitlistStatus::waiting) c.txn.del(key::waiting_entry(*e));
    e->status = to;
    e->has_offer = false;
    e->offer_start = e->offer_end = e->offer_expires_at = dm::Instant{};
    if (!appointment_id.empty()) e->appointment_id = std::string(appointment_id);
    save(*e);
  }

  void operator()(const dm::WalkinRegistered& e) {
    if (auto old = walkin(e.walkin_id); old && queued(old->status)) {
      c.txn.del(key::queue_entry(*old));
    }
    WalkinRecord w;
    w.id = e.walkin_id;
    w.doctor_id = std::string(c.doctor_id);
    w.patient_id = e.patient_id;
    w.urgency = e.urgency;
    w.date = e.date;
    w.sequence = e.sequence;
    w.queue_number = e.queue_number;
    w.arrived_at = e.arrived_at;
    w.arrival = c.version;
    enqueue(w);
    c.txn.put(key::walkin(w.id), encode(w));
  }
  void operator()(const dm::WalkinCalled& e) { set_walkin(e.walkin_id, dm::WalkinStatus::called); }
  void operator()(const dm::WalkinCompleted& e) {
    set_walkin(e.walkin_id, dm::WalkinStatus::completed);
  }
  void operator()(const dm::WalkinLeft& e) { set_walkin(e.walkin_id, dm::WalkinStatus::left); }
  void operator()(const dm::WalkinNoShow& e) { set_walkin(e.walkin_id, dm::WalkinStatus::no_show); }

  void operator()(const dm::WaitlistJoined& e) {
    if (entry(e.entry_id)) return;  // ids are never reused
    WaitlistRecord w;
    w.id = e.entry_id;
    w.doctor_id = std::string(c.doctor_id);
    w.patient_id = e.patient_id;
    w.date = e.date;
    w.from_minute = e.from_minute;
    w.to_minute = e.to_minute;
    w.consultation_type = e.consultation_type;
    w.priority = e.priority;
    w.joined = c.version;
    c.txn.put(key::waiting_entry(w), {});
    c.txn.put(key::doctor_waitlist_entry(w), {});
    c.txn.add(key::doctor_waitlist_count(c.doctor_id), 1);
    save(w);
  }
  void operator()(const dm::WaitlistOffered& e) {
    auto w = entry(e.entry_id);
    if (!w) return;
    if (w->status == dm::WaitlistStatus::waiting) c.txn.del(key::waiting_entry(*w));
    w->status = dm::WaitlistStatus::offered;
    w->has_offer = true;
    w->offer_start = e.start;
    w->offer_end = e.end;
    w->offer_expires_at = e.expires_at;
    save(*w);
  }
  void operator()(const dm::WaitlistOfferExpired& e) {
    close(e.entry_id, dm::WaitlistStatus::expired);
  }
  void operator()(const dm::WaitlistAccepted& e) {
    close(e.entry_id, dm::WaitlistStatus::booked, e.appointment_id);
  }
  void operator()(const dm::WaitlistLeft& e) { close(e.entry_id, dm::WaitlistStatus::left); }
  template <class Other>
  void operator()(const Other&) {}
};

}  // namespace

void apply_queues(const EventContext& c, const domain::Event& e) {
  std::visit(QueueApplier{c}, e);
}

}  // namespace docket::projections::detail
