// Queries on the shared randomized run, checked against values computed from the decided
// doctor states (the write side's own fold of the same events), not from the read models.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "domain/doctor.hpp"
#include "projections/queries.hpp"
#include "tests/projections/fixture.hpp"

namespace docket::projections::testing {
namespace {

namespace dm = docket::domain;

bool overlaps_block(const dm::DoctorState& s, dm::Instant start, dm::Instant end) {
  for (const auto& [id, b] : s.blocks()) {
    if (!b.removed && b.start < end && start < b.end) return true;
  }
  return false;
}

TEST(Queries, AvailabilityCountsMatchTheDecidedState) {
  SharedRun& run = shared_run();
  const auto gen = run.store->current();
  int slots_with_use = 0;
  for (const auto& [id, s] : run.workload->states()) {
    ASSERT_NE(s.zone(), nullptr) << id;
    const dm::Instant now = run.workload->now_of(id);
    const dm::LocalDate today = dm::local_date_of(now, *s.zone());
    const dm::LocalDate from = today - date::days(5);
    const dm::LocalDate to = today + date::days(25);
    auto view = availability(*gen, id, from, to, now);
    ASSERT_TRUE(view.ok()) << id << ": " << view.error().message;
    std::vector<dm::Slot> expected;
    for (dm::LocalDate d = from; d <= to; d += date::days(1)) {
      auto day = dm::slots_on(s.schedule(), *s.zone(), d, s.settings().buffer_minutes,
                              s.profile().consultation_types);
      expected.insert(expected.end(), day.begin(), day.end());
    }
    ASSERT_EQ(view->slots.size(), expected.size()) << id;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const SlotView& got = view->slots[i];
      const dm::Slot& want = expected[i];
      ASSERT_EQ(got.start, want.start) << id << " slot " << i;
      EXPECT_EQ(got.capacity, want.capacity);
      const dm::SlotUse* use = s.slot_use(want.start);
      const int booked = use ? use->booked : 0;
      const int held = use ? static_cast<int>(use->holds.size() + use->offers.size()) : 0;
      EXPECT_EQ(got.booked, booked) << id << " " << dm::format_rfc3339(want.start);
      EXPECT_EQ(got.held, held) << id << " " << dm::format_rfc3339(want.start);
      if (booked + held > 0) ++slots_with_use;
      SlotStatus status = SlotStatus::available;
      if (want.start < now) {
        status = SlotStatus::past;
      } else if (overlaps_block(s, want.start, want.end)) {
        status = SlotStatus::blocked;
      } else if (booked + held >= want.capacity) {
        status = SlotStatus::full;
      }
      EXPECT_EQ(got.status, status) << id << " " << dm::format_rfc3339(want.start);
      EXPECT_EQ(got.available, status == SlotStatus::available ? want.capacity - booked - held : 0);
    }
  }
  EXPECT_GT(slots_with_use, 10) << "the checked ranges should hold bookings";
  EXPECT_EQ(availability(*gen, "no-such-doctor", {}, {}, {}).error().code, errc::not_found);
  const dm::LocalDate d = *dm::parse_local_date("2027-03-01");
  EXPECT_EQ(availability(*gen, "dr-utc", d, d + date::days(31), {}).error().code,
            errc::invalid_argument);
  EXPECT_TRUE(availability(*gen, "dr-utc", d, d + date::days(30), {}).ok());
}

std::vector<std::string> all_pages(const ModelStore& gen, const AppointmentFilter& f, int per_page,
                                   std::int64_t& total) {
  std::vector<std::string> ids;
  for (int page = 1;; ++page) {
    const AppointmentPage p = appointments(gen, f, {page, per_page});
    total = p.total;
    for (const AppointmentRecord& a : p.items)
      ids.push_back(a.id);
    if (static_cast<int>(p.items.size()) < per_page) break;
  }
  return ids;
}

TEST(Queries, AppointmentPagesMatchTheDecidedState) {
  SharedRun& run = shared_run();
  const auto gen = run.store->current();
  std::map<std::string, std::vector<std::pair<dm::Instant, std::string>>> by_patient;
  std::int64_t everything = 0;
  for (const auto& [doctor_id, s] : run.workload->states()) {
    std::vector<std::pair<dm::Instant, std::string>> mine;
    for (const auto& [id, a] : s.appointments()) {
      mine.emplace_back(a.start, id);
      by_patient[a.patient_id].emplace_back(a.start, id);
    }
    everything += static_cast<std::int64_t>(mine.size());
    // Ties on the start are ordered by id, shorter ids first (queries.hpp).
    std::sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) {
      return std::tuple(a.first, a.second.size(), a.second) <
             std::tuple(b.first, b.second.size(), b.second);
    });
    std::vector<std::string> want;
    for (const auto& [start, id] : mine)
      want.push_back(id);
    std::int64_t total = 0;
    EXPECT_EQ(all_pages(*gen, {{}, doctor_id, {}, {}}, 7, total), want) << doctor_id;
    EXPECT_EQ(total, static_cast<std::int64_t>(want.size()));

