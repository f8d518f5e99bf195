#pragma once
// The stored form of an event: CloudEvents 1.0, structured JSON mode.
//
// Extension attributes (lowercase letters and digits only, flat values, per the CloudEvents spec):
//   stream, streamversion, actorsub, actorrole, correlationid, causationid, prevhash, hash.
// `hash` is the hex SHA-256 of the canonical envelope (every attribute but `hash`, as compact JSON
// with sorted keys); `prevhash` is the previous event's `hash` in the same stream, or 64 zeros for
// a stream's first event. Changing any stored byte of an event breaks its link.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "eventstore/position.hpp"

namespace docket::eventstore {

struct Actor {
  std::string sub;   // the user id (JWT `sub`); "system" for the scheduler
  std::string role;  // patient, doctor, receptionist, admin, system
  bool operator==(const Actor&) const = default;
};

struct RecordedEvent {
  std::string id;              // UUID
  std::string source;          // "docket"
  std::string type;            // "docket.appointment.booked.v1"
  std::string subject;         // may be empty
  std::string time;            // RFC 3339, UTC, "Z"
  nlohmann::json data;         // the event's JSON form
  std::string stream;          // "doctor-<id>"
  std::uint64_t version = 0;   // 1-based index in its stream
  Actor actor;
  std::string correlation_id;  // may be empty
  std::string causation_id;    // may be empty
  std::string prevhash;        // 64 hex digits
  std::string hash;            // 64 hex digits
  Position position;           // not stored in the envelope: where its commit ends in the log
};

inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The structured CloudEvents JSON of an event (without `position`).
nlohmann::json to_cloudevent(const RecordedEvent& e);
// Parses an envelope; nullopt when required attributes are missing or of the wrong type.
std::optional<RecordedEvent> from_cloudevent(const nlohmann::json& j);

// The hash an event should carry given its other attributes (its `hash` is ignored).
std::string compute_hash(const RecordedEvent& e);

// A random (version 4) UUID in its canonical text form.
std::string new_uuid();

}  // namespace docket::eventstore
