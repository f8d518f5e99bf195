// Read side: projection apply rate (events/s into RocksDB read models), rebuild from zero of a
// real embedded log, availability query throughput, and clinic-wide appointment pages. Figures:
// bench/README.md, "Projections".
//
// Events are synthetic but realistic: 100 doctors (weekday schedules, 20-minute slots of
// capacity 2) whose streams interleave bookings (with and without holds), confirmations,
// check-ins, starts, completions, cancellations, no-shows, reschedules and walk-ins.
// DOCKET_BENCH_REBUILD_EVENTS sets the size of the rebuilt log (default 200,000),
// DOCKET_BENCH_APPLY_BATCHES the number of applied batches (default 300).

#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "domain/event_json.hpp"
#include "eventstore/embedded_log.hpp"
#include "projections/model_store.hpp"
#include "projections/projection_store.hpp"
#include "projections/queries.hpp"
#include "projections/rebuild.hpp"

namespace docket::projections {
namespace {

namespace dm = docket::domain;
namespace es = docket::eventstore;

std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "docket-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

// CPU seconds of the whole process so far: every thread, RocksDB's background flushes and
// compactions and the rebuild's read-ahead included (Google Benchmark's CPU column counts the
// calling thread only).
double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

constexpr int kDoctors = 100;
const dm::Instant kBase = *dm::parse_rfc3339("2027-03-01T00:00:00Z");  // a Monday

// Deterministic synthetic commits, one event each (what most commands decide).
class Synthetic {
 public:
  // The next `n` commits, positions continuing the previous call's.
  std::vector<es::Commit> next(std::size_t n) {
    std::vector<es::Commit> out;
    out.reserve(n);
    while (out.size() < n)
      out.push_back(commit(step()));
    return out;
  }
  std::uint64_t events() const { return seq_; }

 private:
  struct Doc {
    std::uint64_t version = 0;
    std::uint64_t booked = 0;
  };

  std::pair<int, dm::Event> step() {
    const int d = static_cast<int>(turn_++ % kDoctors);
    Doc& doc = docs_[static_cast<std::size_t>(d)];
    const dm::Actor actor{"pat-" + std::to_string(turn_ % 5000), dm::Role::patient};
    const std::string id = "dr-" + std::to_string(d);
    if (doc.version == 0) {
      dm::DoctorRegistered e;
      e.doctor_id = id;
      e.profile = dm::Profile{"Dr " + id, d % 3 ? "general" : "cardiology", "Europe/Berlin",
                              5000,       dm::ConsultationTypes::all(),     true};
      return {d, e};
    }
    if (doc.version == 1) {
      dm::DoctorScheduleSet e;
      e.effective_from = dm::LocalDate(date::year{2027} / 1 / 1);
      dm::ScheduleRule r;
      r.weekdays = 0x1F;
      r.start_minute = 8 * 60;
      r.end_minute = 18 * 60;
      r.slot_minutes = 20;
      r.capacity = 2;
      e.rules = {r};
      return {d, e};
    }
    // A cycle of 8 events per appointment, on consecutive slots of the doctor.
    const std::uint64_t k = doc.booked;
    const std::string apt = id + "-apt-" + std::to_string(k / 8);
    const std::uint64_t slot = k / 8;
    const dm::Instant start = kBase + std::chrono::hours(24 * (slot / 30 % 300)) +
                              std::chrono::hours(8) + std::chrono::minutes(20 * (slot % 30));
    ++doc.booked;
    switch (k % 8) {
      case 0: {
        dm::HoldPlaced e{actor,
                         id + "-h-" + std::to_string(slot),
                         actor.sub,
                         start,
                         start + std::chrono::minutes(20),
                         dm::ConsultationType::video,
                         start - std::chrono::hours(1)};
        return {d, e};
      }
      case 1: {
        dm::AppointmentBooked e;
        e.actor = actor;
        e.appointment_id = apt;
        e.number = "APT-20270301-" + std::to_string(1000 + slot % 9000);
        e.patient_id = actor.sub;
        e.start = start;
        e.end = start + std::chrono::minutes(20);
        e.fee = 5000;
        e.status = dm::AppointmentStatus::pending;
        e.hold_id = id + "-h-" + std::to_string(slot);
        e.personal.reason_for_visit = "persistent cough for two weeks";
        return {d, e};
      }
      case 2:
        return {d, dm::AppointmentConfirmed{actor, apt}};
      case 3:
        if (slot % 7 == 0) {
          return {d, dm::AppointmentCancelled{
                         actor, apt, actor.sub, start, dm::AppointmentStatus::confirmed, {}, {}}};
        }
        return {d, dm::AppointmentCheckedIn{actor, apt}};
      case 4:
        return {d, dm::AppointmentStarted{actor, apt}};
      case 5:
        return {d, dm::AppointmentCompleted{actor, apt}};
      case 6: {
        dm::WalkinRegistered e;
        e.walkin_id = id + "-w-" + std::to_string(slot);
        e.patient_id = actor.sub;
        e.urgency = static_cast<dm::Urgency>(slot % 3);
        e.date = dm::LocalDate(date::floor<date::days>(start.time_since_epoch()));
        e.sequence = static_cast<int>(slot % 30) + 1;
        e.queue_number = dm::format_queue_number(e.sequence);
        e.arrived_at = start;
        return {d, e};
      }
      default:
        return {d, dm::WalkinCalled{actor, id + "-w-" + std::to_string(slot)}};
    }
  }

