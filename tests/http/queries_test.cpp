// The read-model query endpoints over real HTTP: answers, parameters, authorization and error
// codes. Every read after a write names the write's Docket-Position, so nothing waits by hope.

#include <gtest/gtest.h>

#include "tests/http/query_fixture.hpp"

namespace docket::http_test {
namespace {

using nlohmann::json;

const std::string kMonday = "2027-03-01";
const std::string kNine = "2027-03-01T09:00:00Z";

TEST(QueryDoctors, ListsActiveDoctorsBySpecialtyWithPaging) {
  TempDir dir;
  QueryService s(dir.path());
  add_doctor(s, "dr-a", "cardiology");
  add_doctor(s, "dr-b", "Cardiology");
  add_doctor(s, "dr-c", "dermatology");
  const std::string admin = token("root", api::Role::admin);
  auto off = s.send("PATCH", "/v1/doctors/dr-c", admin, json{{"active", false}}.dump());
  ASSERT_EQ(off.status, 200) << off.raw;
  const std::string patient = token("p-1", api::Role::patient);
  const std::string at = off.header("Docket-Position");

  auto all = s.get_after("/v1/doctors", patient, at);
  ASSERT_EQ(all.status, 200) << all.raw;
  EXPECT_EQ(all.body["total"], 2);
  ASSERT_EQ(all.body["doctors"].size(), 2u);
  EXPECT_EQ(all.body["doctors"][0]["id"], "dr-a");
  EXPECT_EQ(all.body["doctors"][0]["consultation_fee"], 50.0);
  EXPECT_EQ(all.body["doctors"][0]["active"], true);

  auto cardio = s.get_after("/v1/doctors?specialty=CARDIOLOGY&per_page=1&page=2", patient, at);
  ASSERT_EQ(cardio.status, 200) << cardio.raw;
  EXPECT_EQ(cardio.body["total"], 2);
  EXPECT_EQ(cardio.body["page"], 2);
  EXPECT_EQ(cardio.body["per_page"], 1);
  ASSERT_EQ(cardio.body["doctors"].size(), 1u);
  EXPECT_EQ(cardio.body["doctors"][0]["id"], "dr-b");

  EXPECT_EQ(s.get_after("/v1/doctors?specialty=dermatology", patient, at).body["total"], 0)
      << "inactive doctors are not listed";
  auto capped = s.get("/v1/doctors?per_page=1000", patient);
  EXPECT_EQ(capped.body["per_page"], 100);

  auto zero = s.get("/v1/doctors?per_page=0", patient);
  EXPECT_EQ(zero.status, 422);
  EXPECT_EQ(zero.code(), "out_of_range");
  EXPECT_EQ(zero.body["field"], "per_page");
  auto word = s.get("/v1/doctors?page=two", patient);
  EXPECT_EQ(word.status, 422);
  EXPECT_EQ(word.code(), "invalid_field");
  EXPECT_EQ(word.body["field"], "page");
  EXPECT_EQ(s.get("/v1/doctors", "").status, 401);
}

TEST(QueryAvailability, ShowsBookedSlotsAndRefusesBadRanges) {
  TempDir dir;
  QueryService s(dir.path());
  add_doctor(s, "dr-a");
  auto booked = book(s, "dr-a", "p-1", kNine);
  ASSERT_EQ(booked.status, 201) << booked.raw;
  const std::string anyone = token("p-2", api::Role::patient);

  auto day = s.get_after("/v1/doctors/dr-a/availability?from=" + kMonday + "&to=" + kMonday, anyone,
                         booked.header("Docket-Position"));
  ASSERT_EQ(day.status, 200) << day.raw;
  EXPECT_EQ(day.body["doctor_id"], "dr-a");
  EXPECT_EQ(day.body["timezone"], "UTC");
  ASSERT_EQ(day.body["slots"].size(), 48u);  // 09:00-17:00 in 10-minute slots
  const json& first = day.body["slots"][0];
  EXPECT_EQ(first["start"], kNine);
  EXPECT_EQ(first["end"], "2027-03-01T09:10:00Z");
  EXPECT_EQ(first["booked"], 1);
  EXPECT_EQ(first["available"], 0);
  EXPECT_EQ(first["status"], "full");
  EXPECT_EQ(day.body["slots"][1]["status"], "available");
  EXPECT_EQ(day.body["slots"][1]["available"], 1);

  auto week = s.get("/v1/doctors/dr-a/availability?from=2027-03-01&to=2027-03-31", anyone);
  EXPECT_EQ(week.status, 200) << "31 days, both included, is the most";
  auto big = s.get("/v1/doctors/dr-a/availability?from=2027-03-01&to=2027-04-01", anyone);
  EXPECT_EQ(big.status, 422);
  EXPECT_EQ(big.code(), "range_too_large");
  auto backwards = s.get("/v1/doctors/dr-a/availability?from=2027-03-02&to=2027-03-01", anyone);
  EXPECT_EQ(backwards.status, 422);
  EXPECT_EQ(backwards.body["field"], "to");
  auto bad = s.get("/v1/doctors/dr-a/availability?from=2027-02-30", anyone);
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.code(), "invalid_field");
  EXPECT_EQ(bad.body["field"], "from");
  auto unknown = s.get("/v1/doctors/dr-nobody/availability", anyone);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.code(), "doctor_not_found");
  auto defaulted = s.get("/v1/doctors/dr-a/availability", anyone);
  ASSERT_EQ(defaulted.status, 200);
  // Today (2027-02-22, a Monday) and the six days after: five working days of 48 slots.
  EXPECT_EQ(defaulted.body["slots"].size(), 5u * 48u);
}

