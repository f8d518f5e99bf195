#include "app/seed.hpp"

#include <array>

#include "api/entity_id.hpp"
#include "domain/calendar.hpp"

namespace docket::app {

namespace {

struct DemoDoctor {
  const char* id;
  const char* name;
  const char* specialty;
  const char* zone;
  std::int64_t fee;  // minor units
  int slot_minutes;
  int capacity;
};

constexpr std::array<DemoDoctor, 12> demo_doctors{{
    {"dr-ada-berlin", "Dr. Ada Weber", "cardiology", "Europe/Berlin", 9000, 30, 1},
    {"dr-ben-berlin", "Dr. Ben Fischer", "dermatology", "Europe/Berlin", 7000, 20, 1},
    {"dr-cleo-london", "Dr. Cleo Hart", "pediatrics", "Europe/London", 6000, 15, 2},
    {"dr-dev-london", "Dr. Dev Patel", "general-practice", "Europe/London", 5000, 10, 1},
    {"dr-eva-newyork", "Dr. Eva Moore", "cardiology", "America/New_York", 15000, 30, 1},
    {"dr-finn-newyork", "Dr. Finn Brooks", "general-practice", "America/New_York", 8000, 15, 2},
    {"dr-gia-tokyo", "Dr. Gia Sato", "dermatology", "Asia/Tokyo", 6500, 20, 1},
    {"dr-hiro-tokyo", "Dr. Hiro Tanaka", "pediatrics", "Asia/Tokyo", 5500, 15, 1},
    {"dr-ines-sydney", "Dr. Ines Clarke", "cardiology", "Australia/Sydney", 12000, 30, 1},
    {"dr-jon-sydney", "Dr. Jon Reid", "general-practice", "Australia/Sydney", 6000, 10, 3},
    {"dr-kim-utc", "Dr. Kim Novak", "pediatrics", "UTC", 4500, 15, 1},
    {"dr-lea-utc", "Dr. Lea Costa", "dermatology", "UTC", 7500, 20, 2},
}};

const domain::Actor seeder{"demo-seed", domain::Role::admin};

std::string failure_text(const api::CommandError& e) {
  if (e.code == api::command_errc::rejected) return std::string(domain::to_code(e.domain.code));
  return std::string(api::to_string(e.code));
}

}  // namespace

SeedReport seed_demo_clinic(api::CommandService& service) {
  SeedReport report;
  for (const auto& d : demo_doctors)
    report.doctor_ids.emplace_back(d.id);
  auto first = service.state_of(demo_doctors[0].id);
  if (!first) {
    report.error = "cannot read the demo clinic: " + failure_text(first.error());
    return report;
  }
  if (first->registered()) return report;

  const auto run = [&](const std::string& doctor, domain::Command c) {
    auto r = service.execute(doctor, std::move(c));
    if (!r && report.error.empty()) report.error = doctor + ": " + failure_text(r.error());
    return r.ok();
  };
  const domain::Instant now = service.now();
  int patient = 0;
  for (const auto& d : demo_doctors) {
    domain::RegisterDoctor reg;
    reg.actor = seeder;
    reg.doctor_id = d.id;
    reg.name = d.name;
    reg.specialty = d.specialty;
    reg.timezone = d.zone;
    reg.consultation_fee = d.fee;
    if (!run(d.id, reg)) return report;

    domain::ScheduleRule morning;
    morning.weekdays = 0x1F;  // Monday to Friday
    morning.start_minute = 9 * 60;
    morning.end_minute = 13 * 60;
    morning.slot_minutes = d.slot_minutes;
    morning.capacity = d.capacity;
    domain::ScheduleRule afternoon = morning;
    afternoon.start_minute = 14 * 60;
    afternoon.end_minute = 17 * 60;
    domain::SetSchedule schedule;
    schedule.actor = seeder;
    schedule.rules = {morning, afternoon};
    const auto* zone = domain::find_zone(d.zone);
    if (zone == nullptr) {
      report.error = std::string(d.id) + ": unknown zone";
      return report;
    }
    schedule.effective_from = domain::local_date_of(now, *zone);
    if (!run(d.id, schedule)) return report;

    // Two bookings on the doctor's first working day after today.
    auto state = service.state_of(d.id);
    if (!state) continue;
    const domain::LocalDate today = domain::local_date_of(now, *zone);
    for (int ahead = 1; ahead <= 7; ++ahead) {
      const auto slots =
          domain::slots_on(state->schedule(), *zone, today + date::days(ahead),
                           state->settings().buffer_minutes, state->profile().consultation_types);
      if (slots.size() < 3) continue;
      for (std::size_t i = 0; i < 3; i += 2) {
        domain::BookAppointment book;
        book.actor = {"demo-desk", domain::Role::receptionist};
        book.patient_id = "patient-" + std::to_string(++patient);
        book.appointment_id = api::new_entity_id(d.id);
        book.start = slots[i].start;
        if (run(d.id, book)) report.appointment_ids.push_back(book.appointment_id);
      }
      break;
    }
  }
  report.seeded = report.error.empty();
  return report;
}

}  // namespace docket::app
