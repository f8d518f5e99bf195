#include "api/handlers_queries.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "api/availability_json.hpp"
#include "api/entity_id.hpp"
#include "api/error_map.hpp"
#include "api/read_side.hpp"
#include "api/request_mapping.hpp"
#include "projections/queries.hpp"

namespace docket::api {

namespace {

using nlohmann::json;
namespace pj = docket::projections;

projections::Paging to_query_paging(const Paging& p) {
  constexpr std::int64_t max_page = std::numeric_limits<int>::max();
  return {static_cast<int>(std::min(p.page, max_page)), static_cast<int>(p.per_page)};
}

// The read models store money in minor units; the API shows it as a decimal number, like the
// command replies do.
json doctor_out(const pj::DoctorView& d) {
  json out = pj::to_json(d);
  out["consultation_fee"] = money_json(d.record.profile.consultation_fee);
  return out;
}

json appointment_out(const pj::AppointmentRecord& a) {
  json out = pj::to_json(a);
  out["fee"] = money_json(a.fee);
  return out;
}

// Whether `who` may read an appointment: its patient, its doctor, or staff.
bool may_read(const Principal& who, std::string_view patient_id, std::string_view doctor_id) {
  switch (who.role) {
    case Role::patient:
      return who.sub == patient_id;
    case Role::doctor:
      return who.sub == doctor_id;
    case Role::receptionist:
    case Role::admin:
      return true;
  }
  return false;
}

Reply forbidden(std::string detail) {
  return Reply::problem(make_problem(domain::errc::forbidden, std::move(detail)));
}

Reply list_doctors(const HandlerContext& ctx, const Call& call) {
  auto specialty = query_value(call.query, "specialty");
  if (!specialty) return Reply::problem(specialty.error());
  auto paging = read_paging(call.query);
  if (!paging) return Reply::problem(paging.error());
  if (auto p = await_min_position(ctx, call)) return Reply::problem(*p);
  auto models = serving_models(ctx);
  if (!models) return Reply::problem(models.error());
  const pj::DoctorPage page =
      pj::doctors(**models, specialty->value_or(""), to_query_paging(*paging));
  json items = json::array();
  for (const auto& d : page.items)
    items.push_back(doctor_out(d));
  return Reply::ok({{"doctors", std::move(items)},
                    {"page", page.page},
                    {"per_page", page.per_page},
                    {"total", page.total}});
}

Reply availability(const HandlerContext& ctx, const Call& call) {
  const std::string id(call.path.get("id"));
  auto from = query_date(call.query, "from");
  if (!from) return Reply::problem(from.error());
  auto to = query_date(call.query, "to");
  if (!to) return Reply::problem(to.error());
  if (!is_doctor_id(id)) {
    return Reply::problem(make_problem(domain::errc::doctor_not_found, "No such doctor."));
  }
  if (auto p = await_min_position(ctx, call)) return Reply::problem(*p);
  auto models = serving_models(ctx);
  if (!models) return Reply::problem(models.error());
  const pj::ReadView view(**models);
  auto range = availability_range(view, id, *from, *to, ctx.service->now());
  if (!range) return Reply::problem(range.error());
  auto slots = pj::availability(view, id, range->first, range->second, ctx.service->now());
  if (!slots) return Reply::problem(to_problem(slots.error(), domain::errc::doctor_not_found));
  Reply r;
  r.body = availability_body(*slots);
  return r;
}

Reply get_appointment(const HandlerContext& ctx, const Call& call) {
  if (auto p = await_min_position(ctx, call)) return Reply::problem(*p);
  auto models = serving_models(ctx);
  if (!models) return Reply::problem(models.error());
  auto a = pj::appointment(**models, call.path.get("id"));
  if (!a) return Reply::problem(to_problem(a.error()));
  if (!may_read(*call.who, a->patient_id, a->doctor_id)) {
    return forbidden("Only its patient, its doctor and staff may read this appointment.");
  }
  Reply r = Reply::ok(appointment_out(*a));
  r.headers.emplace_back("ETag", "\"" + std::to_string(a->version) + "\"");
  return r;
}

Reply appointment_history(const HandlerContext& ctx, const Call& call) {
  if (auto p = await_min_position(ctx, call)) return Reply::problem(*p);
  auto models = serving_models(ctx);
  if (!models) return Reply::problem(models.error());
  const pj::ReadView view(**models);
  const std::string_view id = call.path.get("id");
  auto a = pj::appointment(view, id);
  if (!a) return Reply::problem(to_problem(a.error()));
  if (!may_read(*call.who, a->patient_id, a->doctor_id)) {
    return forbidden("Only its patient, its doctor and staff may read this history.");
  }
  auto history = pj::appointment_history(view, id);
  if (!history) return Reply::problem(to_problem(history.error()));
  return Reply::ok(*history);
}

Reply list_appointments(const HandlerContext& ctx, const Call& call) {
  pj::AppointmentFilter filter;
  auto patient = query_value(call.query, "patient_id");
  if (!patient) return Reply::problem(patient.error());
  auto doctor = query_value(call.query, "doctor_id");
  if (!doctor) return Reply::problem(doctor.error());
  auto date = query_date(call.query, "date");
  if (!date) return Reply::problem(date.error());
  auto status = query_value(call.query, "status");
  if (!status) return Reply::problem(status.error());
  auto paging = read_paging(call.query);
  if (!paging) return Reply::problem(paging.error());
  filter.patient_id = patient->value_or("");
  filter.doctor_id = doctor->value_or("");
  filter.date = *date;
  if (status->has_value()) {
    filter.status = domain::parse_appointment_status(**status);
    if (!filter.status) {
      return Reply::problem(make_problem(
          domain::errc::invalid_field,
          "status must be one of pending, confirmed, checked_in, in_progress, completed, "
          "cancelled, rejected, no_show",
          "status"));
    }
  }
  // A patient sees only its own appointments and a doctor only its own: naming someone else is
  // refused rather than silently narrowed.
  const Principal& who = *call.who;
  if (who.role == Role::patient) {
    if (!filter.patient_id.empty() && filter.patient_id != who.sub) {
      return forbidden("A patient may list only its own appointments.");
    }
    filter.patient_id = who.sub;
  } else if (who.role == Role::doctor) {
    if (!filter.doctor_id.empty() && filter.doctor_id != who.sub) {
      return forbidden("A doctor may list only its own appointments.");
    }
    filter.doctor_id = who.sub;
  }
  if (auto p = await_min_position(ctx, call)) return Reply::problem(*p);
  auto models = serving_models(ctx);
  if (!models) return Reply::problem(models.error());
  const pj::AppointmentPage page = pj::appointments(**models, filter, to_query_paging(*paging));
  json items = json::array();
  for (const auto& a : page.items)
    items.push_back(appointment_out(a));
  return Reply::ok({{"appointments", std::move(items)},
                    {"page", page.page},
                    {"per_page", page.per_page},
                    {"total", page.total}});
}

}  // namespace

bool is_staff(const Principal& who) noexcept {
  return who.role == Role::receptionist || who.role == Role::admin;
}

void add_query_routes(RouteTable& table, const HandlerContext& context) {
  const HandlerContext* ctx = &context;
  const auto bind = [ctx](Reply (*fn)(const HandlerContext&, const Call&)) {
    return [ctx, fn](const Call& call) { return fn(*ctx, call); };
  };
  table.add({Method::get, "/v1/doctors", Auth::token, {}, BodyRule::none, bind(list_doctors)});
  table.add({Method::get,
             "/v1/doctors/{id}/availability",
             Auth::token,
             {},
             BodyRule::none,
             bind(availability)});
  table.add(
      {Method::get, "/v1/appointments", Auth::token, {}, BodyRule::none, bind(list_appointments)});
  table.add({Method::get,
             "/v1/appointments/{id}",
             Auth::token,
             {},
             BodyRule::none,
             bind(get_appointment)});
  table.add({Method::get,
             "/v1/appointments/{id}/history",
             Auth::token,
             {},
             BodyRule::none,
             bind(appointment_history)});
}

}  // namespace docket::api
