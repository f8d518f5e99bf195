#pragma once
// The partitioner every Kafka client must agree on: Java's `Utils.murmur2` over the key bytes and
// `toPositive(hash) % partitions` (the Java client's default for keyed records, librdkafka's
// `murmur2_random`). Docket computes it itself so that a reader knows where a stream lives without
// asking the producer, and sets the partition explicitly on produce.

#include <cstdint>
#include <string_view>

namespace docket::eventstore {

// Java-compatible murmur2 (seed 0x9747b28c) of `key`'s bytes, as the signed value Java returns.
// Pure and thread-safe.
std::int32_t kafka_murmur2(std::string_view key) noexcept;

// The partition of `key` among `partitions` (> 0) partitions: (murmur2(key) & 0x7fffffff) % n.
// Pure and thread-safe.
std::int32_t kafka_partition_for(std::string_view key, std::int32_t partitions) noexcept;

}  // namespace docket::eventstore
