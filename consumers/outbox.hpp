#pragma once
// The notification outbox and its dead letters, kept in the notification consumer's store.
//
// An outbox entry is one message for one destination. Entries are written in the same batch as
// the checkpoint of the event that caused them, so a message is queued exactly once per event;
// the delivery worker then posts it at least once (receivers dedupe by the message `id`, which is
// derived from the event id and is stable across retries).
//
//   'n'             -> be64(next entry sequence)
//   'o' be64(seq)   -> entry JSON (pending delivery)
//   'd' be64(seq)   -> entry JSON (dead letter: gave up after max attempts or a 4xx)

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "consumers/consumer_store.hpp"

namespace docket::consumers {

struct OutboxEntry {
  std::uint64_t seq = 0;
  std::string message_id;   // stable per message (not per attempt)
  std::string destination;  // "https://..." for webhooks, "mailto:<address>" for e-mail
  std::string body;         // the message JSON, exactly as it is signed and sent
  int attempts = 0;
  std::int64_t next_attempt_ms = 0;  // Unix epoch milliseconds
  std::string last_error;            // status code or transport error; never message content
  std::uint64_t history_seq = 0;     // the message's record in message_history.hpp (0: none)
};

nlohmann::json entry_json(const OutboxEntry& e);
OutboxEntry entry_from_json(std::uint64_t seq, const nlohmann::json& j);

std::string outbox_key(std::uint64_t seq);
std::string dead_letter_key(std::uint64_t seq);

// Queues `message` (a JSON object with an "id") for each destination, due at once, and records
// it in the message history (message_history.hpp). Buffers into `effects`; errors when the
// sequence counter cannot be read.
StoreResult<Unit> enqueue(Effects& effects, const nlohmann::json& message,
                          const std::vector<std::string>& destinations);

// Pending entries, in queue order. Thread-safe.
StoreResult<std::vector<OutboxEntry>> list_outbox(const ConsumerStore& store);
// Dead letters, in queue order. Thread-safe.
StoreResult<std::vector<OutboxEntry>> list_dead_letters(const ConsumerStore& store);
// Moves a dead letter back to the outbox with its attempts reset, due at once (its history
// delivery becomes pending again). Returns false when no dead letter has that sequence. Takes
// the store's lock.
StoreResult<bool> retry_dead_letter(ConsumerStore& store, std::uint64_t seq);

}  // namespace docket::consumers
