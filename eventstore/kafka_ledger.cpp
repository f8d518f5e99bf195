#include "eventstore/kafka_ledger.hpp"

#include <algorithm>
#include <cassert>

#include "eventstore/envelope.hpp"

namespace docket::eventstore {

KafkaLedger::Verdict KafkaLedger::apply(std::int64_t offset, std::string_view stream,
                                        std::uint64_t expected_version, std::uint64_t event_count,
                                        std::string_view last_hash) {
  assert(offset >= end_);
  end_ = offset + 1;
  auto it = streams_.find(stream);
  const std::uint64_t current = it == streams_.end() ? 0 : it->second.head.version;
  if (expected_version != current || event_count == 0) {
    void_offsets_.insert(offset);
    return Verdict::void_commit;
  }
  if (it == streams_.end()) it = streams_.emplace(std::string(stream), StreamEntry{}).first;
  it->second.commits.push_back(CommitRef{current + 1, offset});
  it->second.head.version = current + event_count;
  it->second.head.hash = std::string(last_hash);
  return Verdict::valid;
}

KafkaLedger::Verdict KafkaLedger::verdict_at(std::int64_t offset) const {
  assert(offset < end_);
  return void_offsets_.contains(offset) ? Verdict::void_commit : Verdict::valid;
}

KafkaLedger::StreamHead KafkaLedger::head(std::string_view stream) const {
  const auto it = streams_.find(stream);
  if (it == streams_.end()) return StreamHead{0, std::string(kGenesisHash)};
  return it->second.head;
}

std::optional<std::int64_t> KafkaLedger::offset_of(std::string_view stream,
                                                   std::uint64_t version) const {
  const auto it = streams_.find(stream);
  if (it == streams_.end() || version == 0 || version > it->second.head.version) {
    return std::nullopt;
  }
  const auto& commits = it->second.commits;
  // The last commit whose first version is <= version holds it.
  const auto after =
      std::upper_bound(commits.begin(), commits.end(), version,
                       [](std::uint64_t v, const CommitRef& c) { return v < c.first_version; });
  assert(after != commits.begin());
  return std::prev(after)->offset;
}

std::optional<std::int64_t> KafkaLedger::last_offset(std::string_view stream) const {
  const auto it = streams_.find(stream);
  if (it == streams_.end() || it->second.commits.empty()) return std::nullopt;
  return it->second.commits.back().offset;
}

}  // namespace docket::eventstore
