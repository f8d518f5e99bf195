// Every command endpoint over real HTTP, and every error code they answer (API.md).

#include <gtest/gtest.h>

#include <string>

#include "api/entity_id.hpp"
#include "tests/http/http_fixture.hpp"

namespace docket::http_test {
namespace {

using nlohmann::json;

class Commands : public ::testing::Test {
 protected:
  TempDir dir_;
  Service s_{dir_.path()};
  const std::string admin_ = token("root", api::Role::admin);
  const std::string desk_ = token("desk-1", api::Role::receptionist);
  const std::string alice_ = token("alice", api::Role::patient);
  const std::string bob_ = token("bob", api::Role::patient);

  Response book(const std::string& who, const std::string& doctor, const std::string& start,
                json extra = json::object()) {
    json body = {{"doctor_id", doctor}, {"start", start}, {"consultation_type", "in_person"}};
    body.update(extra);
    return s_.post("/v1/appointments", who, body);
  }
};

#define EXPECT_PROBLEM(response, status_, code_)                                \
  do {                                                                          \
    const auto& r_ = (response);                                                \
    EXPECT_EQ(r_.status, status_) << r_.raw;                                    \
    EXPECT_EQ(r_.code(), code_) << r_.raw;                                      \
    EXPECT_EQ(r_.header("Content-Type"), "application/problem+json") << r_.raw; \
  } while (0)

TEST_F(Commands, RegistersAndReadsADoctor) {
  standard_doctor(s_, "dr-a");
  const auto r = s_.send("GET", "/v1/doctors/dr-a", alice_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["id"], "dr-a");
  EXPECT_EQ(r.body["consultation_fee"], 50.0);
  EXPECT_EQ(r.body["timezone"], "UTC");
  EXPECT_EQ(r.body["schedule"]["rules"].size(), 1u);
  EXPECT_EQ(r.body["schedule"]["effective_from"], "2027-01-01");
  EXPECT_EQ(r.body["settings"]["hold_minutes"], 5);
  EXPECT_EQ(r.body["version"], 2);
  EXPECT_EQ(r.header("ETag"), "\"2\"");
}

TEST_F(Commands, CreatesADoctorIdWhenNoneIsGiven) {
  const auto r = s_.post("/v1/doctors", admin_,
                         {{"name", "Dr X"},
                          {"specialty", "gp"},
                          {"timezone", "Europe/Berlin"},
                          {"consultation_fee", 12.5}});
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_TRUE(api::is_doctor_id(r.body["id"].get<std::string>()));
  EXPECT_EQ(r.body["version"], 1);
  EXPECT_FALSE(r.header("Docket-Position").empty());
  const auto g = s_.send("GET", "/v1/doctors/" + r.body["id"].get<std::string>(), admin_);
  EXPECT_EQ(g.body["consultation_fee"], 12.5);
}

TEST_F(Commands, DoctorRegistrationErrors) {
  standard_doctor(s_, "dr-a");
  const json base = {
      {"name", "Dr"}, {"specialty", "gp"}, {"timezone", "UTC"}, {"consultation_fee", 10}};
  json dup = base;
  dup["id"] = "dr-a";
  EXPECT_PROBLEM(s_.post("/v1/doctors", admin_, dup), 409, "doctor_exists");
  json tz = base;
  tz["timezone"] = "Mars/Olympus";
  EXPECT_PROBLEM(s_.post("/v1/doctors", admin_, tz), 422, "invalid_timezone");
  json bad_id = base;
  bad_id["id"] = "Dr_A";
  EXPECT_PROBLEM(s_.post("/v1/doctors", admin_, bad_id), 422, "invalid_id");
  json unknown = base;
  unknown["nmae"] = "x";
  const auto u = s_.post("/v1/doctors", admin_, unknown);
  EXPECT_PROBLEM(u, 422, "unknown_field");
  EXPECT_EQ(u.body["field"], "nmae");
  json wrong_type = base;
  wrong_type["name"] = 7;
  const auto w = s_.post("/v1/doctors", admin_, wrong_type);
  EXPECT_PROBLEM(w, 422, "invalid_field");
  EXPECT_EQ(w.body["field"], "name");
  json cents = base;
  cents["consultation_fee"] = 10.001;
  EXPECT_PROBLEM(s_.post("/v1/doctors", admin_, cents), 422, "invalid_field");
  json negative = base;
  negative["consultation_fee"] = -1;
  EXPECT_PROBLEM(s_.post("/v1/doctors", admin_, negative), 422, "out_of_range");
  EXPECT_PROBLEM(s_.post("/v1/doctors", desk_, base), 403, "forbidden");
  EXPECT_PROBLEM(s_.post("/v1/doctors", "", base), 401, "unauthenticated");
  EXPECT_PROBLEM(s_.post("/v1/doctors", "not.a.token", base), 401, "unauthenticated");
}

TEST_F(Commands, BodyChecks) {
  EXPECT_PROBLEM(s_.send("POST", "/v1/doctors", admin_, "{\"name\":"), 400, "malformed_json");
  EXPECT_PROBLEM(s_.send("POST", "/v1/doctors", admin_, "[1]"), 400, "malformed_json");
  EXPECT_PROBLEM(s_.send("POST", "/v1/doctors", admin_, "name=x", {}, "text/plain"), 415,
                 "unsupported_media_type");
  const std::string huge = "{\"name\":\"" + std::string(70 * 1024, 'x') + "\"}";
  EXPECT_PROBLEM(s_.send("POST", "/v1/doctors", admin_, huge), 413, "body_too_large");
}

TEST_F(Commands, ScheduleSettingsAndProfile) {
  standard_doctor(s_, "dr-a");
  const json overlapping = {{"rules",
                             {{{"weekdays", {1}}, {"start", "09:00"}, {"end", "12:00"}},
                              {{"weekdays", {1, 2}}, {"start", "11:00"}, {"end", "13:00"}}}}};
  EXPECT_PROBLEM(s_.send("PUT", "/v1/doctors/dr-a/schedule", admin_, overlapping.dump()), 422,
                 "overlapping_rules");
  const json bad_day = {{"rules", {{{"weekdays", {8}}, {"start", "09:00"}, {"end", "12:00"}}}}};
  const auto d = s_.send("PUT", "/v1/doctors/dr-a/schedule", admin_, bad_day.dump());
  EXPECT_PROBLEM(d, 422, "out_of_range");
  EXPECT_EQ(d.body["field"], "rules[0].weekdays");

  auto r = s_.send("PUT", "/v1/doctors/dr-a/settings", admin_,
                   json{{"buffer_minutes", 5}, {"auto_confirm", false}}.dump());
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["buffer_minutes"], 5);
  EXPECT_EQ(r.body["auto_confirm"], false);
  EXPECT_EQ(r.body["max_advance_days"], 90);
  EXPECT_FALSE(r.header("Docket-Position").empty());
  const auto o =
      s_.send("PUT", "/v1/doctors/dr-a/settings", admin_, json{{"hold_minutes", 61}}.dump());
  EXPECT_PROBLEM(o, 422, "out_of_range");
  EXPECT_EQ(o.body["field"], "hold_minutes");