  es::Commit commit(std::pair<int, dm::Event> de) {
    auto& [d, event] = de;
    Doc& doc = docs_[static_cast<std::size_t>(d)];
    es::RecordedEvent r;
    dm::EncodedEvent enc = dm::encode(event);
    r.type = std::move(enc.type);
    r.data = std::move(enc.data);
    r.stream = "doctor-dr-" + std::to_string(d);
    r.version = ++doc.version;
    r.time = "2027-02-01T10:00:00Z";
    r.actor = {dm::event_actor(event).sub, "patient"};
    r.position = es::Position({++seq_});
    es::Commit c;
    c.stream = r.stream;
    c.position = r.position;
    c.events.push_back(std::move(r));
    return c;
  }

  std::vector<Doc> docs_ = std::vector<Doc>(kDoctors);
  std::uint64_t turn_ = 0;
  std::uint64_t seq_ = 0;
};

int apply_batches() {
  const char* v = std::getenv("DOCKET_BENCH_APPLY_BATCHES");
  return v ? std::atoi(v) : 300;
}

// Applies apply_batches() batches of 1,000 single-event commits (the projector's batch size) to
// a fresh store. The batches are generated before the clock starts, so that no pause of the
// clock lets RocksDB's background work run untimed.
void BM_ProjectionApply(benchmark::State& state) {
  const auto dir = make_temp_dir();
  auto store = ModelStore::open(dir);
  if (!store.ok()) std::abort();
  Synthetic gen;
  std::vector<std::vector<es::Commit>> batches;
  batches.reserve(static_cast<std::size_t>(apply_batches()));
  for (int i = 0; i < apply_batches(); ++i)
    batches.push_back(gen.next(1000));
  std::size_t next = 0;
  std::int64_t events = 0;
  const double cpu_before = process_cpu_seconds();
  for (auto _ : state) {
    auto applied = (*store)->apply(batches[next++ % batches.size()], ModelSet::all());
    if (!applied.ok()) state.SkipWithError("apply failed");
    events += static_cast<std::int64_t>(applied->applied);
  }
  state.SetItemsProcessed(events);
  // Every thread's CPU per event, RocksDB's flushes and compactions included (Google Benchmark's
  // CPU column counts the calling thread only).
  state.counters["process_cpu_us_per_event"] =
      (process_cpu_seconds() - cpu_before) * 1e6 / static_cast<double>(events);
  store = error(errc::closed, "done");
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_ProjectionApply)->Unit(benchmark::kMillisecond)->Iterations(apply_batches());

std::size_t rebuild_events() {
  const char* v = std::getenv("DOCKET_BENCH_REBUILD_EVENTS");
  return v ? static_cast<std::size_t>(std::strtoull(v, nullptr, 10)) : 200'000;
}

// A real embedded log of rebuild_events() events, then rebuild() of every model from zero.
void BM_RebuildFromZero(benchmark::State& state) {
  // DOCKET_BENCH_LOG_DIR keeps the log there and reuses it on later runs (same event count).
  const char* kept = std::getenv("DOCKET_BENCH_LOG_DIR");
  const auto dir = kept ? std::filesystem::path(kept) : make_temp_dir();
  const bool reuse = kept && std::filesystem::exists(dir / "log");
  auto log = es::open_embedded_log({dir / "log", 1024});
  if (!log.ok()) std::abort();
  Synthetic gen;
  const std::size_t total = rebuild_events();
  if (reuse) {
    auto head = (*log)->head();
    if (!head.ok() || head->at(0) != total) {
      state.SkipWithError("DOCKET_BENCH_LOG_DIR holds a log of another size");
      return;
    }
  }
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  while (!reuse && gen.events() < total) {
    for (es::Commit& c : gen.next(std::min<std::size_t>(1000, total - gen.events()))) {
      es::AppendRequest r;
      r.stream = c.stream;
      r.expected_version = c.events.front().version - 1;
      for (es::RecordedEvent& e : c.events)
        r.events.push_back({e.type, {}, std::move(e.data)});
      r.metadata.time = kBase;
      r.metadata.actor = c.events.front().actor;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return in_flight < 2048; });
        ++in_flight;
      }
      (*log)->append_async(std::move(r), [&](es::Result<es::AppendResult> res) {
        if (!res.ok()) std::abort();
        std::lock_guard lock(mu);
        --in_flight;
        cv.notify_all();
      });
    }
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  std::int64_t events = 0;
  double cpu = 0;
  long rss_before = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto models = make_temp_dir();
    auto store = ProjectionStore::open(models);
    if (!store.ok()) std::abort();
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    rss_before = u.ru_maxrss;
    const double before = process_cpu_seconds();
    state.ResumeTiming();
    RebuildProgress last;
    RebuildOptions options;
    options.progress = [&](const RebuildProgress& p) { last = p; };
    if (!rebuild(**log, **store, options).ok()) state.SkipWithError("rebuild failed");
    events += static_cast<std::int64_t>(last.events_applied);
    state.PauseTiming();
    cpu += process_cpu_seconds() - before;
    store = error(errc::closed, "done");
    std::filesystem::remove_all(models);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(events);
  state.counters["log_events"] = static_cast<double>(total);
  state.counters["process_cpu_s"] = cpu;
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  // Growth of the peak resident set over what building the log had already reached.
  state.counters["peak_rss_growth_mb"] = static_cast<double>(u.ru_maxrss - rss_before) / 1024.0;
  log = es::Result<std::unique_ptr<es::EventLog>>(fail(es::Error{es::errc::closed, "done", 0}));
  if (!kept) std::filesystem::remove_all(dir);
}
BENCHMARK(BM_RebuildFromZero)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// A fresh store holding 200,000 applied events of the synthetic mix (25,000 appointments of the
// 100 doctors), for the query benchmarks; removed when it goes.
struct QueryStore {
  QueryStore() {
    auto opened = ModelStore::open(dir);
    if (!opened.ok()) std::abort();
    models = std::move(opened).value();
    Synthetic gen;
    for (int i = 0; i < 200; ++i) {
      if (!models->apply(gen.next(1000), ModelSet::all()).ok()) std::abort();
    }
  }
  ~QueryStore() {
    models.reset();
    std::filesystem::remove_all(dir);
  }
  QueryStore(const QueryStore&) = delete;
  QueryStore& operator=(const QueryStore&) = delete;

