#pragma once
// A point in the log: everything before it has been read or applied.
//
// The embedded log has one component (the number of events before the point); the Kafka log has
// one per partition (the next offset to read there). A position serializes to an opaque token, the
// same string everywhere the API shows one (`Docket-Position`, `Docket-Min-Position`,
// `/v1/events?after=`).
//
// One component is held inline: every event and commit a scan of the embedded log returns carries
// a position, and copying one must not allocate. More components live in a vector.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace docket::eventstore {

class Position {
 public:
  Position() = default;  // the start of the log
  explicit Position(std::vector<std::uint64_t> offsets);
  Position(std::initializer_list<std::uint64_t> offsets);

  // Every component, in partition order. Valid until the position is changed or destroyed.
  std::span<const std::uint64_t> offsets() const {
    return size_ <= 1 ? std::span<const std::uint64_t>(&first_, size_)
                      : std::span<const std::uint64_t>(many_);
  }
  // The component for `partition`; 0 when the position does not name it.
  std::uint64_t at(std::size_t partition) const {
    if (partition >= size_) return 0;
    return size_ == 1 ? first_ : many_[partition];
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
  void assign(std::vector<std::uint64_t>&& offsets);

  std::size_t size_ = 0;             // number of components
  std::uint64_t first_ = 0;          // the component when size_ == 1
  std::vector<std::uint64_t> many_;  // the components when size_ > 1; empty otherwise
};

}  // namespace docket::eventstore
