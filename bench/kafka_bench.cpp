// Kafka event log on librdkafka's in-process mock cluster: append rate and latency with 1, 16 and
// 64 concurrent appenders (each its own doctor stream, waiting for each acknowledgement, like the
// single writer per doctor), and a read_all scan. Figures: bench/README.md.

#include <librdkafka/rdkafka.h>
// rdkafka_mock.h needs rdkafka.h first.
#include <benchmark/benchmark.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "eventstore/kafka_log.hpp"

namespace docket::eventstore {
namespace {

constexpr std::int32_t kPartitions = 12;

// A mock cluster of one broker with a fresh topic; the log is opened on it.
struct MockLog {
  rd_kafka_t* owner = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  std::unique_ptr<EventLog> log;

  explicit MockLog(const std::string& topic) {
    std::array<char, 256> reason{};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "3", reason.data(), reason.size());
    owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason.data(), reason.size());
    if (owner == nullptr) std::abort();
    cluster = rd_kafka_mock_cluster_new(owner, 1);
    if (cluster == nullptr) std::abort();
    // The mock cluster does not implement CreateTopics.
    if (rd_kafka_mock_topic_create(cluster, topic.c_str(), kPartitions, 1) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::abort();
    }
    KafkaConfig config;  // defaults (linger 5 ms, idempotent, acks=all) but for the cluster
    config.bootstrap_servers = rd_kafka_mock_cluster_bootstraps(cluster);
    config.topic = topic;
    config.partitions = kPartitions;
    config.librdkafka_settings = {{"log_level", "3"}};
    auto opened = open_kafka_log(config);
    if (!opened.ok()) std::abort();
    log = std::move(opened).value();
  }
  ~MockLog() {
    log->close();
    log.reset();
    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(owner);
  }
  MockLog(const MockLog&) = delete;
  MockLog& operator=(const MockLog&) = delete;
};

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

// --- acknowledged appends -----------------------------------------------------------------------

struct AppendFixture {
  std::unique_ptr<MockLog> mock;
  std::unique_ptr<std::barrier<>> done;
  std::mutex mutex;
  std::vector<double> latencies_us;
};
AppendFixture* g_append = nullptr;
std::atomic<int> g_runs{0};

void append_setup(const benchmark::State& state) {
  g_append = new AppendFixture;
  g_append->mock = std::make_unique<MockLog>("bench-append-" + std::to_string(++g_runs));
  g_append->done = std::make_unique<std::barrier<>>(state.threads());
}

void append_teardown(const benchmark::State&) {
  delete g_append;
  g_append = nullptr;
}

void BM_KafkaAppend(benchmark::State& state) {
  EventLog& log = *g_append->mock->log;
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
BENCHMARK(BM_KafkaAppend)
    ->Setup(append_setup)
    ->Teardown(append_teardown)
    ->Threads(1)
    ->Threads(16)
    ->Threads(64)
    ->MinTime(3.0)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// --- scan with the void-commit rule and decoding ------------------------------------------------

constexpr std::uint64_t kScanCommits = 20'000;
std::unique_ptr<MockLog> g_scan;

// Fills the log with kScanCommits single-event commits over 1,000 streams, many in flight.
void scan_setup(const benchmark::State&) {
  g_scan = std::make_unique<MockLog>("bench-scan-" + std::to_string(++g_runs));
  std::mutex mutex;
  std::condition_variable cv;
  std::uint64_t in_flight = 0;
  std::atomic<bool> failed{false};
  for (std::uint64_t n = 0; n < kScanCommits; ++n) {
    {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return in_flight < 4096; });
      ++in_flight;
    }
    // The writer checks expected versions against its own in-flight commits, so they may run ahead.
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
  g_scan.reset();
}

void BM_KafkaReadAll(benchmark::State& state) {
  const auto page = static_cast<std::size_t>(state.range(0));
  std::uint64_t commits = 0;
  for (auto _ : state) {
    Position at;
    while (true) {
      auto batch = g_scan->log->read_all(at, page);
      if (!batch.ok()) {
        state.SkipWithError(batch.error().message.c_str());
        return;
      }
      if (batch->commits.empty()) break;
      commits += batch->commits.size();
      at = batch->next;
    }
  }
  if (commits != kScanCommits * state.iterations()) state.SkipWithError("scan missed commits");
  state.SetItemsProcessed(static_cast<std::int64_t>(commits));
}
// Argument: commits per read_all page.
BENCHMARK(BM_KafkaReadAll)
    ->Arg(1000)
    ->Setup(scan_setup)
    ->Teardown(scan_teardown)
    ->MinTime(2.0)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace docket::eventstore

BENCHMARK_MAIN();