TEST(QueryAppointments, APatientSeesOnlyItsOwnEverywhere) {
  TempDir dir;
  QueryService s(dir.path());
  add_doctor(s, "dr-a");
  add_doctor(s, "dr-b");
  auto mine = book(s, "dr-a", "p-1", kNine);
  ASSERT_EQ(mine.status, 201) << mine.raw;
  auto theirs = book(s, "dr-b", "p-2", kNine);
  ASSERT_EQ(theirs.status, 201) << theirs.raw;
  const std::string id = mine.body["id"];
  const std::string at = theirs.header("Docket-Position");
  const std::string p1 = token("p-1", api::Role::patient);
  const std::string p2 = token("p-2", api::Role::patient);

  auto own = s.get_after("/v1/appointments/" + id, p1, at);
  ASSERT_EQ(own.status, 200) << own.raw;
  EXPECT_EQ(own.body["patient_id"], "p-1");
  EXPECT_EQ(own.body["status"], "confirmed");
  EXPECT_EQ(own.body["number"], mine.body["number"]);
  EXPECT_EQ(own.body["fee"], mine.body["fee"]);
  EXPECT_TRUE(own.body.contains("version"));
  EXPECT_TRUE(own.body.contains("created_at"));

  EXPECT_EQ(s.get_after("/v1/appointments/" + id, p2, at).code(), "forbidden");
  EXPECT_EQ(s.get_after("/v1/appointments/" + id + "/history", p2, at).status, 403);
  auto history = s.get_after("/v1/appointments/" + id + "/history", p1, at);
  ASSERT_EQ(history.status, 200) << history.raw;
  EXPECT_EQ(history.body["appointment_id"], id);
  ASSERT_FALSE(history.body["events"].empty());
  EXPECT_EQ(history.body["events"][0]["type"], "docket.appointment.booked.v1");
  EXPECT_EQ(history.body["events"][0]["actor"]["sub"], "p-1");

  auto list = s.get_after("/v1/appointments", p2, at);
  ASSERT_EQ(list.status, 200) << list.raw;
  EXPECT_EQ(list.body["total"], 1);
  ASSERT_EQ(list.body["appointments"].size(), 1u);
  EXPECT_EQ(list.body["appointments"][0]["patient_id"], "p-2");
  auto other = s.get_after("/v1/appointments?patient_id=p-1", p2, at);
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.code(), "forbidden");
  auto by_doctor = s.get_after("/v1/appointments?doctor_id=dr-a", p2, at);
  ASSERT_EQ(by_doctor.status, 200);
  EXPECT_EQ(by_doctor.body["total"], 0) << "a doctor filter never widens a patient's view";
}

