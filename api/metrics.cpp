#include "api/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace docket::api::metrics {
namespace {

enum Type { counter_type = 0, gauge_type = 1, histogram_type = 2 };

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::array<char, 64> buf{};
  // Shortest round-trip text; fixed notation ("0.0001") where it stays short, as exposition
  // output usually reads.
  const double magnitude = std::fabs(v);
  const bool fixed = magnitude == 0.0 || (magnitude >= 1e-6 && magnitude < 1e15);
  const auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), v,
                    fixed ? std::chars_format::fixed : std::chars_format::general);
  return ec == std::errc() ? std::string(buf.data(), end) : std::string("NaN");
}

void escape_into(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// {a="1",b="2"} with `extra` (le) appended; empty when there are no labels at all.
std::string label_text(const Labels& labels, std::string_view extra_name = {},
                       std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  bool first = true;
  const auto add = [&](std::string_view n, std::string_view v) {
    if (!first) out += ',';
    first = false;
    out += n;
    out += "=\"";
    escape_into(out, v, true);
    out += '"';
  };
  for (const auto& [n, v] : labels)
    add(n, v);
  if (!extra_name.empty()) add(extra_name, extra_value);
  out += '}';
  return out;
}

}  // namespace

std::vector<double> latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   5.0,  10.0};
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::logic_error("histogram bounds must be finite and strictly ascending");
    }
  }
}

void Histogram::observe(double value) noexcept {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  const auto index = static_cast<std::size_t>(it - bounds_.begin());
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::bucket_counts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = buckets_[i].load(std::memory_order_relaxed);
  }
  return out;
}

std::uint64_t Histogram::count() const noexcept {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
  }
  return total;
}

struct Registry::Family {
  std::string name;
  std::string help;
  int type = counter_type;
  std::vector<double> bounds;  // histograms only
  struct Series {
    Labels labels;
    std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>, std::unique_ptr<Histogram>>
        metric;
  };
  std::vector<Series> series;

  Series* find(const Labels& labels) {
    for (auto& s : series) {
      if (s.labels == labels) return &s;
    }
    return nullptr;
  }
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::family(std::string_view name, std::string_view help, int type) {
  if (!valid_name(name, true)) throw std::logic_error("invalid metric name");
  for (auto& f : families_) {
    if (f->name == name) {
      if (f->type != type) throw std::logic_error("metric registered with another type");
      return *f;
    }
  }
  auto f = std::make_unique<Family>();
  f->name = std::string(name);
  f->help = std::string(help);
  f->type = type;
  families_.push_back(std::move(f));
  return *families_.back();
}

namespace {
void check_labels(const Labels& labels) {
  for (const auto& [n, v] : labels) {
    if (!valid_name(n, false) || n == "le") throw std::logic_error("invalid label name");
  }
}
}  // namespace

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  check_labels(labels);
  const std::lock_guard lock(mutex_);
  Family& f = family(name, help, counter_type);
  if (auto* s = f.find(labels)) return *std::get<0>(s->metric);
  f.series.push_back({labels, std::make_unique<Counter>()});
  return *std::get<0>(f.series.back().metric);
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  check_labels(labels);
  const std::lock_guard lock(mutex_);
  Family& f = family(name, help, gauge_type);
  if (auto* s = f.find(labels)) return *std::get<1>(s->metric);
  f.series.push_back({labels, std::make_unique<Gauge>()});
  return *std::get<1>(f.series.back().metric);
}

Histogram& Registry::histogram(std::string_view name, std::string_view help, const Labels& labels,
                               std::vector<double> bounds) {
  check_labels(labels);
  const std::lock_guard lock(mutex_);
  Family& f = family(name, help, histogram_type);
  if (f.series.empty()) {
    f.bounds = bounds;
  } else if (f.bounds != bounds) {
    throw std::logic_error("histogram registered with other bounds");
  }
  if (auto* s = f.find(labels)) return *std::get<2>(s->metric);
  f.series.push_back({labels, std::make_unique<Histogram>(std::move(bounds))});
  return *std::get<2>(f.series.back().metric);
}

std::string Registry::render() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& f : families_) {
    out += "# HELP ";
    out += f->name;
    out += ' ';
    escape_into(out, f->help, false);
    out += "\n# TYPE ";
    out += f->name;
    out += f->type == counter_type ? " counter\n"
           : f->type == gauge_type ? " gauge\n"
                                   : " histogram\n";
    for (const auto& s : f->series) {
      if (f->type == counter_type) {
        out += f->name + label_text(s.labels) + ' ' +
               std::to_string(std::get<0>(s.metric)->value()) + '\n';
      } else if (f->type == gauge_type) {
        out += f->name + label_text(s.labels) + ' ' +
               format_number(std::get<1>(s.metric)->value()) + '\n';
      } else {
        const Histogram& h = *std::get<2>(s.metric);
        const auto counts = h.bucket_counts();
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          const std::string le = i < h.bounds().size() ? format_number(h.bounds()[i]) : "+Inf";
          out += f->name + "_bucket" + label_text(s.labels, "le", le) + ' ' +
                 std::to_string(cumulative) + '\n';
        }
        out += f->name + "_sum" + label_text(s.labels) + ' ' + format_number(h.sum()) + '\n';
        out += f->name + "_count" + label_text(s.labels) + ' ' + std::to_string(cumulative) + '\n';
      }
    }
  }
  return out;
}

}  // namespace docket::api::metrics
