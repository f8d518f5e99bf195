#include "projections/memory_state.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <functional>

namespace docket::projections {

// Header of an entry; the key's bytes follow it, then the value's (value_cap bytes of room).
struct MemoryState::Entry {
  std::uint32_t key_len;
  std::uint32_t value_len;
  std::uint32_t value_cap;

  char* key_data() { return reinterpret_cast<char*>(this + 1); }
  char* value_data() { return key_data() + key_len; }
  std::string_view key() { return {key_data(), key_len}; }
  std::string_view value() { return {value_data(), value_len}; }
};

namespace {

constexpr std::size_t kNpos = static_cast<std::size_t>(-1);
constexpr std::size_t kAlign = 8;
constexpr std::size_t kChunkBytes = std::size_t{4} << 20;
constexpr std::size_t kSpareClasses = 512;  // entries up to 4 KB are reused
constexpr std::size_t kFirstSlots = std::size_t{1} << 16;

std::uint64_t hash_of(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}

std::size_t entry_bytes(std::size_t key_len, std::size_t value_len) {
  const std::size_t raw = 3 * sizeof(std::uint32_t) + key_len + value_len;
  return (raw + kAlign - 1) / kAlign * kAlign;
}

// The first eight bytes of `key` as a big-endian number (zero-padded): ordering by it agrees
// with the bytewise order of the keys, which decides only when these are equal.
std::uint64_t prefix_of(std::string_view key) {
  unsigned char b[8] = {};
  std::memcpy(b, key.data(), std::min<std::size_t>(key.size(), 8));
  std::uint64_t v = 0;
  for (const unsigned char c : b)
    v = v << 8 | c;
  return v;
}

}  // namespace

MemoryState::MemoryState() : slots_(kFirstSlots), mask_(kFirstSlots - 1), spare_(kSpareClasses) {}
MemoryState::~MemoryState() = default;
MemoryState::MemoryState(MemoryState&&) noexcept = default;
MemoryState& MemoryState::operator=(MemoryState&&) noexcept = default;

std::size_t MemoryState::find_slot(std::string_view key, std::uint64_t hash) const {
  for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.entry == nullptr) return kNpos;
    if (s.hash == hash && s.entry->key() == key) return i;
  }
}

std::optional<std::string_view> MemoryState::find(std::string_view key) const {
  const std::size_t i = find_slot(key, hash_of(key));
  if (i == kNpos) return std::nullopt;
  return slots_[i].entry->value();
}

MemoryState::Entry* MemoryState::allocate(std::string_view key, std::string_view value) {
  const std::size_t bytes = entry_bytes(key.size(), value.size());
  std::byte* at = nullptr;
  const std::size_t cls = bytes / kAlign;
  if (cls < kSpareClasses && !spare_[cls].empty()) {
    at = reinterpret_cast<std::byte*>(spare_[cls].back());
    spare_[cls].pop_back();
  } else if (bytes > kChunkBytes / 4) {
    chunks_.push_back(std::make_unique_for_overwrite<std::byte[]>(bytes));
    at = chunks_.back().get();  // carving goes on in the current chunk
  } else {
    if (static_cast<std::size_t>(free_end_ - free_begin_) < bytes) {
      chunks_.push_back(std::make_unique_for_overwrite<std::byte[]>(kChunkBytes));
      free_begin_ = chunks_.back().get();
      free_end_ = free_begin_ + kChunkBytes;
    }
    at = free_begin_;
    free_begin_ += bytes;
  }
  auto* e = reinterpret_cast<Entry*>(at);
  e->key_len = static_cast<std::uint32_t>(key.size());
  e->value_len = static_cast<std::uint32_t>(value.size());
  e->value_cap = static_cast<std::uint32_t>(bytes - sizeof(Entry) - key.size());
  std::memcpy(e->key_data(), key.data(), key.size());
  if (!value.empty()) std::memcpy(e->value_data(), value.data(), value.size());
  return e;
}

void MemoryState::release(Entry* e) {
  const std::size_t cls = entry_bytes(e->key_len, e->value_cap) / kAlign;
  if (cls < kSpareClasses) spare_[cls].push_back(e);
}

void MemoryState::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.entry == nullptr) continue;
    std::size_t i = s.hash & mask_;
    while (slots_[i].entry != nullptr)
      i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

void MemoryState::put(std::string_view key, std::string_view value) {
  // At most 5/8 full: linear probing stays short.
  if ((size_ + 1) * 8 > slots_.size() * 5) grow();
  const std::uint64_t hash = hash_of(key);
  std::size_t i = hash & mask_;
  for (;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.entry == nullptr) break;
    if (s.hash != hash || s.entry->key() != key) continue;
    Entry* e = s.entry;
    if (value.size() <= e->value_cap) {
      if (!value.empty()) std::memmove(e->value_data(), value.data(), value.size());
      e->value_len = static_cast<std::uint32_t>(value.size());
      return;
    }
    s.entry = allocate(key, value);
    release(e);
    return;
  }
  slots_[i] = Slot{hash, allocate(key, value)};
  ++size_;
}

void MemoryState::erase(std::string_view key) {
  std::size_t i = find_slot(key, hash_of(key));
  if (i == kNpos) return;
  release(slots_[i].entry);
  --size_;
  // Backward-shift deletion: later slots of the same probe run move up, so no tombstones.
  for (std::size_t j = (i + 1) & mask_; slots_[j].entry != nullptr; j = (j + 1) & mask_) {
    const std::size_t home = slots_[j].hash & mask_;
    // Slot j may fill the hole at i unless its home lies cyclically in (i, j].
    const bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (stays) continue;
    slots_[i] = slots_[j];
    i = j;
  }
  slots_[i] = Slot{};
}

std::vector<MemoryState::Item> MemoryState::sorted() const {
  struct Keyed {
    std::uint64_t prefix;
    Entry* entry;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(size_);
  for (const Slot& s : slots_) {
    if (s.entry != nullptr) keyed.push_back({prefix_of(s.entry->key()), s.entry});
  }
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    return a.entry->key() < b.entry->key();
  });
  std::vector<Item> out;
  out.reserve(keyed.size());
  for (const Keyed& k : keyed)
    out.push_back({k.entry->key(), k.entry->value()});
  return out;
}

}  // namespace docket::projections
