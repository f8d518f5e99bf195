#pragma once
// JSON <-> domain for the command endpoints: readers for the request shapes that several
// endpoints share (money, consultation types, schedule rules, settings) and the reply shapes of
// API.md built from the doctor's state. Pure functions; safe from any thread on distinct or
// unmodified arguments.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "api/auth.hpp"
#include "api/fields.hpp"
#include "domain/calendar.hpp"
#include "domain/commands.hpp"
#include "domain/doctor_state.hpp"

namespace docket::api {

// The domain actor of a verified caller.
domain::Actor actor_of(const Principal& who);

// A money amount given as a JSON number in major units with at most two decimals (50, 50.5,
// 50.25), in [0, 10^9], as minor units (5000, 5050, 5025). More decimals are 422 invalid_field; a
// negative or larger amount 422 out_of_range; both recorded on `in` with the field's path.
std::optional<std::int64_t> read_money(FieldReader& in, std::string_view name,
                                       Presence presence = Presence::required);
// Minor units as the JSON number the API shows (5000 -> 50.0).
double money_json(std::int64_t minor) noexcept;

// One consultation type ("in_person", "video", "audio", "chat"); anything else invalid_field.
std::optional<domain::ConsultationType> read_consultation_type(
    FieldReader& in, std::string_view name, Presence presence = Presence::required);
// A non-empty list of consultation types, as a set. `prefix` is the reader's own path prefix
// ("rules[0].") so that a problem names the field in full.
std::optional<domain::ConsultationTypes> read_consultation_types(
    FieldReader& in, std::string_view name, Presence presence = Presence::required,
    std::string_view prefix = {});
nlohmann::json consultation_types_json(domain::ConsultationTypes types);

// The `rules` array of PUT /v1/doctors/{id}/schedule. Shapes are checked here (field paths
// "rules[i].<name>"); overlaps and cross-field ranges are the domain's (validate_rules).
std::optional<std::vector<domain::ScheduleRule>> read_rules(FieldReader& in);

// Reads every setting of PUT /v1/doctors/{id}/settings that is present, with API.md's ranges.
domain::UpdateSettings read_settings(FieldReader& in);

nlohmann::json rule_json(const domain::ScheduleRule& rule);
nlohmann::json settings_json(const domain::Settings& settings);
// {"rules", "effective_from"} of the rule set in force today (`today` in the doctor's zone),
// else of the latest set; rules [] and effective_from null when there is none.
nlohmann::json schedule_json(const domain::DoctorState& state, domain::Instant now);
// GET /v1/doctors/{id}: {"id", "name", "specialty", "timezone", "consultation_fee",
// "consultation_types", "active", "schedule", "settings", "version"}.
nlohmann::json doctor_json(const domain::DoctorState& state, domain::Instant now);

// {"id", "number", "status", "doctor_id", "patient_id", "start", "end", "consultation_type",
// "fee"} — the booking reply and the reply of every appointment action.
nlohmann::json appointment_json(const domain::Appointment& appointment, std::string_view doctor_id);
// {"id", "queue_number", "patient_id", "urgency", "status", "position",
// "estimated_wait_minutes"}; position and wait are null unless the walk-in is waiting.
nlohmann::json walkin_json(const domain::DoctorState& state, const domain::Walkin& walkin);

// The audit form of a whole aggregate (GET /v1/doctors/{id}/state): profile, settings, schedule
// history, blocks, appointments with ids and numbers, holds, walk-ins, waitlist. Lists are sorted
// by id so equal states give equal JSON. No patient free text (the state holds none).
nlohmann::json state_json(const domain::DoctorState& state);

}  // namespace docket::api
