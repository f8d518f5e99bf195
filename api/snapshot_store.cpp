#include "api/snapshot_store.hpp"

namespace docket::api {
namespace {

constexpr std::string_view kPrefix = "s/";
constexpr int kFormat = 1;

std::string key_of(const std::string& doctor_id) {
  return std::string(kPrefix) + doctor_id;
}

}  // namespace

SideResult<bool> SnapshotStore::save(const std::string& doctor_id, const domain::DoctorState& state,
                                     const domain::SnapshotBasis& basis, const std::string& hash,
                                     const eventstore::Position& position) {
  std::optional<nlohmann::json> encoded = domain::encode_snapshot(state, basis);
  if (!encoded) return false;
  const nlohmann::json record = {{"format", kFormat},
                                 {"version", state.version()},
                                 {"hash", hash},
                                 {"position", position.to_token()},
                                 {"state", std::move(*encoded)}};
  const std::vector<std::uint8_t> bytes = nlohmann::json::to_cbor(record);
  const std::string_view value(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (auto put = store_.put(key_of(doctor_id), value); !put) return fail(put.error());
  return true;
}

SideResult<std::optional<Snapshot>> SnapshotStore::load(const std::string& doctor_id) {
  auto stored = store_.get(key_of(doctor_id));
  if (!stored) return fail(stored.error());
  if (!*stored) return std::optional<Snapshot>();
  const nlohmann::json record =
      nlohmann::json::from_cbor(**stored, /*strict=*/true, /*allow_exceptions=*/false);
  if (record.is_discarded() || !record.is_object() || record.value("format", 0) != kFormat ||
      !record.contains("state") || !record.contains("hash") || !record["hash"].is_string() ||
      !record.contains("position") || !record["position"].is_string() ||
      !record.contains("version") || !record["version"].is_number_unsigned()) {
    return std::optional<Snapshot>();
  }
  auto decoded = domain::decode_snapshot(record["state"]);
  const auto position = eventstore::Position::from_token(record["position"].get<std::string>());
  if (!decoded || !position || decoded->state.version() != record["version"].get<std::uint64_t>()) {
    return std::optional<Snapshot>();
  }
  return std::optional<Snapshot>(Snapshot{std::move(decoded->state), std::move(decoded->basis),
                                          record["hash"].get<std::string>(), *position});
}

}  // namespace docket::api
