#pragma once
// A real embedded log in a temp dir and a small writer of catalog events for the consumer and
// audit tests.

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "domain/event_json.hpp"
#include "eventstore/embedded_log.hpp"
#include "tests/support/temp_dir.hpp"

namespace docket::consumers::testing {

using TempDir = docket::testing::TempDir;

inline std::unique_ptr<eventstore::EventLog> open_log(const std::filesystem::path& dir) {
  auto log = eventstore::open_embedded_log({.directory = dir});
  if (!log) throw std::runtime_error("open_embedded_log: " + log.error().message);
  return std::move(log).value();
}

inline domain::Instant at(const char* rfc3339) {
  auto t = domain::parse_rfc3339(rfc3339);
  if (!t) throw std::invalid_argument(rfc3339);
  return *t;
}

inline domain::Actor actor(std::string sub, domain::Role role) {
  return {std::move(sub), role};
}

// Appends `events` to doctor-<doctor> as one commit decided at `time`; throws on failure.
inline eventstore::AppendResult append(eventstore::EventLog& log, const std::string& doctor,
                                       const std::vector<domain::Event>& events,
                                       domain::Instant time) {
  const std::string stream = "doctor-" + doctor;
  auto version = log.stream_version(stream);
  if (!version) throw std::runtime_error("stream_version failed");
  eventstore::AppendRequest request;
  request.stream = stream;
  request.expected_version = *version;
  const auto& who = domain::event_actor(events.front());
  request.metadata = {time, {who.sub, std::string(domain::to_string(who.role))}, "", ""};
  for (const auto& e : events) {
    auto encoded = domain::encode(e);
    request.events.push_back({encoded.type, "", std::move(encoded.data)});
  }
  auto done = log.append(std::move(request));
  if (!done) throw std::runtime_error("append failed: " + done.error().message);
  return std::move(done).value();
}

inline domain::DoctorRegistered registered(const std::string& doctor, std::string specialty,
                                           std::int64_t fee = 5000) {
  domain::DoctorRegistered e;
  e.actor = actor("admin-1", domain::Role::admin);
  e.doctor_id = doctor;
  e.profile = {"Dr " + doctor,
               std::move(specialty),
               "Europe/Berlin",
               fee,
               domain::ConsultationTypes::all(),
               true};
  return e;
}

inline domain::AppointmentBooked booked(const std::string& id, const std::string& patient,
                                        domain::Instant start, std::int64_t fee = 5000) {
  domain::AppointmentBooked e;
  e.actor = actor(patient, domain::Role::patient);
  e.appointment_id = id;
  e.number = "APT-20270301-0001";
  e.patient_id = patient;
  e.start = start;
  e.end = start + std::chrono::minutes(30);
  e.fee = fee;
  e.personal.reason_for_visit = "persistent cough";
  return e;
}

}  // namespace docket::consumers::testing
