#include "app/log_spec.hpp"

#include <charconv>

#include "eventstore/embedded_log.hpp"
#include "eventstore/kafka_log.hpp"

namespace docket::app {
namespace {

constexpr std::string_view kKafkaScheme = "kafka://";

bool parse_int(std::string_view text, long long min, long long max, long long& out) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return false;
  }
  out = value;
  return true;
}

// Applies one `name=value` of the query string. Returns the error, empty when applied.
std::string apply_parameter(std::string_view pair, eventstore::KafkaConfig& config) {
  const auto eq = pair.find('=');
  if (eq == std::string_view::npos) return "expected name=value in the --log query";
  const std::string_view name = pair.substr(0, eq);
  const std::string_view value = pair.substr(eq + 1);
  long long n = 0;
  if (name == "topic") {
    if (value.empty()) return "--log topic is empty";
    config.topic = std::string(value);
  } else if (name == "partitions") {
    if (!parse_int(value, 1, 10'000, n)) return "--log partitions must be 1 to 10000";
    config.partitions = static_cast<std::int32_t>(n);
  } else if (name == "replication") {
    if (!parse_int(value, 1, 32, n)) return "--log replication must be 1 to 32";
    config.replication_factor = static_cast<std::int16_t>(n);
  } else {
    return "unknown --log parameter: " + std::string(name);
  }
  return {};
}

}  // namespace

LogSpecResult parse_log_spec(std::string_view text) {
  LogSpecResult out;
  if (text == "embedded") return out;
  if (text.substr(0, kKafkaScheme.size()) != kKafkaScheme) {
    out.error = "--log must be embedded or kafka://host:port[,host:port...]";
    return out;
  }
  text.remove_prefix(kKafkaScheme.size());
  std::string_view query;
  if (const auto q = text.find('?'); q != std::string_view::npos) {
    query = text.substr(q + 1);
    text = text.substr(0, q);
  }
  if (text.empty()) {
    out.error = "--log kafka:// names no broker";
    return out;
  }
  for (std::string_view rest = text; !rest.empty();) {
    const auto comma = rest.find(',');
    const std::string_view broker = rest.substr(0, comma);
    if (broker.empty() || broker.find(':') == std::string_view::npos) {
      out.error = "--log brokers are host:port, separated by commas";
      return out;
    }
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  out.spec.kafka = true;
  out.spec.kafka_config.bootstrap_servers = std::string(text);
  while (!query.empty()) {
    const auto amp = query.find('&');
    out.error = apply_parameter(query.substr(0, amp), out.spec.kafka_config);
    if (!out.error.empty()) return out;
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return out;
}

eventstore::Result<std::unique_ptr<eventstore::EventLog>> open_event_log(
    const LogSpec& spec, const std::filesystem::path& data_dir) {
  if (spec.kafka) return eventstore::open_kafka_log(spec.kafka_config);
  return eventstore::open_embedded_log({.directory = data_dir / "log"});
}

}  // namespace docket::app
