#pragma once
// The demo clinic `docket serve --demo` seeds: twelve doctors in four specialties and five time
// zones, weekly schedules, and a few bookings, all decided through the command service so they
// are ordinary events in the log.

#include <string>
#include <vector>

#include "api/command_service.hpp"

namespace docket::app {

struct SeedReport {
  bool seeded = false;                       // false: the clinic was there already
  std::vector<std::string> doctor_ids;       // every demo doctor
  std::vector<std::string> appointment_ids;  // bookings made now (empty when not seeded)
  std::string error;                         // non-empty when a command failed
};

// Seeds the clinic unless its first doctor is already registered. Blocks until every command is
// durable. Never prints patient data.
SeedReport seed_demo_clinic(api::CommandService& service);

}  // namespace docket::app
