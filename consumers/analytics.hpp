#pragma once
// The analytics consumer: daily facts per doctor and per specialty in its own store, queried over
// a date range and exported as CSV or JSON lines.
//
// A fact is counted on the doctor's local date of the event (when it happened), under the
// doctor's specialty at that moment. Counted facts (names are the CSV columns):
//   booked, cancelled, cancelled_by_patient|doctor|receptionist|admin|system,
//   cancelled_lead_after_start|under_2h|2h_24h|1d_7d|over_7d (start minus the cancellation),
//   rescheduled, completed, no_shows, walk_ins, walk_ins_called,
//   walk_in_wait_seconds (summed arrival-to-call waits), revenue (fees of completed visits,
//   minor units).
// Store records: 'D' doctor -> {specialty, timezone}; 'a' appointment -> {fee, start};
// 'w' walk-in -> {arrived_at}; 'fd' day 0x00 doctor and 'fs' day 0x00 specialty -> counters.

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "consumers/consumer_runner.hpp"
#include "domain/time.hpp"

namespace docket::consumers {

// Every fact name, in CSV column order.
const std::vector<std::string>& fact_names();

class AnalyticsHandler : public EventHandler {
 public:
  // Errors: the store cannot be read, or a relevant event does not decode.
  StoreResult<Unit> handle(const eventstore::RecordedEvent& event, Effects& effects) override;
};

enum class GroupBy { doctor, specialty };

struct FactRow {
  std::string group;                           // doctor id or specialty
  std::map<std::string, std::int64_t> counts;  // every fact name, zero included
};

// Facts of local dates `from`..`to` (both included) summed per doctor or per specialty, sorted by
// group. Thread-safe (reads only).
StoreResult<std::vector<FactRow>> query_facts(const ConsumerStore& store, domain::LocalDate from,
                                              domain::LocalDate to, GroupBy by);

// "group,<fact names...>" then one line per row. Groups are ids or specialty names; a value with a
// comma, quote or line break is quoted (RFC 4180).
void write_facts_csv(const std::vector<FactRow>& rows, std::ostream& out);
// One {"group": ..., "<fact>": n, ...} object per line.
void write_facts_jsonl(const std::vector<FactRow>& rows, std::ostream& out);

}  // namespace docket::consumers
