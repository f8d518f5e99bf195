#pragma once
// The read side's queries: plain structs from one generation of the read models, and their JSON
// as API.md gives it, so that the HTTP layer serves them directly (it authorizes first).
//
// Every function reads one point in time of the generation it is given (a ReadView, made
// implicitly from a ModelStore: hold a ProjectionStore::current() for the whole query) and is
// safe to call from any number of threads while a projector applies.
// Clock-dependent answers (`past` slots, today / this week / this month) take `now` as a
// parameter. Errors: not_found for an unknown doctor, appointment, walk-in or entry;
// invalid_argument for a bad range (the HTTP layer maps it to its own code).

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/doctor_types.hpp"
#include "domain/time.hpp"
#include "projections/errors.hpp"
#include "projections/model_store.hpp"
#include "projections/records.hpp"

namespace docket::projections {

inline constexpr int kMaxPerPage = 100;
inline constexpr int kDefaultPerPage = 20;
inline constexpr int kMaxAvailabilityDays = 31;

struct Paging {
  int page = 1;                    // from 1; lower values are read as 1
  int per_page = kDefaultPerPage;  // above 100 read as 100, below 1 as the default
};

// ---- availability -------------------------------------------------------------------------------

enum class SlotStatus { available, full, blocked, past };
std::string_view to_string(SlotStatus s) noexcept;

struct SlotView {
  domain::Instant start;
  domain::Instant end;
  int capacity = 0;
  int booked = 0;     // appointments pending, confirmed, checked in, in progress or completed
  int held = 0;       // live holds and live waitlist offers
  int available = 0;  // capacity - booked - held, never below 0; 0 unless status is available
  SlotStatus status = SlotStatus::available;
};

struct AvailabilityView {
  std::string doctor_id;
  std::string timezone;
  std::vector<SlotView> slots;  // by start
};

// The slots of local dates [from, to] (both included) in the doctor's zone, as the schedule in
// force on each date lays them out. A slot is past when it starts before `now`, else blocked when
// a live block overlaps it, else full when nothing is left. Errors: not_found (unknown doctor),
// invalid_argument (to before from, or more than 31 days).
Result<AvailabilityView> availability(const ReadView& store, std::string_view doctor_id,
                                      domain::LocalDate from, domain::LocalDate to,
                                      domain::Instant now);
nlohmann::json to_json(const AvailabilityView& v);

// ---- appointments -------------------------------------------------------------------------------

struct AppointmentFilter {
  std::string patient_id;                 // empty: any
  std::string doctor_id;                  // empty: any
  std::optional<domain::LocalDate> date;  // the doctor's local date of the start
  std::optional<domain::AppointmentStatus> status;
};

struct AppointmentPage {
  std::vector<AppointmentRecord> items;  // by start, then id (shorter ids first)
  int page = 1;
  int per_page = kDefaultPerPage;
  std::int64_t total = 0;
};

// Errors: not_found.
Result<AppointmentRecord> appointment(const ReadView& store, std::string_view id);
// One page of the appointments matching every given filter. Walks one index: the patient's when
// a patient is named, else the doctor's (only that date's range when a date is named), else the
// clinic's; totals without a date or patient come from stored counts.
AppointmentPage appointments(const ReadView& store, const AppointmentFilter& filter, Paging paging);
nlohmann::json to_json(const AppointmentRecord& a);
nlohmann::json to_json(const AppointmentPage& p);

// {"appointment_id", "events": [{"type", "time", "actor": {"sub", "role"}, "data"}]} in log
// order; `data` as stored, free text included (the caller authorizes). Errors: not_found.
Result<nlohmann::json> appointment_history(const ReadView& store, std::string_view id);

// ---- doctors ------------------------------------------------------------------------------------

struct DoctorView {
  DoctorRecord record;
  std::uint64_t version = 0;  // the doctor stream's version
};
// Errors: not_found.
Result<DoctorView> doctor(const ReadView& store, std::string_view id);
struct DoctorPage {
  std::vector<DoctorView> items;  // by id
  int page = 1;
  int per_page = kDefaultPerPage;
  std::int64_t total = 0;
};
// Active doctors, of `specialty` when not empty (compared ignoring ASCII case).
DoctorPage doctors(const ReadView& store, std::string_view specialty, Paging paging);
// API.md's GET /v1/doctors/{id}; `schedule` is the newest rule set (null when none was set).
nlohmann::json to_json(const DoctorView& d);
nlohmann::json to_json(const DoctorPage& p);

// ---- walk-ins and waitlist ----------------------------------------------------------------------

struct QueueEntryView {
  WalkinRecord walkin;
  int position = 0;                // 1-based among the waiting; 0 when not waiting
  int estimated_wait_minutes = 0;  // walk-ins ahead times the day's minutes per patient
};
// The day's queue: called entries first, then the waiting in service order (emergency, urgent,
// routine, then arrival). Errors: not_found (unknown doctor).
Result<std::vector<QueueEntryView>> queue(const ReadView& store, std::string_view doctor_id,
                                          domain::LocalDate date);
// Errors: not_found.
Result<QueueEntryView> walkin(const ReadView& store, std::string_view id);
nlohmann::json to_json(const QueueEntryView& e);
nlohmann::json queue_json(const std::vector<QueueEntryView>& entries);  // {"entries": [...]}

struct WaitlistView {
  WaitlistRecord entry;
  std::optional<int> position;  // among the waiting of the same date, offer order; set if waiting
};
// Errors: not_found.
Result<WaitlistView> waitlist_entry(const ReadView& store, std::string_view id);
struct WaitlistPage {
  std::vector<WaitlistView> items;  // in join order
  int page = 1;
  int per_page = kDefaultPerPage;
  std::int64_t total = 0;
};
WaitlistPage doctor_waitlist(const ReadView& store, std::string_view doctor_id, Paging paging);
nlohmann::json to_json(const WaitlistView& w);
nlohmann::json to_json(const WaitlistPage& p);  // {"entries": [...], "page", "per_page", "total"}

// ---- statistics ---------------------------------------------------------------------------------

struct StatsView {
  std::int64_t total = 0;      // every appointment ever booked
  std::int64_t today = 0;      // starting on today's local date (any status)
  std::int64_t this_week = 0;  // ISO week, the doctor's zone
  std::int64_t this_month = 0;
  std::array<std::int64_t, kStatusCount> by_status{};
  std::int64_t unique_patients = 0;
  std::int64_t month_taken = 0;     // this month's appointments that take capacity
  std::int64_t month_capacity = 0;  // this month's slot capacity outside blocks
  double no_show_rate = 0.0;        // no_show / (completed + no_show), 0 when neither
  double utilization = 0.0;         // month_taken / month_capacity, 0 without capacity
};
// Errors: not_found (unknown doctor).
Result<StatsView> doctor_stats(const ReadView& store, std::string_view doctor_id,
                               domain::Instant now);
struct ClinicStats {
  StatsView clinic;  // sums over every doctor; unique_patients across the clinic
  std::map<std::string, StatsView> by_specialty;
  std::optional<domain::LocalDate> from;  // with both: appointments starting in [from, to]
  std::optional<domain::LocalDate> to;    // (each doctor's local dates)
  std::int64_t in_range = 0;
};
ClinicStats clinic_stats(const ReadView& store, domain::Instant now,
                         std::optional<domain::LocalDate> from,
                         std::optional<domain::LocalDate> to);
nlohmann::json to_json(const StatsView& s);
nlohmann::json to_json(const ClinicStats& s);

}  // namespace docket::projections
