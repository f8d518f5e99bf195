#pragma once
// The downstream consumers of one process, wired over an open event log: each consumer with its
// own store under <data>/consumers/<name> (notifications, analytics), its runner, and for
// notifications the delivery worker (signed webhooks, e-mail when configured) and the reminder
// worker. `docket serve` runs the configured ones beside the HTTP API; `docket consume X` runs
// one alone. It also answers the HTTP API's downstream queries (api/downstream.hpp) from those
// stores.
//
// Reminders are checked against the appointment states in the consumer's store, so the reminder
// worker starts only once the notifications consumer has caught up with the log as it was at
// start: after downtime, an appointment cancelled or moved meanwhile gets no stale reminder.
//
// Audit tools never use this: replaying the log for an audit sends nothing.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "api/downstream.hpp"
#include "app/consumers_options.hpp"
#include "consumers/analytics.hpp"
#include "consumers/consumer_runner.hpp"
#include "consumers/delivery.hpp"
#include "consumers/reminder_worker.hpp"
#include "eventstore/event_log.hpp"

namespace docket::app {

// Thread-safe: the queries from any thread; start/stop from the owning thread.
class ConsumersRuntime final : public api::DownstreamQueries {
 public:
  // Opens the stores of the consumers `config` enables and starts their runners and workers.
  // `log` must outlive the runtime. Errors (a text naming the consumer; no secret): a store
  // cannot be opened (another process holds it) or a runner cannot subscribe.
  static docket::Result<std::unique_ptr<ConsumersRuntime>, std::string> start(
      eventstore::EventLog& log, const std::filesystem::path& data_dir, ConsumersConfig config);
  ~ConsumersRuntime() override;  // stop()
  ConsumersRuntime(const ConsumersRuntime&) = delete;
  ConsumersRuntime& operator=(const ConsumersRuntime&) = delete;

  // Stops runners and workers (an attempt in flight finishes); idempotent.
  void stop();

  // Waits until every running consumer has processed the log up to its head as read now; false
  // when one failed, the head cannot be read, or `timeout` passed.
  bool catch_up(std::chrono::milliseconds timeout);
  // Queues the reminders due now and attempts every due delivery once, on the calling thread
  // (for `docket consume --once`, whose runtime has no worker threads: with them running, use
  // the workers instead). Returns the number delivered; 0 without the notifications consumer.
  std::size_t deliver_due_now();
  // The first failure of a runner ("<name>: ..."), if any.
  std::optional<std::string> failure() const;
  // Facts of `from`..`to` summed per group (for `docket analytics export`).
  api::DownstreamResult<std::vector<consumers::FactRow>> analytics_rows(domain::LocalDate from,
                                                                        domain::LocalDate to,
                                                                        consumers::GroupBy by);
  bool runs_notifications() const { return notifications_ != nullptr; }
  bool runs_analytics() const { return analytics_ != nullptr; }

  // api::DownstreamQueries; a consumer not running here answers DownstreamError.
  api::DownstreamResult<api::PageOf<api::NotificationView>> notifications(
      const std::optional<std::string>& patient_id, std::uint64_t offset,
      std::uint64_t limit) override;
  api::DownstreamResult<api::PageOf<api::DeadLetterView>> dead_letters(
      std::uint64_t offset, std::uint64_t limit) override;
  api::DownstreamResult<bool> retry_dead_letter(std::uint64_t seq) override;
  api::DownstreamResult<std::vector<api::DailyFacts>> analytics_daily(
      domain::LocalDate from, domain::LocalDate to, api::FactGrouping by) override;
  std::vector<api::ConsumerProgress> progress() override;

 private:
  struct Notifications;
  struct Analytics;
  explicit ConsumersRuntime(eventstore::EventLog& log);

  eventstore::EventLog& log_;
  std::unique_ptr<Notifications> notifications_;
  std::unique_ptr<Analytics> analytics_;
};

}  // namespace docket::app
