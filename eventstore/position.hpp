#pragma once
// A point in the log: everything before it has been read or applied.
//
// The embedded log has one component (the number of events before the point); the Kafka log has
// one per partition (the next offset to read there). A position serializes to an opaque token, the
// same string everywhere the API shows one (`Docket-Position`, `Docket-Min-Position`,
// `/v1/events?after=`).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket::eventstore {

class Position {
 public:
  Position() = default;  // the start of the log
  explicit Position(std::vector<std::uint64_t> offsets) : offsets_(std::move(offsets)) {}

  const std::vector<std::uint64_t>& offsets() const { return offsets_; }
  // The component for `partition`; 0 when the position does not name it.
  std::uint64_t at(std::size_t partition) const {
    return partition < offsets_.size() ? offsets_[partition] : 0;
  }
  void set(std::size_t partition, std::uint64_t offset);

  // True when every component is >= the other's: everything before `other` is before this too.
  bool covers(const Position& other) const;
  // Component-wise maximum.
  void merge(const Position& other);

  // Opaque text form; from_token(to_token(p)) == p. The start of the log is "0".
  std::string to_token() const;
  // nullopt for malformed tokens.
  static std::optional<Position> from_token(std::string_view token);

  // Equal when they cover each other (trailing zero components do not matter).
  bool operator==(const Position& other) const { return covers(other) && other.covers(*this); }

 private:
  std::vector<std::uint64_t> offsets_;
};

}  // namespace docket::eventstore
