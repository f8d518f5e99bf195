#include "eventstore/kafka_commit_codec.hpp"

#include <nlohmann/json.hpp>

namespace docket::eventstore {

std::string encode_commit(const CommitRecord& commit) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : commit.events)
    events.push_back(to_cloudevent(e));
  const nlohmann::json value = {
      {"stream", commit.stream},
      {"expected_version", commit.expected_version},
      {"events", std::move(events)},
  };
  return value.dump();
}

std::optional<CommitRecord> decode_commit(std::string_view value) {
  // Stored bytes come from outside this process: parse without exceptions.
  const auto j = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  const auto stream = j.find("stream");
  const auto expected = j.find("expected_version");
  const auto events = j.find("events");
  if (stream == j.end() || !stream->is_string() || expected == j.end() ||
      !expected->is_number_unsigned() || events == j.end() || !events->is_array() ||
      events->empty()) {
    return std::nullopt;
  }
  CommitRecord commit;
  commit.stream = stream->get<std::string>();
  commit.expected_version = expected->get<std::uint64_t>();
  if (commit.stream.empty()) return std::nullopt;
  commit.events.reserve(events->size());
  for (const auto& envelope : *events) {
    auto event = from_cloudevent(envelope);
    if (!event) return std::nullopt;
    if (event->stream != commit.stream ||
        event->version != commit.expected_version + commit.events.size() + 1) {
      return std::nullopt;
    }
    commit.events.push_back(std::move(*event));
  }
  return commit;
}

}  // namespace docket::eventstore
