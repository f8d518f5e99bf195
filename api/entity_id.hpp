#pragma once
// Ids of the entities a doctor's aggregate owns (appointments, holds, walk-ins, waitlist entries,
// blocks). Every endpoint that names only such an id (`/v1/appointments/{id}/cancel`, ...) must
// reach the doctor's writer without a read model, so the doctor id is part of the entity id:
//
//   <doctor-id>.<22 characters of base64url>      e.g. "dr-smith.q3X0bS1v6m8kQ2xZ9aYt0w"
//
// Doctor ids are [a-z0-9-]{1,64} and never contain '.', so the first '.' splits the two parts
// unambiguously. The random part is 128 bits from the kernel's CSPRNG (getrandom), so ids are
// unguessable and collisions are not a practical concern.

#include <optional>
#include <string>
#include <string_view>

namespace docket::api {

// Whether `id` is a valid doctor id: [a-z0-9-]{1,64}. Thread-safe.
bool is_doctor_id(std::string_view id) noexcept;

// A fresh entity id owned by `doctor_id` (which must satisfy is_doctor_id). Thread-safe. Aborts
// only if the kernel refuses random bytes, which Linux does not do once booted.
std::string new_entity_id(std::string_view doctor_id);

// The doctor an entity id belongs to; nullopt when `entity_id` is not of the form above (a
// malformed or foreign id, which the API answers with 404). Thread-safe.
std::optional<std::string> doctor_of(std::string_view entity_id);

}  // namespace docket::api