    // Per status, and per local date of a few appointments.
    for (int st = 0; st < 8; ++st) {
      const auto status = static_cast<dm::AppointmentStatus>(st);
      const auto n = std::count_if(s.appointments().begin(), s.appointments().end(),
                                   [&](const auto& kv) { return kv.second.status == status; });
      AppointmentFilter f{{}, doctor_id, {}, status};
      EXPECT_EQ(appointments(*gen, f, {1, 5}).total, n) << doctor_id << " " << st;
    }
    for (std::size_t i = 0; i < mine.size(); i += std::max<std::size_t>(1, mine.size() / 5)) {
      const dm::LocalDate day = dm::local_date_of(mine[i].first, *s.zone());
      const auto n = std::count_if(mine.begin(), mine.end(), [&](const auto& m) {
        return dm::local_date_of(m.first, *s.zone()) == day;
      });
      EXPECT_EQ(appointments(*gen, {{}, doctor_id, day, {}}, {1, 100}).total, n);
      EXPECT_EQ(appointments(*gen, {{}, {}, day, {}}, {1, 100}).total >= n, true);
    }
    // Every stored appointment shows what the decider recorded.
    for (const auto& [id, a] : s.appointments()) {
      auto got = appointment(*gen, id);
      ASSERT_TRUE(got.ok()) << id;
      EXPECT_EQ(got->status, a.status);
      EXPECT_EQ(got->start, a.start);
      EXPECT_EQ(got->end, a.end);
      EXPECT_EQ(got->number, a.number);
      EXPECT_EQ(got->patient_id, a.patient_id);
      EXPECT_EQ(got->doctor_id, doctor_id);
      EXPECT_EQ(got->fee, a.fee);
    }
  }
  for (auto& [patient, list] : by_patient) {
    std::sort(list.begin(), list.end());
    std::int64_t total = 0;
    const auto ids = all_pages(*gen, {patient, {}, {}, {}}, 100, total);
    EXPECT_EQ(total, static_cast<std::int64_t>(list.size())) << patient;
    EXPECT_EQ(ids.size(), list.size());
  }
  const AppointmentPage capped = appointments(*gen, {}, {2, 1000});
  EXPECT_EQ(capped.per_page, kMaxPerPage);
  EXPECT_EQ(capped.total, everything);
  EXPECT_EQ(capped.items.size(), std::min<std::size_t>(100, everything - 100));
  EXPECT_EQ(appointment(*gen, "no-such-id").error().code, errc::not_found);
}

// Every combination of the list filters (patient, doctor, local date, status) gives the matching
// appointments of the decided states, in order (start, then id, shorter ids first), page by page.
TEST(Queries, FilteredAppointmentPagesMatchTheDecidedState) {
  SharedRun& run = shared_run();
  const auto gen = run.store->current();
  struct Expected {
    std::string id;
    std::string doctor_id;
    std::string patient_id;
    dm::Instant start;
    dm::LocalDate day;
    dm::AppointmentStatus status;
  };
  std::vector<Expected> all;
  for (const auto& [doctor_id, s] : run.workload->states()) {
    for (const auto& [id, a] : s.appointments()) {
      all.push_back(
          {id, doctor_id, a.patient_id, a.start, dm::local_date_of(a.start, *s.zone()), a.status});
    }
  }
  std::sort(all.begin(), all.end(), [](const Expected& a, const Expected& b) {
    return std::tuple(a.start, a.id.size(), a.id) < std::tuple(b.start, b.id.size(), b.id);
  });
  ASSERT_GT(all.size(), 500u);
  int checked = 0;
  const auto check = [&](const AppointmentFilter& f, int per_page) {
    std::vector<std::string> want;
    for (const Expected& a : all) {
      if (!f.patient_id.empty() && a.patient_id != f.patient_id) continue;
      if (!f.doctor_id.empty() && a.doctor_id != f.doctor_id) continue;
      if (f.date && a.day != *f.date) continue;
      if (f.status && a.status != *f.status) continue;
      want.push_back(a.id);
    }
    std::int64_t total = -1;
    const auto got = all_pages(*gen, f, per_page, total);
    const std::string what = f.patient_id + "/" + f.doctor_id + "/" +
                             (f.date ? dm::format_local_date(*f.date) : "") + "/" +
                             (f.status ? std::string(dm::to_string(*f.status)) : "");
    EXPECT_EQ(got, want) << what;
    EXPECT_EQ(total, static_cast<std::int64_t>(want.size())) << what;
    if (!want.empty()) ++checked;
  };
  // A few patients, doctors and days that hold appointments.
  std::vector<std::string> patients;
  std::vector<std::string> doctors;
  std::vector<dm::LocalDate> days;
  for (std::size_t i = 0; i < all.size(); i += all.size() / 6) {
    patients.push_back(all[i].patient_id);
    doctors.push_back(all[i].doctor_id);
    days.push_back(all[i].day);
  }
  std::vector<std::optional<dm::AppointmentStatus>> statuses = {std::nullopt};
  for (int st = 0; st < 8; ++st)
    statuses.push_back(static_cast<dm::AppointmentStatus>(st));
  for (const auto& status : statuses) {
    check({{}, {}, {}, status}, 97);
    for (const dm::LocalDate day : days) {
      check({{}, {}, day, status}, 3);
      for (const std::string& doctor_id : doctors)
        check({{}, doctor_id, day, status}, 4);
    }
    for (const std::string& patient_id : patients) {
      check({patient_id, {}, {}, status}, 2);
      for (const std::string& doctor_id : doctors)
        check({patient_id, doctor_id, {}, status}, 3);
      for (const dm::LocalDate day : days)
        check({patient_id, {}, day, status}, 3);
    }
  }
  EXPECT_GT(checked, 100);
}

