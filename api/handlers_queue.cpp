#include "api/handlers_queue.hpp"

#include <utility>

#include "api/entity_id.hpp"
#include "api/error_map.hpp"
#include "api/request_mapping.hpp"
#include "domain/doctor.hpp"

namespace docket::api {

namespace {

using nlohmann::json;

const std::vector<Role> desk{Role::receptionist, Role::admin, Role::doctor};
const std::vector<Role> waitlisters{Role::patient, Role::receptionist, Role::admin};

ReplyView walkin_view(std::string walkin_id) {
  return [id = std::move(walkin_id)](const domain::DoctorState& after,
                                     const std::vector<domain::Event>&) -> json {
    const auto it = after.walkins().find(id);
    if (it == after.walkins().end()) return nullptr;
    return walkin_json(after, it->second);
  };
}

Reply register_walkin(const HandlerContext& ctx, const Call& call) {
  const std::string doctor_id(call.path.get("id"));
  FieldReader in(call.body);
  domain::RegisterWalkin c;
  c.actor = actor_of(*call.who);
  if (auto v = in.string("patient_id")) c.patient_id = *v;
  if (auto v = in.one_of("urgency", {"routine", "urgent", "emergency"})) {
    c.urgency = domain::parse_urgency(*v).value_or(domain::Urgency::routine);
  }
  if (auto v = in.string("reason", Presence::optional)) c.reason = *v;
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  if (!is_doctor_id(doctor_id)) {
    return Reply::problem(make_problem(domain::errc::doctor_not_found, "No such doctor."));
  }
  c.walkin_id = new_entity_id(doctor_id);
  const std::string walkin_id = c.walkin_id;
  return run_command(ctx, call,
                     {doctor_id, std::move(c), 201,
                      [id = walkin_id](const domain::DoctorState& after,
                                       const std::vector<domain::Event>&) -> json {
                        const auto it = after.walkins().find(id);
                        if (it == after.walkins().end()) return nullptr;
                        json out = walkin_json(after, it->second);
                        return {{"id", id},
                                {"queue_number", it->second.queue_number},
                                {"position", out["position"]},
                                {"estimated_wait_minutes", out["estimated_wait_minutes"]}};
                      }});
}

Reply call_next(const HandlerContext& ctx, const Call& call) {
  FieldReader in(call.body);
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  domain::CallNextWalkin c;
  c.actor = actor_of(*call.who);
  return run_command(
      ctx, call,
      {std::string(call.path.get("id")), std::move(c), 200,
       [](const domain::DoctorState& after, const std::vector<domain::Event>& events) -> json {
         for (const auto& e : events) {
           if (const auto* x = std::get_if<domain::WalkinCalled>(&e)) {
             const auto it = after.walkins().find(x->walkin_id);
             if (it != after.walkins().end()) return walkin_json(after, it->second);
           }
         }
         return nullptr;
       }});
}

template <class Command>
Reply walkin_action(const HandlerContext& ctx, const Call& call) {
  const std::string id(call.path.get("id"));
  auto doctor = doctor_of_entity(id);
  if (!doctor) return Reply::problem(doctor.error());
  FieldReader in(call.body);
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  Command c;
  c.actor = actor_of(*call.who);
  c.walkin_id = id;
  return run_command(ctx, call,
                     {std::move(doctor).value(), std::move(c), 200, walkin_view(id), true});
}

Reply join_waitlist(const HandlerContext& ctx, const Call& call) {
  const std::string doctor_id(call.path.get("id"));
  FieldReader in(call.body);
  domain::JoinWaitlist c;
  c.actor = actor_of(*call.who);
  if (auto v = in.string("patient_id", Presence::optional)) c.patient_id = *v;
  if (auto v = in.date("date")) c.date = *v;
  if (auto v = in.time_of_day("from", false, Presence::optional)) c.from_minute = *v;
  if (auto v = in.time_of_day("to", true, Presence::optional)) c.to_minute = *v;
  if (auto v = read_consultation_type(in, "consultation_type")) c.consultation_type = *v;
  if (auto v = in.integer("priority", -1000, 1000, Presence::optional)) {
    c.priority = static_cast<int>(*v);
  }
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  if (!is_doctor_id(doctor_id)) {
    return Reply::problem(make_problem(domain::errc::doctor_not_found, "No such doctor."));
  }
  c.entry_id = new_entity_id(doctor_id);
  const std::string entry_id = c.entry_id;
  return run_command(ctx, call,
                     {doctor_id, std::move(c), 201,
                      [id = entry_id](const domain::DoctorState& after,
                                      const std::vector<domain::Event>&) -> json {
                        json out = {{"id", id}, {"position", nullptr}};
                        if (auto p = domain::waitlist_position(after, id)) out["position"] = *p;
                        const auto it = after.waitlist().find(id);
                        if (it != after.waitlist().end()) {
                          out["status"] = std::string(domain::to_string(it->second.status));
                        }
                        return out;
                      }});
}

Reply accept_offer(const HandlerContext& ctx, const Call& call) {
  const std::string id(call.path.get("id"));
  auto doctor = doctor_of_entity(id);
  if (!doctor) return Reply::problem(doctor.error());
  FieldReader in(call.body);
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  domain::AcceptWaitlistOffer c;
  c.actor = actor_of(*call.who);
  c.entry_id = id;
  c.appointment_id = new_entity_id(*doctor);
  const std::string appointment_id = c.appointment_id;
  return run_command(ctx, call,
                     {std::move(doctor).value(), std::move(c), 201,
                      [appointment = appointment_id](const domain::DoctorState& after,
                                                     const std::vector<domain::Event>&) -> json {
                        const auto* a = after.find_appointment(appointment);
                        if (a == nullptr) return nullptr;
                        return appointment_json(*a, after.id());
                      },
                      true});
}

Reply leave_waitlist(const HandlerContext& ctx, const Call& call) {
  const std::string id(call.path.get("id"));
  auto doctor = doctor_of_entity(id);
  if (!doctor) return Reply::problem(doctor.error());
  domain::LeaveWaitlist c;
  c.actor = actor_of(*call.who);
  c.entry_id = id;
  return run_command(ctx, call, {std::move(doctor).value(), std::move(c), 204, {}, true});
}

}  // namespace

void add_queue_routes(RouteTable& table, const HandlerContext& context) {
  const HandlerContext* ctx = &context;
  const auto bind = [ctx](Reply (*fn)(const HandlerContext&, const Call&)) {
    return [ctx, fn](const Call& call) { return fn(*ctx, call); };
  };
  table.add({Method::post, "/v1/doctors/{id}/walk-ins", Auth::token, desk, BodyRule::json_object,
             bind(register_walkin)});
  table.add({Method::post, "/v1/doctors/{id}/queue/call-next", Auth::token, desk,
             BodyRule::empty_or_object, bind(call_next)});
  table.add({Method::post, "/v1/walk-ins/{id}/complete", Auth::token, desk,
             BodyRule::empty_or_object, bind(walkin_action<domain::CompleteWalkin>)});
  table.add({Method::post, "/v1/walk-ins/{id}/leave", Auth::token, desk, BodyRule::empty_or_object,
             bind(walkin_action<domain::LeaveWalkin>)});
  table.add({Method::post, "/v1/walk-ins/{id}/no-show", Auth::token, desk,
             BodyRule::empty_or_object, bind(walkin_action<domain::MarkWalkinNoShow>)});
  table.add({Method::post, "/v1/doctors/{id}/waitlist", Auth::token, waitlisters,
             BodyRule::json_object, bind(join_waitlist)});
  table.add({Method::post, "/v1/waitlist/{id}/accept", Auth::token, waitlisters,
             BodyRule::empty_or_object, bind(accept_offer)});
  table.add({Method::del, "/v1/waitlist/{id}", Auth::token, waitlisters, BodyRule::none,
             bind(leave_waitlist)});
}

}  // namespace docket::api
