// The appointments model: each appointment as the API shows it, indexed by doctor (across
// statuses and per status), by patient and clinic-wide (across statuses only), with counts, so
// that a page is a seek plus a short walk and its total one read. A clinic-wide page of one
// status or one local day merges the doctors' indexes instead (query_appointments.cpp): a
// clinic-wide per-status index would cost two more writes at every status change, the most
// frequent event there is.

#include "projections/apply_internal.hpp"
#include "projections/records.hpp"

namespace docket::projections::detail {

namespace {

namespace dm = docket::domain;
using key::Dim;

std::uint8_t status_byte(dm::AppointmentStatus s) {
  return static_cast<std::uint8_t>(s);
}

// Moves the counts of one index: `any` across statuses, -1 for status `from` and +1 for `to`
// (either may be nullopt). Counts that all reach 0 are deleted: an empty model holds no keys.
void count(Txn& txn, Dim dim, std::string_view value, int any,
           std::optional<dm::AppointmentStatus> from, std::optional<dm::AppointmentStatus> to) {
  std::string k = key::appt_count(dim, value);
  const auto bytes = txn.find(k);
  IndexCounts n = bytes ? decode_index_counts(*bytes).value_or(IndexCounts{}) : IndexCounts{};
  n.any += any;
  if (from) n.by_status[static_cast<std::size_t>(*from) % kStatusCount] -= 1;
  if (to) n.by_status[static_cast<std::size_t>(*to) % kStatusCount] += 1;
  if (n.empty()) {
    txn.del(std::move(k));
  } else {
    txn.put(std::move(k), encode(n));
  }
}

// Adds (`delta` 1) or removes (-1) the index entries of `a`: all of them, or with `status_only`
// those a status change moves. A doctor's index has an entry across statuses and one per status;
// the clinic-wide index only the former, which a status change leaves alone; a patient's index
// is short, so it too has only the former, with the status in its value (patient_entry), and its
// page query filters and counts by walking it.
void index(Txn& txn, const AppointmentRecord& a, int delta, bool status_only = false) {
  // The entries of an appointment this batch created cannot exist in the database yet.
  const bool fresh = delta > 0 && txn.new_in_batch(key::appointment(a.id));
  const auto write = [&](std::string k, std::string value) {
    if (delta < 0) {
      txn.del(std::move(k));
    } else if (fresh) {
      txn.put_new(std::move(k), std::move(value));
    } else {
      txn.put(std::move(k), std::move(value));
    }
  };
  if (!status_only) {
    write(key::appt_index(Dim::all, {}, key::kAnyStatus, a.start, a.id), a.doctor_id);
    write(key::appt_index(Dim::doctor, a.doctor_id, key::kAnyStatus, a.start, a.id), {});
  }
  write(key::appt_index(Dim::doctor, a.doctor_id, status_byte(a.status), a.start, a.id), {});
  // A status change rewrites the patient's entry in place: removing it first is not needed.
  if (status_only && delta < 0) return;
  write(key::appt_index(Dim::patient, a.patient_id, key::kAnyStatus, a.start, a.id),
        key::patient_entry(a.status, a.doctor_id));
}

// index() with the counts: adds or removes `a` in every index.
void enter(Txn& txn, const AppointmentRecord& a, int delta) {
  index(txn, a, delta);
  count(txn, Dim::all, {}, delta, std::nullopt, std::nullopt);
  if (delta > 0) {
    count(txn, Dim::doctor, a.doctor_id, 1, std::nullopt, a.status);
  } else {
    count(txn, Dim::doctor, a.doctor_id, -1, a.status, std::nullopt);
  }
}

struct AppointmentApplier {
  const EventContext& c;

  std::optional<AppointmentRecord> load(std::string_view id) {
    const auto bytes = c.txn.find(key::appointment(id));
    return bytes ? decode_appointment(*bytes) : std::nullopt;
  }
  void touch(AppointmentRecord& a) {
    a.version = c.version;
    a.updated_at = c.raw.time;
    c.txn.put(key::appointment(a.id), encode(a));
  }
  void move(std::string_view id, dm::AppointmentStatus to) {
    auto a = load(id);
    if (!a) return;
    // Same start: the across-status entries stay as they are.
    index(c.txn, *a, -1, true);
    const dm::AppointmentStatus from = a->status;
    a->status = to;
    index(c.txn, *a, 1, true);
    count(c.txn, Dim::doctor, a->doctor_id, 0, from, to);
    touch(*a);
  }

