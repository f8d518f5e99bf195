#include "api/handlers_downstream.hpp"

#include <charconv>
#include <map>

#include "api/error_map.hpp"

namespace docket::api {

namespace {

using nlohmann::json;

const std::vector<Role> readers{Role::patient, Role::receptionist, Role::admin};
const std::vector<Role> admin_only{Role::admin};

Reply unavailable(std::string detail) {
  return Reply::problem(make_problem(api_errc::unavailable, std::move(detail)));
}

Reply no_downstream() {
  return unavailable("The downstream consumers do not run in this process.");
}

json page_json(std::string_view items_name, json items, const Paging& paging, std::uint64_t total) {
  return {{std::string(items_name), std::move(items)},
          {"page", paging.page},
          {"per_page", paging.per_page},
          {"total", total}};
}

json notification_json(const NotificationView& n) {
  json deliveries = json::array();
  for (const auto& d : n.deliveries) {
    deliveries.push_back({{"channel", d.channel},
                          {"state", d.state},
                          {"attempts", d.attempts},
                          {"last_error", d.last_error.empty() ? json() : json(d.last_error)}});
  }
  return {{"id", n.id},
          {"type", n.type},
          {"occurred_at", n.occurred_at},
          {"patient_id", n.patient_id.empty() ? json() : json(n.patient_id)},
          {"data", n.data},
          {"state", n.state},
          {"attempts", n.attempts},
          {"deliveries", std::move(deliveries)}};
}

Reply list_notifications(const HandlerContext& ctx, const Call& call) {
  auto patient = query_value(call.query, "patient_id");
  if (!patient) return Reply::problem(patient.error());
  auto paging = read_paging(call.query);
  if (!paging) return Reply::problem(paging.error());
  std::optional<std::string> patient_id = *patient;
  if (call.who->role == Role::patient) {
    // A patient sees its own notifications only; naming another patient is refused.
    if (patient_id && *patient_id != call.who->sub) {
      return Reply::problem(make_problem(
          domain::errc::forbidden, "A patient sees its own notifications only.", "patient_id"));
    }
    patient_id = call.who->sub;
  }
  if (ctx.downstream == nullptr) return no_downstream();
  auto page =
      ctx.downstream->notifications(patient_id, static_cast<std::uint64_t>(paging->offset()),
                                    static_cast<std::uint64_t>(paging->per_page));
  if (!page) return unavailable(page.error().detail);
  json items = json::array();
  for (const auto& n : page->items)
    items.push_back(notification_json(n));
  return Reply::ok(page_json("notifications", std::move(items), *paging, page->total));
}

Reply list_dead_letters(const HandlerContext& ctx, const Call& call) {
  auto paging = read_paging(call.query);
  if (!paging) return Reply::problem(paging.error());
  if (ctx.downstream == nullptr) return no_downstream();
  auto page = ctx.downstream->dead_letters(static_cast<std::uint64_t>(paging->offset()),
                                           static_cast<std::uint64_t>(paging->per_page));
  if (!page) return unavailable(page.error().detail);
  json items = json::array();
  for (const auto& d : page->items) {
    items.push_back({{"seq", d.seq},
                     {"message_id", d.message_id},
                     {"type", d.type},
                     {"patient_id", d.patient_id.empty() ? json() : json(d.patient_id)},
                     {"destination", d.destination},
                     {"attempts", d.attempts},
                     {"last_error", d.last_error}});
  }
  return Reply::ok(page_json("dead_letters", std::move(items), *paging, page->total));
}

Reply retry_dead_letter(const HandlerContext& ctx, const Call& call) {
  const std::string_view text = call.path.get("seq");
  std::uint64_t seq = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seq);
  if (ec != std::errc{} || end != text.data() + text.size() || seq == 0) {
    return Reply::problem(make_problem(domain::errc::not_found, "No such dead letter."));
  }
  if (!call.body.empty()) {
    return Reply::problem(make_problem(api_errc::unknown_field, "This action takes no fields.",
                                       call.body.begin().key()));
  }
  if (ctx.downstream == nullptr) return no_downstream();
  auto retried = ctx.downstream->retry_dead_letter(seq);
  if (!retried) return unavailable(retried.error().detail);
  if (!*retried)
    return Reply::problem(make_problem(domain::errc::not_found, "No such dead letter."));
  return Reply::ok({{"seq", seq}, {"state", "pending"}});
}

Reply analytics_daily(const HandlerContext& ctx, const Call& call) {
  auto from = query_date(call.query, "from");
  if (!from) return Reply::problem(from.error());
  auto to = query_date(call.query, "to");
  if (!to) return Reply::problem(to.error());
  auto group = query_value(call.query, "group_by");
  if (!group) return Reply::problem(group.error());
  if (!from->has_value()) {
    return Reply::problem(make_problem(domain::errc::invalid_field, "from is required.", "from"));
  }
  if (!to->has_value()) {
    return Reply::problem(make_problem(domain::errc::invalid_field, "to is required.", "to"));
  }
  FactGrouping by = FactGrouping::doctor;
  if (group->has_value()) {
    if (**group == "specialty") {
      by = FactGrouping::specialty;
    } else if (**group != "doctor") {
      return Reply::problem(make_problem(domain::errc::invalid_field,
                                         "group_by is doctor or specialty.", "group_by"));
    }
  }
  if (**to < **from) {
    return Reply::problem(make_problem(domain::errc::out_of_range, "to is before from.", "to"));
  }
  if ((**to - **from).count() >= max_analytics_days) {
    return Reply::problem(
        make_problem(domain::errc::range_too_large, "At most 366 days per request.", "to"));
  }
  if (ctx.downstream == nullptr) return no_downstream();
  auto days = ctx.downstream->analytics_daily(**from, **to, by);
  if (!days) return unavailable(days.error().detail);
  json out_days = json::array();
  std::map<std::string, std::map<std::string, std::int64_t>> totals;
  for (const auto& day : *days) {
    json groups = json::array();
    for (const auto& g : day.groups) {
      json row = {{"group", g.group}};
      for (const auto& [name, n] : g.counts) {
        row[name] = n;
        totals[g.group][name] += n;
      }
      groups.push_back(std::move(row));
    }
    out_days.push_back(
        {{"date", domain::format_local_date(day.date)}, {"groups", std::move(groups)}});
  }
  json out_totals = json::array();
  for (const auto& [group, counts] : totals) {
    json row = {{"group", group}};
    for (const auto& [name, n] : counts)
      row[name] = n;
    out_totals.push_back(std::move(row));
  }
  return Reply::ok({{"from", domain::format_local_date(**from)},
                    {"to", domain::format_local_date(**to)},
                    {"group_by", by == FactGrouping::doctor ? "doctor" : "specialty"},
                    {"days", std::move(out_days)},
                    {"totals", std::move(out_totals)}});
}

}  // namespace

void add_downstream_routes(RouteTable& table, const HandlerContext& context) {
  const HandlerContext* ctx = &context;
  const auto bind = [ctx](Reply (*fn)(const HandlerContext&, const Call&)) {
    return [ctx, fn](const Call& call) { return fn(*ctx, call); };
  };
  table.add({Method::get, "/v1/notifications", Auth::token, readers, BodyRule::none,
             bind(list_notifications)});
  table.add({Method::get, "/v1/notifications/dead-letters", Auth::token, admin_only, BodyRule::none,
             bind(list_dead_letters)});
  table.add({Method::post, "/v1/notifications/dead-letters/{seq}/retry", Auth::token, admin_only,
             BodyRule::empty_or_object, bind(retry_dead_letter)});
  table.add({Method::get, "/v1/analytics/daily", Auth::token, admin_only, BodyRule::none,
             bind(analytics_daily)});
}

}  // namespace docket::api
