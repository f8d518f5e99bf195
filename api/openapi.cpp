#include "api/openapi.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace docket::api {

namespace {

using nlohmann::json;

json str() {
  return {{"type", "string"}};
}
json str_format(std::string_view format) {
  return {{"type", "string"}, {"format", format}};
}
json integer() {
  return {{"type", "integer"}};
}
json number() {
  return {{"type", "number"}};
}
json boolean() {
  return {{"type", "boolean"}};
}
json array_of(json items) {
  return {{"type", "array"}, {"items", std::move(items)}};
}
json enum_of(std::initializer_list<std::string_view> values) {
  json e = json::array();
  for (auto v : values)
    e.push_back(v);
  return {{"type", "string"}, {"enum", std::move(e)}};
}
json object(json properties, std::initializer_list<std::string_view> required = {},
            bool closed = true) {
  json out = {{"type", "object"}, {"properties", std::move(properties)}};
  if (required.size() > 0) {
    json r = json::array();
    for (auto n : required)
      r.push_back(n);
    out["required"] = std::move(r);
  }
  if (closed) out["additionalProperties"] = false;
  return out;
}
json ref(std::string_view name) {
  return {{"$ref", "#/components/schemas/" + std::string(name)}};
}

json consultation_type() {
  return enum_of({"in_person", "video", "audio", "chat"});
}
json instant() {
  return str_format("date-time");
}

struct Description {
  Method method;
  std::string pattern;
  std::string summary;
  json request = nullptr;  // null: no body
  int status = 200;
  json response = nullptr;  // null: no body
};

json reason_only() {
  return object({{"reason", str()}});
}
json empty_object() {
  return object(json::object());
}

json page_of(std::string_view items, json item) {
  return object({{std::string(items), array_of(std::move(item))},
                 {"page", integer()},
                 {"per_page", integer()},
                 {"total", integer()}},
                {}, false);
}

// The read-model queries (api/handlers_queries.hpp). Each GET under /v1 also takes
// Docket-Min-Position (see operation()).
void add_query_descriptions(std::vector<Description>& d) {
  d.push_back({Method::get, "/v1/doctors", "Active doctors, by specialty (anyone)", nullptr, 200,
               page_of("doctors", ref("Doctor"))});
  d.push_back({Method::get, "/v1/doctors/{id}/availability",
               "Slots of local dates from..to, at most 31 days (anyone); 422 range_too_large",
               nullptr, 200, ref("Availability")});
  d.push_back({Method::get, "/v1/doctors/{id}/availability/stream",
               "Server-Sent Events: `slots` events (data as /availability, changed slots only "
               "after the first), id = position token; Last-Event-ID resumes (anyone)",
               nullptr, 200, nullptr});
  d.push_back({Method::get, "/v1/appointments",
               "Appointments by patient, doctor, date, status (a patient its own, a doctor its "
               "own; naming another is 403)",
               nullptr, 200, page_of("appointments", ref("Appointment"))});
  d.push_back({Method::get, "/v1/appointments/{id}",
               "An appointment (its patient, its doctor, staff)", nullptr, 200,
               ref("Appointment")});
  d.push_back({Method::get, "/v1/appointments/{id}/history",
               "An appointment's events in log order (its patient, its doctor, staff)", nullptr,
               200,
               object({{"appointment_id", str()},
                       {"events", array_of(object({{"type", str()},
                                                   {"time", instant()},
                                                   {"actor", {{"type", "object"}}},
                                                   {"data", {{"type", "object"}}}},
                                                  {}, false))}},
                      {}, false)});
  d.push_back({Method::get, "/v1/doctors/{id}/queue",
               "The walk-in queue of a local date (its doctor, staff)", nullptr, 200,
               object({{"entries", array_of(ref("WalkIn"))},
                       {"doctor_id", str()},
                       {"date", str_format("date")}},
                      {}, false)});
  d.push_back({Method::get, "/v1/waitlist/{id}",
               "A waitlist entry (its patient, its doctor, staff)", nullptr, 200,
               ref("WaitlistEntry")});
  d.push_back({Method::get, "/v1/doctors/{id}/waitlist", "A doctor's waitlist (its doctor, staff)",
               nullptr, 200, page_of("entries", ref("WaitlistEntry"))});
  d.push_back({Method::get, "/v1/doctors/{id}/stats", "A doctor's statistics (its doctor, staff)",
               nullptr, 200, ref("Stats")});
  d.push_back({Method::get, "/v1/stats", "Clinic-wide statistics, per specialty (admin)", nullptr,
               200, ref("Stats")});
  d.push_back({Method::get, "/v1/events",
               "CloudEvents in log order after a position token (admin); whole commits only",
               nullptr, 200,
               object({{"events", array_of({{"type", "object"}})}, {"next", str()}}, {}, false)});
  d.push_back({Method::post, "/v1/admin/projections/rebuild",
               "Rebuild read models blue/green while serving (admin); 409 rebuild_running",
               object({{"projections", array_of(enum_of({"doctors", "availability", "appointments",
                                                         "queues", "stats", "history"}))}}),
               202, object({{"status", str()}, {"projections", array_of(str())}}, {}, false)});
  d.push_back({Method::get,
               "/v1/admin/projections",
               "Read-model position, lag and the last rebuild's progress (admin)",
               nullptr,
               200,
               {{"type", "object"}}});
}

// Query parameters of the read endpoints.
json query_parameters(std::string_view pattern) {
  const auto q = [](std::string_view name, json schema) {
    return json{
        {"name", name}, {"in", "query"}, {"required", false}, {"schema", std::move(schema)}};
  };
  json out = json::array();
  const json page = q("page", {{"type", "integer"}, {"minimum", 1}});
  const json per_page = q("per_page", {{"type", "integer"}, {"minimum", 1}});
  if (pattern == "/v1/doctors") {
    out = {q("specialty", str()), page, per_page};
  } else if (pattern == "/v1/doctors/{id}/availability" ||
             pattern == "/v1/doctors/{id}/availability/stream" || pattern == "/v1/stats") {
    out = {q("from", str_format("date")), q("to", str_format("date"))};
  } else if (pattern == "/v1/appointments") {
    out = {q("patient_id", str()),
           q("doctor_id", str()),
           q("date", str_format("date")),
           q("status", str()),
           page,
           per_page};
  } else if (pattern == "/v1/doctors/{id}/queue") {
    out = {q("date", str_format("date"))};
  } else if (pattern == "/v1/doctors/{id}/waitlist") {
    out = {page, per_page};
  } else if (pattern == "/v1/events") {
    out = {q("after", str()), q("limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}})};
  }
  return out;
}

const std::vector<Description>& descriptions() {
  static const std::vector<Description> all = [] {
    std::vector<Description> d;
    const json doctor_profile = {{"name", str()},
                                 {"specialty", str()},
                                 {"timezone", str()},
                                 {"consultation_fee", number()},
                                 {"consultation_types", array_of(consultation_type())}};
    json create = doctor_profile;
    create["id"] = {{"type", "string"}, {"pattern", "^[a-z0-9-]{1,64}$"}};
    json patch = doctor_profile;
    patch["active"] = boolean();
    d.push_back({Method::post, "/v1/doctors", "Register a doctor (admin)",
                 object(create, {"name", "specialty", "timezone", "consultation_fee"}), 201,
                 object({{"id", str()}, {"version", integer()}}, {}, false)});
    d.push_back({Method::get, "/v1/doctors/{id}", "A doctor's profile, schedule and settings",
                 nullptr, 200, ref("Doctor")});
    d.push_back({Method::patch, "/v1/doctors/{id}", "Change a doctor's profile (admin)",
                 object(patch), 200, ref("Doctor")});
    d.push_back(
        {Method::put, "/v1/doctors/{id}/schedule", "Replace the weekly rules (admin)",
         object({{"rules", array_of(ref("ScheduleRule"))}, {"effective_from", str_format("date")}},
                {"rules"}),
         200, ref("Schedule")});
    d.push_back(
        {Method::post, "/v1/doctors/{id}/blocks", "Block a period of the calendar",
         object({{"start", instant()},
                 {"end", instant()},
                 {"reason", str()},
                 {"kind", enum_of({"leave", "holiday", "emergency", "other"})},
                 {"cancel_conflicting", boolean()}},
                {"start", "end"}),
         201,
         object({{"block_id", str()}, {"cancelled_appointments", array_of(str())}}, {}, false)});
    d.push_back({Method::del, "/v1/doctors/{id}/blocks/{block_id}", "Remove a block", nullptr, 204,
                 nullptr});
    d.push_back({Method::put, "/v1/doctors/{id}/settings", "Change booking settings (admin)",
                 ref("Settings"), 200, ref("Settings")});
    d.push_back({Method::get, "/v1/doctors/{id}/state",
                 "The aggregate replayed up to `as_of` (admin)", nullptr, 200,
                 object({{"doctor_id", str()},
                         {"as_of", instant()},
                         {"version", integer()},
                         {"position", str()},
                         {"state", {{"type", "object"}}}},
                        {}, false)});
    d.push_back({Method::post, "/v1/holds", "Hold a unit of a slot",
                 object({{"doctor_id", str()},
                         {"start", instant()},
                         {"consultation_type", consultation_type()},
                         {"patient_id", str()}},
                        {"doctor_id", "start", "consultation_type"}),
                 201,
                 object({{"hold_id", str()}, {"expires_at", instant()}}, {"hold_id", "expires_at"},
                        false)});
    d.push_back({Method::del, "/v1/holds/{id}", "Release a hold", nullptr, 204, nullptr});
    d.push_back({Method::post, "/v1/appointments", "Book an appointment",
                 object({{"doctor_id", str()},
                         {"start", instant()},
                         {"consultation_type", consultation_type()},
                         {"patient_id", str()},
                         {"reason_for_visit", {{"type", "string"}, {"maxLength", 500}}},
                         {"symptoms", {{"type", "string"}, {"maxLength", 1000}}},
                         {"hold_id", str()}},
                        {"doctor_id", "start", "consultation_type"}),
                 201, ref("Appointment")});
    d.push_back({Method::post, "/v1/appointments/{id}/cancel", "Cancel an appointment",
                 reason_only(), 200, ref("Appointment")});
    d.push_back({Method::post, "/v1/appointments/{id}/reschedule", "Move an appointment",
                 object({{"start", instant()}, {"reason", str()}}, {"start"}), 200,
                 ref("Appointment")});
    d.push_back({Method::post, "/v1/appointments/{id}/confirm", "Confirm a pending appointment",
                 empty_object(), 200, ref("Appointment")});
    d.push_back({Method::post, "/v1/appointments/{id}/reject", "Reject a pending appointment",
                 reason_only(), 200, ref("Appointment")});
    for (std::string_view action : {"check-in", "start", "complete", "no-show"}) {
      d.push_back({Method::post, "/v1/appointments/{id}/" + std::string(action),
                   "Appointment lifecycle: " + std::string(action), empty_object(), 200,
                   ref("Appointment")});
    }
    d.push_back({Method::post, "/v1/doctors/{id}/walk-ins", "Register a walk-in",
                 object({{"patient_id", str()},
                         {"urgency", enum_of({"routine", "urgent", "emergency"})},
                         {"reason", str()}},
                        {"patient_id", "urgency"}),
                 201,
                 object({{"id", str()},
                         {"queue_number", str()},
                         {"position", integer()},
                         {"estimated_wait_minutes", integer()}},
                        {}, false)});
    d.push_back({Method::post, "/v1/doctors/{id}/queue/call-next", "Call the next walk-in",
                 empty_object(), 200, ref("WalkIn")});
    for (std::string_view action : {"complete", "leave", "no-show"}) {
      d.push_back({Method::post, "/v1/walk-ins/{id}/" + std::string(action),
                   "Walk-in: " + std::string(action), empty_object(), 200, ref("WalkIn")});
    }
    d.push_back({Method::post, "/v1/doctors/{id}/waitlist", "Join a doctor's waitlist",
                 object({{"patient_id", str()},
                         {"date", str_format("date")},
                         {"from", str()},
                         {"to", str()},
                         {"consultation_type", consultation_type()},
                         {"priority", integer()}},
                        {"date", "consultation_type"}),
                 201, object({{"id", str()}, {"position", integer()}}, {}, false)});
    d.push_back({Method::post, "/v1/waitlist/{id}/accept", "Book the offered slot", empty_object(),
                 201, ref("Appointment")});
    d.push_back({Method::del, "/v1/waitlist/{id}", "Leave the waitlist", nullptr, 204, nullptr});
    const json paged = {{"page", integer()}, {"per_page", integer()}, {"total", integer()}};
    json notifications = paged;
    notifications["notifications"] = array_of(ref("Notification"));
    d.push_back({Method::get, "/v1/notifications",
                 "Notifications with their delivery state (a patient: its own; staff: all)",
                 nullptr, 200, object(notifications, {}, false)});
    json dead = paged;
    dead["dead_letters"] = array_of(ref("DeadLetter"));
    d.push_back({Method::get, "/v1/notifications/dead-letters", "Deliveries given up on (admin)",
                 nullptr, 200, object(dead, {}, false)});
    d.push_back({Method::post, "/v1/notifications/dead-letters/{seq}/retry",
                 "Queue a dead letter again (admin)", empty_object(), 200,
                 object({{"seq", integer()}, {"state", str()}}, {}, false)});
    d.push_back({Method::get, "/v1/analytics/daily",
                 "Daily facts per doctor or specialty, with totals (admin)", nullptr, 200,
                 object({{"from", str_format("date")},
                         {"to", str_format("date")},
                         {"group_by", enum_of({"doctor", "specialty"})},
                         {"days", array_of(object({{"date", str_format("date")},
                                                   {"groups", array_of({{"type", "object"}})}},
                                                  {}, false))},
                         {"totals", array_of({{"type", "object"}})}},
                        {}, false)});
    add_query_descriptions(d);
    d.push_back({Method::get, "/healthz", "The process is up", nullptr, 200,
                 object({{"status", str()}}, {}, false)});
    d.push_back({Method::get, "/readyz",
                 "The log is reachable and the read models trail it by at most a bound "
                 "(503 unavailable otherwise)",
                 nullptr, 200, object({{"status", str()}}, {}, false)});
    d.push_back(
        {Method::get, "/metrics", "Prometheus metrics (text format)", nullptr, 200, nullptr});
    d.push_back(
        {Method::get, "/openapi.json", "This document", nullptr, 200, {{"type", "object"}}});
    return d;
  }();
  return all;
}

json components() {
  json schemas;
  schemas["Problem"] = object({{"type", str()},
                               {"title", str()},
                               {"status", integer()},
                               {"code", str()},
                               {"detail", str()},
                               {"field", str()}},
                              {"type", "title", "status", "code"}, false);
  schemas["Appointment"] =
      object({{"id", str()},
              {"number", str()},
              {"status", enum_of({"pending", "confirmed", "checked_in", "in_progress", "completed",
                                  "cancelled", "rejected", "no_show"})},
              {"doctor_id", str()},
              {"patient_id", str()},
              {"start", instant()},
              {"end", instant()},
              {"consultation_type", consultation_type()},
              {"fee", number()}},
             {"id", "number", "status", "doctor_id", "patient_id", "start", "end",
              "consultation_type", "fee"},
             false);
  schemas["ScheduleRule"] =
      object({{"weekdays", array_of({{"type", "integer"}, {"minimum", 1}, {"maximum", 7}})},
              {"start", str()},
              {"end", str()},
              {"slot_minutes", integer()},
              {"capacity", integer()},
              {"consultation_types", array_of(consultation_type())}},
             {"weekdays", "start", "end"});
  schemas["Schedule"] =
      object({{"rules", array_of(ref("ScheduleRule"))}, {"effective_from", str_format("date")}}, {},
             false);
  schemas["Settings"] = object({{"min_notice_minutes", integer()},
                                {"max_advance_days", integer()},
                                {"cancellation_deadline_hours", integer()},
                                {"buffer_minutes", integer()},
                                {"auto_confirm", boolean()},
                                {"hold_minutes", integer()},
                                {"max_walk_ins_per_day", integer()},
                                {"waitlist_offer_minutes", integer()}});
  schemas["Doctor"] = object({{"id", str()},
                              {"name", str()},
                              {"specialty", str()},
                              {"timezone", str()},
                              {"consultation_fee", number()},
                              {"consultation_types", array_of(consultation_type())},
                              {"active", boolean()},
                              {"schedule", ref("Schedule")},
                              {"settings", ref("Settings")},
                              {"version", integer()}},
                             {}, false);
  schemas["WalkIn"] = object({{"id", str()},
                              {"queue_number", str()},
                              {"patient_id", str()},
                              {"urgency", enum_of({"routine", "urgent", "emergency"})},
                              {"status", str()},
                              {"position", {{"type", {"integer", "null"}}}},
                              {"estimated_wait_minutes", {{"type", {"integer", "null"}}}}},
                             {}, false);
  const json state = enum_of({"pending", "delivered", "dead"});
  schemas["Notification"] =
      object({{"id", str()},
              {"type", str()},
              {"occurred_at", instant()},
              {"patient_id", {{"type", {"string", "null"}}}},
              {"data", {{"type", "object"}}},
              {"state", state},
              {"attempts", integer()},
              {"deliveries", array_of(object({{"channel", enum_of({"webhook", "email"})},
                                              {"state", state},
                                              {"attempts", integer()},
                                              {"last_error", {{"type", {"string", "null"}}}}},
                                             {}, false))}},
             {}, false);
  schemas["DeadLetter"] = object({{"seq", integer()},
                                  {"message_id", str()},
                                  {"type", str()},
                                  {"patient_id", {{"type", {"string", "null"}}}},
                                  {"destination", str()},
                                  {"attempts", integer()},
                                  {"last_error", str()}},
                                 {}, false);
  schemas["Availability"] = object(
      {{"doctor_id", str()},
       {"timezone", str()},
       {"slots", array_of(object({{"start", instant()},
                                  {"end", instant()},
                                  {"capacity", integer()},
                                  {"booked", integer()},
                                  {"held", integer()},
                                  {"available", integer()},
                                  {"status", enum_of({"available", "full", "blocked", "past"})}},
                                 {}, false))}},
      {}, false);
  schemas["WaitlistEntry"] =
      object({{"id", str()},
              {"doctor_id", str()},
              {"patient_id", str()},
              {"status", enum_of({"waiting", "offered", "booked", "expired", "left"})},
              {"position", {{"type", {"integer", "null"}}}},
              {"offer", {{"type", {"object", "null"}}}}},
             {}, false);
  schemas["Stats"] = object({{"total", integer()},
                             {"today", integer()},
                             {"this_week", integer()},
                             {"this_month", integer()},
                             {"by_status", {{"type", "object"}}},
                             {"unique_patients", integer()},
                             {"no_show_rate", number()},
                             {"utilization", number()}},
                            {}, false);
  return {{"schemas", std::move(schemas)},
          {"securitySchemes",
           {{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}}};
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string> path_params(std::string_view pattern) {
  std::vector<std::string> out;
  for (std::size_t i = pattern.find('{'); i != std::string_view::npos;
       i = pattern.find('{', i + 1)) {
    const auto end = pattern.find('}', i);
    out.emplace_back(pattern.substr(i + 1, end - i - 1));
  }
  return out;
}

// The query parameters of the downstream reads (the command API's reads list theirs in API.md).
std::vector<std::string> query_params(std::string_view pattern) {
  if (pattern == "/v1/notifications") return {"patient_id", "page", "per_page"};
  if (pattern == "/v1/notifications/dead-letters") return {"page", "per_page"};
  if (pattern == "/v1/analytics/daily") return {"from", "to", "group_by"};
  return {};
}

json operation(const Description* d, Method method, std::string_view pattern, bool secured) {
  json op;
  op["operationId"] = lower(to_string(method)) + std::string(pattern);
  op["summary"] = d ? d->summary : std::string("Undocumented route");
  json params = json::array();
  for (const auto& p : path_params(pattern)) {
    params.push_back({{"name", p}, {"in", "path"}, {"required", true}, {"schema", str()}});
  }
  for (const auto& q : query_params(pattern)) {
    params.push_back({{"name", q}, {"in", "query"}, {"required", false}, {"schema", str()}});
  }
  if (pattern == "/v1/doctors/{id}/state") {
    params.push_back(
        {{"name", "as_of"}, {"in", "query"}, {"required", false}, {"schema", instant()}});
  }
  for (auto& p : query_parameters(pattern))
    params.push_back(std::move(p));
  if (method == Method::get && pattern.starts_with("/v1/")) {
    // Malformed: 422 invalid_field; not reached within the wait: 503 not_caught_up.
    params.push_back({{"name", "Docket-Min-Position"},
                      {"in", "header"},
                      {"required", false},
                      {"description",
                       "Answer only once the read models cover this position token (waits up to "
                       "5 s, then 503 not_caught_up; a malformed token is 422 invalid_field)"},
                      {"schema", str()}});
  }
  if (pattern == "/v1/doctors/{id}/availability/stream") {
    params.push_back(
        {{"name", "Last-Event-ID"}, {"in", "header"}, {"required", false}, {"schema", str()}});
  }
  if (method == Method::post) {
    params.push_back(
        {{"name", "Idempotency-Key"}, {"in", "header"}, {"required", false}, {"schema", str()}});
  }
  if (secured && method != Method::get) {
    params.push_back(
        {{"name", "If-Match"}, {"in", "header"}, {"required", false}, {"schema", str()}});
  }
  if (!params.empty()) op["parameters"] = std::move(params);
  if (d && !d->request.is_null()) {
    op["requestBody"] = {{"required", true},
                         {"content", {{"application/json", {{"schema", d->request}}}}}};
  }
  json responses;
  const int status = d ? d->status : 200;
  json ok = {{"description", "Success"}};
  if (d && !d->response.is_null()) {
    const std::string media = pattern == "/metrics" ? "text/plain" : "application/json";
    ok["content"] = {{media, {{"schema", d->response}}}};
  } else if (pattern == "/metrics") {
    ok["content"] = {{"text/plain", {{"schema", str()}}}};
  } else if (pattern.ends_with("/stream")) {
    ok["content"] = {{"text/event-stream", {{"schema", str()}}}};
  }
  if (secured && method != Method::get) {
    ok["headers"] = {{"Docket-Position", {{"schema", str()}}}};
  }
  responses[std::to_string(status)] = std::move(ok);
  responses["default"] = {
      {"description", "A problem"},
      {"content", {{"application/problem+json", {{"schema", ref("Problem")}}}}}};
  op["responses"] = std::move(responses);
  if (secured) op["security"] = json::array({{{"bearer", json::array()}}});
  return op;
}

}  // namespace

std::vector<std::pair<Method, std::string>> described_routes() {
  std::vector<std::pair<Method, std::string>> out;
  for (const auto& d : descriptions())
    out.emplace_back(d.method, d.pattern);
  return out;
}

json openapi_document(const RouteTable& table) {
  json paths = json::object();
  for (const auto& route : table.routes()) {
    const Description* d = nullptr;
    for (const auto& x : descriptions()) {
      if (x.method == route.method && x.pattern == route.pattern) d = &x;
    }
    paths[route.pattern][lower(to_string(route.method))] =
        operation(d, route.method, route.pattern, route.auth == Auth::token);
  }
  for (const auto& d : descriptions()) {
    if (!table.contains(d.method, d.pattern)) {
      paths[d.pattern][lower(to_string(d.method))] = operation(&d, d.method, d.pattern, true);
    }
  }
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "Docket"},
            {"version", "1"},
            {"description",
             "Event-sourced appointment booking for clinics: commands and read-model queries."}}},
          {"paths", std::move(paths)},
          {"components", components()}};
}

}  // namespace docket::api
