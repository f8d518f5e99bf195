#pragma once
// Counters of the write side, for the HTTP layer's /metrics. Plain atomics: every field may be read
// from any thread at any time (relaxed loads; the values are monotonic counters or gauges).

#include <array>
#include <atomic>
#include <cstdint>

#include "api/command_types.hpp"

namespace docket::api {

enum class command_outcome : std::uint8_t {
  ok,                // durable (or nothing to change)
  rejected,          // domain error
  version_mismatch,  // If-Match
  conflict,          // lost to another writer twice
  unavailable,       // log failure
};
inline constexpr std::size_t kCommandOutcomes = 5;

// "ok", "rejected", ...
std::string_view to_string(command_outcome o) noexcept;
command_outcome outcome_of(const CommandResult& r) noexcept;

struct CommandMetrics {
  // commands[kind][outcome]: kind is the domain::Command variant index (command_kind_name).
  std::array<std::array<std::atomic<std::uint64_t>, kCommandOutcomes>, kCommandKinds> commands{};

  // How many appends of this service were in flight (all doctors) when an append was issued,
  // counted in power-of-two buckets: [0] = 1, [1] = 2..3, [2] = 4..7, ... [11] = 2048 and more.
  // The group commit takes what is in flight, so this is the batch size the log can form.
  static constexpr std::size_t kBatchBuckets = 12;
  std::array<std::atomic<std::uint64_t>, kBatchBuckets> append_batch{};
  std::atomic<std::uint64_t> appends{};          // appends issued
  std::atomic<std::uint64_t> appended_events{};  // events durable
  std::atomic<std::uint64_t> append_failures{};  // appends that failed (any reason)
  std::atomic<std::uint64_t> conflicts{};        // version conflicts met (re-decided or answered)
  std::atomic<std::uint64_t> redecisions{};      // commands decided again after a failed append
  // Appends that were durable although one they were decided on top of failed. Only possible
  // when another process writes the same stream (see CommandServiceOptions::max_in_flight).
  std::atomic<std::uint64_t> pipeline_hazards{};

  std::atomic<std::uint64_t> cached_doctors{};  // gauge: aggregates in the cache
  std::atomic<std::uint64_t> evictions{};
  std::atomic<std::uint64_t> rehydrations{};       // aggregates loaded from the log
  std::atomic<std::uint64_t> rehydrated_events{};  // events folded while loading
  std::atomic<std::uint64_t> snapshot_loads{};     // loads that started from a snapshot
  std::atomic<std::uint64_t> snapshots_written{};
  std::atomic<std::uint64_t> snapshots_refused{};  // states the snapshot codec could not represent
  std::atomic<std::uint64_t> snapshots_skipped{};  // not taken: the snapshot thread was behind
  std::atomic<std::uint64_t> snapshot_micros{};    // time spent encoding and writing snapshots

  std::atomic<std::uint64_t> deadlines_fired{};  // ExpireDue commands issued by the scheduler

  void count(std::size_t kind, command_outcome o) noexcept {
    commands[kind][static_cast<std::size_t>(o)].fetch_add(1, std::memory_order_relaxed);
  }
  void count_batch(std::uint64_t in_flight) noexcept;
};

}  // namespace docket::api
