#include "eventstore/kafka_partitions.hpp"

namespace docket::eventstore {
namespace {

KafkaLedger::Verdict apply(KafkaLedger& ledger, std::int64_t offset, const CommitRecord& commit) {
  return ledger.apply(offset, commit.stream, commit.expected_version, commit.events.size(),
                      commit.events.back().hash);
}

}  // namespace

Result<CommitRecord> decode_record(const RawRecord& record) {
  auto where = [&] {
    return " at partition " + std::to_string(record.partition) + " offset " +
           std::to_string(record.offset);
  };
  if (record.content_type != kCommitContentType) {
    return fail(Error{errc::corrupt, "record without the commit content type" + where(), 0});
  }
  auto commit = decode_commit(record.value);
  if (!commit) return fail(Error{errc::corrupt, "undecodable commit" + where(), 0});
  if (commit->stream != record.key) {
    return fail(Error{errc::corrupt, "commit key is not its stream" + where(), 0});
  }
  return std::move(*commit);
}

KafkaPartitions::KafkaPartitions(KafkaConfig config)
    : config_(std::move(config)), readers_(config_) {
  slots_.reserve(static_cast<std::size_t>(config_.partitions));
  for (std::int32_t p = 0; p < config_.partitions; ++p)
    slots_.push_back(std::make_unique<Slot>());
}

Status<Error> KafkaPartitions::catch_up(std::int32_t partition, std::int64_t target) {
  Slot& s = slot(partition);
  const std::lock_guard scanning(s.scan_mu);
  std::int64_t from = 0;
  {
    const std::lock_guard lock(s.mu);
    from = s.ledger.end();
  }
  return readers_.read(partition, from, target, [&](const RawRecord& record) -> Result<bool> {
    auto commit = decode_record(record);
    if (!commit.ok()) return fail(std::move(commit).error());
    const std::lock_guard lock(s.mu);
    // The writer may have applied its own commit meanwhile (it does not take scan_mu).
    if (record.offset >= s.ledger.end()) apply(s.ledger, record.offset, *commit);
    return true;
  });
}

Result<KafkaLedger::Verdict> KafkaPartitions::classify(std::int32_t partition, std::int64_t offset,
                                                       const CommitRecord& commit) {
  Slot& s = slot(partition);
  {
    const std::lock_guard lock(s.mu);
    if (offset < s.ledger.end()) return s.ledger.verdict_at(offset);
  }
  if (auto caught_up = catch_up(partition, offset); !caught_up.ok()) {
    return fail(std::move(caught_up).error());
  }
  const std::lock_guard lock(s.mu);
  if (offset < s.ledger.end()) return s.ledger.verdict_at(offset);
  return apply(s.ledger, offset, commit);
}

Position KafkaPartitions::position_at(std::int32_t partition, std::int64_t offset) const {
  std::vector<std::uint64_t> offsets(static_cast<std::size_t>(config_.partitions), 0);
  offsets[static_cast<std::size_t>(partition)] = static_cast<std::uint64_t>(offset);
  return Position(std::move(offsets));
}

}  // namespace docket::eventstore
