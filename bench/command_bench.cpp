// Durable bookings per second through the command service (api/command_service.hpp) on the
// embedded log in a temporary directory: every booking is decided, appended and fsynced (group
// commit) before its submitter sees the reply.
//
// Arguments: {doctors, submitters}. Each submitter is a thread that books one appointment at a
// time and waits for the durable reply (the way one HTTP connection would), spreading its bookings
// round-robin over the doctors. Doctors take 100 patients per 10-minute slot and book 5 years
// ahead, so no booking runs out of room.

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "api/command_service.hpp"
#include "api/entity_id.hpp"
#include "api/side_store.hpp"
#include "domain/event_json.hpp"
#include "eventstore/embedded_log.hpp"

namespace {

using namespace docket;

constexpr int kBookingsPerRun = 40000;
constexpr int kSlotCapacity = 100;

domain::Instant start_of_bookings() {
  return *domain::parse_rfc3339("2027-03-01T09:00:00Z");
}

// The n-th booking's slot: 100 per slot, 48 slots a weekday.
domain::Instant slot_for(std::uint64_t n) {
  const std::uint64_t slot = n / kSlotCapacity;
  const std::uint64_t day = slot / 48;
  const std::uint64_t week = day / 5;
  return start_of_bookings() + date::days(week * 7 + day % 5) +
         std::chrono::minutes(10 * (slot % 48));
}

void setup_doctor(api::CommandService& service, const std::string& id) {
  const domain::Actor admin{"root", domain::Role::admin};
  domain::RegisterDoctor r;
  r.actor = admin;
  r.doctor_id = id;
  r.name = "Dr " + id;
  r.specialty = "cardiology";
  r.timezone = "UTC";
  r.consultation_fee = 5000;
  domain::ScheduleRule rule;
  rule.weekdays = 0x1F;
  rule.start_minute = 9 * 60;
  rule.end_minute = 17 * 60;
  rule.slot_minutes = 10;
  rule.capacity = kSlotCapacity;
  domain::SetSchedule s;
  s.actor = admin;
  s.rules = {rule};
  s.effective_from = domain::parse_local_date("2027-01-01");
  domain::UpdateSettings u;
  u.actor = admin;
  u.max_advance_days = 1825;
  for (domain::Command c : {domain::Command(r), domain::Command(s), domain::Command(u)}) {
    if (!service.execute(id, std::move(c)).ok()) std::abort();
  }
}

void BM_DurableBookings(benchmark::State& state) {
  const int doctors = static_cast<int>(state.range(0));
  const int submitters = static_cast<int>(state.range(1));
  const bool snapshots = state.range(2) != 0;
  const bool inline_answers = state.range(3) != 0;
  std::string pattern =
      (std::filesystem::temp_directory_path() / "docket-command-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  const std::filesystem::path dir = pattern;
  {
    auto log = eventstore::open_embedded_log({dir / "log", 1024});
    auto side = api::SideStore::open(dir / "write-side");
    if (!log || !side) std::abort();
    api::CommandServiceOptions options;
    options.workers = 2;
    options.snapshot_every = snapshots ? 1000 : 0;
    options.answer_on_log_thread = inline_answers;
    options.clock = [] { return *domain::parse_rfc3339("2027-02-01T00:00:00Z"); };
    api::CommandService service(**log, side->get(), options);
    std::vector<std::string> ids;
    for (int d = 0; d < doctors; ++d) {
      ids.push_back("dr-" + std::to_string(d));
      setup_doctor(service, ids.back());
    }
    std::vector<std::atomic<std::uint64_t>> next(static_cast<std::size_t>(doctors));
    std::atomic<int> failures{0};
    std::uint64_t done = 0;
    for (auto _ : state) {
      std::latch go(submitters);
      std::vector<std::thread> threads;
      const int per_thread = std::min(kBookingsPerRun / submitters, 2000);
      for (int t = 0; t < submitters; ++t) {
        threads.emplace_back([&, t] {
          go.arrive_and_wait();
          for (int i = 0; i < per_thread; ++i) {
            const std::size_t d = static_cast<std::size_t>((t + i * submitters) % doctors);
            const std::uint64_t n = next[d].fetch_add(1);
            domain::BookAppointment b;
            b.actor = domain::Actor{"desk", domain::Role::receptionist};
            b.appointment_id = api::new_entity_id(ids[d]);
            b.patient_id = "p-" + std::to_string(n);
            b.start = slot_for(n);
            if (!service.execute(ids[d], std::move(b)).ok()) ++failures;
          }
        });
      }
      for (auto& th : threads)
        th.join();
      done += static_cast<std::uint64_t>(per_thread) * submitters;
    }
    if (failures.load() > 0) state.SkipWithError("some bookings failed");
    state.counters["bookings_per_s"] =
        benchmark::Counter(static_cast<double>(done), benchmark::Counter::kIsRate);
    const api::CommandMetrics& m = service.metrics();
    std::uint64_t weighted = 0;
    std::uint64_t count = 0;
    for (std::size_t b = 0; b < m.append_batch.size(); ++b) {
      weighted += m.append_batch[b].load() * (1ull << b);
      count += m.append_batch[b].load();
    }
    state.counters["in_flight_at_append"] =
        count == 0 ? 0.0 : static_cast<double>(weighted) / static_cast<double>(count);
    service.close();
    (*log)->close();
  }
  std::filesystem::remove_all(dir);
}

// A restart over a log of 1,000 doctors x 1,000 bookings (1,000,000 events plus setup), written
// straight to the log in commits of 100 events. Measured: opening the log and the side store,
// constructing the service and recover() - after that it accepts commands - and then the first
// command to one doctor, which loads its 1,000 events (or a snapshot and its tail).
void BM_RestartReady(benchmark::State& state) {
  const bool with_snapshots = state.range(0) != 0;
  constexpr int doctors = 1000;
  constexpr int events_per_doctor = 1000;
  constexpr int per_commit = 100;
  std::string pattern =
      (std::filesystem::temp_directory_path() / "docket-restart-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  const std::filesystem::path dir = pattern;
  const auto clock = [] { return *domain::parse_rfc3339("2027-02-01T00:00:00Z"); };
  {
    auto log = eventstore::open_embedded_log({dir / "log", 1024});
    auto side = api::SideStore::open(dir / "write-side");
    if (!log || !side) std::abort();
    api::CommandServiceOptions options;
    options.clock = clock;
    {
      api::CommandService setup(**log, side->get(), options);
      for (int d = 0; d < doctors; ++d)
        setup_doctor(setup, "dr-" + std::to_string(d));
    }
    std::atomic<int> pending{0};
    std::atomic<int> failed{0};
    for (int batch = 0; batch < events_per_doctor / per_commit; ++batch) {
      for (int d = 0; d < doctors; ++d) {
        eventstore::AppendRequest request;
        request.stream = "doctor-dr-" + std::to_string(d);
        request.expected_version = 3 + static_cast<std::uint64_t>(batch) * per_commit;
        request.metadata.time = clock();
        request.metadata.actor = eventstore::Actor{"desk", "receptionist"};
        for (int i = 0; i < per_commit; ++i) {
          const std::uint64_t n = static_cast<std::uint64_t>(batch) * per_commit + i;
          domain::AppointmentBooked e;
          e.actor = domain::Actor{"desk", domain::Role::receptionist};
          e.appointment_id = "dr-" + std::to_string(d) + ".a" + std::to_string(n);
          const domain::Instant start = slot_for(n);
          e.number = domain::format_appointment_number(
              domain::LocalDate(std::chrono::floor<date::days>(start.time_since_epoch())),
              static_cast<int>(n % 4800) + 1);
          e.patient_id = "p-" + std::to_string(n);
          e.start = start;
          e.end = start + std::chrono::minutes(10);
          e.fee = 5000;
          domain::EncodedEvent encoded = domain::encode(e);
          request.events.push_back({std::move(encoded.type), e.appointment_id, encoded.data});
        }
        ++pending;
        (*log)->append_async(std::move(request),
                             [&](eventstore::Result<eventstore::AppendResult> r) {
                               if (!r.ok()) ++failed;
                               --pending;
                             });
      }
      while (pending.load() > 0)
        std::this_thread::yield();
    }
    if (failed.load() > 0) std::abort();
    // A service that has not cached the doctors before the bookings went straight to the log.
    api::CommandService service(**log, side->get(), options);
    if (with_snapshots) {
      // Load every doctor once so that each writes its snapshot.
      for (int d = 0; d < doctors; ++d) {
        if (!service.state_of("dr-" + std::to_string(d)).ok()) std::abort();
      }
    }
    if (!service.checkpoint().ok()) std::abort();
    service.close();
    state.counters["snapshots_written"] =
        static_cast<double>(service.metrics().snapshots_written.load());
    state.counters["snapshots_skipped"] =
        static_cast<double>(service.metrics().snapshots_skipped.load());
    state.counters["snapshots_refused"] =
        static_cast<double>(service.metrics().snapshots_refused.load());
    (*log)->close();
  }
  double ready_ms = 0;
  double first_command_ms = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto log = eventstore::open_embedded_log({dir / "log", 1024});
    auto side = api::SideStore::open(dir / "write-side");
    if (!log || !side) std::abort();
    api::CommandServiceOptions options;
    options.clock = clock;
    api::CommandService service(**log, side->get(), options);
    if (!service.recover().ok()) std::abort();
    const auto t1 = std::chrono::steady_clock::now();
    domain::BookAppointment b;
    b.actor = domain::Actor{"desk", domain::Role::receptionist};
    b.appointment_id = api::new_entity_id("dr-7");
    b.patient_id = "p-new";
    b.start = slot_for(events_per_doctor);
    if (!service.execute("dr-7", std::move(b)).ok()) std::abort();
    const auto t2 = std::chrono::steady_clock::now();
    ready_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    first_command_ms = std::chrono::duration<double, std::milli>(t2 - t1).count();
    state.counters["snapshot_loads"] = static_cast<double>(service.metrics().snapshot_loads.load());
    service.close();
    (*log)->close();
  }
  state.counters["ready_ms"] = ready_ms;
  state.counters["first_command_ms"] = first_command_ms;
  std::filesystem::remove_all(dir);
}

BENCHMARK(BM_RestartReady)
    ->ArgNames({"snapshots"})
    ->Arg(0)
    ->Arg(1)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_DurableBookings)
    ->ArgNames({"doctors", "submitters", "snapshots", "inline"})
    ->Args({1, 1, 1, 1})
    ->Args({1, 32, 1, 1})
    ->Args({1, 32, 1, 0})
    ->Args({1, 32, 0, 1})
    ->Args({1, 128, 1, 1})
    ->Args({1, 128, 0, 1})
    ->Args({1000, 32, 1, 1})
    ->Args({1000, 32, 1, 0})
    ->Args({1000, 128, 1, 1})
    ->Args({1000, 128, 1, 0})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
