#include "api/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace docket::api::metrics {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(Metrics, CounterRendersWithLabels) {
  Registry r;
  Counter& c = r.counter("docket_things_total", "Things.", {{"kind", "a"}});
  c.inc();
  c.inc(2);
  const auto text = r.render();
  EXPECT_TRUE(has_line(text, "# HELP docket_things_total Things.")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE docket_things_total counter")) << text;
  EXPECT_TRUE(has_line(text, "docket_things_total{kind=\"a\"} 3")) << text;
}

TEST(Metrics, SameNameAndLabelsGiveTheSameSeries) {
  Registry r;
  Counter& a = r.counter("x_total", "x", {{"k", "1"}});
  Counter& b = r.counter("x_total", "x", {{"k", "1"}});
  Counter& c = r.counter("x_total", "x", {{"k", "2"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(Metrics, GaugeGoesUpAndDown) {
  Registry r;
  Gauge& g = r.gauge("docket_lag", "Lag.");
  g.set(5);
  g.add(-2.5);
  EXPECT_DOUBLE_EQ(g.value(), 2.5);
  EXPECT_TRUE(has_line(r.render(), "docket_lag 2.5"));
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Registry r;
  Histogram& h = r.histogram("lat_seconds", "Latency.", {{"route", "/x"}}, {0.1, 1.0});
  h.observe(0.05);
  h.observe(0.1);  // on the bound: counts in le="0.1"
  h.observe(0.5);
  h.observe(7);
  const auto text = r.render();
  EXPECT_TRUE(has_line(text, "# TYPE lat_seconds histogram")) << text;
  EXPECT_TRUE(has_line(text, "lat_seconds_bucket{route=\"/x\",le=\"0.1\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "lat_seconds_bucket{route=\"/x\",le=\"1\"} 3")) << text;
  EXPECT_TRUE(has_line(text, "lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4")) << text;
  EXPECT_TRUE(has_line(text, "lat_seconds_sum{route=\"/x\"} 7.65")) << text;
  EXPECT_TRUE(has_line(text, "lat_seconds_count{route=\"/x\"} 4")) << text;
}

TEST(Metrics, LatencyBucketsRenderInFixedNotation) {
  Registry r;
  r.histogram("l_seconds", "l").observe(0.00005);
  const auto text = r.render();
  EXPECT_TRUE(has_line(text, "l_seconds_bucket{le=\"0.0001\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "l_seconds_bucket{le=\"10\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "l_seconds_sum 0.00005")) << text;
}

TEST(Metrics, EscapesLabelValues) {
  Registry r;
  r.counter("e_total", "Help with \\ and\nnewline.", {{"v", "a\"b\\c\nd"}}).inc();
  const auto text = r.render();
  EXPECT_TRUE(has_line(text, "# HELP e_total Help with \\\\ and\\nnewline.")) << text;
  EXPECT_TRUE(has_line(text, "e_total{v=\"a\\\"b\\\\c\\nd\"} 1")) << text;
}

TEST(Metrics, RejectsMisuse) {
  Registry r;
  r.counter("m_total", "m");
  EXPECT_THROW(r.gauge("m_total", "m"), std::logic_error);
  EXPECT_THROW(r.counter("bad name", "m"), std::logic_error);
  EXPECT_THROW(r.counter("ok_total", "m", {{"le", "1"}}), std::logic_error);
  r.histogram("h", "h", {}, {1, 2});
  EXPECT_THROW(r.histogram("h", "h", {{"a", "b"}}, {1, 3}), std::logic_error);
  EXPECT_THROW(Histogram({2, 1}), std::logic_error);
}

TEST(Metrics, ConcurrentUpdatesAreAllCounted) {
  Registry r;
  Counter& c = r.counter("c_total", "c");
  Histogram& h = r.histogram("h_seconds", "h");
  constexpr int threads = 4;
  constexpr int per_thread = 20000;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        c.inc();
        h.observe(0.001);
      }
    });
  }
  for (auto& t : pool)
    t.join();
  EXPECT_EQ(c.value(), static_cast<std::uint64_t>(threads * per_thread));
  EXPECT_EQ(h.count(), static_cast<std::uint64_t>(threads * per_thread));
}

}  // namespace
}  // namespace docket::api::metrics
