#pragma once
// The deterministic void-commit rule, as a state machine over one partition.
//
// Kafka has no conditional append, so the log itself is the arbiter: reading a partition in offset
// order, a commit whose expected version is not its stream's current version is *void* and every
// reader skips it. Everything here is a pure function of the records applied so far, so every
// reader that applies the same partition in order reaches the same verdicts.
//
// Not thread-safe: the Kafka log guards each partition's ledger with that partition's mutex.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace docket::eventstore {

class KafkaLedger {
 public:
  enum class Verdict { valid, void_commit };

  struct StreamHead {
    std::uint64_t version = 0;  // events in the stream's valid commits
    std::string hash;           // the last valid event's hash; the genesis hash when version is 0
  };

  // The next offset to apply: every record before it has been applied.
  std::int64_t end() const { return end_; }

  // Applies the commit stored at `offset` (>= end(); any offsets in between hold no record) with
  // the header fields the rule needs, and returns its verdict. A valid commit moves its stream to
  // expected_version + event_count with `last_hash` as its head.
  Verdict apply(std::int64_t offset, std::string_view stream, std::uint64_t expected_version,
                std::uint64_t event_count, std::string_view last_hash);

  // The verdict of an applied offset (< end()).
  Verdict verdict_at(std::int64_t offset) const;

  // The stream's head after everything applied; version 0 and the genesis hash when it has none.
  StreamHead head(std::string_view stream) const;

  // The offset of the valid commit that holds event `version` of `stream`; nullopt when no valid
  // commit applied so far holds it.
  std::optional<std::int64_t> offset_of(std::string_view stream, std::uint64_t version) const;

  // The offset of the stream's last valid commit; nullopt when it has none.
  std::optional<std::int64_t> last_offset(std::string_view stream) const;

 private:
  struct CommitRef {
    std::uint64_t first_version;
    std::int64_t offset;
  };
  struct StreamEntry {
    StreamHead head;
    std::vector<CommitRef> commits;  // valid commits, in offset (and version) order
  };

  std::int64_t end_ = 0;
  std::map<std::string, StreamEntry, std::less<>> streams_;
  std::set<std::int64_t> void_offsets_;  // void commits are rare: remember them, not the valid ones
};

}  // namespace docket::eventstore
