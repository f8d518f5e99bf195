#pragma once
// What the HTTP API may ask of the downstream consumers (notifications, analytics) without
// depending on them: DESIGN.md lets api/ depend on domain, eventstore and projections only, so
// the consumers' stores are reached through this interface, implemented by the executable over
// consumers/ and handed to the handlers through HandlerContext::downstream.
//
// A consumer may not run in this process (`docket serve --consumers none` in the distributed
// deployment, where `docket consume X` runs it elsewhere): its queries then fail with
// DownstreamError and the endpoints answer 503 unavailable.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "domain/time.hpp"

namespace docket::api {

struct DownstreamError {
  std::string detail;  // for the problem's detail: says which consumer; no patient data
};

template <class T>
using DownstreamResult = docket::Result<T, DownstreamError>;

// One destination's delivery of a notification.
struct NotificationDelivery {
  std::string channel;  // "webhook" or "email"
  std::string state;    // "pending", "delivered" or "dead"
  int attempts = 0;
  std::string last_error;  // "status 500", "timeout", ...; empty when none
};

// A notification message with its delivery state.
struct NotificationView {
  std::uint64_t seq = 0;  // queue order
  std::string id;         // the message id receivers dedupe by
  std::string type;       // appointment.booked, appointment.reminder, ...
  std::string occurred_at;
  std::string patient_id;  // empty when the message concerns no patient
  nlohmann::json data;     // ids, instants and types; never free text
  std::string state;       // "dead" if any delivery is, else "pending" if any is, else "delivered"
  int attempts = 0;        // the most attempts any delivery took
  std::vector<NotificationDelivery> deliveries;
};

// A delivery given up on (max attempts reached, or a 4xx answer).
struct DeadLetterView {
  std::uint64_t seq = 0;  // the id to retry it by
  std::string message_id;
  std::string type;
  std::string patient_id;
  std::string destination;  // without credentials, query or fragment
  int attempts = 0;
  std::string last_error;
};

template <class T>
struct PageOf {
  std::vector<T> items;
  std::uint64_t total = 0;  // across all pages
};

// One group's facts (analytics.hpp names them): every fact, zero included.
struct FactCounts {
  std::string group;  // doctor id or specialty
  std::map<std::string, std::int64_t> counts;
};

struct DailyFacts {
  domain::LocalDate date;
  std::vector<FactCounts> groups;  // only groups with facts that day, sorted by group
};

enum class FactGrouping { doctor, specialty };

// How far one consumer of this process has come, for /metrics.
struct ConsumerProgress {
  std::string name;                  // "notifications", "analytics"
  std::optional<std::uint64_t> lag;  // events not processed yet; nullopt when the head is unknown
  bool failed = false;               // an error stopped it (the process log says which)
};

// Implementations must be thread-safe: handlers call them from many connection threads.
class DownstreamQueries {
 public:
  virtual ~DownstreamQueries() = default;

  // Notifications in queue order: one patient's when `patient_id` is set, else everyone's;
  // `limit` of them from `offset`.
  virtual DownstreamResult<PageOf<NotificationView>> notifications(
      const std::optional<std::string>& patient_id, std::uint64_t offset, std::uint64_t limit) = 0;
  // Dead letters in queue order.
  virtual DownstreamResult<PageOf<DeadLetterView>> dead_letters(std::uint64_t offset,
                                                                std::uint64_t limit) = 0;
  // Puts a dead letter back in the outbox, due at once. false when no dead letter has `seq`.
  virtual DownstreamResult<bool> retry_dead_letter(std::uint64_t seq) = 0;
  // Facts per local date `from`..`to` (both included; the caller bounds the range).
  virtual DownstreamResult<std::vector<DailyFacts>> analytics_daily(domain::LocalDate from,
                                                                    domain::LocalDate to,
                                                                    FactGrouping by) = 0;
  // The consumers running in this process, in a fixed order.
  virtual std::vector<ConsumerProgress> progress() = 0;
};

}  // namespace docket::api
