#pragma once
// The read model of notification messages by patient, with each message's delivery state, kept in
// the notification consumer's store. Its records are buffered into the same Effects as the outbox
// changes that cause them (enqueue, each delivery attempt, a dead letter's retry), so the history
// and the outbox never disagree, whatever crashes.
//
//   'h' be64(seq)                       -> the message (seq = the outbox sequence of its first
//                                          destination), its data and one delivery per destination
//   'i' <patient id> 0x00 be64(seq)     -> "" (the patient's messages, in queue order)
//
// Only messages that had at least one destination are recorded: the history is what was sent or
// is being sent. It is never pruned (a message is a few hundred bytes).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consumers/consumer_store.hpp"

namespace docket::consumers {

// One destination's delivery of a message.
struct MessageDelivery {
  std::uint64_t seq = 0;    // the outbox / dead-letter sequence
  std::string destination;  // as configured (may hold credentials: see redact_destination)
  std::string state;        // "pending", "delivered" or "dead"
  int attempts = 0;
  std::string last_error;  // status code or transport error; never message content
};

struct MessageRecord {
  std::uint64_t seq = 0;
  std::string id;    // the message id receivers dedupe by
  std::string type;  // appointment.booked, ...
  std::string occurred_at;
  std::string patient_id;  // empty for messages about no patient
  nlohmann::json data;     // the message's data (ids, instants, types; no free text)
  std::vector<MessageDelivery> deliveries;

  // "dead" when any delivery is dead, else "pending" when any is pending, else "delivered".
  std::string state() const;
  // The most attempts any delivery took.
  int attempts() const;
};

// Buffers the record of `message` (id, type, occurred_at, data with an optional patient_id),
// queued to `destinations` at sequences first_seq, first_seq + 1, ... Does nothing without
// destinations.
void record_enqueued(Effects& effects, const nlohmann::json& message, std::uint64_t first_seq,
                     const std::vector<std::string>& destinations);

// Buffers the new state of the delivery at `seq` of the message recorded at `history_seq`.
// Does nothing when no such record exists (entries queued before the history existed).
StoreResult<Unit> record_delivery(Effects& effects, std::uint64_t history_seq, std::uint64_t seq,
                                  std::string_view state, int attempts,
                                  std::string_view last_error);

struct MessagePage {
  std::vector<MessageRecord> items;
  std::uint64_t total = 0;  // matching messages across all pages
};

// Messages in queue order, of one patient when `patient_id` is set, else all; the page starts
// `offset` messages in and holds at most `limit`. Thread-safe (reads only).
StoreResult<MessagePage> list_messages(const ConsumerStore& store,
                                       const std::optional<std::string>& patient_id,
                                       std::uint64_t offset, std::uint64_t limit);

// The destination without user info, query or fragment ("https://u:p@h/x?k=v" ->
// "https://h/x"; "mailto:a@b" unchanged), fit for replies and logs. Pure.
std::string redact_destination(std::string_view destination);

}  // namespace docket::consumers
