#pragma once
// The JSON form of the doctor aggregate's events: the CloudEvents `data` of each event, keyed by
// its type name. Instants are RFC 3339 UTC strings, local dates "YYYY-MM-DD", times of day
// "HH:MM", enums their API strings; a patient's free text only under "personal".
//
// Old versions stay readable forever: `decode` first runs registered upcasters, each turning one
// old type name's data into the next version's, until it reaches a type this build knows.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "domain/errors.hpp"
#include "domain/events.hpp"

namespace docket::domain {

struct EncodedEvent {
  std::string type;  // e.g. "docket.appointment.booked.v1"
  nlohmann::json data;
};

// The type name and JSON data of `event`. Never fails.
EncodedEvent encode(const Event& event);

// Turns the data of one old event type into {newer type, newer data}.
using Upcaster = std::function<Result<EncodedEvent>(const nlohmann::json& data)>;

// Upcasters by the old type name they read. A value type; not thread-safe for concurrent add().
class UpcasterRegistry {
 public:
  // Registers `up` for `old_type`, replacing any earlier one for that name.
  void add(std::string old_type, Upcaster up);
  // The upcaster for `type`, nullptr when none is registered.
  const Upcaster* find(std::string_view type) const;

 private:
  std::unordered_map<std::string, Upcaster> by_type_;
};

// The upcasters of the current catalog (none yet: every stored type is still current).
const UpcasterRegistry& default_upcasters();

// Decodes stored data of `type`, upcasting old versions first. Errors: invalid_field when the
// type is unknown (and no upcaster reads it), when upcasting loops (more than 16 steps), or when
// the data lacks a field or has one of the wrong shape (`detail` says which). Thread-safe.
Result<Event> decode(std::string_view type, const nlohmann::json& data);
Result<Event> decode(std::string_view type, const nlohmann::json& data,
                     const UpcasterRegistry& upcasters);

}  // namespace docket::domain
