#include "eventstore/position.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace docket::eventstore {
namespace {

// Far more partitions than any Docket topic has; bounds the work a hostile token can cause.
constexpr std::size_t kMaxComponents = 4096;

}  // namespace

void Position::set(std::size_t partition, std::uint64_t offset) {
  if (partition >= offsets_.size()) offsets_.resize(partition + 1, 0);
  offsets_[partition] = offset;
}

bool Position::covers(const Position& other) const {
  const std::size_t n = std::max(offsets_.size(), other.offsets_.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (at(i) < other.at(i)) return false;
  }
  return true;
}

void Position::merge(const Position& other) {
  if (other.offsets_.size() > offsets_.size()) offsets_.resize(other.offsets_.size(), 0);
  for (std::size_t i = 0; i < other.offsets_.size(); ++i) {
    offsets_[i] = std::max(offsets_[i], other.offsets_[i]);
  }
}

std::string Position::to_token() const {
  if (offsets_.empty()) return "0";
  std::string out;
  out.reserve(offsets_.size() * 8);
  for (std::size_t i = 0; i < offsets_.size(); ++i) {
    if (i > 0) out.push_back('.');
    out += std::to_string(offsets_[i]);
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
