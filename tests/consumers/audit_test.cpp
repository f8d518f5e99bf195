// The audit tools against a real embedded log: hash-chain verification after tampering with the
// stored bytes, an appointment's timeline, a doctor's state as of an instant, and the event dump.

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <sstream>

#include "consumers/audit_log.hpp"
#include "consumers/audit_replay.hpp"
#include "consumers/audit_timeline.hpp"
#include "eventstore/embedded_keys.hpp"
#include "tests/consumers/log_fixture.hpp"

namespace docket::consumers {
namespace {

using namespace docket::consumers::testing;
using domain::Role;

// Two doctors; doctor-a gets three bookings in separate commits.
void fill(eventstore::EventLog& log) {
  append(log, "a", {registered("a", "cardiology")}, at("2027-01-01T08:00:00Z"));
  append(log, "b", {registered("b", "dermatology")}, at("2027-01-01T08:01:00Z"));
  append(log, "a", {booked("appt-1", "p-1", at("2027-03-01T09:00:00Z"))},
         at("2027-01-02T08:00:00Z"));
  append(log, "a", {booked("appt-2", "p-2", at("2027-03-01T09:30:00Z"))},
         at("2027-01-02T08:05:00Z"));
  append(log, "b", {booked("appt-9", "p-9", at("2027-03-02T09:00:00Z"))},
         at("2027-01-02T08:06:00Z"));
  append(log, "a", {booked("appt-3", "p-3", at("2027-03-01T10:00:00Z"))},
         at("2027-01-02T08:10:00Z"));
}

TEST(Verify, FailsAtExactlyTheEventWhoseStoredByteChanged) {
  TempDir dir;
  {
    auto log = open_log(dir.path());
    fill(*log);
    auto report = verify_chain(*log);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_TRUE(report->ok());
    EXPECT_EQ(report->events, 6u);
    EXPECT_EQ(report->streams, 2u);
  }
  // Flip one byte of the stored envelope of appt-2's booking, with the log closed.
  std::string tampered_stream;
  std::uint64_t tampered_version = 0;
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.path().string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    bool found = false;
    for (it->Seek(std::string(1, eventstore::embedded::kEventPrefix));
         it->Valid() && it->key()[0] == eventstore::embedded::kEventPrefix; it->Next()) {
      std::string value = it->value().ToString();
      auto decoded = eventstore::embedded::decode_event_value(value);
      ASSERT_TRUE(decoded);
      const auto envelope = nlohmann::json::parse(decoded->envelope);
      if (envelope["data"].value("appointment_id", "") != "appt-2") continue;
      tampered_stream = envelope["stream"].get<std::string>();
      tampered_version = envelope["streamversion"].get<std::uint64_t>();
      const auto at_byte = value.find("p-2", eventstore::embedded::kValueHeaderSize);
      ASSERT_NE(at_byte, std::string::npos);
      value[at_byte + 2] = '7';  // patient "p-2" becomes "p-7": still valid JSON
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), it->key(), value).ok());
      found = true;
      break;
    }
    ASSERT_TRUE(found);
  }
  auto log = open_log(dir.path());
  auto report = verify_chain(*log);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(report->broken->stream, tampered_stream);
  EXPECT_EQ(tampered_stream, "doctor-a");
  EXPECT_EQ(report->broken->version, tampered_version);
  EXPECT_EQ(tampered_version, 3u);
  std::ostringstream text;
  write_verify_report(*report, text);
  EXPECT_NE(text.str().find("doctor-a version 3"), std::string::npos) << text.str();
}

