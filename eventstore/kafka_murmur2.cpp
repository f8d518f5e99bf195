#include "eventstore/kafka_murmur2.hpp"

#include <cassert>

namespace docket::eventstore {

std::int32_t kafka_murmur2(std::string_view key) noexcept {
  // Unsigned arithmetic gives the same bits as Java's wrapping int arithmetic; Java's `>>>` is
  // a logical shift, which is what a shift of an unsigned value does.
  constexpr std::uint32_t kSeed = 0x9747b28cU;
  constexpr std::uint32_t kM = 0x5bd1e995U;
  constexpr int kR = 24;

  const auto* bytes = reinterpret_cast<const unsigned char*>(key.data());
  const std::size_t length = key.size();
  std::uint32_t h = kSeed ^ static_cast<std::uint32_t>(length);

  const std::size_t blocks = length / 4;
  for (std::size_t i = 0; i < blocks; ++i) {
    const std::size_t at = i * 4;
    // Little-endian block, as Java assembles it.
    std::uint32_t k = static_cast<std::uint32_t>(bytes[at]) |
                      (static_cast<std::uint32_t>(bytes[at + 1]) << 8) |
                      (static_cast<std::uint32_t>(bytes[at + 2]) << 16) |
                      (static_cast<std::uint32_t>(bytes[at + 3]) << 24);
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h *= kM;
    h ^= k;
  }

  const std::size_t tail = blocks * 4;
  switch (length % 4) {
    case 3:
      h ^= static_cast<std::uint32_t>(bytes[tail + 2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<std::uint32_t>(bytes[tail + 1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= static_cast<std::uint32_t>(bytes[tail]);
      h *= kM;
      break;
    default:
      break;
  }

  h ^= h >> 13;
  h *= kM;
  h ^= h >> 15;
  return static_cast<std::int32_t>(h);
}

std::int32_t kafka_partition_for(std::string_view key, std::int32_t partitions) noexcept {
  assert(partitions > 0);
  const auto positive = static_cast<std::uint32_t>(kafka_murmur2(key)) & 0x7fffffffU;
  return static_cast<std::int32_t>(positive % static_cast<std::uint32_t>(partitions));
}

}  // namespace docket::eventstore
