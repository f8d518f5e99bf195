#pragma once
// Which doctors have a time-driven transition pending, and when: doctor -> next_deadline(state).
//
// The doctor's writer updates it after every decision and every rehydration; the scheduler reads
// it. It is kept in memory (an ordered set, O(log n) per change) and mirrored into the side store
// ("d/<doctor>" -> seconds since the epoch) so that a restart knows every pending deadline without
// replaying the log: loading costs one prefix scan over the doctors that HAVE a deadline (tens of
// bytes each), not over the events. Mirror writes are not synced one by one; the index is only a
// hint (ExpireDue decided against the real state does nothing when nothing is due), and
// CommandService::recover() re-checks every doctor touched after the last synced checkpoint, so a
// write lost in a power failure cannot hide a deadline.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/side_store.hpp"
#include "domain/time.hpp"

namespace docket::api {

// Thread-safe.
class DeadlineIndex {
 public:
  // `store` may be null (memory only); otherwise it must outlive the index.
  explicit DeadlineIndex(SideStore* store) : store_(store) {}

  // Loads the mirrored deadlines. Errors when the side store cannot be read.
  docket::Status<SideStoreError> load();

  // Records the doctor's next deadline (nullopt: none pending). Wakes waiters when it moves a
  // deadline earlier. A failed mirror write is returned but the memory index is updated anyway.
  docket::Status<SideStoreError> update(const std::string& doctor_id,
                                        std::optional<domain::Instant> deadline);

  // Marks doctors whose deadline must be re-checked at once (due at the epoch).
  void mark_due(const std::vector<std::string>& doctor_ids);

  // The doctors whose deadline is at or before `now`, earliest first, at most `max`.
  std::vector<std::string> due(domain::Instant now, std::size_t max) const;
  // The earliest pending deadline, nullopt when none.
  std::optional<domain::Instant> earliest() const;
  std::optional<domain::Instant> deadline_of(const std::string& doctor_id) const;
  std::size_t size() const;

  // Called (outside the index's lock) whenever a change makes the earliest deadline earlier, so
  // that a waiting scheduler re-plans. Thread-safe; nullptr removes it.
  void set_listener(std::function<void()> on_earlier);

 private:
  // Returns whether the earliest deadline moved earlier.
  bool set_locked(const std::string& doctor_id, std::optional<domain::Instant> deadline);

  SideStore* store_;
  // Which listener to call; shared so that a call in progress outlives a reset.
  std::shared_ptr<std::function<void()>> on_earlier_;  // guarded by mutex_
  mutable std::mutex mutex_;
  std::set<std::pair<domain::Instant, std::string>> by_time_;
  std::map<std::string, domain::Instant> by_doctor_;
};

}  // namespace docket::api