TEST(AuditTimeline, ShowsWhoChangedWhatFromWhatToWhatAndWhy) {
  TempDir dir;
  auto log = open_log(dir.path());
  fill(*log);
  domain::AppointmentRescheduled moved;
  moved.actor = actor("desk-1", Role::receptionist);
  moved.appointment_id = "appt-1";
  moved.patient_id = "p-1";
  moved.old_start = at("2027-03-01T09:00:00Z");
  moved.old_end = at("2027-03-01T09:30:00Z");
  moved.new_start = at("2027-03-01T11:00:00Z");
  moved.new_end = at("2027-03-01T11:30:00Z");
  moved.personal.reason = "patient asked on the phone";
  append(*log, "a", {moved}, at("2027-01-03T08:00:00Z"));
  domain::AppointmentCancelled cancelled;
  cancelled.actor = actor("a", Role::doctor);
  cancelled.appointment_id = "appt-1";
  cancelled.patient_id = "p-1";
  cancelled.start = moved.new_start;
  cancelled.old_status = domain::AppointmentStatus::confirmed;
  append(*log, "a", {cancelled}, at("2027-01-04T08:00:00Z"));

  auto timeline = appointment_timeline(*log, "appt-1");
  ASSERT_TRUE(timeline) << timeline.error().message;
  EXPECT_EQ(timeline->doctor_id, "a");
  ASSERT_EQ(timeline->entries.size(), 3u);
  const auto& book = timeline->entries[0];
  EXPECT_EQ(book.type, domain::AppointmentBooked::type);
  EXPECT_EQ(book.actor_sub, "p-1");
  EXPECT_EQ(book.actor_role, "patient");
  EXPECT_EQ(book.time, "2027-01-02T08:00:00Z");

  const auto& move = timeline->entries[1];
  EXPECT_EQ(move.type, domain::AppointmentRescheduled::type);
  EXPECT_EQ(move.actor_sub, "desk-1");
  EXPECT_EQ(move.actor_role, "receptionist");
  EXPECT_NE(std::find(move.changes.begin(), move.changes.end(),
                      FieldChange{"start", "2027-03-01T09:00:00Z", "2027-03-01T11:00:00Z"}),
            move.changes.end());
  EXPECT_EQ(move.why, "reason given");

  const auto& cancel = timeline->entries[2];
  EXPECT_EQ(cancel.type, domain::AppointmentCancelled::type);
  EXPECT_EQ(cancel.actor_sub, "a");
  EXPECT_EQ(cancel.actor_role, "doctor");
  EXPECT_NE(std::find(cancel.changes.begin(), cancel.changes.end(),
                      FieldChange{"status", "confirmed", "cancelled"}),
            cancel.changes.end());
  EXPECT_EQ(cancel.why, "no reason given");

  std::ostringstream text;
  write_timeline(*timeline, text);
  const std::string printed = text.str() + timeline_json(*timeline).dump();
  EXPECT_EQ(printed.find("patient asked"), std::string::npos) << "free text leaked";
  EXPECT_EQ(printed.find("cough"), std::string::npos) << "free text leaked";
  EXPECT_NE(text.str().find("start: 2027-03-01T09:00:00Z -> 2027-03-01T11:00:00Z"),
            std::string::npos);

  auto missing = appointment_timeline(*log, "appt-404");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, audit_errc::not_found);
}

// The event recorded exactly at `as_of` is part of the state (time <= as_of).
TEST(AuditReplay, FoldsOnlyEventsRecordedAtOrBeforeTheInstant) {
  TempDir dir;
  auto log = open_log(dir.path());
  fill(*log);

  auto between = replay_doctor(*log, "a", at("2027-01-02T08:07:00Z"));
  ASSERT_TRUE(between) << between.error().message;
  EXPECT_EQ(between->state.version(), 3u);
  EXPECT_NE(between->state.find_appointment("appt-1"), nullptr);
  EXPECT_NE(between->state.find_appointment("appt-2"), nullptr);
  EXPECT_EQ(between->state.find_appointment("appt-3"), nullptr);

  auto exact = replay_doctor(*log, "a", at("2027-01-02T08:10:00Z"));
  ASSERT_TRUE(exact) << exact.error().message;
  EXPECT_EQ(exact->state.version(), 4u);
  EXPECT_NE(exact->state.find_appointment("appt-3"), nullptr);

  auto before = replay_doctor(*log, "a", at("2026-12-31T00:00:00Z"));
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_EQ(before->state.version(), 0u);
  EXPECT_FALSE(before->state.registered());

  std::ostringstream out;
  write_replay(*between, out);
  const auto doc = nlohmann::json::parse(out.str());
  EXPECT_EQ(doc["version"], 3);
  ASSERT_EQ(doc["state"]["appointments"].size(), 2u);
  EXPECT_EQ(doc["state"]["appointments"][0]["id"], "appt-1");
  EXPECT_EQ(doc["state"]["appointments"][1]["id"], "appt-2");
  EXPECT_EQ(doc["state"]["profile"]["specialty"], "cardiology");

  auto unknown = replay_doctor(*log, "zzz", at("2027-01-02T08:07:00Z"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, audit_errc::not_found);
}

TEST(EventsDump, WritesCloudEventsLinesWithinTheRangeAndStream) {
  TempDir dir;
  auto log = open_log(dir.path());
  fill(*log);
  std::ostringstream all;
  auto range = parse_dump_request({});
  ASSERT_TRUE(range);
  auto n = dump_events(*log, *range, all);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 6u);
  std::istringstream lines(all.str());
  std::string line;
  std::vector<eventstore::RecordedEvent> parsed;
  while (std::getline(lines, line)) {
    auto e = eventstore::from_cloudevent(nlohmann::json::parse(line));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->hash, eventstore::compute_hash(*e));
    parsed.push_back(*e);
  }
  ASSERT_EQ(parsed.size(), 6u);

  // Positions are event sequence numbers in the embedded log: events 3..5, doctor-a only.
  std::ostringstream some;
  auto slice = parse_dump_request({std::string("2"), std::string("5"), "doctor-a"});
  ASSERT_TRUE(slice);
  auto m = dump_events(*log, *slice, some);
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, 2u);  // events 3 (appt-1) and 4 (appt-2) are doctor-a; 5 is doctor-b
  EXPECT_NE(some.str().find("appt-1"), std::string::npos);

  auto bad = parse_dump_request({std::string("not a token"), std::nullopt, ""});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, audit_errc::invalid_range);
}

}  // namespace
}  // namespace docket::consumers
