// The OpenAPI descriptions of the read-model queries (api/handlers_queries.hpp) and the admin
// projection endpoints.

#include "api/openapi_schema.hpp"

namespace docket::api::openapi_schema {

namespace {

json page_of(std::string_view items, json item) {
  return object({{std::string(items), array_of(std::move(item))},
                 {"page", integer()},
                 {"per_page", integer()},
                 {"total", integer()}},
                {}, false);
}

}  // namespace

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

void add_query_schemas(json& schemas) {
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
}

}  // namespace docket::api::openapi_schema