  // If-Match: the doctor's version is 3 now (registered, schedule, settings).
  EXPECT_PROBLEM(s_.send("PATCH", "/v1/doctors/dr-a", admin_, json{{"name", "X"}}.dump(),
                         {{"If-Match", "\"2\""}}),
                 412, "version_mismatch");
  r = s_.send("PATCH", "/v1/doctors/dr-a", admin_, json{{"name", "Dr Renamed"}}.dump(),
              {{"If-Match", "\"3\""}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["name"], "Dr Renamed");
  EXPECT_EQ(r.body["version"], 4);
  EXPECT_PROBLEM(s_.send("PATCH", "/v1/doctors/dr-nobody", admin_, json{{"name", "X"}}.dump()), 404,
                 "doctor_not_found");
}

TEST_F(Commands, BookingRepliesAndRefusals) {
  standard_doctor(s_, "dr-a", 1, {"in_person"});
  auto r = book(alice_, "dr-a", "2027-03-01T09:00:00Z",
                {{"reason_for_visit", "checkup"}, {"symptoms", "none"}});
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(r.body["number"], "APT-20270301-0001");
  EXPECT_EQ(r.body["status"], "confirmed");
  EXPECT_EQ(r.body["doctor_id"], "dr-a");
  EXPECT_EQ(r.body["patient_id"], "alice");
  EXPECT_EQ(r.body["start"], "2027-03-01T09:00:00Z");
  EXPECT_EQ(r.body["end"], "2027-03-01T09:10:00Z");
  EXPECT_EQ(r.body["consultation_type"], "in_person");
  EXPECT_EQ(r.body["fee"], 50.0);
  EXPECT_EQ(api::doctor_of(r.body["id"].get<std::string>()), "dr-a");
  EXPECT_FALSE(r.header("Docket-Position").empty());

  EXPECT_PROBLEM(book(bob_, "dr-a", "2027-03-01T09:00:00Z"), 409, "slot_taken");
  EXPECT_PROBLEM(book(bob_, "dr-a", "2027-03-01T09:05:00Z"), 422, "not_a_slot");
  EXPECT_PROBLEM(book(bob_, "dr-a", "2027-02-15T09:00:00Z"), 422, "in_past");
  EXPECT_PROBLEM(book(bob_, "dr-a", "2027-06-01T09:00:00Z"), 422, "too_far");
  EXPECT_PROBLEM(book(bob_, "dr-a", "2027-03-01T09:10:00Z", {{"consultation_type", "video"}}), 422,
                 "consultation_type_not_offered");
  std::string long_text;
  for (int i = 0; i < 501; ++i)
    long_text += "\xC3\xA9";  // 501 characters, 1002 bytes
  EXPECT_PROBLEM(book(bob_, "dr-a", "2027-03-01T09:10:00Z", {{"reason_for_visit", long_text}}), 422,
                 "text_too_long");
  EXPECT_PROBLEM(book(bob_, "dr-a", "2027-03-01T09:10:00Z", {{"hold_id", "dr-a.nope"}}), 422,
                 "hold_invalid");
  EXPECT_PROBLEM(book(bob_, "dr-zzz", "2027-03-01T09:10:00Z"), 404, "doctor_not_found");
  EXPECT_PROBLEM(book(bob_, "dr-a", "2027-03-01T09:10:00Z", {{"patient_id", "alice"}}), 403,
                 "forbidden");
  const auto missing = s_.post("/v1/appointments", bob_, {{"doctor_id", "dr-a"}});
  EXPECT_PROBLEM(missing, 422, "invalid_field");

  s_.send("PUT", "/v1/doctors/dr-a/settings", admin_, json{{"min_notice_minutes", 10080}}.dump());
  EXPECT_PROBLEM(book(bob_, "dr-a", "2027-02-23T09:00:00Z"), 422, "too_soon");
}

TEST_F(Commands, PatientConflictAndInactiveDoctor) {
  standard_doctor(s_, "dr-b", 2);
  ASSERT_EQ(book(alice_, "dr-b", "2027-03-01T09:00:00Z").status, 201);
  EXPECT_PROBLEM(book(alice_, "dr-b", "2027-03-01T09:00:00Z"), 409, "patient_conflict");
  ASSERT_EQ(s_.send("PATCH", "/v1/doctors/dr-b", admin_, json{{"active", false}}.dump()).status,
            200);
  EXPECT_PROBLEM(book(bob_, "dr-b", "2027-03-01T09:10:00Z"), 409, "doctor_inactive");
}

TEST_F(Commands, BlocksAndTheirConflicts) {
  standard_doctor(s_, "dr-a");
  const auto booked = book(alice_, "dr-a", "2027-03-03T09:00:00Z");
  ASSERT_EQ(booked.status, 201);
  const std::string doctor = token("dr-a", api::Role::doctor);
  const json block = {{"start", "2027-03-03T09:00:00Z"},
                      {"end", "2027-03-03T10:00:00Z"},
                      {"reason", "training"},
                      {"kind", "other"}};
  const auto c = s_.post("/v1/doctors/dr-a/blocks", doctor, block);
  EXPECT_PROBLEM(c, 409, "conflicting_appointments");
  EXPECT_EQ(c.body["appointments"], json::array({booked.body["id"]}));
  json cancel = block;
  cancel["cancel_conflicting"] = true;
  const auto b = s_.post("/v1/doctors/dr-a/blocks", doctor, cancel);
  ASSERT_EQ(b.status, 201) << b.raw;
  EXPECT_EQ(b.body["cancelled_appointments"], json::array({booked.body["id"]}));
  EXPECT_PROBLEM(book(bob_, "dr-a", "2027-03-03T09:30:00Z"), 409, "slot_blocked");
  // Another doctor may not block this calendar.
  EXPECT_PROBLEM(s_.post("/v1/doctors/dr-a/blocks", token("dr-other", api::Role::doctor), block),
                 403, "forbidden");
  const std::string block_id = b.body["block_id"];
  const auto del = s_.send("DELETE", "/v1/doctors/dr-a/blocks/" + block_id, doctor);
  EXPECT_EQ(del.status, 204) << del.raw;
  EXPECT_FALSE(del.header("Docket-Position").empty());
  EXPECT_EQ(book(bob_, "dr-a", "2027-03-03T09:30:00Z").status, 201);
  EXPECT_PROBLEM(s_.send("DELETE", "/v1/doctors/dr-a/blocks/dr-a.unknown", doctor), 404,
                 "not_found");
}

TEST_F(Commands, AppointmentLifecycle) {
  standard_doctor(s_, "dr-a");
  const std::string doctor = token("dr-a", api::Role::doctor);
  const auto a = book(alice_, "dr-a", "2027-03-01T09:00:00Z");
  ASSERT_EQ(a.status, 201);
  const std::string id = a.body["id"];
  EXPECT_PROBLEM(s_.post("/v1/appointments/" + id + "/check-in", desk_, json::object()), 409,
                 "too_early");
  EXPECT_PROBLEM(s_.post("/v1/appointments/" + id + "/confirm", doctor, json::object()), 409,
                 "invalid_transition");
  EXPECT_PROBLEM(s_.post("/v1/appointments/" + id + "/check-in", doctor, json::object()), 403,
                 "forbidden");
  auto r = s_.post("/v1/appointments/" + id + "/reschedule", alice_,
                   {{"start", "2027-03-01T10:00:00Z"}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["id"], id);
  EXPECT_EQ(r.body["start"], "2027-03-01T10:00:00Z");
  s_.set_clock("2027-03-01T09:30:00Z");
  // Action endpoints take an empty body.
  r = s_.send("POST", "/v1/appointments/" + id + "/check-in", desk_, "", {}, "");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["status"], "checked_in");
  r = s_.post("/v1/appointments/" + id + "/start", doctor, json::object());
  EXPECT_EQ(r.body["status"], "in_progress");
  r = s_.post("/v1/appointments/" + id + "/complete", doctor, json::object());
  EXPECT_EQ(r.body["status"], "completed");
  EXPECT_PROBLEM(s_.post("/v1/appointments/" + id + "/cancel", desk_, json::object()), 409,
                 "invalid_transition");
  EXPECT_PROBLEM(s_.post("/v1/appointments/" + id + "/confirm", doctor, {{"bogus", 1}}), 422,
                 "unknown_field");
  EXPECT_PROBLEM(s_.post("/v1/appointments/nodoctor/cancel", desk_, json::object()), 404,
                 "not_found");
  EXPECT_PROBLEM(
      s_.post("/v1/appointments/dr-zz.AAAAAAAAAAAAAAAAAAAAAA/cancel", desk_, json::object()), 404,
      "not_found");
}

TEST_F(Commands, PendingConfirmRejectNoShowAndDeadline) {
  standard_doctor(s_, "dr-a");
  const std::string doctor = token("dr-a", api::Role::doctor);
  s_.send("PUT", "/v1/doctors/dr-a/settings", admin_, json{{"auto_confirm", false}}.dump());
  const auto p = book(alice_, "dr-a", "2027-03-01T09:00:00Z");
  ASSERT_EQ(p.body["status"], "pending");
  auto r = s_.post("/v1/appointments/" + p.body["id"].get<std::string>() + "/confirm", doctor,
                   json::object());
  EXPECT_EQ(r.body["status"], "confirmed");
  const auto q = book(bob_, "dr-a", "2027-03-01T09:10:00Z");
  r = s_.post("/v1/appointments/" + q.body["id"].get<std::string>() + "/reject", doctor,
              {{"reason", "not my field"}});
  EXPECT_EQ(r.body["status"], "rejected");
  const std::string pid = p.body["id"];
  EXPECT_PROBLEM(s_.post("/v1/appointments/" + pid + "/no-show", doctor, json::object()), 409,
                 "too_early");
  s_.set_clock("2027-02-28T12:00:00Z");  // 21 h before: inside the 24 h deadline
  EXPECT_PROBLEM(s_.post("/v1/appointments/" + pid + "/cancel", alice_, json::object()), 409,
                 "deadline_passed");
  s_.set_clock("2027-03-01T09:20:00Z");
  r = s_.post("/v1/appointments/" + pid + "/no-show", doctor, json::object());
  EXPECT_EQ(r.body["status"], "no_show");
}

TEST_F(Commands, HoldsAndBookingThroughAHold) {
  standard_doctor(s_, "dr-a");
  const auto h = s_.post("/v1/holds", alice_,
                         {{"doctor_id", "dr-a"},
                          {"start", "2027-03-01T09:00:00Z"},
                          {"consultation_type", "in_person"}});
  ASSERT_EQ(h.status, 201) << h.raw;
  EXPECT_EQ(h.body["expires_at"], "2027-02-22T00:05:00Z");
  EXPECT_PROBLEM(s_.post("/v1/holds", bob_,
                         {{"doctor_id", "dr-a"},
                          {"start", "2027-03-01T09:00:00Z"},
                          {"consultation_type", "in_person"}}),
                 409, "slot_taken");
  const auto b = book(alice_, "dr-a", "2027-03-01T09:00:00Z", {{"hold_id", h.body["hold_id"]}});
  EXPECT_EQ(b.status, 201) << b.raw;
  const auto h2 = s_.post("/v1/holds", bob_,
                          {{"doctor_id", "dr-a"},
                           {"start", "2027-03-01T09:10:00Z"},
                           {"consultation_type", "in_person"}});
  ASSERT_EQ(h2.status, 201);
  const auto del = s_.send("DELETE", "/v1/holds/" + h2.body["hold_id"].get<std::string>(), bob_);
  EXPECT_EQ(del.status, 204);
  EXPECT_FALSE(del.header("Docket-Position").empty());
  EXPECT_PROBLEM(s_.send("DELETE", "/v1/holds/garbage", bob_), 404, "not_found");
}

TEST_F(Commands, WalkInsAndTheQueue) {
  standard_doctor(s_, "dr-a");
  EXPECT_PROBLEM(s_.post("/v1/doctors/dr-a/queue/call-next", desk_, json::object()), 404,
                 "queue_empty");
  const auto w1 = s_.post("/v1/doctors/dr-a/walk-ins", desk_,
                          {{"patient_id", "p1"}, {"urgency", "routine"}, {"reason", "cough"}});
  ASSERT_EQ(w1.status, 201) << w1.raw;
  EXPECT_EQ(w1.body["queue_number"], "Q001");
  EXPECT_EQ(w1.body["position"], 1);
  const auto w2 =
      s_.post("/v1/doctors/dr-a/walk-ins", desk_, {{"patient_id", "p2"}, {"urgency", "emergency"}});
  EXPECT_EQ(w2.body["position"], 1);
  EXPECT_PROBLEM(
      s_.post("/v1/doctors/dr-a/walk-ins", desk_, {{"patient_id", "p3"}, {"urgency", "whenever"}}),
      422, "invalid_field");
  EXPECT_PROBLEM(
      s_.post("/v1/doctors/dr-a/walk-ins", alice_, {{"patient_id", "p3"}, {"urgency", "routine"}}),
      403, "forbidden");
  auto r = s_.post("/v1/doctors/dr-a/queue/call-next", desk_, json::object());
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["id"], w2.body["id"]);
  EXPECT_EQ(r.body["status"], "called");
  r = s_.post("/v1/walk-ins/" + w2.body["id"].get<std::string>() + "/complete", desk_,
              json::object());
  EXPECT_EQ(r.body["status"], "completed");
  r = s_.post("/v1/walk-ins/" + w1.body["id"].get<std::string>() + "/leave", desk_, json::object());
  EXPECT_EQ(r.body["status"], "left");
  EXPECT_PROBLEM(s_.post("/v1/walk-ins/" + w1.body["id"].get<std::string>() + "/no-show", desk_,
                         json::object()),
                 409, "invalid_transition");
  s_.send("PUT", "/v1/doctors/dr-a/settings", admin_, json{{"max_walk_ins_per_day", 2}}.dump());
  EXPECT_PROBLEM(
      s_.post("/v1/doctors/dr-a/walk-ins", desk_, {{"patient_id", "p3"}, {"urgency", "routine"}}),
      409, "queue_full");
}

TEST_F(Commands, WaitlistOfferAcceptAndExpiry) {
  standard_doctor(s_, "dr-a");
  const auto a = book(alice_, "dr-a", "2027-03-01T09:00:00Z");
  ASSERT_EQ(a.status, 201);
  const auto join = s_.post("/v1/doctors/dr-a/waitlist", bob_,
                            {{"date", "2027-03-01"},
                             {"from", "09:00"},
                             {"to", "10:00"},
                             {"consultation_type", "in_person"}});
  ASSERT_EQ(join.status, 201) << join.raw;
  EXPECT_EQ(join.body["position"], 1);
  const std::string entry = join.body["id"];
  EXPECT_PROBLEM(s_.post("/v1/waitlist/" + entry + "/accept", bob_, json::object()), 409,
                 "invalid_transition");
  ASSERT_EQ(s_.post("/v1/appointments/" + a.body["id"].get<std::string>() + "/cancel", alice_,
                    {{"reason", "travel"}})
                .status,
            200);
  // The offer lasts 30 minutes; past it, accepting is offer_expired.
  s_.advance(std::chrono::minutes(31));
  EXPECT_PROBLEM(s_.post("/v1/waitlist/" + entry + "/accept", bob_, json::object()), 409,
                 "offer_expired");

  const auto carol = token("carol", api::Role::patient);
  const auto b = book(carol, "dr-a", "2027-03-01T09:20:00Z");
  const auto join2 = s_.post("/v1/doctors/dr-a/waitlist", desk_,
                             {{"patient_id", "dave"},
                              {"date", "2027-03-01"},
                              {"from", "09:20"},
                              {"to", "09:30"},
                              {"consultation_type", "in_person"},
                              {"priority", 5}});
  ASSERT_EQ(join2.status, 201) << join2.raw;
  s_.post("/v1/appointments/" + b.body["id"].get<std::string>() + "/cancel", carol, json::object());
  const auto acc = s_.post("/v1/waitlist/" + join2.body["id"].get<std::string>() + "/accept",
                           token("dave", api::Role::patient), json::object());
  ASSERT_EQ(acc.status, 201) << acc.raw;
  EXPECT_EQ(acc.body["patient_id"], "dave");
  EXPECT_EQ(acc.body["start"], "2027-03-01T09:20:00Z");
  const auto join3 = s_.post("/v1/doctors/dr-a/waitlist", bob_,
                             {{"date", "2027-03-02"}, {"consultation_type", "in_person"}});
  const auto left = s_.send("DELETE", "/v1/waitlist/" + join3.body["id"].get<std::string>(), bob_);
  EXPECT_EQ(left.status, 204);
  EXPECT_PROBLEM(s_.send("DELETE", "/v1/waitlist/x", bob_), 404, "not_found");
}

TEST_F(Commands, StateAsOfReplaysTheStreamUpToAnInstant) {
  standard_doctor(s_, "dr-a");
  s_.set_clock("2027-02-22T01:00:00Z");
  const auto first = book(alice_, "dr-a", "2027-03-01T09:00:00Z");
  s_.set_clock("2027-02-22T02:00:00Z");
  const auto second = book(bob_, "dr-a", "2027-03-01T09:10:00Z");
  ASSERT_EQ(second.status, 201);
  auto r = s_.send("GET", "/v1/doctors/dr-a/state?as_of=2027-02-22T01:30:00Z", admin_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["version"], 3);
  ASSERT_EQ(r.body["state"]["appointments"].size(), 1u);
  EXPECT_EQ(r.body["state"]["appointments"][0]["id"], first.body["id"]);
  EXPECT_EQ(r.body["state"]["appointments"][0]["number"], "APT-20270301-0001");
  r = s_.send("GET", "/v1/doctors/dr-a/state", admin_);
  EXPECT_EQ(r.body["version"], 4);
  EXPECT_EQ(r.body["state"]["appointments"].size(), 2u);
  EXPECT_PROBLEM(s_.send("GET", "/v1/doctors/dr-a/state", desk_), 403, "forbidden");
  EXPECT_PROBLEM(s_.send("GET", "/v1/doctors/dr-a/state?as_of=yesterday", admin_), 422,
                 "invalid_field");
  EXPECT_PROBLEM(s_.send("GET", "/v1/doctors/dr-nobody/state", admin_), 404, "doctor_not_found");
}

TEST_F(Commands, IdempotentRetryReturnsTheFirstReplyAlsoAfterARestart) {
  standard_doctor(s_, "dr-a");
  const json body = {
      {"doctor_id", "dr-a"}, {"start", "2027-03-01T09:00:00Z"}, {"consultation_type", "in_person"}};
  const httplib::Headers key{{"Idempotency-Key", "k-1"}};
  const auto first = s_.post("/v1/appointments", alice_, body, key);
  ASSERT_EQ(first.status, 201) << first.raw;
  const auto again = s_.post("/v1/appointments", alice_, body, key);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.raw, first.raw);
  EXPECT_EQ(again.header("Docket-Position"), first.header("Docket-Position"));
  json other = body;
  other["start"] = "2027-03-01T09:10:00Z";
  EXPECT_PROBLEM(s_.post("/v1/appointments", alice_, other, key), 422, "idempotency_key_reused");
  // The same key from another caller is another key.
  EXPECT_EQ(s_.post("/v1/appointments", bob_, other, key).status, 201);
  // A refusal is repeated too.
  const httplib::Headers key2{{"Idempotency-Key", "k-2"}};
  const auto taken = s_.post("/v1/appointments", token("carol", api::Role::patient), body, key2);
  EXPECT_EQ(taken.code(), "slot_taken");

