#pragma once
// Finished availability answers, kept until they could be wrong: the availability query is the
// hottest read, and most of its cost is recomputing slots that have not changed.
//
// An entry is the JSON body for (doctor, from, to), tagged with the doctor's change count when
// it was computed and the instant its first not-yet-past slot starts. It is served while the
// doctor's count is unchanged and that instant has not come (then a slot turns `past`). The
// projector's hook calls invalidate() for every doctor a batch touches before the batch becomes
// visible to Docket-Min-Position waiters, so a read-your-writes query never gets an answer from
// before its write. A caller reads the count (version()) before it takes its read snapshot, so a
// body computed while a batch lands is stored under the older count and never served.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/time.hpp"
#include "eventstore/event_log.hpp"

namespace docket::api {

class AvailabilityCache {
 public:
  // Bodies kept at most (all shards together); a full shard starts over.
  explicit AvailabilityCache(std::size_t max_entries = 4096);

  // The doctor's change count, to pass to store(). Thread-safe.
  std::uint64_t version(std::string_view doctor_id) const;
  // The cached body, or null when absent, invalidated, or due to change at `now`. Thread-safe.
  std::shared_ptr<const std::string> find(std::string_view doctor_id, domain::LocalDate from,
                                          domain::LocalDate to, domain::Instant now) const;
  // Keeps `body`, computed from read models taken after version() returned `version`, until
  // `valid_until`; dropped when the doctor changed meanwhile. Thread-safe.
  void store(std::string_view doctor_id, domain::LocalDate from, domain::LocalDate to,
             std::uint64_t version, domain::Instant valid_until, std::string body);
  // The projector's hook: every doctor whose stream a commit touches changes. Thread-safe.
  void invalidate(const std::vector<eventstore::Commit>& commits);
  // Forgets everything (a new generation of the read models serves). Thread-safe.
  void clear();

 private:
  struct Entry {
    std::uint64_t version = 0;
    domain::Instant valid_until;
    std::shared_ptr<const std::string> body;
  };
  struct Doctor {
    std::uint64_t version = 0;
    std::unordered_map<std::int64_t, Entry> ranges;  // by from * 65536 + (to - from)
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Doctor> doctors;
    std::size_t entries = 0;
  };
  static constexpr std::size_t kShards = 16;
  Shard& shard_of(std::string_view doctor_id) const;

  std::size_t max_per_shard_;
  mutable std::unique_ptr<Shard[]> shards_;
};

}  // namespace docket::api
