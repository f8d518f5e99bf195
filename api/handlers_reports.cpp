// The queue, waitlist, statistics and log endpoints of api/handlers_queries.hpp.

#include <algorithm>
#include <limits>
#include <utility>

#include "api/entity_id.hpp"
#include "api/error_map.hpp"
#include "api/handlers_queries.hpp"
#include "api/read_side.hpp"
#include "domain/calendar.hpp"
#include "projections/queries.hpp"

namespace docket::api {

namespace {

using nlohmann::json;
namespace pj = docket::projections;

constexpr std::int64_t max_events_limit = 1000;
constexpr std::int64_t default_events_limit = 100;

const std::vector<Role> doctor_or_staff{Role::doctor, Role::receptionist, Role::admin};
const std::vector<Role> admin_only{Role::admin};

// A doctor reads only its own queue, waitlist and statistics; staff read any.
std::optional<Problem> own_doctor_or_staff(const Principal& who, std::string_view doctor_id) {
  if (is_staff(who) || (who.role == Role::doctor && who.sub == doctor_id)) return std::nullopt;
  return make_problem(domain::errc::forbidden, "Only this doctor and staff may read this.");
}

Reply doctor_queue(const HandlerContext& ctx, const Call& call) {
  const std::string id(call.path.get("id"));
  auto date = query_date(call.query, "date");
  if (!date) return Reply::problem(date.error());
  if (auto p = own_doctor_or_staff(*call.who, id)) return Reply::problem(*p);
  if (auto p = await_min_position(ctx, call)) return Reply::problem(*p);
  auto models = serving_models(ctx);
  if (!models) return Reply::problem(models.error());
  const pj::ReadView view(**models);
  auto doctor = pj::doctor(view, id);
  if (!doctor) return Reply::problem(to_problem(doctor.error(), domain::errc::doctor_not_found));
  domain::LocalDate day;
  if (date->has_value()) {
    day = **date;
  } else {
    const date::time_zone* zone = domain::find_zone(doctor->record.profile.timezone);
    if (zone == nullptr) return Reply::problem(make_problem(api_errc::internal, "Internal error."));
    day = domain::local_date_of(ctx.service->now(), *zone);
  }
  auto entries = pj::queue(view, id, day);
  if (!entries) return Reply::problem(to_problem(entries.error(), domain::errc::doctor_not_found));
  json out = pj::queue_json(*entries);
  // As the command replies show it: no place in the queue once an entry is no longer waiting.
  for (auto& e : out["entries"]) {
    if (e["position"] == 0) {
      e["position"] = nullptr;
      e["estimated_wait_minutes"] = nullptr;
    }
  }
  out["doctor_id"] = id;
  out["date"] = domain::format_local_date(day);
  return Reply::ok(out);
}

Reply waitlist_entry(const HandlerContext& ctx, const Call& call) {
  if (auto p = await_min_position(ctx, call)) return Reply::problem(*p);
  auto models = serving_models(ctx);
  if (!models) return Reply::problem(models.error());
  auto entry = pj::waitlist_entry(**models, call.path.get("id"));
  if (!entry) return Reply::problem(to_problem(entry.error()));
  const Principal& who = *call.who;
  const bool mine = (who.role == Role::patient && who.sub == entry->entry.patient_id) ||
                    (who.role == Role::doctor && who.sub == entry->entry.doctor_id);
  if (!mine && !is_staff(who)) {
    return Reply::problem(make_problem(domain::errc::forbidden,
                                       "Only its patient, its doctor and staff may read this."));
  }
  return Reply::ok(pj::to_json(*entry));
}

Reply doctor_waitlist(const HandlerContext& ctx, const Call& call) {
  const std::string id(call.path.get("id"));
  auto paging = read_paging(call.query);
  if (!paging) return Reply::problem(paging.error());
  if (auto p = own_doctor_or_staff(*call.who, id)) return Reply::problem(*p);
  if (auto p = await_min_position(ctx, call)) return Reply::problem(*p);
  auto models = serving_models(ctx);
  if (!models) return Reply::problem(models.error());
  const pj::ReadView view(**models);
  if (auto doctor = pj::doctor(view, id); !doctor) {
    return Reply::problem(to_problem(doctor.error(), domain::errc::doctor_not_found));
  }
  constexpr std::int64_t max_page = std::numeric_limits<int>::max();
  const pj::WaitlistPage page = pj::doctor_waitlist(
      view, id,
      {static_cast<int>(std::min(paging->page, max_page)), static_cast<int>(paging->per_page)});
  json out = pj::to_json(page);
  out["doctor_id"] = id;
  return Reply::ok(out);
}

Reply doctor_stats(const HandlerContext& ctx, const Call& call) {
  const std::string id(call.path.get("id"));
  if (auto p = own_doctor_or_staff(*call.who, id)) return Reply::problem(*p);
  if (auto p = await_min_position(ctx, call)) return Reply::problem(*p);
  auto models = serving_models(ctx);
  if (!models) return Reply::problem(models.error());
  auto stats = pj::doctor_stats(**models, id, ctx.service->now());
  if (!stats) return Reply::problem(to_problem(stats.error(), domain::errc::doctor_not_found));
  json out = pj::to_json(*stats);
  out["doctor_id"] = id;
  return Reply::ok(out);
}

Reply clinic_stats(const HandlerContext& ctx, const Call& call) {
  auto from = query_date(call.query, "from");
  if (!from) return Reply::problem(from.error());
  auto to = query_date(call.query, "to");
  if (!to) return Reply::problem(to.error());
  if (from->has_value() != to->has_value()) {
    const std::string missing = from->has_value() ? "to" : "from";
    return Reply::problem(
        make_problem(domain::errc::invalid_field, "from and to are given together", missing));
  }
  if (from->has_value() && **to < **from) {
    return Reply::problem(
        make_problem(domain::errc::out_of_range, "to must not be before from", "to"));
  }
  if (auto p = await_min_position(ctx, call)) return Reply::problem(*p);
  auto models = serving_models(ctx);
  if (!models) return Reply::problem(models.error());
  return Reply::ok(pj::to_json(pj::clinic_stats(**models, ctx.service->now(), *from, *to)));
}

// Reads the log itself, which every acknowledged write is in already: Docket-Min-Position is
// checked for shape but never waited on. A commit is never split, so a page ends at a commit
// boundary; only a single commit larger than `limit` makes a page longer than `limit`.
Reply log_events(const HandlerContext& ctx, const Call& call) {
  auto after_text = query_value(call.query, "after");
  if (!after_text) return Reply::problem(after_text.error());
  eventstore::Position after;
  if (after_text->has_value()) {
    auto parsed = eventstore::Position::from_token(**after_text);
    if (!parsed) {
      return Reply::problem(
          make_problem(domain::errc::invalid_field, "after must be a position token", "after"));
    }
    after = std::move(*parsed);
  }
  auto limit = query_integer(call.query, "limit", 1, max_events_limit);
  if (!limit) return Reply::problem(limit.error());
  if (auto wanted = requested_min_position(call); !wanted) return Reply::problem(wanted.error());
  const auto max_events = static_cast<std::size_t>(limit->value_or(default_events_limit));
  auto batch = ctx.log->read_all(after, max_events);
  if (!batch) {
    return Reply::problem(make_problem(api_errc::unavailable, "The event log is unavailable."));
  }
  json events = json::array();
  eventstore::Position next = after;
  for (const auto& commit : batch->commits) {
    if (!events.empty() && events.size() + commit.events.size() > max_events) break;
    for (const auto& e : commit.events)
      events.push_back(eventstore::to_cloudevent(e));
    next = commit.position;
  }
  if (batch->commits.empty()) next = batch->next;
  return Reply::ok({{"events", std::move(events)}, {"next", next.to_token()}});
}

}  // namespace

void add_report_routes(RouteTable& table, const HandlerContext& context) {
  const HandlerContext* ctx = &context;
  const auto bind = [ctx](Reply (*fn)(const HandlerContext&, const Call&)) {
    return [ctx, fn](const Call& call) { return fn(*ctx, call); };
  };
  table.add({Method::get, "/v1/doctors/{id}/queue", Auth::token, doctor_or_staff, BodyRule::none,
             bind(doctor_queue)});
  table.add(
      {Method::get, "/v1/waitlist/{id}", Auth::token, {}, BodyRule::none, bind(waitlist_entry)});
  table.add({Method::get, "/v1/doctors/{id}/waitlist", Auth::token, doctor_or_staff, BodyRule::none,
             bind(doctor_waitlist)});
  table.add({Method::get, "/v1/doctors/{id}/stats", Auth::token, doctor_or_staff, BodyRule::none,
             bind(doctor_stats)});
  table.add(
      {Method::get, "/v1/stats", Auth::token, admin_only, BodyRule::none, bind(clinic_stats)});
  table.add({Method::get, "/v1/events", Auth::token, admin_only, BodyRule::none, bind(log_events)});
}

}  // namespace docket::api
