// The in-memory state of a rebuild against std::map under random puts, overwrites and erases.

#include "projections/memory_state.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>

namespace docket::projections {
namespace {

// Both the single sorted list and several runs sorted and read in turn.
void expect_same(const MemoryState& state, const std::map<std::string, std::string>& model) {
  ASSERT_EQ(state.size(), model.size());
  const auto items = state.sorted();
  ASSERT_EQ(items.size(), model.size());
  auto it = model.begin();
  for (const auto& item : items) {
    EXPECT_EQ(item.key, it->first);
    EXPECT_EQ(item.value, it->second);
    ++it;
  }
  it = model.begin();
  for (auto run : state.runs(7)) {
    run.sort();
    for (std::size_t i = 0; i < run.size(); ++i, ++it) {
      ASSERT_NE(it, model.end());
      EXPECT_EQ(run[i].key, it->first);
      EXPECT_EQ(run[i].value, it->second);
    }
  }
  EXPECT_EQ(it, model.end());
}

// Keys of every length around the 8-byte sort prefix and across many probe runs; values that
// grow, shrink and vanish, some larger than an arena chunk's share.
TEST(MemoryState, MatchesAnOrderedMapUnderRandomChanges) {
  std::mt19937_64 rng(7);
  MemoryState state;
  std::map<std::string, std::string> model;
  auto random_key = [&] {
    std::string k(rng() % 14, '\0');
    for (char& c : k)
      c = static_cast<char>("ab\0\xff"[rng() % 4]);
    return k + std::to_string(rng() % 20'000);
  };
  for (int round = 0; round < 400'000; ++round) {
    const std::string k = random_key();
    switch (rng() % 8) {
      case 0:
      case 1: {
        state.erase(k);
        model.erase(k);
        break;
      }
      case 2: {
        const auto found = state.find(k);
        const auto m = model.find(k);
        ASSERT_EQ(found.has_value(), m != model.end()) << k;
        if (found) {
          EXPECT_EQ(*found, m->second);
        }
        break;
      }
      default: {
        const std::size_t len = rng() % 8192 == 0 ? 1'100'000 : rng() % 90;
        const std::string v(len, static_cast<char>('a' + rng() % 26));
        state.put(k, v);
        model[k] = v;
      }
    }
  }
  expect_same(state, model);
  // Empty it again, then refill: erased entries are reused.
  for (const auto& [k, v] : model)
    state.erase(k);
  EXPECT_EQ(state.size(), 0u);
  EXPECT_FALSE(state.find(model.begin()->first).has_value());
  model.clear();
  for (int i = 0; i < 50'000; ++i) {
    const std::string k = "k" + std::to_string(i);
    state.put(k, k);
    model[k] = k;
  }
  expect_same(state, model);
}

// A value too large to share an arena chunk gets one of its own; small entries after it are
// carved from a chunk of their own size.
TEST(MemoryState, LargeValueFirstThenSmallOnes) {
  MemoryState state;
  std::map<std::string, std::string> model;
  const std::string large(3'000'000, 'v');
  state.put("big", large);
  model["big"] = large;
  for (int i = 0; i < 100'000; ++i) {
    const std::string k = "k" + std::to_string(i);
    state.put(k, k + k);
    model[k] = k + k;
  }
  expect_same(state, model);
}

TEST(MemoryState, EmptyKeysAndValuesAreStored) {
  MemoryState state;
  state.put("", "");
  state.put("x", "");
  ASSERT_TRUE(state.find("").has_value());
  EXPECT_EQ(*state.find("x"), "");
  EXPECT_FALSE(state.find("y").has_value());
  const auto items = state.sorted();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].key, "");
  EXPECT_EQ(items[1].key, "x");
}

}  // namespace
}  // namespace docket::projections
