#include "eventstore/position.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace docket::eventstore {
namespace {

// Far more partitions than any Docket topic has; bounds the work a hostile token can cause.
constexpr std::size_t kMaxComponents = 4096;

}  // namespace

Position::Position(std::vector<std::uint64_t> offsets) {
  assign(std::move(offsets));
}

Position::Position(std::initializer_list<std::uint64_t> offsets) {
  if (offsets.size() <= 1) {
    size_ = offsets.size();
    if (size_ == 1) first_ = *offsets.begin();
  } else {
    assign(std::vector<std::uint64_t>(offsets));
  }
}

void Position::assign(std::vector<std::uint64_t>&& offsets) {
  size_ = offsets.size();
  if (size_ <= 1) {
    first_ = size_ == 1 ? offsets[0] : 0;
    many_.clear();
  } else {
    first_ = 0;
    many_ = std::move(offsets);
  }
}

void Position::set(std::size_t partition, std::uint64_t offset) {
  if (partition == 0 && size_ <= 1) {
    size_ = 1;
    first_ = offset;
    return;
  }
  const std::span<const std::uint64_t> current = offsets();
  std::vector<std::uint64_t> grown(current.begin(), current.end());
  if (partition >= grown.size()) grown.resize(partition + 1, 0);
  grown[partition] = offset;
  assign(std::move(grown));
}

bool Position::covers(const Position& other) const {
  const std::size_t n = std::max(size_, other.size_);
  for (std::size_t i = 0; i < n; ++i) {
    if (at(i) < other.at(i)) return false;
  }
  return true;
}

void Position::merge(const Position& other) {
  const std::size_t n = std::max(size_, other.size_);
  if (n <= 1) {
    size_ = n;
    first_ = std::max(first_, other.first_);
    return;
  }
  std::vector<std::uint64_t> merged(n);
  for (std::size_t i = 0; i < n; ++i)
    merged[i] = std::max(at(i), other.at(i));
  assign(std::move(merged));
}

std::string Position::to_token() const {
  const std::span<const std::uint64_t> parts = offsets();
  if (parts.empty()) return "0";
  std::string out;
  out.reserve(parts.size() * 8);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.push_back('.');
    out += std::to_string(parts[i]);
  }
  return out;
}

std::optional<Position> Position::from_token(std::string_view token) {
  if (token.empty()) return std::nullopt;
  std::vector<std::uint64_t> offsets;
  std::size_t begin = 0;
  while (true) {
    const std::size_t dot = token.find('.', begin);
    const std::string_view part =
        token.substr(begin, dot == std::string_view::npos ? std::string_view::npos : dot - begin);
    if (part.empty() || offsets.size() == kMaxComponents) return std::nullopt;
    // from_chars alone would accept a leading '-' for signed types and stop at the first
    // non-digit; insist on digits only and on consuming the whole component.
    if (!std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc{} || end != part.data() + part.size()) return std::nullopt;
    offsets.push_back(value);
    if (dot == std::string_view::npos) break;
    begin = dot + 1;
  }
  return Position(std::move(offsets));
}

}  // namespace docket::eventstore
