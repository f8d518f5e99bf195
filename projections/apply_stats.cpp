// The stats model: per doctor the all-time counts (total, by status, unique patients), every
// appointment's start and status by start (so that today / this week / this month and the
// month's utilization are counted at query time, in the doctor's zone as it is then), and the
// clinic-wide set of patients.

#include "projections/apply_internal.hpp"
#include "projections/records.hpp"

namespace docket::projections::detail {

namespace {

namespace dm = docket::domain;

struct StatsApplier {
  const EventContext& c;

  DoctorStats load_stats() {
    const auto bytes = c.txn.find(key::stats(c.doctor_id));
    if (!bytes) return {};
    return decode_stats(*bytes).value_or(DoctorStats{});
  }
  void save_stats(const DoctorStats& s) { c.txn.put(key::stats(c.doctor_id), encode(s)); }
  std::size_t slot(dm::AppointmentStatus s) { return static_cast<std::size_t>(s) % kStatusCount; }

  std::optional<StatsMirror> mirror(std::string_view id) {
    const auto bytes = c.txn.find(key::stats_mirror(id));
    return bytes ? decode_mirror(*bytes) : std::nullopt;
  }
  void save_mirror(std::string_view id, const StatsMirror& m) {
    c.txn.put(key::stats_mirror(id), encode(m));
    c.txn.put(key::stats_by_start(m.doctor_id, m.start, id),
              std::string(1, static_cast<char>(m.status)));
  }
  void move(std::string_view id, dm::AppointmentStatus to,
            std::optional<dm::Instant> new_start = std::nullopt) {
    auto m = mirror(id);
    if (!m) return;
    DoctorStats s = load_stats();
    s.by_status[slot(m->status)] -= 1;
    s.by_status[slot(to)] += 1;
    save_stats(s);
    if (new_start && *new_start != m->start) {
      c.txn.del(key::stats_by_start(m->doctor_id, m->start, id));
      m->start = *new_start;
    }
    m->status = to;
    save_mirror(id, *m);
  }

  void operator()(const dm::AppointmentBooked& e) {
    if (mirror(e.appointment_id)) return;  // ids are never reused
    DoctorStats s = load_stats();
    s.total += 1;
    s.by_status[slot(e.status)] += 1;
    std::string dp = key::doctor_patient(c.doctor_id, e.patient_id);
    if (!c.txn.exists(dp)) {
      c.txn.put(std::move(dp), {});
      s.unique_patients += 1;
    }
    std::string gp = key::global_patient(e.patient_id);
    if (!c.txn.exists(gp)) {
      c.txn.put(std::move(gp), {});
      c.txn.add(key::global_patient_count(), 1);
    }
    save_stats(s);
    save_mirror(e.appointment_id, StatsMirror{std::string(c.doctor_id), e.start, e.status});
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
    move(e.appointment_id, e.new_status, e.new_start);
  }
  template <class Other>
  void operator()(const Other&) {}
};

}  // namespace

void apply_stats(const EventContext& c, const domain::Event& e) {
  std::visit(StatsApplier{c}, e);
}

}  // namespace docket::projections::detail
