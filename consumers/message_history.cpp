#include "consumers/message_history.hpp"

#include <algorithm>

namespace docket::consumers {
namespace {

using nlohmann::json;

std::string history_key(std::uint64_t seq) {
  return "h" + be64(seq);
}

std::string patient_key(std::string_view patient_id, std::uint64_t seq) {
  std::string k = "i";
  k.append(patient_id);
  k.push_back('\0');
  k += be64(seq);
  return k;
}

MessageRecord from_json(std::uint64_t seq, const json& j) {
  MessageRecord r;
  r.seq = seq;
  r.id = j.value("id", "");
  r.type = j.value("type", "");
  r.occurred_at = j.value("occurred_at", "");
  r.patient_id = j.value("patient_id", "");
  r.data = j.value("data", json::object());
  for (const auto& d : j.value("deliveries", json::array())) {
    r.deliveries.push_back({d.value("seq", std::uint64_t{0}), d.value("destination", ""),
                            d.value("state", ""), d.value("attempts", 0),
                            d.value("last_error", "")});
  }
  return r;
}

}  // namespace

std::string MessageRecord::state() const {
  const auto any = [this](std::string_view s) {
    return std::any_of(deliveries.begin(), deliveries.end(),
                       [s](const MessageDelivery& d) { return d.state == s; });
  };
  if (any("dead")) return "dead";
  if (any("pending")) return "pending";
  return "delivered";
}

int MessageRecord::attempts() const {
  int most = 0;
  for (const auto& d : deliveries)
    most = std::max(most, d.attempts);
  return most;
}

void record_enqueued(Effects& effects, const json& message, std::uint64_t first_seq,
                     const std::vector<std::string>& destinations) {
  if (destinations.empty()) return;
  const json data = message.value("data", json::object());
  std::string patient_id;
  if (data.contains("patient_id") && data["patient_id"].is_string()) {
    patient_id = data["patient_id"].get<std::string>();
  }
  json deliveries = json::array();
  std::uint64_t seq = first_seq;
  for (const auto& destination : destinations) {
    deliveries.push_back({{"seq", seq++},
                          {"destination", destination},
                          {"state", "pending"},
                          {"attempts", 0},
                          {"last_error", ""}});
  }
  effects.put(history_key(first_seq), json{{"id", message.value("id", "")},
                                           {"type", message.value("type", "")},
                                           {"occurred_at", message.value("occurred_at", "")},
                                           {"patient_id", patient_id},
                                           {"data", data},
                                           {"deliveries", std::move(deliveries)}}
                                          .dump());
  if (!patient_id.empty()) effects.put(patient_key(patient_id, first_seq), "");
}

StoreResult<Unit> record_delivery(Effects& effects, std::uint64_t history_seq, std::uint64_t seq,
                                  std::string_view state, int attempts,
                                  std::string_view last_error) {
  auto stored = effects.get(history_key(history_seq));
  if (!stored) return fail(stored.error());
  if (!stored->has_value()) return unit;
  json record = json::parse(**stored);
  for (auto& d : record["deliveries"]) {
    if (d.value("seq", std::uint64_t{0}) != seq) continue;
    d["state"] = state;
    d["attempts"] = attempts;
    d["last_error"] = last_error;
  }
  effects.put(history_key(history_seq), record.dump());
  return unit;
}

StoreResult<MessagePage> list_messages(const ConsumerStore& store,
                                       const std::optional<std::string>& patient_id,
                                       std::uint64_t offset, std::uint64_t limit) {
  MessagePage page;
  if (!patient_id) {
    auto rows = store.scan("h");
    if (!rows) return fail(rows.error());
    page.total = rows->size();
    std::uint64_t index = 0;
    for (const auto& [key, value] : *rows) {
      if (index++ < offset) continue;
      if (page.items.size() >= limit) break;
      page.items.push_back(
          from_json(read_be64(std::string_view(key).substr(1)), json::parse(value)));
    }
    return page;
  }
  std::string prefix = "i" + *patient_id;
  prefix.push_back('\0');
  auto index_rows = store.scan(prefix);
  if (!index_rows) return fail(index_rows.error());
  page.total = index_rows->size();
  std::uint64_t index = 0;
  for (const auto& [key, value] : *index_rows) {
    if (index++ < offset) continue;
    if (page.items.size() >= limit) break;
    const std::uint64_t seq = read_be64(std::string_view(key).substr(prefix.size()));
    auto record = store.get(history_key(seq));
    if (!record) return fail(record.error());
    if (!record->has_value()) continue;
    page.items.push_back(from_json(seq, json::parse(**record)));
  }
  return page;
}

std::string redact_destination(std::string_view destination) {
  const auto scheme = destination.find("://");
  if (scheme == std::string_view::npos) return std::string(destination);
  std::string_view rest = destination.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  const auto slash = rest.find('/');
  const auto at = rest.substr(0, slash).rfind('@');
  if (at != std::string_view::npos) rest.remove_prefix(at + 1);
  return std::string(destination.substr(0, scheme + 3)) + std::string(rest);
}

}  // namespace docket::consumers
