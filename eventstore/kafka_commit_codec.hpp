#pragma once
// The Kafka record that stores one commit (docs/kafka-records.md is the normative description):
//   key     the stream id, UTF-8 (it picks the partition, see kafka_murmur2.hpp)
//   header  content-type: application/vnd.docket.commit+json; version=1
//   value   {"stream": "...", "expected_version": N, "events": [CloudEvents envelope, ...]}
// A commit is void when `expected_version` is not the stream's version where it stands in its
// partition (kafka_ledger.hpp); the codec only checks that a record is well-formed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/envelope.hpp"

namespace docket::eventstore {

inline constexpr std::string_view kCommitContentTypeHeader = "content-type";
inline constexpr std::string_view kCommitContentType =
    "application/vnd.docket.commit+json; version=1";

struct CommitRecord {
  std::string stream;
  std::uint64_t expected_version = 0;
  std::vector<RecordedEvent> events;  // their `position` is not stored
};

// The record value of `commit` (compact JSON). Pure and thread-safe.
std::string encode_commit(const CommitRecord& commit);

// Parses a record value. nullopt unless it is a JSON object with a non-empty `stream`, an unsigned
// `expected_version` and a non-empty `events` array of envelopes of that stream whose versions
// run expected_version + 1, + 2, ... Pure and thread-safe.
std::optional<CommitRecord> decode_commit(std::string_view value);

}  // namespace docket::eventstore
