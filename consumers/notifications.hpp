#pragma once
// The notification consumer: turns appointment, waitlist and walk-in events into messages in its
// outbox, and schedules reminders before each appointment's start.
//
// Messages carry ids, instants and types only — never a patient's free text (reason for visit,
// symptoms, notes, reasons). Each message has a stable `id` derived from the event (or, for a
// reminder, from the appointment, its start and the offset), so receivers can dedupe.
//
// Reminders are records in the consumer's store ('r' be64(due) <appointment id> '#' <minutes>).
// When one is due, fire_due_reminders checks it against the appointment's CURRENT state, kept in
// the same store from the events: a cancelled, rejected, finished or moved appointment gets no
// stale reminder. The clock is a parameter.
//
// Store records besides the outbox (outbox.hpp) and the message history (message_history.hpp):
//   'a' <appointment id> -> {"doctor_id","patient_id","start","status"}
//   'w' <walk-in id>     -> {"doctor_id","patient_id","queue_number"}
//   'r' ...              -> {"appointment_id","start","minutes_before"}

#include <chrono>
#include <string>
#include <vector>

#include "consumers/consumer_runner.hpp"
#include "domain/time.hpp"

namespace docket::consumers {

struct NotificationConfig {
  std::vector<std::string> destinations;  // webhook URLs and/or "mailto:" addresses
  std::vector<std::chrono::minutes> reminders{std::chrono::hours(24), std::chrono::hours(1)};
};

// Message types: appointment.booked, appointment.confirmed, appointment.rejected,
// appointment.cancelled, appointment.rescheduled, appointment.reminder, waitlist.offered,
// walkin.called.
class NotificationHandler : public EventHandler {
 public:
  // `on_commit` is called after each durable batch (wakes the delivery worker); may be empty.
  NotificationHandler(NotificationConfig config, std::function<void()> on_commit = {})
      : config_(std::move(config)), on_commit_(std::move(on_commit)) {}
  // Errors: the store cannot be read, or a relevant event does not decode.
  StoreResult<Unit> handle(const eventstore::RecordedEvent& event, Effects& effects) override;
  void committed() override {
    if (on_commit_) on_commit_();
  }
  const NotificationConfig& config() const { return config_; }

 private:
  NotificationConfig config_;
  std::function<void()> on_commit_;
};

// Queues every reminder due at or before `now` whose appointment is still pending or confirmed
// and still starts when the reminder was scheduled for, and deletes every due reminder (sent or
// stale) — in one batch, under the store's lock. Returns the number of reminders queued.
StoreResult<std::size_t> fire_due_reminders(ConsumerStore& store, const NotificationConfig& config,
                                            domain::Instant now);

// The earliest scheduled reminder's due instant; nullopt when none is scheduled.
StoreResult<std::optional<domain::Instant>> next_reminder_due(const ConsumerStore& store);

}  // namespace docket::consumers
