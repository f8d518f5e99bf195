#pragma once
// Every key and value of a generation built in memory (memory_build.hpp): a hash table over an
// arena.
//
// A rebuild from zero holds millions of small keys, each read and rewritten many times, and loads
// them once, sorted, at the end. A node-based map costs a heap node, two heap strings and four
// dependent cache misses per look-up, and as long again to free them all. Here an entry (key and
// value side by side) lives in large arena chunks, the table is one array of (hash, entry) slots
// probed linearly, so a look-up is about two cache misses, and dropping the state frees a few
// hundred chunks. A value rewritten with the same size or smaller (counters, records moving
// through their statuses) is overwritten in place; a larger one moves to a new entry. Memory of
// erased or moved entries is reused for later entries of the same size class.
// Not thread-safe: one thread owns a state.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace docket::projections {

class MemoryState {
 public:
  MemoryState();
  ~MemoryState();
  MemoryState(MemoryState&&) noexcept;
  MemoryState& operator=(MemoryState&&) noexcept;
  MemoryState(const MemoryState&) = delete;
  MemoryState& operator=(const MemoryState&) = delete;

  // The value of `key`, nullopt when absent. The view is valid until the next change.
  std::optional<std::string_view> find(std::string_view key) const;
  // Sets `key` to `value` (inserting the key when absent).
  void put(std::string_view key, std::string_view value);
  // Removes `key`; nothing when absent.
  void erase(std::string_view key);
  std::size_t size() const { return size_; }

  // One stored key and value; views into the state, valid until the next change.
  struct Item {
    std::string_view key;
    std::string_view value;
  };

 private:
  struct Entry;

 public:
  // Some of the items, all in one key range: no key of a run lies between two keys of another.
  // Not thread-safe; different runs may be sorted on different threads.
  class Run {
   public:
    // Puts the run's items in key order (bytewise).
    void sort();
    std::size_t size() const { return items_.size(); }
    Item operator[](std::size_t i) const;

   private:
    friend class MemoryState;
    struct Keyed {
      std::uint64_t hi;  // the key's first 16 bytes, big-endian, zero-padded: their order is the
      std::uint64_t lo;  // keys' order whenever they differ
      Entry* entry;
    };
    std::vector<Keyed> items_;
  };
  // Every item, split into up to `count` runs of about equal size in ascending key order: the
  // runs, each sorted, read one after the other give every item in key order. Valid while the
  // state does not change.
  std::vector<Run> runs(std::size_t count) const;
  // Every item in key order (one sorted run).
  std::vector<Item> sorted() const;

 private:
  struct Slot {
    std::uint64_t hash = 0;
    Entry* entry = nullptr;  // nullptr: empty
  };

  std::size_t find_slot(std::string_view key, std::uint64_t hash) const;  // index, or npos
  Entry* allocate(std::string_view key, std::string_view value);
  void release(Entry* e);
  void grow();

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  // Arena: entries are carved from the last chunk; large entries get a chunk of their own.
  // Reading the chunks front to back visits every entry, released ones marked as such.
  struct Chunk {
    std::unique_ptr<std::byte[]> bytes;
    std::size_t used = 0;
  };
  std::vector<Chunk> chunks_;
  std::size_t carving_ = static_cast<std::size_t>(-1);  // the chunk entries are carved from
  // Released entries by size class (8-byte units), reused before the arena grows.
  std::vector<std::vector<Entry*>> spare_;
};

}  // namespace docket::projections
