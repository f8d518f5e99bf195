#pragma once
// The values stored in the read models and their byte forms (codec.hpp), plus the key builders
// of every table (layouts in models.hpp). decode_* return nullopt for bytes that do not parse.
// Thread safety: plain values and pure functions.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/calendar.hpp"
#include "domain/doctor_types.hpp"
#include "domain/time.hpp"

namespace docket::projections {

struct DoctorRecord {
  std::string id;
  domain::Profile profile{};
  domain::Settings settings{};
  domain::Schedule schedule;
};
std::string encode(const DoctorRecord& r);
std::optional<DoctorRecord> decode_doctor(std::string_view bytes);

struct BlockRecord {
  domain::Instant start;
  domain::Instant end;
  domain::BlockKind kind = domain::BlockKind::other;
};
std::string encode(const BlockRecord& r);
std::optional<BlockRecord> decode_block(std::string_view bytes);

struct AppointmentRecord {
  std::string id;
  std::string number;
  domain::AppointmentStatus status = domain::AppointmentStatus::confirmed;
  std::string doctor_id;
  std::string patient_id;
  domain::Instant start;
  domain::Instant end;
  domain::ConsultationType consultation_type = domain::ConsultationType::in_person;
  std::int64_t fee = 0;
  std::uint64_t version = 0;  // the doctor stream's version at the appointment's last change
  std::string created_at;     // RFC 3339, from the booking event
  std::string updated_at;     // RFC 3339, from the last event that changed it
  bool operator==(const AppointmentRecord&) const = default;
};
std::string encode(const AppointmentRecord& r);
std::optional<AppointmentRecord> decode_appointment(std::string_view bytes);

struct WalkinRecord {
  std::string id;
  std::string doctor_id;
  std::string patient_id;
  domain::Urgency urgency = domain::Urgency::routine;
  domain::WalkinStatus status = domain::WalkinStatus::waiting;
  domain::LocalDate date;
  int sequence = 0;
  std::string queue_number;
  domain::Instant arrived_at;
  std::uint64_t arrival = 0;  // stream version of the registration: arrival order
};
std::string encode(const WalkinRecord& r);
std::optional<WalkinRecord> decode_walkin(std::string_view bytes);

struct WaitlistRecord {
  std::string id;
  std::string doctor_id;
  std::string patient_id;
  domain::LocalDate date;
  int from_minute = 0;
  int to_minute = 1440;
  domain::ConsultationType consultation_type = domain::ConsultationType::in_person;
  int priority = 0;
  std::uint64_t joined = 0;  // stream version of the join: join order
  domain::WaitlistStatus status = domain::WaitlistStatus::waiting;
  bool has_offer = false;
  domain::Instant offer_start;
  domain::Instant offer_end;
  domain::Instant offer_expires_at;
  std::string appointment_id;
};
std::string encode(const WaitlistRecord& r);
std::optional<WaitlistRecord> decode_waitlist(std::string_view bytes);

inline constexpr std::size_t kStatusCount = 8;  // AppointmentStatus values

struct DoctorStats {
  std::int64_t total = 0;
  std::array<std::int64_t, kStatusCount> by_status{};
  std::int64_t unique_patients = 0;
};
std::string encode(const DoctorStats& r);
std::optional<DoctorStats> decode_stats(std::string_view bytes);

// The counts of one appointment index: every appointment, and per status for a doctor's (the
// clinic-wide index has no per-status entries, so its counts keep `any` only). One value per
// index, so that a status change moves both its counts in one write.
struct IndexCounts {
  std::int64_t any = 0;
  std::array<std::int64_t, kStatusCount> by_status{};
  bool empty() const;
};
std::string encode(const IndexCounts& r);
std::optional<IndexCounts> decode_index_counts(std::string_view bytes);

// What the stats model remembers of each appointment to move its counts on later events.
struct StatsMirror {
  std::string doctor_id;
  domain::Instant start;
  domain::AppointmentStatus status = domain::AppointmentStatus::confirmed;
};
std::string encode(const StatsMirror& r);
std::optional<StatsMirror> decode_mirror(std::string_view bytes);

std::int64_t seconds_of(domain::Instant t);
domain::Instant instant_of(std::int64_t seconds);
std::int64_t days_of(domain::LocalDate d);

// Key builders, one per table (models.hpp).
namespace key {
std::string stream_version(std::string_view stream);
std::string doctor(std::string_view doctor_id);
std::string directory(std::string_view specialty_lower, std::string_view doctor_id);  // "" = all
std::string directory_prefix(std::string_view specialty_lower);                       // "" = all
std::string directory_count(std::string_view specialty_lower);                        // "" = all
std::string occupancy(std::string_view doctor_id, domain::Instant start);
std::string occupancy_prefix(std::string_view doctor_id);
std::string hold(std::string_view doctor_id, std::string_view hold_id);
std::string offer(std::string_view doctor_id, std::string_view entry_id);
std::string block(std::string_view doctor_id, std::string_view block_id);
std::string block_prefix(std::string_view doctor_id);
std::string appointment(std::string_view id);
// Appointment index dimensions.
enum class Dim : std::uint8_t { all = 0, doctor = 1, patient = 2 };
inline constexpr std::uint8_t kAnyStatus = 0xFF;
std::string appt_index_prefix(Dim dim, std::string_view value, std::uint8_t status);
std::string appt_index(Dim dim, std::string_view value, std::uint8_t status, domain::Instant start,
                       std::string_view id);
std::string appt_count(Dim dim, std::string_view value);  // IndexCounts
std::string appt_count_prefix(Dim dim);                   // every one of `dim`
// The value of an entry of a patient's index: u8(status) then the doctor id.
std::string patient_entry(domain::AppointmentStatus status, std::string_view doctor_id);
std::string walkin(std::string_view id);
std::string queue_prefix(std::string_view doctor_id, domain::LocalDate date);
std::string queue_entry(const WalkinRecord& w);
std::string waitlist(std::string_view id);
std::string waiting_prefix(std::string_view doctor_id, domain::LocalDate date);
std::string waiting_entry(const WaitlistRecord& e);
std::string doctor_waitlist_prefix(std::string_view doctor_id);
std::string doctor_waitlist_entry(const WaitlistRecord& e);
std::string doctor_waitlist_count(std::string_view doctor_id);
std::string stats(std::string_view doctor_id);
std::string stats_mirror(std::string_view appointment_id);
std::string stats_by_start_prefix(std::string_view doctor_id);
std::string stats_by_start(std::string_view doctor_id, domain::Instant start,
                           std::string_view appointment_id);
std::string doctor_patient(std::string_view doctor_id, std::string_view patient_id);
std::string doctor_patient_prefix(std::string_view doctor_id);
std::string global_patient(std::string_view patient_id);
std::string global_patient_count();
std::string history(std::string_view appointment_id);
}  // namespace key

// The smallest key greater than every key starting with `prefix` (for iterate_upper_bound).
std::string prefix_end(std::string_view prefix);

}  // namespace docket::projections
