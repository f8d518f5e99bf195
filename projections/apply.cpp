#include "projections/apply.hpp"

#include "domain/event_json.hpp"
#include "projections/apply_internal.hpp"
#include "projections/codec.hpp"
#include "projections/records.hpp"

namespace docket::projections {

namespace {

constexpr std::string_view kDoctorStream = "doctor-";

// The body of both apply_commit overloads; `event_at(i, scratch)` gives commit.events[i] decoded
// (possibly into `scratch`), or nullptr when it does not decode.
template <class EventAt>
Status apply_events(Txn& txn, const eventstore::Commit& commit, ModelSet models,
                    ApplyCounts& counts, EventAt&& event_at) {
  if (!is_projected(commit.stream)) {
    counts.skipped += commit.events.size();
    return unit;
  }
  const std::string_view doctor_id = std::string_view(commit.stream).substr(kDoctorStream.size());
  std::string version_key = key::stream_version(commit.stream);
  const auto stored = txn.get(version_key);
  std::uint64_t applied = stored ? static_cast<std::uint64_t>(decode_count(*stored)) : 0;
  const std::uint64_t before = applied;
  std::optional<domain::Event> scratch;
  for (std::size_t i = 0; i < commit.events.size(); ++i) {
    const eventstore::RecordedEvent& raw = commit.events[i];
    if (raw.version <= applied) {
      ++counts.skipped;
      continue;
    }
    const domain::Event* decoded = event_at(i, scratch);
    if (decoded == nullptr) {
      // The type and stream identify the event for an operator; the detail may quote data.
      return error(errc::corrupt, "cannot decode " + raw.type + " at " + commit.stream + " v" +
                                      std::to_string(raw.version));
    }
    const domain::Event& event = *decoded;
    const detail::EventContext c{txn, doctor_id, raw.version, raw};
    if (models.has(Model::doctors)) detail::apply_doctors(c, event);
    if (models.has(Model::availability)) detail::apply_availability(c, event);
    if (models.has(Model::appointments)) detail::apply_appointments(c, event);
    if (models.has(Model::queues)) detail::apply_queues(c, event);
    if (models.has(Model::stats)) detail::apply_stats(c, event);
    if (models.has(Model::history)) detail::apply_history(c, event);
    applied = raw.version;
    ++counts.applied;
  }
  if (applied != before) {
    txn.put(std::move(version_key), encode_count(static_cast<std::int64_t>(applied)));
  }
  return unit;
}

}  // namespace

bool is_projected(std::string_view stream) {
  return stream.substr(0, kDoctorStream.size()) == kDoctorStream;
}

Status apply_commit(Txn& txn, const eventstore::Commit& commit, ModelSet models,
                    ApplyCounts& counts) {
  return apply_events(txn, commit, models, counts,
                      [&](std::size_t i, std::optional<domain::Event>& scratch) {
                        const eventstore::RecordedEvent& raw = commit.events[i];
                        auto decoded = domain::decode(raw.type, raw.data);
                        if (!decoded.ok()) return static_cast<const domain::Event*>(nullptr);
                        scratch = std::move(decoded).value();
                        return static_cast<const domain::Event*>(&*scratch);
                      });
}

Status apply_commit(Txn& txn, const eventstore::Commit& commit,
                    std::span<const domain::Event* const> decoded, ModelSet models,
                    ApplyCounts& counts) {
  return apply_events(txn, commit, models, counts,
                      [&](std::size_t i, std::optional<domain::Event>&) { return decoded[i]; });
}

}  // namespace docket::projections