  std::filesystem::path dir = make_temp_dir();
  std::unique_ptr<ModelStore> models;
};

// availability() over 7 days for one doctor of a store holding 200,000 applied events.
void BM_AvailabilityQuery(benchmark::State& state) {
  QueryStore store;
  const dm::LocalDate from(date::year{2027} / 3 / 1);
  std::int64_t slots = 0;
  int d = 0;
  for (auto _ : state) {
    auto v = availability(*store.models, "dr-" + std::to_string(d++ % kDoctors), from,
                          from + date::days(6), kBase);
    if (!v.ok()) state.SkipWithError("query failed");
    slots += static_cast<std::int64_t>(v->slots.size());
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["slots_per_query"] =
      static_cast<double>(slots) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_AvailabilityQuery)->Unit(benchmark::kMicrosecond);

// appointments() clinic-wide, as an administrator pages it, over a store holding 200,000 applied
// events of 100 doctors: Arg 0 the first page of every status, 1 the first page of one status,
// 2 the 20th page of one status, 3 one local day of every doctor.
void BM_ClinicAppointmentsQuery(benchmark::State& state) {
  QueryStore store;
  AppointmentFilter filter;
  Paging paging;
  switch (state.range(0)) {
    case 1:
      filter.status = dm::AppointmentStatus::completed;
      break;
    case 2:
      filter.status = dm::AppointmentStatus::completed;
      paging.page = 20;
      break;
    case 3:
      filter.date = dm::LocalDate(date::year{2027} / 3 / 2);
      break;
    default:
      break;
  }
  std::int64_t items = 0;
  std::int64_t total = 0;
  for (auto _ : state) {
    const AppointmentPage page = appointments(*store.models, filter, paging);
    items += static_cast<std::int64_t>(page.items.size());
    total = page.total;
    benchmark::DoNotOptimize(page);
  }
  if (items == 0) state.SkipWithError("the query found nothing");
  state.SetItemsProcessed(state.iterations());
  state.counters["total"] = static_cast<double>(total);
}
BENCHMARK(BM_ClinicAppointmentsQuery)->Unit(benchmark::kMicrosecond)->DenseRange(0, 3);

}  // namespace
}  // namespace docket::projections

BENCHMARK_MAIN();