TEST(Queries, StatsMatchTheDecidedState) {
  SharedRun& run = shared_run();
  const auto gen = run.store->current();
  const dm::Instant now = run.workload->latest();
  std::set<std::string> clinic_patients;
  std::int64_t clinic_total = 0;
  for (const auto& [doctor_id, s] : run.workload->states()) {
    auto got = doctor_stats(*gen, doctor_id, now);
    ASSERT_TRUE(got.ok());
    const dm::LocalDate today = dm::local_date_of(now, *s.zone());
    const date::year_month_day ymd{today};
    const auto week_of = [](dm::LocalDate d) { return d - date::days(dm::iso_weekday(d) - 1); };
    std::array<std::int64_t, 8> by_status{};
    std::set<std::string> patients;
    std::int64_t day = 0, week = 0, month = 0, taken = 0;
    for (const auto& [id, a] : s.appointments()) {
      by_status[static_cast<std::size_t>(a.status)] += 1;
      patients.insert(a.patient_id);
      clinic_patients.insert(a.patient_id);
      const dm::LocalDate d = dm::local_date_of(a.start, *s.zone());
      const date::year_month_day a_ymd{d};
      day += d == today;
      week += week_of(d) == week_of(today);
      const bool this_month = a_ymd.year() == ymd.year() && a_ymd.month() == ymd.month();
      month += this_month;
      taken += this_month && dm::takes_capacity(a.status);
    }
    std::int64_t capacity = 0;
    const dm::LocalDate first{ymd.year() / ymd.month() / date::day{1}};
    for (dm::LocalDate d = first; date::year_month_day{d}.month() == ymd.month();
         d += date::days(1)) {
      for (const dm::Slot& slot :
           dm::slots_on(s.schedule(), *s.zone(), d, s.settings().buffer_minutes,
                        s.profile().consultation_types)) {
        if (!overlaps_block(s, slot.start, slot.end)) capacity += slot.capacity;
      }
    }
    clinic_total += static_cast<std::int64_t>(s.appointments().size());
    EXPECT_EQ(got->total, static_cast<std::int64_t>(s.appointments().size())) << doctor_id;
    EXPECT_EQ(got->by_status, by_status) << doctor_id;
    EXPECT_EQ(got->unique_patients, static_cast<std::int64_t>(patients.size()));
    EXPECT_EQ(got->today, day) << doctor_id;
    EXPECT_EQ(got->this_week, week) << doctor_id;
    EXPECT_EQ(got->this_month, month) << doctor_id;
    EXPECT_EQ(got->month_capacity, capacity) << doctor_id;
    EXPECT_DOUBLE_EQ(got->utilization, capacity ? double(taken) / double(capacity) : 0.0);
    const auto done = by_status[static_cast<std::size_t>(dm::AppointmentStatus::completed)];
    const auto missed = by_status[static_cast<std::size_t>(dm::AppointmentStatus::no_show)];
    EXPECT_DOUBLE_EQ(got->no_show_rate, done + missed ? double(missed) / double(done + missed) : 0);
  }
  const ClinicStats clinic = clinic_stats(*gen, now, std::nullopt, std::nullopt);
  EXPECT_EQ(clinic.clinic.total, clinic_total);
  EXPECT_EQ(clinic.clinic.unique_patients, static_cast<std::int64_t>(clinic_patients.size()));
  EXPECT_GT(clinic_total, 500);
  std::int64_t specialty_total = 0;
  for (const auto& [name, v] : clinic.by_specialty)
    specialty_total += v.total;
  EXPECT_EQ(specialty_total, clinic_total);
}

