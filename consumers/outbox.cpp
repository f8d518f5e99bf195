#include "consumers/outbox.hpp"

#include "consumers/message_history.hpp"

namespace docket::consumers {
namespace {

constexpr std::string_view kSeqKey = "n";

StoreResult<std::vector<OutboxEntry>> list(const ConsumerStore& store, char prefix) {
  auto rows = store.scan(std::string(1, prefix));
  if (!rows) return fail(rows.error());
  std::vector<OutboxEntry> out;
  for (const auto& [key, value] : *rows) {
    out.push_back(
        entry_from_json(read_be64(std::string_view(key).substr(1)), nlohmann::json::parse(value)));
  }
  return out;
}

}  // namespace

nlohmann::json entry_json(const OutboxEntry& e) {
  return {{"message_id", e.message_id},
          {"destination", e.destination},
          {"body", e.body},
          {"attempts", e.attempts},
          {"next_attempt_ms", e.next_attempt_ms},
          {"last_error", e.last_error},
          {"history_seq", e.history_seq}};
}

OutboxEntry entry_from_json(std::uint64_t seq, const nlohmann::json& j) {
  return {seq,
          j.value("message_id", ""),
          j.value("destination", ""),
          j.value("body", ""),
          j.value("attempts", 0),
          j.value("next_attempt_ms", std::int64_t{0}),
          j.value("last_error", ""),
          j.value("history_seq", std::uint64_t{0})};
}

std::string outbox_key(std::uint64_t seq) {
  return "o" + be64(seq);
}
std::string dead_letter_key(std::uint64_t seq) {
  return "d" + be64(seq);
}

StoreResult<Unit> enqueue(Effects& effects, const nlohmann::json& message,
                          const std::vector<std::string>& destinations) {
  if (destinations.empty()) return unit;
  auto stored = effects.get(kSeqKey);
  if (!stored) return fail(stored.error());
  std::uint64_t seq = stored->has_value() ? read_be64(**stored) : 1;
  const std::string body = message.dump();
  record_enqueued(effects, message, seq, destinations);
  const std::uint64_t first = seq;
  for (const auto& destination : destinations) {
    OutboxEntry e{seq, message.value("id", ""), destination, body, 0, 0, "", first};
    effects.put(outbox_key(seq), entry_json(e).dump());
    ++seq;
  }
  effects.put(std::string(kSeqKey), be64(seq));
  return unit;
}

StoreResult<std::vector<OutboxEntry>> list_outbox(const ConsumerStore& store) {
  return list(store, 'o');
}

StoreResult<std::vector<OutboxEntry>> list_dead_letters(const ConsumerStore& store) {
  return list(store, 'd');
}

StoreResult<bool> retry_dead_letter(ConsumerStore& store, std::uint64_t seq) {
  auto lock = store.lock();
  auto value = store.get(dead_letter_key(seq));
  if (!value) return fail(value.error());
  if (!value->has_value()) return false;
  auto entry = entry_from_json(seq, nlohmann::json::parse(**value));
  entry.attempts = 0;
  entry.next_attempt_ms = 0;
  Effects effects(store);
  effects.del(dead_letter_key(seq));
  effects.put(outbox_key(seq), entry_json(entry).dump());
  auto recorded = record_delivery(effects, entry.history_seq, seq, "pending", 0, entry.last_error);
  if (!recorded) return fail(recorded.error());
  auto written = store.write(effects);
  if (!written) return fail(written.error());
  return true;
}

}  // namespace docket::consumers
