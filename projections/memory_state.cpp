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
constexpr std::size_t kSpareClasses = 512;       // entries up to 4 KB are reused
constexpr std::uint32_t kReleased = 0xFFFFFFFF;  // value_len of an entry no slot refers to
constexpr std::size_t kFirstSlots = std::size_t{1} << 16;

std::uint64_t hash_of(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}

std::size_t entry_bytes(std::size_t key_len, std::size_t value_len) {
  const std::size_t raw = 3 * sizeof(std::uint32_t) + key_len + value_len;
  return (raw + kAlign - 1) / kAlign * kAlign;
}

// Big-endian number of key bytes [from, from + 8), zero-padded.
std::uint64_t be64(std::string_view key, std::size_t from) {
  unsigned char b[8] = {};
  if (key.size() > from)
    std::memcpy(b, key.data() + from, std::min<std::size_t>(key.size() - from, 8));
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
    chunks_.push_back({std::make_unique_for_overwrite<std::byte[]>(bytes), bytes});
    at = chunks_.back().bytes.get();  // carving goes on in the current chunk
  } else {
    if (carving_ == kNpos || kChunkBytes - chunks_[carving_].used < bytes) {
      chunks_.push_back({std::make_unique_for_overwrite<std::byte[]>(kChunkBytes), 0});
      carving_ = chunks_.size() - 1;
    }
    Chunk& c = chunks_[carving_];
    at = c.bytes.get() + c.used;
    c.used += bytes;
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
  e->value_len = kReleased;
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

MemoryState::Item MemoryState::Run::operator[](std::size_t i) const {
  Entry* e = items_[i].entry;
  return {e->key(), e->value()};
}

void MemoryState::Run::sort() {
  // Comparing the prefixes first (an ordering that agrees with the keys' bytewise order) keeps
  // most comparisons inside this array instead of chasing the entries.
  std::sort(items_.begin(), items_.end(), [](const Keyed& a, const Keyed& b) {
    if (a.hi != b.hi) return a.hi < b.hi;
    if (a.lo != b.lo) return a.lo < b.lo;
    return a.entry->key() < b.entry->key();
  });
}

std::vector<MemoryState::Run> MemoryState::runs(std::size_t count) const {
  using Keyed = Run::Keyed;
  auto keyed = [](Entry* e) {
    const std::string_view k = e->key();
    return Keyed{be64(k, 0), be64(k, 8), e};
  };
  auto before = [](const Keyed& a, const Keyed& b) {
    return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
  };
  // Boundaries between runs are prefixes taken at even quantiles of a sample (slots are in hash
  // order: any stride samples at random); keys of equal prefix fall in the same run.
  std::vector<Keyed> bounds;
  if (count > 1 && size_ > 0) {
    constexpr std::size_t kSample = 4096;
    const std::size_t stride = std::max<std::size_t>(1, slots_.size() / kSample);
    std::vector<Keyed> sample;
    for (std::size_t i = 0; i < slots_.size(); i += stride) {
      if (slots_[i].entry != nullptr) sample.push_back(keyed(slots_[i].entry));
    }
    std::sort(sample.begin(), sample.end(), before);
    for (std::size_t r = 1; r < count && !sample.empty(); ++r) {
      const Keyed& b = sample[r * sample.size() / count];
      if (bounds.empty() || before(bounds.back(), b)) bounds.push_back(b);
    }
  }
  std::vector<Run> out(bounds.size() + 1);
  for (Run& run : out)
    run.items_.reserve(size_ / out.size() + size_ / out.size() / 4);
  // The arena in address order rather than the slots in hash order: the memory is read in
  // sequence, not at random.
  for (const Chunk& c : chunks_) {
    for (std::size_t at = 0; at < c.used;) {
      auto* e = reinterpret_cast<Entry*>(c.bytes.get() + at);
      at += entry_bytes(e->key_len, e->value_cap);
      if (e->value_len == kReleased) continue;
      const Keyed k = keyed(e);
      const auto r = std::upper_bound(bounds.begin(), bounds.end(), k, before) - bounds.begin();
      out[static_cast<std::size_t>(r)].items_.push_back(k);
    }
  }
  return out;
}

std::vector<MemoryState::Item> MemoryState::sorted() const {
  std::vector<Run> one = runs(1);
  one.front().sort();
  std::vector<Item> out;
  out.reserve(one.front().size());
  for (std::size_t i = 0; i < one.front().size(); ++i)
    out.push_back(one.front()[i]);
  return out;
}

}  // namespace docket::projections