TEST(QueryAppointments, DoctorsAndStaffSeeWhatTheyShould) {
  TempDir dir;
  QueryService s(dir.path());
  add_doctor(s, "dr-a");
  add_doctor(s, "dr-b");
  auto a1 = book(s, "dr-a", "p-1", kNine);
  auto a2 = book(s, "dr-a", "p-2", "2027-03-02T09:00:00Z");
  auto b1 = book(s, "dr-b", "p-1", "2027-03-01T10:00:00Z");
  ASSERT_EQ(b1.status, 201) << b1.raw;
  const std::string at = b1.header("Docket-Position");
  const std::string dr_a = token("dr-a", api::Role::doctor);
  const std::string desk = token("desk", api::Role::receptionist);

  auto own = s.get_after("/v1/appointments", dr_a, at);
  ASSERT_EQ(own.status, 200);
  EXPECT_EQ(own.body["total"], 2);
  EXPECT_EQ(s.get_after("/v1/appointments?doctor_id=dr-b", dr_a, at).status, 403);
  EXPECT_EQ(s.get_after("/v1/appointments/" + b1.body["id"].get<std::string>(), dr_a, at).status,
            403);
  EXPECT_EQ(s.get_after("/v1/appointments/" + a1.body["id"].get<std::string>(), dr_a, at).status,
            200);

  auto patient = s.get_after("/v1/appointments?patient_id=p-1", desk, at);
  EXPECT_EQ(patient.body["total"], 2);
  auto day = s.get_after("/v1/appointments?doctor_id=dr-a&date=2027-03-02", desk, at);
  ASSERT_EQ(day.body["appointments"].size(), 1u);
  EXPECT_EQ(day.body["appointments"][0]["id"], a2.body["id"]);
  auto cancelled = s.get_after("/v1/appointments?status=cancelled", desk, at);
  EXPECT_EQ(cancelled.body["total"], 0);
  auto everyone = s.get_after("/v1/appointments?status=confirmed&per_page=2", desk, at);
  EXPECT_EQ(everyone.body["total"], 3);
  EXPECT_EQ(everyone.body["appointments"].size(), 2u);

  auto bad_status = s.get("/v1/appointments?status=lost", desk);
  EXPECT_EQ(bad_status.status, 422);
  EXPECT_EQ(bad_status.body["field"], "status");
  auto bad_date = s.get("/v1/appointments?date=03/01/2027", desk);
  EXPECT_EQ(bad_date.body["field"], "date");
  auto twice = s.get("/v1/appointments?doctor_id=dr-a&doctor_id=dr-b", desk);
  EXPECT_EQ(twice.status, 422);
  EXPECT_EQ(twice.body["field"], "doctor_id");
  auto unknown = s.get("/v1/appointments/dr-a.AAAAAAAAAAAAAAAAAAAAAA", desk);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.code(), "not_found");
  EXPECT_EQ(s.get("/v1/appointments/dr-a.AAAAAAAAAAAAAAAAAAAAAA/history", desk).status, 404);
}

TEST(QueryQueue, ShowsTheDaysWalkInsToItsDoctorAndStaff) {
  TempDir dir;
  QueryService s(dir.path());
  add_doctor(s, "dr-a");
  s.set_clock("2027-03-01T08:00:00Z");
  const std::string desk = token("desk", api::Role::receptionist);
  auto routine =
      s.post("/v1/doctors/dr-a/walk-ins", desk, {{"patient_id", "p-1"}, {"urgency", "routine"}});
  ASSERT_EQ(routine.status, 201) << routine.raw;
  auto urgent =
      s.post("/v1/doctors/dr-a/walk-ins", desk, {{"patient_id", "p-2"}, {"urgency", "urgent"}});
  ASSERT_EQ(urgent.status, 201) << urgent.raw;
  const std::string at = urgent.header("Docket-Position");

  auto queue = s.get_after("/v1/doctors/dr-a/queue?date=2027-03-01", desk, at);
  ASSERT_EQ(queue.status, 200) << queue.raw;
  ASSERT_EQ(queue.body["entries"].size(), 2u);
  EXPECT_EQ(queue.body["entries"][0]["patient_id"], "p-2") << "urgent before routine";
  EXPECT_EQ(queue.body["entries"][0]["position"], 1);
  EXPECT_EQ(queue.body["entries"][1]["queue_number"], routine.body["queue_number"]);
  auto today = s.get_after("/v1/doctors/dr-a/queue", token("dr-a", api::Role::doctor), at);
  ASSERT_EQ(today.status, 200);
  EXPECT_EQ(today.body["entries"].size(), 2u) << "the date defaults to today";
  EXPECT_EQ(s.get("/v1/doctors/dr-a/queue?date=2027-03-02", desk).body["entries"].size(), 0u);

  EXPECT_EQ(s.get("/v1/doctors/dr-a/queue", token("dr-b", api::Role::doctor)).status, 403);
  EXPECT_EQ(s.get("/v1/doctors/dr-a/queue", token("p-1", api::Role::patient)).status, 403);
  EXPECT_EQ(s.get("/v1/doctors/dr-a/queue?date=tomorrow", desk).body["field"], "date");
  EXPECT_EQ(s.get("/v1/doctors/dr-zz/queue", desk).code(), "doctor_not_found");
}

