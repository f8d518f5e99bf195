#include "api/handlers_appointments.hpp"

#include <utility>

#include "api/entity_id.hpp"
#include "api/error_map.hpp"
#include "api/request_mapping.hpp"

namespace docket::api {

namespace {

using nlohmann::json;

const std::vector<Role> holders{Role::patient, Role::receptionist, Role::admin};
const std::vector<Role> bookers{Role::patient, Role::receptionist, Role::admin};
const std::vector<Role> anyone{};
const std::vector<Role> doctor_or_staff{Role::doctor, Role::receptionist, Role::admin};
const std::vector<Role> staff{Role::receptionist, Role::admin};

// The reply of every appointment action: the appointment as it stands after the command.
ReplyView appointment_view(std::string appointment_id) {
  return [id = std::move(appointment_id)](const domain::DoctorState& after,
                                          const std::vector<domain::Event>&) -> json {
    const auto* a = after.find_appointment(id);
    if (a == nullptr) return nullptr;
    return appointment_json(*a, after.id());
  };
}

Reply place_hold(const HandlerContext& ctx, const Call& call) {
  FieldReader in(call.body);
  domain::PlaceHold c;
  c.actor = actor_of(*call.who);
  const auto doctor_id = in.string("doctor_id");
  if (auto v = in.instant("start")) c.start = *v;
  if (auto v = read_consultation_type(in, "consultation_type")) c.consultation_type = *v;
  if (auto v = in.string("patient_id", Presence::optional)) c.patient_id = *v;
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  if (auto ok = check_doctor_id(*doctor_id); !ok) return Reply::problem(ok.error());
  c.hold_id = new_entity_id(*doctor_id);
  const std::string hold_id = c.hold_id;
  return run_command(
      ctx, call,
      {*doctor_id, std::move(c), 201,
       [id = hold_id](const domain::DoctorState& after, const std::vector<domain::Event>&) -> json {
         const auto* h = after.find_hold(id);
         if (h == nullptr) return nullptr;
         return {{"hold_id", id},
                 {"expires_at", domain::format_rfc3339(h->expires_at)},
                 {"doctor_id", after.id()},
                 {"start", domain::format_rfc3339(h->start)},
                 {"end", domain::format_rfc3339(h->end)}};
       }});
}

Reply release_hold(const HandlerContext& ctx, const Call& call) {
  const std::string id(call.path.get("id"));
  auto doctor = doctor_of_entity(id);
  if (!doctor) return Reply::problem(doctor.error());
  domain::ReleaseHold c;
  c.actor = actor_of(*call.who);
  c.hold_id = id;
  return run_command(ctx, call, {std::move(doctor).value(), std::move(c), 204, {}, true});
}

Reply book(const HandlerContext& ctx, const Call& call) {
  FieldReader in(call.body);
  domain::BookAppointment c;
  c.actor = actor_of(*call.who);
  const auto doctor_id = in.string("doctor_id");
  if (auto v = in.instant("start")) c.start = *v;
  if (auto v = read_consultation_type(in, "consultation_type")) c.consultation_type = *v;
  if (auto v = in.string("patient_id", Presence::optional)) c.patient_id = *v;
  if (auto v = in.string("reason_for_visit", Presence::optional)) c.reason_for_visit = *v;
  if (auto v = in.string("symptoms", Presence::optional)) c.symptoms = *v;
  if (auto v = in.string("hold_id", Presence::optional)) c.hold_id = *v;
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  if (auto ok = check_doctor_id(*doctor_id); !ok) return Reply::problem(ok.error());
  c.appointment_id = new_entity_id(*doctor_id);
  auto view = appointment_view(c.appointment_id);
  return run_command(ctx, call, {*doctor_id, std::move(c), 201, std::move(view)});
}

// The appointment id of the path and its doctor, or the 404 problem.
struct Target {
  std::string doctor_id;
  std::string appointment_id;
};
docket::Result<Target, Problem> target_of(const Call& call) {
  std::string id(call.path.get("id"));
  auto doctor = doctor_of_entity(id);
  if (!doctor) return docket::fail(doctor.error());
  return Target{std::move(doctor).value(), std::move(id)};
}

Reply cancel(const HandlerContext& ctx, const Call& call) {
  auto t = target_of(call);
  if (!t) return Reply::problem(t.error());
  FieldReader in(call.body);
  domain::CancelAppointment c;
  c.actor = actor_of(*call.who);
  c.appointment_id = t->appointment_id;
  if (auto v = in.string("reason", Presence::optional)) c.reason = *v;
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  return run_command(ctx, call,
                     {t->doctor_id, std::move(c), 200, appointment_view(t->appointment_id), true});
}

Reply reschedule(const HandlerContext& ctx, const Call& call) {
  auto t = target_of(call);
  if (!t) return Reply::problem(t.error());
  FieldReader in(call.body);
  domain::RescheduleAppointment c;
  c.actor = actor_of(*call.who);
  c.appointment_id = t->appointment_id;
  if (auto v = in.instant("start")) c.start = *v;
  if (auto v = in.string("reason", Presence::optional)) c.reason = *v;
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  return run_command(ctx, call,
                     {t->doctor_id, std::move(c), 200, appointment_view(t->appointment_id), true});
}

Reply reject(const HandlerContext& ctx, const Call& call) {
  auto t = target_of(call);
  if (!t) return Reply::problem(t.error());
  FieldReader in(call.body);
  domain::RejectAppointment c;
  c.actor = actor_of(*call.who);
  c.appointment_id = t->appointment_id;
  if (auto v = in.string("reason", Presence::optional)) c.reason = *v;
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  return run_command(ctx, call,
                     {t->doctor_id, std::move(c), 200, appointment_view(t->appointment_id), true});
}

// confirm, check-in, start, complete, no-show: no fields, only the appointment id.
template <class Command>
Reply simple_action(const HandlerContext& ctx, const Call& call) {
  auto t = target_of(call);
  if (!t) return Reply::problem(t.error());
  FieldReader in(call.body);
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  Command c;
  c.actor = actor_of(*call.who);
  c.appointment_id = t->appointment_id;
  return run_command(ctx, call,
                     {t->doctor_id, std::move(c), 200, appointment_view(t->appointment_id), true});
}

}  // namespace

void add_appointment_routes(RouteTable& table, const HandlerContext& context) {
  const HandlerContext* ctx = &context;
  const auto bind = [ctx](Reply (*fn)(const HandlerContext&, const Call&)) {
    return [ctx, fn](const Call& call) { return fn(*ctx, call); };
  };
  table.add(
      {Method::post, "/v1/holds", Auth::token, holders, BodyRule::json_object, bind(place_hold)});
  table.add(
      {Method::del, "/v1/holds/{id}", Auth::token, holders, BodyRule::none, bind(release_hold)});
  table.add(
      {Method::post, "/v1/appointments", Auth::token, bookers, BodyRule::json_object, bind(book)});
  table.add({Method::post, "/v1/appointments/{id}/cancel", Auth::token, anyone,
             BodyRule::empty_or_object, bind(cancel)});
  table.add({Method::post, "/v1/appointments/{id}/reschedule", Auth::token, bookers,
             BodyRule::json_object, bind(reschedule)});
  table.add({Method::post, "/v1/appointments/{id}/confirm", Auth::token, doctor_or_staff,
             BodyRule::empty_or_object, bind(simple_action<domain::ConfirmAppointment>)});
  table.add({Method::post, "/v1/appointments/{id}/reject", Auth::token, doctor_or_staff,
             BodyRule::empty_or_object, bind(reject)});
  table.add({Method::post, "/v1/appointments/{id}/check-in", Auth::token, staff,
             BodyRule::empty_or_object, bind(simple_action<domain::CheckInAppointment>)});
  table.add({Method::post, "/v1/appointments/{id}/start", Auth::token, doctor_or_staff,
             BodyRule::empty_or_object, bind(simple_action<domain::StartAppointment>)});
  table.add({Method::post, "/v1/appointments/{id}/complete", Auth::token, doctor_or_staff,
             BodyRule::empty_or_object, bind(simple_action<domain::CompleteAppointment>)});
  table.add({Method::post, "/v1/appointments/{id}/no-show", Auth::token, doctor_or_staff,
             BodyRule::empty_or_object, bind(simple_action<domain::MarkNoShow>)});
}

}  // namespace docket::api
