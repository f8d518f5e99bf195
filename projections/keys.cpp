#include <limits>

#include "projections/codec.hpp"
#include "projections/records.hpp"

namespace docket::projections::key {

namespace {

std::string table(char t) {
  return std::string(1, t);
}

}  // namespace

std::string stream_version(std::string_view stream) {
  std::string k = table('V');
  key_str(k, stream);
  return k;
}

std::string doctor(std::string_view doctor_id) {
  std::string k = table('D');
  key_str(k, doctor_id);
  return k;
}

std::string directory_prefix(std::string_view specialty_lower) {
  std::string k = table('d');
  if (specialty_lower.empty()) {
    key_u8(k, 0);
  } else {
    key_u8(k, 1);
    key_str(k, specialty_lower);
  }
  return k;
}

std::string directory(std::string_view specialty_lower, std::string_view doctor_id) {
  std::string k = directory_prefix(specialty_lower);
  key_str(k, doctor_id);
  return k;
}

std::string directory_count(std::string_view specialty_lower) {
  std::string k = directory_prefix(specialty_lower);
  k[0] = 'f';
  return k;
}

std::string occupancy_prefix(std::string_view doctor_id) {
  std::string k = table('O');
  key_str(k, doctor_id);
  return k;
}

std::string occupancy(std::string_view doctor_id, domain::Instant start) {
  std::string k = occupancy_prefix(doctor_id);
  key_i64(k, seconds_of(start));
  return k;
}

std::string hold(std::string_view doctor_id, std::string_view hold_id) {
  std::string k = table('H');
  key_str(k, doctor_id);
  key_str(k, hold_id);
  return k;
}

std::string offer(std::string_view doctor_id, std::string_view entry_id) {
  std::string k = table('F');
  key_str(k, doctor_id);
  key_str(k, entry_id);
  return k;
}

std::string block_prefix(std::string_view doctor_id) {
  std::string k = table('B');
  key_str(k, doctor_id);
  return k;
}

std::string block(std::string_view doctor_id, std::string_view block_id) {
  std::string k = block_prefix(doctor_id);
  key_str(k, block_id);
  return k;
}

std::string appointment(std::string_view id) {
  std::string k = table('A');
  key_str(k, id);
  return k;
}

std::string appt_index_prefix(Dim dim, std::string_view value, std::uint8_t status) {
  std::string k = table('x');
  key_u8(k, static_cast<std::uint8_t>(dim));
  key_str(k, value);
  key_u8(k, status);
  return k;
}

std::string appt_index(Dim dim, std::string_view value, std::uint8_t status, domain::Instant start,
                       std::string_view id) {
  std::string k = appt_index_prefix(dim, value, status);
  key_i64(k, seconds_of(start));
  key_str(k, id);
  return k;
}

std::string appt_count(Dim dim, std::string_view value) {
  std::string k = appt_count_prefix(dim);
  key_str(k, value);
  return k;
}

std::string appt_count_prefix(Dim dim) {
  std::string k = table('n');
  key_u8(k, static_cast<std::uint8_t>(dim));
  return k;
}

std::string patient_entry(domain::AppointmentStatus status, std::string_view doctor_id) {
  std::string v(1, static_cast<char>(status));
  v.append(doctor_id);
  return v;
}

std::string walkin(std::string_view id) {
  std::string k = table('W');
  key_str(k, id);
  return k;
}

std::string queue_prefix(std::string_view doctor_id, domain::LocalDate date) {
  std::string k = table('w');
  key_str(k, doctor_id);
  key_i64(k, days_of(date));
  return k;
}

std::string queue_entry(const WalkinRecord& w) {
  std::string k = queue_prefix(w.doctor_id, w.date);
  key_u8(k, w.status == domain::WalkinStatus::called ? 0 : 1);
  key_u8(k, static_cast<std::uint8_t>(2 - static_cast<int>(w.urgency)));
  key_u64(k, w.arrival);
  key_str(k, w.id);
  return k;
}

std::string waitlist(std::string_view id) {
  std::string k = table('L');
  key_str(k, id);
  return k;
}

std::string waiting_prefix(std::string_view doctor_id, domain::LocalDate date) {
  std::string k = table('l');
  key_str(k, doctor_id);
  key_i64(k, days_of(date));
  return k;
}

std::string waiting_entry(const WaitlistRecord& e) {
  std::string k = waiting_prefix(e.doctor_id, e.date);
  // Higher priority first: order by the priority's distance below the largest int.
  key_u64(k,
          static_cast<std::uint64_t>(std::int64_t{std::numeric_limits<int>::max()} - e.priority));
  key_u64(k, e.joined);
  key_str(k, e.id);
  return k;
}

std::string doctor_waitlist_prefix(std::string_view doctor_id) {
  std::string k = table('k');
  key_str(k, doctor_id);
  return k;
}

std::string doctor_waitlist_entry(const WaitlistRecord& e) {
  std::string k = doctor_waitlist_prefix(e.doctor_id);
  key_u64(k, e.joined);
  key_str(k, e.id);
  return k;
}

std::string doctor_waitlist_count(std::string_view doctor_id) {
  std::string k = table('K');
  key_str(k, doctor_id);
  return k;
}

std::string stats(std::string_view doctor_id) {
  std::string k = table('S');
  key_str(k, doctor_id);
  return k;
}

std::string stats_mirror(std::string_view appointment_id) {
  std::string k = table('T');
  key_str(k, appointment_id);
  return k;
}

std::string stats_by_start_prefix(std::string_view doctor_id) {
  std::string k = table('U');
  key_str(k, doctor_id);
  return k;
}

std::string stats_by_start(std::string_view doctor_id, domain::Instant start,
                           std::string_view appointment_id) {
  std::string k = stats_by_start_prefix(doctor_id);
  key_i64(k, seconds_of(start));
  key_str(k, appointment_id);
  return k;
}

std::string doctor_patient_prefix(std::string_view doctor_id) {
  std::string k = table('P');
  key_str(k, doctor_id);
  return k;
}

std::string doctor_patient(std::string_view doctor_id, std::string_view patient_id) {
  std::string k = doctor_patient_prefix(doctor_id);
  key_str(k, patient_id);
  return k;
}

std::string global_patient(std::string_view patient_id) {
  std::string k = table('G');
  key_str(k, patient_id);
  return k;
}

std::string global_patient_count() {
  return table('g');
}

std::string history(std::string_view appointment_id) {
  std::string k = table('E');
  key_str(k, appointment_id);
  return k;
}

}  // namespace docket::projections::key
