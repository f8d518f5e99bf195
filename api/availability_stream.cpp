#include "api/availability_stream.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "api/availability_json.hpp"
#include "api/entity_id.hpp"
#include "api/error_map.hpp"
#include "api/read_side.hpp"
#include "projections/projection_store.hpp"
#include "projections/queries.hpp"

namespace docket::api {

AvailabilityStreams::AvailabilityStreams(AvailabilityStreamOptions options) : options_(options) {}

AvailabilityStreams::~AvailabilityStreams() {
  close();
}

void AvailabilityStreams::notify(const std::vector<eventstore::Commit>& commits,
                                 const eventstore::Position&) {
  bool woke = false;
  {
    const std::lock_guard lock(mu_);
    if (subs_.empty()) return;
    for (Subscription* s : subs_) {
      if (s->dirty_) continue;
      s->dirty_ = std::any_of(commits.begin(), commits.end(),
                              [s](const eventstore::Commit& c) { return c.stream == s->stream_; });
      woke = woke || s->dirty_;
    }
  }
  if (woke) cv_.notify_all();
}

void AvailabilityStreams::close() {
  {
    const std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

std::size_t AvailabilityStreams::active() const {
  const std::lock_guard lock(mu_);
  return subs_.size();
}

std::unique_ptr<AvailabilityStreams::Subscription> AvailabilityStreams::subscribe(
    const std::string& doctor_id) {
  const std::lock_guard lock(mu_);
  if (closed_ || subs_.size() >= options_.max_streams) return nullptr;
  std::unique_ptr<Subscription> sub(new Subscription(*this, "doctor-" + doctor_id));
  subs_.push_back(sub.get());
  return sub;
}

AvailabilityStreams::Subscription::Subscription(AvailabilityStreams& hub, std::string stream)
    : hub_(hub), stream_(std::move(stream)) {}

AvailabilityStreams::Subscription::~Subscription() {
  const std::lock_guard lock(hub_.mu_);
  hub_.subs_.erase(std::remove(hub_.subs_.begin(), hub_.subs_.end(), this), hub_.subs_.end());
}

AvailabilityStreams::Subscription::Wake AvailabilityStreams::Subscription::wait(
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(hub_.mu_);
  hub_.cv_.wait_for(lock, timeout, [this] { return dirty_ || hub_.closed_; });
  if (hub_.closed_) return Wake::closed;
  if (!dirty_) return Wake::idle;
  dirty_ = false;
  return Wake::changed;
}

namespace {

namespace pj = docket::projections;
using nlohmann::json;

struct StreamWindow {
  std::string doctor_id;
  domain::LocalDate from;
  domain::LocalDate to;
};

// The window's slots as the serving read models have them, and the position they cover (read
// before the snapshot, so the snapshot covers at least that much).
struct Reading {
  eventstore::Position position;
  pj::AvailabilityView view;
};

std::optional<Reading> read_window(const HandlerContext& ctx, const StreamWindow& w) {
  auto models = serving_models(ctx);
  if (!models) return std::nullopt;
  Reading out;
  out.position = (*models)->checkpoint();
  const pj::ReadView view(**models);
  auto slots = pj::availability(view, w.doctor_id, w.from, w.to, ctx.service->now());
  if (!slots) return std::nullopt;
  out.view = std::move(slots).value();
  return out;
}

bool same_state(const pj::SlotView& a, const pj::SlotView& b) {
  return a.end == b.end && a.capacity == b.capacity && a.booked == b.booked && a.held == b.held &&
         a.available == b.available && a.status == b.status;
}

std::string sse_event(const eventstore::Position& position, const pj::AvailabilityView& view) {
  return "id: " + position.to_token() + "\nevent: slots\ndata: " + availability_body(view) + "\n\n";
}

// Whether the log holds a commit of `stream` after `since`, reading at most `limit` commits up to
// `until`; true when that cannot be told (a log error, or more than `limit` commits to read).
bool changed_since(eventstore::EventLog& log, const std::string& stream, eventstore::Position since,
                   const eventstore::Position& until, std::size_t limit) {
  std::size_t read = 0;
  while (!since.covers(until)) {
    auto batch = log.read_all(since, 1000);
    if (!batch) return true;
    if (batch->commits.empty()) return false;
    for (const auto& c : batch->commits) {
      if (c.stream == stream) return true;
    }
    read += batch->commits.size();
    if (read >= limit) return true;
    since = batch->next;
  }
  return false;
}

void run_stream(const HandlerContext& ctx, const StreamWindow& window,
                AvailabilityStreams::Subscription& sub,
                const std::optional<eventstore::Position>& last_event_id,
                const StreamWrite& write) {
  std::map<domain::Instant, pj::SlotView> sent;
  auto first = read_window(ctx, window);
  if (!first) return;
  for (const auto& s : first->view.slots)
    sent.emplace(s.start, s);
  const bool resume_current =
      last_event_id && ctx.log != nullptr &&
      !changed_since(*ctx.log, "doctor-" + window.doctor_id, *last_event_id, first->position,
                     ctx.streams->options().resume_scan_commits);
  if (!write("retry: 1000\n\n")) return;
  if (!resume_current && !write(sse_event(first->position, first->view))) return;
  for (;;) {
    switch (sub.wait(ctx.streams->options().heartbeat)) {
      case AvailabilityStreams::Subscription::Wake::closed:
        return;
      case AvailabilityStreams::Subscription::Wake::idle:
        if (!write(": keep-alive\n\n")) return;
        continue;
      case AvailabilityStreams::Subscription::Wake::changed:
        break;
    }
    auto now = read_window(ctx, window);
    if (!now) continue;  // the doctor's record is gone or unreadable: wait for the next change
    pj::AvailabilityView changed;
    changed.doctor_id = now->view.doctor_id;
    changed.timezone = now->view.timezone;
    for (const auto& s : now->view.slots) {
      auto [it, inserted] = sent.try_emplace(s.start, s);
      if (!inserted && same_state(it->second, s)) continue;
      it->second = s;
      changed.slots.push_back(s);
    }
    if (changed.slots.empty()) continue;
    if (!write(sse_event(now->position, changed))) return;
  }
}

Reply stream_availability(const HandlerContext& ctx, const Call& call) {
  const std::string id(call.path.get("id"));
  auto from = query_date(call.query, "from");
  if (!from) return Reply::problem(from.error());
  auto to = query_date(call.query, "to");
  if (!to) return Reply::problem(to.error());
  std::optional<eventstore::Position> last_event_id;
  if (call.http.has_header("Last-Event-ID")) {
    last_event_id = eventstore::Position::from_token(call.http.get_header_value("Last-Event-ID"));
    if (!last_event_id) {
      return Reply::problem(make_problem(domain::errc::invalid_field,
                                         "Last-Event-ID must be an event id of this stream",
                                         "Last-Event-ID"));
    }
  }
  if (!is_doctor_id(id)) {
    return Reply::problem(make_problem(domain::errc::doctor_not_found, "No such doctor."));
  }
  if (auto p = await_min_position(ctx, call)) return Reply::problem(*p);
  auto models = serving_models(ctx);
  if (!models) return Reply::problem(models.error());
  if (ctx.streams == nullptr) {
    return Reply::problem(make_problem(api_errc::unavailable, "Streams are not enabled."));
  }
  StreamWindow window{id, {}, {}};
  {
    const pj::ReadView view(**models);
    auto range = availability_range(view, id, *from, *to, ctx.service->now());
    if (!range) return Reply::problem(range.error());
    window.from = range->first;
    window.to = range->second;
  }
  std::shared_ptr<AvailabilityStreams::Subscription> sub = ctx.streams->subscribe(id);
  if (!sub) {
    return Reply::problem(
        make_problem(api_errc::unavailable, "Too many availability streams are open; retry."));
  }
  Reply r;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Accel-Buffering", "no");
  r.stream = [ctx = &ctx, window = std::move(window), sub = std::move(sub),
              last_event_id = std::move(last_event_id)](const StreamWrite& write) {
    run_stream(*ctx, window, *sub, last_event_id, write);
  };
  return r;
}

}  // namespace

void add_stream_routes(RouteTable& table, const HandlerContext& context) {
  const HandlerContext* ctx = &context;
  table.add({Method::get,
             "/v1/doctors/{id}/availability/stream",
             Auth::token,
             {},
             BodyRule::none,
             [ctx](const Call& call) { return stream_availability(*ctx, call); }});
}

}  // namespace docket::api
