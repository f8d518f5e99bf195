#pragma once
// A small Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms
// with labels. Registration takes a lock and returns a reference that stays valid for the
// registry's lifetime; updating a series is a few relaxed atomic operations, so hot paths
// register once and keep the reference.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace docket::api::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count. Thread-safe, lock-free.
class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down. Thread-safe, lock-free.
class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Default histogram bounds for request latency in seconds: 100 µs to 10 s.
std::vector<double> latency_buckets();

// Observations counted into fixed buckets (upper bounds, ascending) plus +Inf, with their sum.
// Thread-safe, lock-free; a scrape during updates may see the sum and the buckets one
// observation apart, which Prometheus tolerates.
class Histogram {
 public:
  // Precondition: `bounds` strictly ascending and finite.
  explicit Histogram(std::vector<double> bounds);
  void observe(double value) noexcept;

  const std::vector<double>& bounds() const noexcept { return bounds_; }
  // Per bucket (not cumulative); the last entry is the +Inf bucket.
  std::vector<std::uint64_t> bucket_counts() const;
  std::uint64_t count() const noexcept;
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0.0};
};

// Owns every series. Thread-safe: registration and render() lock; series updates do not.
class Registry {
 public:
  Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry();

  // The series `name{labels}`, created on first use; the same name and labels (in the same
  // order) give the same series. Preconditions (programmer errors, std::logic_error): `name` and
  // label names are valid Prometheus names, a name keeps one type, a histogram name keeps one
  // set of bounds. `help` is taken from the first registration of the name.
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, const Labels& labels = {},
                       std::vector<double> bounds = latency_buckets());

  // Every family in registration order, each series in registration order, in the Prometheus
  // text format (content type text/plain; version=0.0.4).
  std::string render() const;

 private:
  struct Family;
  Family& family(std::string_view name, std::string_view help, int type);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;
};

// The content type of Registry::render().
inline constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace docket::api::metrics
