#include "app/rebuild.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>

#include "app/log_spec.hpp"
#include "projections/projection_store.hpp"
#include "projections/rebuild.hpp"

namespace docket::app {

namespace {

std::uint64_t sum(const eventstore::Position& p) {
  return std::accumulate(p.offsets().begin(), p.offsets().end(), std::uint64_t{0});
}

// "12,345,678": long counts stay readable on a progress line.
std::string grouped(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Redraws at most every 200 ms, and always the final state.
class ProgressLine {
 public:
  ProgressLine(std::ostream& err, std::uint64_t head) : err_(err), head_(head) {}
  void update(const projections::RebuildProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (!p.done && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const auto at = eventstore::Position::from_token(p.position);
    const std::uint64_t reached = at ? sum(*at) : 0;
    const double percent =
        head_ == 0 ? 100.0 : 100.0 * static_cast<double>(std::min(reached, head_)) / head_;
    char line[160];
    std::snprintf(line, sizeof line, "\rrebuild: %5.1f%%  %s events applied  %.0f events/s   ",
                  percent, grouped(p.events_applied).c_str(), p.events_per_second);
    err_ << line << std::flush;
    drawn_ = true;
  }
  void finish() {
    if (drawn_) err_ << "\n";
  }

 private:
  std::ostream& err_;
  std::uint64_t head_;
  std::chrono::steady_clock::time_point last_{};
  bool drawn_ = false;
};

}  // namespace

int run_rebuild(eventstore::EventLog& log, const std::filesystem::path& directory,
                const std::vector<std::string>& projections, std::ostream& out, std::ostream& err) {
  projections::ModelSet models =
      projections.empty() ? projections::ModelSet::all() : projections::ModelSet();
  for (const std::string& name : projections) {
    const auto model = projections::parse_model(name);
    if (!model) {
      err << "docket rebuild: unknown projection '" << name
          << "' (doctors, availability, appointments, queues, stats, history)\n";
      return 2;
    }
    models = models.with(*model);
  }
  auto head = log.head();
  if (!head.ok()) {
    err << "docket rebuild: cannot read the log's head: " << head.error().message << "\n";
    return 1;
  }
  auto store = projections::ProjectionStore::open(directory);
  if (!store.ok()) {
    err << "docket rebuild: cannot open the read models in " << directory.string() << ": "
        << store.error().message << "\n";
    return 1;
  }
  ProgressLine line(err, sum(*head));
  projections::RebuildOptions options;
  options.models = models;
  projections::RebuildProgress last;
  options.progress = [&](const projections::RebuildProgress& p) {
    last = p;
    line.update(p);
  };
  const auto started = std::chrono::steady_clock::now();
  const projections::Status done = projections::rebuild(log, *store.value(), options);
  line.finish();
  if (!done.ok()) {
    err << "docket rebuild: failed: " << projections::to_string(done.error().code) << ": "
        << done.error().message << "\n";
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out << "rebuilt";
  for (const projections::Model m : models.list())
    out << " " << projections::to_string(m);
  out << ": " << last.events_applied << " events in " << seconds << " s, position "
      << store.value()->current()->checkpoint().to_token() << "\n";
  return 0;
}

int run_rebuild(const RebuildCommandOptions& options, std::ostream& out, std::ostream& err) {
  const LogSpecResult spec = parse_log_spec(options.log);
  if (!spec.error.empty()) {
    err << "docket rebuild: " << spec.error << "\n";
    return 2;
  }
  if (!spec.spec.kafka && !std::filesystem::exists(options.data / "log")) {
    err << "docket rebuild: no event log in " << (options.data / "log").string() << "\n";
    return 1;
  }
  auto log = open_event_log(spec.spec, options.data);
  if (!log.ok()) {
    err << "docket rebuild: cannot open the event log (is docket serve running on this data "
           "directory? then use POST /v1/admin/projections/rebuild): "
        << log.error().message << "\n";
    return 1;
  }
  const int status =
      run_rebuild(*log.value(), options.data / "projections", options.projections, out, err);
  log.value()->close();
  return status;
}

}  // namespace docket::app