TEST(Queries, QueuesAndWaitlistMatchTheDecidedState) {
  SharedRun& run = shared_run();
  const auto gen = run.store->current();
  int waiting_checked = 0;
  int entries_checked = 0;
  for (const auto& [doctor_id, s] : run.workload->states()) {
    std::set<dm::LocalDate> dates;
    for (const auto& [id, w] : s.walkins())
      dates.insert(w.date);
    for (const dm::LocalDate d : dates) {
      auto q = queue(*gen, doctor_id, d);
      ASSERT_TRUE(q.ok());
      std::vector<std::string> waiting;
      for (const QueueEntryView& e : *q) {
        if (e.walkin.status == dm::WalkinStatus::waiting) waiting.push_back(e.walkin.id);
      }
      std::vector<std::string> want;
      for (const dm::Walkin* w : s.queue_on(d))
        want.push_back(w->id);
      EXPECT_EQ(waiting, want) << doctor_id << " " << dm::format_local_date(d);
      for (const QueueEntryView& e : *q) {
        const auto place = dm::queue_place(s, e.walkin.id);
        if (!place) continue;
        ++waiting_checked;
        EXPECT_EQ(e.position, place->position);
        EXPECT_EQ(e.estimated_wait_minutes, place->estimated_wait_minutes);
      }
    }
    for (const auto& [id, w] : s.walkins()) {
      auto got = walkin(*gen, id);
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(got->walkin.status, w.status);
      EXPECT_EQ(got->walkin.queue_number, w.queue_number);
    }
    for (const auto& [id, e] : s.waitlist()) {
      auto got = waitlist_entry(*gen, id);
      ASSERT_TRUE(got.ok()) << id;
      ++entries_checked;
      EXPECT_EQ(got->entry.status, e.status) << id;
      EXPECT_EQ(got->position, dm::waitlist_position(s, id)) << id;
      EXPECT_EQ(got->entry.has_offer, e.offer.has_value()) << id;
      if (e.offer) {
        EXPECT_EQ(got->entry.offer_expires_at, e.offer->expires_at);
      }
    }
    EXPECT_EQ(doctor_waitlist(*gen, doctor_id, {1, 100}).total,
              static_cast<std::int64_t>(s.waitlist().size()));
  }
  EXPECT_GT(waiting_checked, 0);
  EXPECT_GT(entries_checked, 0);
}

TEST(Queries, DoctorsAndHistoryMatchTheDecidedState) {
  SharedRun& run = shared_run();
  const auto gen = run.store->current();
  std::map<std::string, int> active_by_specialty;
  int active = 0;
  for (const auto& [doctor_id, s] : run.workload->states()) {
    auto d = doctor(*gen, doctor_id);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->version, s.version());
    EXPECT_EQ(d->record.profile, s.profile());
    EXPECT_EQ(d->record.settings, s.settings());
    EXPECT_EQ(d->record.schedule, s.schedule());
    if (s.profile().active) {
      ++active;
      ++active_by_specialty[s.profile().specialty];
    }
    for (const auto& [id, a] : s.appointments()) {
      auto h = appointment_history(*gen, id);
      ASSERT_TRUE(h.ok()) << id;
      const auto& events = h->at("events");
      ASSERT_FALSE(events.empty());
      // Accepting a waitlist offer books in the same commit, right after the acceptance.
      const auto booked = std::find_if(events.begin(), events.end(), [](const auto& e) {
        return e.at("type") == "docket.appointment.booked.v1";
      });
      ASSERT_NE(booked, events.end()) << id;
      EXPECT_LE(booked - events.begin(), 1);
      EXPECT_EQ(booked->at("data").at("appointment_id"), id);
      for (const auto& e : events) {
        EXPECT_TRUE(e.at("actor").contains("sub") && e.at("actor").contains("role"));
      }
    }
  }
  EXPECT_EQ(doctors(*gen, "", {1, 100}).total, active);
  for (const auto& [specialty, n] : active_by_specialty)
    EXPECT_EQ(doctors(*gen, specialty, {1, 100}).total, n) << specialty;
  const nlohmann::json j = to_json(*doctor(*gen, "dr-utc"));
  for (const char* field : {"id", "name", "specialty", "timezone", "consultation_fee",
                            "consultation_types", "active", "schedule", "settings", "version"}) {
    EXPECT_TRUE(j.contains(field)) << field;
  }
}

}  // namespace
}  // namespace docket::projections::testing