  s_.restart();
  const auto after = s_.post("/v1/appointments", alice_, body, key);
  EXPECT_EQ(after.status, 201);
  EXPECT_EQ(after.raw, first.raw);
  EXPECT_EQ(after.header("Docket-Position"), first.header("Docket-Position"));
  const auto state = s_.send("GET", "/v1/doctors/dr-a/state", admin_);
  EXPECT_EQ(state.body["state"]["appointments"].size(), 2u) << "nothing appended by retries";
}

TEST_F(Commands, OperationsEndpointsNeedNoToken) {
  EXPECT_EQ(s_.send("GET", "/healthz", "").status, 200);
  EXPECT_EQ(s_.send("GET", "/readyz", "").status, 200);
  standard_doctor(s_, "dr-a");
  ASSERT_EQ(book(alice_, "dr-a", "2027-03-01T09:00:00Z").status, 201);
  const auto m = s_.send("GET", "/metrics", "");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.raw.find("docket_commands_total{command=\"book_appointment\",outcome=\"ok\"} 1"),
            std::string::npos)
      << m.raw.substr(0, 2000);
  EXPECT_NE(m.raw.find("docket_appends_total"), std::string::npos);
  EXPECT_NE(m.raw.find("docket_cached_doctors 1"), std::string::npos);
  EXPECT_NE(m.raw.find("route=\"/v1/appointments\""), std::string::npos);
}

}  // namespace
}  // namespace docket::http_test
