// Embedded event log: durable (fsynced, group-committed) append rate and latency with 1, 16 and
// 64 concurrent appenders, and a full read_all scan with JSON decoding. Figures: bench/README.md.

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "eventstore/embedded_log.hpp"

// Under `valgrind --tool=callgrind --instr-atstart=no` only the scans are instrumented, so the
// fill runs at (nearly) native speed. Outside valgrind the macros cost a few instructions.
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

namespace docket::eventstore {
namespace {

std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "docket-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

// A realistic booking event: ids, a slot, a consultation type and an encrypted free-text field.
AppendRequest booking(const std::string& stream, std::uint64_t expected, std::uint64_t n) {
  AppendRequest r;
  r.stream = stream;
  r.expected_version = expected;
  r.events.push_back(NewEvent{
      "docket.appointment.booked.v1",
      "apt-" + std::to_string(n),
      {{"appointment_id", "apt-" + std::to_string(n)},
       {"doctor_id", stream.substr(7)},
       {"patient_id", "patient-" + std::to_string(n % 9973)},
       {"start", "2027-03-01T09:00:00Z"},
       {"end", "2027-03-01T09:15:00Z"},
       {"consultation_type", "in_person"},
       {"reason", {{"ciphertext", "q7VbGk1v0d3mR2xL9pYtZs8wHc4nJf6aEo5uKi"}, {"key_id", "pk-17"}}},
       {"hold_id", nullptr}}});
  r.metadata.time = domain::Instant(std::chrono::seconds(1'800'000'000));
  r.metadata.actor = {"user-" + std::to_string(n % 501), "patient"};
  r.metadata.correlation_id = "req-" + std::to_string(n);
  return r;
}

// --- durable appends ---------------------------------------------------------------------------

struct AppendFixture {
  std::filesystem::path dir;
  std::unique_ptr<EventLog> log;
  std::unique_ptr<std::barrier<>> done;
  std::mutex mutex;
  std::vector<double> latencies_us;
};
AppendFixture* g_append = nullptr;

void append_setup(const benchmark::State& state) {
  g_append = new AppendFixture;
  g_append->dir = make_temp_dir();
  auto log = open_embedded_log({g_append->dir});
  if (!log.ok()) std::abort();
  g_append->log = std::move(*log);
  g_append->done = std::make_unique<std::barrier<>>(state.threads());
}

void append_teardown(const benchmark::State&) {
  g_append->log->close();
  std::filesystem::remove_all(g_append->dir);
  delete g_append;
  g_append = nullptr;
}

void BM_DurableAppend(benchmark::State& state) {
  EventLog& log = *g_append->log;
  const std::string stream = "doctor-" + std::to_string(state.thread_index());
  std::uint64_t version = 0;
  std::vector<double> latencies;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto r = log.append(booking(stream, version, version));
    const auto end = std::chrono::steady_clock::now();
    if (!r.ok()) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
    version = r->last_version;
    latencies.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  state.SetItemsProcessed(state.iterations());
  {
    std::lock_guard lock(g_append->mutex);
    g_append->latencies_us.insert(g_append->latencies_us.end(), latencies.begin(), latencies.end());
  }
  g_append->done->arrive_and_wait();
  if (state.thread_index() == 0) {
    // Counters are summed over threads: only thread 0 reports, over every thread's samples.
    auto& all = g_append->latencies_us;
    if (!all.empty()) {
      std::sort(all.begin(), all.end());
      state.counters["p50_us"] = all[all.size() / 2];
      state.counters["p99_us"] = all[std::min(all.size() - 1, all.size() * 99 / 100)];
    }
  }
}
BENCHMARK(BM_DurableAppend)
    ->Setup(append_setup)
    ->Teardown(append_teardown)
    ->Threads(1)
    ->Threads(16)
    ->Threads(64)
    ->MinTime(3.0)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// --- scan with decoding ------------------------------------------------------------------------

constexpr std::uint64_t kScanEvents = 100'000;

struct ScanFixture {
  std::filesystem::path dir;
  std::unique_ptr<EventLog> log;
};
ScanFixture* g_scan = nullptr;

// Fills the log with kScanEvents single-event commits over 1,000 streams, many appends in flight.
void scan_setup(const benchmark::State&) {
  g_scan = new ScanFixture;
  g_scan->dir = make_temp_dir();
  auto log = open_embedded_log({g_scan->dir});
  if (!log.ok()) std::abort();
  g_scan->log = std::move(*log);
  std::mutex mutex;
  std::condition_variable cv;
  std::uint64_t in_flight = 0;
  std::atomic<bool> failed{false};
  for (std::uint64_t n = 0; n < kScanEvents; ++n) {
    {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return in_flight < 4096; });
      ++in_flight;
    }
    // Appends to one stream are validated in queue order, so expected versions may run ahead.
    g_scan->log->append_async(booking("doctor-" + std::to_string(n % 1000), n / 1000, n),
                              [&](Result<AppendResult> r) {
                                if (!r.ok()) failed = true;
                                std::lock_guard lock(mutex);
                                --in_flight;
                                cv.notify_one();
                              });
  }
  std::unique_lock lock(mutex);
  cv.wait(lock, [&] { return in_flight == 0; });
  if (failed) std::abort();
}

void scan_teardown(const benchmark::State&) {
  g_scan->log->close();
  std::filesystem::remove_all(g_scan->dir);
  delete g_scan;
  g_scan = nullptr;
}

void BM_ReadAllDecode(benchmark::State& state) {
  const auto page = static_cast<std::size_t>(state.range(0));
  std::uint64_t events = 0;
  CALLGRIND_START_INSTRUMENTATION;
  for (auto _ : state) {
    Position at;
    while (true) {
      auto batch = g_scan->log->read_all(at, page);
      if (!batch.ok()) {
        state.SkipWithError(batch.error().message.c_str());
        return;
      }
      if (batch->commits.empty()) break;
      for (const Commit& c : batch->commits)
        events += c.events.size();
      at = batch->next;
    }
  }
  CALLGRIND_STOP_INSTRUMENTATION;
  if (events != kScanEvents * state.iterations()) state.SkipWithError("scan missed events");
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}
// Argument: commits per read_all page.
BENCHMARK(BM_ReadAllDecode)
    ->Arg(100)
    ->Arg(1000)
    ->Setup(scan_setup)
    ->Teardown(scan_teardown)
    ->MinTime(2.0)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace docket::eventstore

BENCHMARK_MAIN();
