#include "api/handlers_doctors.hpp"

#include <utility>

#include "api/entity_id.hpp"
#include "api/error_map.hpp"
#include "api/read_side.hpp"
#include "api/request_mapping.hpp"
#include "domain/doctor.hpp"
#include "domain/event_json.hpp"
#include "eventstore/envelope.hpp"

namespace docket::api {

namespace {

using nlohmann::json;

const std::vector<Role> admin_only{Role::admin};
const std::vector<Role> blockers{Role::admin, Role::receptionist, Role::doctor};

Reply register_doctor(const HandlerContext& ctx, const Call& call) {
  FieldReader in(call.body);
  domain::RegisterDoctor c;
  c.actor = actor_of(*call.who);
  auto id = in.string("id", Presence::optional);
  if (auto v = in.string("name")) c.name = *v;
  if (auto v = in.string("specialty")) c.specialty = *v;
  if (auto v = in.string("timezone")) c.timezone = *v;
  if (auto v = read_money(in, "consultation_fee")) c.consultation_fee = *v;
  if (auto v = read_consultation_types(in, "consultation_types", Presence::optional)) {
    c.consultation_types = *v;
  }
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  // Created ids are UUIDs: lowercase hex and dashes, within [a-z0-9-]{1,64}.
  c.doctor_id = id ? *id : eventstore::new_uuid();
  const std::string doctor_id = c.doctor_id;
  return run_command(ctx, call,
                     {doctor_id, std::move(c), 201,
                      [](const domain::DoctorState& after, const std::vector<domain::Event>&) {
                        return json{{"id", after.id()}, {"version", after.version()}};
                      }});
}

Reply update_profile(const HandlerContext& ctx, const Call& call) {
  FieldReader in(call.body);
  domain::UpdateProfile c;
  c.actor = actor_of(*call.who);
  c.name = in.string("name", Presence::optional);
  c.specialty = in.string("specialty", Presence::optional);
  c.timezone = in.string("timezone", Presence::optional);
  c.consultation_fee = read_money(in, "consultation_fee", Presence::optional);
  c.consultation_types = read_consultation_types(in, "consultation_types", Presence::optional);
  c.active = in.boolean("active", Presence::optional);
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  const auto* service = ctx.service;
  return run_command(
      ctx, call,
      {std::string(call.path.get("id")), std::move(c), 200,
       [service](const domain::DoctorState& after, const std::vector<domain::Event>&) {
         return doctor_json(after, service->now());
       }});
}

Reply set_schedule(const HandlerContext& ctx, const Call& call) {
  FieldReader in(call.body);
  domain::SetSchedule c;
  c.actor = actor_of(*call.who);
  if (auto rules = read_rules(in)) c.rules = std::move(*rules);
  c.effective_from = in.date("effective_from", Presence::optional);
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  const auto* service = ctx.service;
  return run_command(
      ctx, call,
      {std::string(call.path.get("id")), std::move(c), 200,
       [service](const domain::DoctorState& after, const std::vector<domain::Event>&) {
         json out = schedule_json(after, service->now());
         out["doctor_id"] = after.id();
         out["version"] = after.version();
         return out;
       }});
}

Reply add_block(const HandlerContext& ctx, const Call& call) {
  const std::string doctor_id(call.path.get("id"));
  FieldReader in(call.body);
  domain::AddBlock c;
  c.actor = actor_of(*call.who);
  if (auto v = in.instant("start")) c.start = *v;
  if (auto v = in.instant("end")) c.end = *v;
  if (auto v = in.string("reason", Presence::optional)) c.reason = *v;
  if (auto v = in.one_of("kind", {"leave", "holiday", "emergency", "other"}, Presence::optional)) {
    c.kind = domain::parse_block_kind(*v).value_or(domain::BlockKind::other);
  }
  if (auto v = in.boolean("cancel_conflicting", Presence::optional)) c.cancel_conflicting = *v;
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  if (!is_doctor_id(doctor_id)) {
    return Reply::problem(make_problem(domain::errc::doctor_not_found, "No such doctor."));
  }
  c.block_id = new_entity_id(doctor_id);
  const std::string block_id = c.block_id;
  return run_command(
      ctx, call,
      {doctor_id, std::move(c), 201,
       [block_id](const domain::DoctorState&, const std::vector<domain::Event>& events) {
         json cancelled = json::array();
         for (const auto& e : events) {
           if (const auto* x = std::get_if<domain::AppointmentCancelled>(&e)) {
             cancelled.push_back(x->appointment_id);
           }
         }
         return json{{"block_id", block_id}, {"cancelled_appointments", std::move(cancelled)}};
       }});
}

Reply remove_block(const HandlerContext& ctx, const Call& call) {
  domain::RemoveBlock c;
  c.actor = actor_of(*call.who);
  c.block_id = std::string(call.path.get("block_id"));
  return run_command(ctx, call, {std::string(call.path.get("id")), std::move(c), 204, {}});
}

Reply update_settings(const HandlerContext& ctx, const Call& call) {
  FieldReader in(call.body);
  domain::UpdateSettings c = read_settings(in);
  c.actor = actor_of(*call.who);
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  return run_command(ctx, call,
                     {std::string(call.path.get("id")), std::move(c), 200,
                      [](const domain::DoctorState& after, const std::vector<domain::Event>&) {
                        return settings_json(after.settings());
                      }});
}

Reply get_doctor(const HandlerContext& ctx, const Call& call) {
  const std::string id(call.path.get("id"));
  // The aggregate already holds every acknowledged write: Docket-Min-Position is only checked.
  if (auto wanted = requested_min_position(call); !wanted) return Reply::problem(wanted.error());
  if (!is_doctor_id(id)) {
    return Reply::problem(make_problem(domain::errc::doctor_not_found, "No such doctor."));
  }
  if (ctx.router != nullptr) {
    if (auto elsewhere = ctx.router->route(id, call)) return std::move(*elsewhere);
  }
  auto state = ctx.service->state_of(id);
  if (!state) {
    return Reply::problem(make_problem(api_errc::unavailable, "The event log is unavailable."));
  }
  if (!state->registered()) {
    return Reply::problem(make_problem(domain::errc::doctor_not_found, "No such doctor."));
  }
  Reply r = Reply::ok(doctor_json(*state, ctx.service->now()));
  r.headers.emplace_back("ETag", "\"" + std::to_string(state->version()) + "\"");
  return r;
}

// Replays the stream's events recorded at or before `as_of` (by their envelope time, which is
// the instant the command was decided).
Reply doctor_state_as_of(const HandlerContext& ctx, const Call& call) {
  const std::string id(call.path.get("id"));
  if (auto wanted = requested_min_position(call); !wanted) return Reply::problem(wanted.error());
  auto as_of_param = query_instant(call.query, "as_of");
  if (!as_of_param) return Reply::problem(as_of_param.error());
  const domain::Instant as_of = as_of_param->value_or(ctx.service->now());
  if (!is_doctor_id(id)) {
    return Reply::problem(make_problem(domain::errc::doctor_not_found, "No such doctor."));
  }
  auto events = ctx.log->read_stream("doctor-" + id);
  if (!events) {
    return Reply::problem(make_problem(api_errc::unavailable, "The event log is unavailable."));
  }
  if (events->empty()) {
    return Reply::problem(make_problem(domain::errc::doctor_not_found, "No such doctor."));
  }
  domain::DoctorState state = domain::initial_state();
  std::string position = "0";
  for (const auto& recorded : *events) {
    const auto time = domain::parse_rfc3339(recorded.time);
    if (!time || *time > as_of) break;
    auto event = domain::decode(recorded.type, recorded.data);
    if (!event) {
      return Reply::problem(
          make_problem(api_errc::internal, "A stored event could not be decoded."));
    }
    domain::apply(state, event.value());
    position = recorded.position.to_token();
  }
  Reply r = Reply::ok({{"doctor_id", id},
                       {"as_of", domain::format_rfc3339(as_of)},
                       {"version", state.version()},
                       {"position", position},
                       {"state", state_json(state)}});
  return r;
}

}  // namespace

void add_doctor_routes(RouteTable& table, const HandlerContext& context) {
  const HandlerContext* ctx = &context;
  const auto bind = [ctx](Reply (*fn)(const HandlerContext&, const Call&)) {
    return [ctx, fn](const Call& call) { return fn(*ctx, call); };
  };
  table.add({Method::post, "/v1/doctors", Auth::token, admin_only, BodyRule::json_object,
             bind(register_doctor)});
  table.add({Method::get, "/v1/doctors/{id}", Auth::token, {}, BodyRule::none, bind(get_doctor)});
  table.add({Method::patch, "/v1/doctors/{id}", Auth::token, admin_only, BodyRule::json_object,
             bind(update_profile)});
  table.add({Method::put, "/v1/doctors/{id}/schedule", Auth::token, admin_only,
             BodyRule::json_object, bind(set_schedule)});
  table.add({Method::post, "/v1/doctors/{id}/blocks", Auth::token, blockers, BodyRule::json_object,
             bind(add_block)});
  table.add({Method::del, "/v1/doctors/{id}/blocks/{block_id}", Auth::token, blockers,
             BodyRule::none, bind(remove_block)});
  table.add({Method::put, "/v1/doctors/{id}/settings", Auth::token, admin_only,
             BodyRule::json_object, bind(update_settings)});
  table.add({Method::get, "/v1/doctors/{id}/state", Auth::token, admin_only, BodyRule::none,
             bind(doctor_state_as_of)});
}

}  // namespace docket::api