TEST(QueryWaitlist, EntriesToTheirPatientDoctorAndStaff) {
  TempDir dir;
  QueryService s(dir.path());
  add_doctor(s, "dr-a");
  const std::string p1 = token("p-1", api::Role::patient);
  auto joined = s.post("/v1/doctors/dr-a/waitlist", p1,
                       {{"date", kMonday}, {"consultation_type", "in_person"}});
  ASSERT_EQ(joined.status, 201) << joined.raw;
  const std::string id = joined.body["id"];
  const std::string at = joined.header("Docket-Position");

  auto entry = s.get_after("/v1/waitlist/" + id, p1, at);
  ASSERT_EQ(entry.status, 200) << entry.raw;
  EXPECT_EQ(entry.body["status"], "waiting");
  EXPECT_EQ(entry.body["position"], 1);
  EXPECT_TRUE(entry.body["offer"].is_null());
  EXPECT_EQ(s.get_after("/v1/waitlist/" + id, token("p-2", api::Role::patient), at).status, 403);
  EXPECT_EQ(s.get_after("/v1/waitlist/" + id, token("dr-a", api::Role::doctor), at).status, 200);
  EXPECT_EQ(s.get("/v1/waitlist/dr-a.AAAAAAAAAAAAAAAAAAAAAA", p1).status, 404);

  auto list = s.get_after("/v1/doctors/dr-a/waitlist", token("dr-a", api::Role::doctor), at);
  ASSERT_EQ(list.status, 200) << list.raw;
  EXPECT_EQ(list.body["total"], 1);
  EXPECT_EQ(list.body["entries"][0]["id"], id);
  EXPECT_EQ(s.get("/v1/doctors/dr-a/waitlist", p1).status, 403);
  EXPECT_EQ(s.get("/v1/doctors/dr-a/waitlist", token("dr-b", api::Role::doctor)).status, 403);
  EXPECT_EQ(
      s.get("/v1/doctors/dr-a/waitlist?per_page=-1", token("desk", api::Role::admin)).body["field"],
      "per_page");
}

TEST(QueryStats, DoctorAndClinicFigures) {
  TempDir dir;
  QueryService s(dir.path());
  add_doctor(s, "dr-a", "cardiology");
  add_doctor(s, "dr-b", "dermatology");
  book(s, "dr-a", "p-1", kNine);
  auto last = book(s, "dr-b", "p-2", kNine);
  ASSERT_EQ(last.status, 201) << last.raw;
  const std::string at = last.header("Docket-Position");
  const std::string admin = token("root", api::Role::admin);

  auto doctor = s.get_after("/v1/doctors/dr-a/stats", token("dr-a", api::Role::doctor), at);
  ASSERT_EQ(doctor.status, 200) << doctor.raw;
  EXPECT_EQ(doctor.body["total"], 1);
  EXPECT_EQ(doctor.body["by_status"]["confirmed"], 1);
  EXPECT_EQ(doctor.body["unique_patients"], 1);
  EXPECT_EQ(s.get("/v1/doctors/dr-a/stats", token("dr-b", api::Role::doctor)).status, 403);
  EXPECT_EQ(s.get("/v1/doctors/dr-a/stats", token("p-1", api::Role::patient)).status, 403);
  EXPECT_EQ(s.get("/v1/doctors/dr-zz/stats", admin).code(), "doctor_not_found");

  auto clinic = s.get_after("/v1/stats?from=2027-03-01&to=2027-03-01", admin, at);
  ASSERT_EQ(clinic.status, 200) << clinic.raw;
  EXPECT_EQ(clinic.body["total"], 2);
  EXPECT_EQ(clinic.body["unique_patients"], 2);
  EXPECT_EQ(clinic.body["by_specialty"]["dermatology"]["total"], 1);
  EXPECT_EQ(clinic.body["range"]["appointments"], 2);
  EXPECT_EQ(s.get("/v1/stats", token("desk", api::Role::receptionist)).status, 403);
  auto half = s.get("/v1/stats?from=2027-03-01", admin);
  EXPECT_EQ(half.status, 422);
  EXPECT_EQ(half.body["field"], "to");
}

}  // namespace
}  // namespace docket::http_test
