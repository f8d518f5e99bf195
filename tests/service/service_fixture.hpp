#pragma once
// A real write side for tests: an embedded RocksDB log and a side store in a fresh temporary
// directory, a manual clock, and helpers that register the standard doctor and book its slots.
//
// The standard doctor works in UTC, Monday to Friday 09:00-17:00 in 10-minute slots of capacity
// 1 (48 slots a day). The clock starts at 2027-02-22T00:00:00Z; 2027-03-01 is a Monday.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "api/command_service.hpp"
#include "api/side_store.hpp"
#include "domain/time.hpp"
#include "eventstore/embedded_log.hpp"
#include "tests/support/temp_dir.hpp"

namespace docket::api::testing {

using TempDir = docket::testing::TempDir;

inline domain::Instant at(std::string_view rfc3339) {
  const auto t = domain::parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(domain::Instant{});
}

// A clock that moves only when told to.
class ManualClock {
 public:
  explicit ManualClock(domain::Instant start) : seconds_(start.time_since_epoch().count()) {}
  domain::Instant now() const { return domain::Instant(std::chrono::seconds(seconds_.load())); }
  void set(domain::Instant t) { seconds_.store(t.time_since_epoch().count()); }
  void advance(std::chrono::seconds d) { seconds_.fetch_add(d.count()); }
  std::function<domain::Instant()> function() {
    return [this] { return now(); };
  }

 private:
  std::atomic<std::int64_t> seconds_;
};

inline domain::Actor admin() {
  return {"root", domain::Role::admin};
}
inline domain::Actor patient(std::string id) {
  return {std::move(id), domain::Role::patient};
}

// The i-th 10-minute slot from 2027-03-01 09:00Z on, weekdays only.
inline domain::Instant slot(int i) {
  static const domain::LocalDate monday = *domain::parse_local_date("2027-03-01");
  const int day = i / 48;
  const int week = day / 5;
  const domain::LocalDate d = monday + date::days(week * 7 + day % 5);
  return domain::Instant(d.time_since_epoch()) + std::chrono::hours(9) +
         std::chrono::minutes(10 * (i % 48));
}

inline domain::Command register_doctor(const std::string& id) {
  domain::RegisterDoctor c;
  c.actor = admin();
  c.doctor_id = id;
  c.name = "Dr " + id;
  c.specialty = "cardiology";
  c.timezone = "UTC";
  c.consultation_fee = 5000;
  return c;
}

inline domain::Command weekday_schedule(int capacity = 1) {
  domain::ScheduleRule r;
  r.weekdays = 0x1F;
  r.start_minute = 9 * 60;
  r.end_minute = 17 * 60;
  r.slot_minutes = 10;
  r.capacity = capacity;
  domain::SetSchedule c;
  c.actor = admin();
  c.rules = {r};
  c.effective_from = domain::parse_local_date("2027-01-01");
  return c;
}

inline domain::Command book(const std::string& appointment_id, domain::Instant start,
                            const std::string& patient_id) {
  domain::BookAppointment c;
  c.actor = patient(patient_id);
  c.patient_id = patient_id;
  c.appointment_id = appointment_id;
  c.start = start;
  return c;
}

inline domain::Command place_hold(const std::string& hold_id, domain::Instant start,
                                  const std::string& patient_id) {
  domain::PlaceHold c;
  c.actor = patient(patient_id);
  c.patient_id = patient_id;
  c.hold_id = hold_id;
  c.start = start;
  return c;
}

inline std::string describe(const CommandResult& r) {
  if (r.ok()) return "ok at version " + std::to_string(r->version);
  return std::string(to_string(r.error().code)) + " " +
         std::string(domain::to_code(r.error().domain.code)) + " (" + r.error().detail + ")";
}

inline const domain::Instant kStart = at("2027-02-22T00:00:00Z");

// A log, a side store and a service over one data directory; reopen() simulates a restart.
class WriteSide {
 public:
  explicit WriteSide(const std::filesystem::path& dir, CommandServiceOptions options = {},
                     domain::Instant start = kStart)
      : dir_(dir), clock_(start), options_(std::move(options)) {
    open();
  }
  ~WriteSide() { shut(); }

  void open() {
    auto log = eventstore::open_embedded_log({dir_ / "log", 1024});
    if (!log) throw std::runtime_error("cannot open the log: " + log.error().message);
    log_ = std::move(*log);
    auto side = SideStore::open(dir_ / "write-side");
    if (!side) throw std::runtime_error("cannot open the side store: " + side.error().message);
    side_ = std::move(*side);
    CommandServiceOptions o = options_;
    o.clock = clock_.function();
    service_ = std::make_unique<CommandService>(*log_, side_.get(), o);
    auto recovered = service_->recover();
    if (!recovered) throw std::runtime_error("recover failed: " + recovered.error().detail);
  }
  void shut() {
    service_.reset();
    side_.reset();
    if (log_) log_->close();
    log_.reset();
  }
  void reopen() {
    shut();
    open();
  }

  CommandService& service() { return *service_; }
  eventstore::EventLog& log() { return *log_; }
  SideStore& side() { return *side_; }
  ManualClock& clock() { return clock_; }

  // Registers `id` with the weekday schedule; fails the test when that does not succeed.
  void add_doctor(const std::string& id, int capacity = 1) {
    const CommandResult r = service_->execute(id, register_doctor(id));
    ASSERT_TRUE(r.ok()) << describe(r);
    const CommandResult s = service_->execute(id, weekday_schedule(capacity));
    ASSERT_TRUE(s.ok()) << describe(s);
  }

 private:
  std::filesystem::path dir_;
  ManualClock clock_;
  CommandServiceOptions options_;
  std::unique_ptr<eventstore::EventLog> log_;
  std::unique_ptr<SideStore> side_;
  std::unique_ptr<CommandService> service_;
};

}  // namespace docket::api::testing