  void operator()(const dm::AppointmentBooked& e) {
    if (auto old = load(e.appointment_id)) enter(c.txn, *old, -1);
    AppointmentRecord a;
    a.id = e.appointment_id;
    a.number = e.number;
    a.status = e.status;
    a.doctor_id = std::string(c.doctor_id);
    a.patient_id = e.patient_id;
    a.start = e.start;
    a.end = e.end;
    a.consultation_type = e.consultation_type;
    a.fee = e.fee;
    a.created_at = c.raw.time;
    enter(c.txn, a, 1);
    touch(a);
  }
  void operator()(const dm::AppointmentConfirmed& e) {
    move(e.appointment_id, dm::AppointmentStatus::confirmed);
  }
  void operator()(const dm::AppointmentRejected& e) {
    move(e.appointment_id, dm::AppointmentStatus::rejected);
  }
  void operator()(const dm::AppointmentCancelled& e) {
    move(e.appointment_id, dm::AppointmentStatus::cancelled);
  }
  void operator()(const dm::AppointmentCheckedIn& e) {
    move(e.appointment_id, dm::AppointmentStatus::checked_in);
  }
  void operator()(const dm::AppointmentStarted& e) {
    move(e.appointment_id, dm::AppointmentStatus::in_progress);
  }
  void operator()(const dm::AppointmentCompleted& e) {
    move(e.appointment_id, dm::AppointmentStatus::completed);
  }
  void operator()(const dm::AppointmentNoShow& e) {
    move(e.appointment_id, dm::AppointmentStatus::no_show);
  }
  void operator()(const dm::AppointmentRescheduled& e) {
    auto a = load(e.appointment_id);
    if (!a) return;
    index(c.txn, *a, -1);
    const dm::AppointmentStatus from = a->status;
    a->start = e.new_start;
    a->end = e.new_end;
    a->status = e.new_status;
    index(c.txn, *a, 1);
    count(c.txn, Dim::doctor, a->doctor_id, 0, from, a->status);
    touch(*a);
  }
  template <class Other>
  void operator()(const Other&) {}
};

// Appends `s` as nlohmann's dump() writes it: plain printable ASCII as is between quotes, anything
// else (quotes, backslashes, control or non-ASCII bytes) through nlohmann itself.
void append_json_string(std::string& out, std::string_view s) {
  for (const char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u >= 0x80 || ch == '"' || ch == '\\') {
      out += nlohmann::json(std::string(s)).dump();
      return;
    }
  }
  out += '"';
  out += s;
  out += '"';
}

// The appointment an event belongs to in its history, empty when none.
struct HistoryOwner {
  template <class E>
  std::string_view operator()(const E& e) const {
    if constexpr (requires { e.appointment_id; }) {
      return e.appointment_id;
    } else {
      return {};
    }
  }
};

}  // namespace

void apply_appointments(const EventContext& c, const domain::Event& e) {
  std::visit(AppointmentApplier{c}, e);
}

void apply_history(const EventContext& c, const domain::Event& e) {
  const std::string_view id = std::visit(HistoryOwner{}, e);
  if (id.empty()) return;
  // The appointment's history is one JSON array, the dump() of each event's {"type", "time",
  // "actor": {"sub", "role"}, "data"} appended in log order: one key per appointment rather than
  // one per event. Each entry is written out directly (keys in nlohmann's sorted order), without
  // first copying `data` into a new document.
  c.txn.edit(key::history(id), [&c](std::string& entries) {
    if (entries.empty()) {
      entries = '[';
    } else {
      entries.back() = ',';  // in place of the closing bracket
    }
    entries += R"({"actor":{"role":)";
    append_json_string(entries, c.raw.actor.role);
    entries += R"(,"sub":)";
    append_json_string(entries, c.raw.actor.sub);
    entries += R"(},"data":)";
    entries += c.raw.data.dump();
    entries += R"(,"time":)";
    append_json_string(entries, c.raw.time);
    entries += R"(,"type":)";
    append_json_string(entries, c.raw.type);
    entries += "}]";
  });
}

}  // namespace docket::projections::detail
