#pragma once
// A batch of commits read from the log whose events are decoded by whichever of two threads gets
// to them first.
//
// A rebuild reads and parses the log on one thread and applies on another. Decoding the events
// (domain::decode) belongs to neither: the applying thread decodes each event it reaches, and
// the reading thread, when it is ahead and would otherwise wait, decodes the newest batch from
// its back. Each event is claimed once, so the two meet somewhere in the batch and the work
// balances itself whichever side is faster.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "domain/events.hpp"
#include "eventstore/event_log.hpp"

namespace docket::projections {

class DecodedBatch {
 public:
  explicit DecodedBatch(std::vector<eventstore::Commit> commits);
  DecodedBatch(const DecodedBatch&) = delete;
  DecodedBatch& operator=(const DecodedBatch&) = delete;

  const std::vector<eventstore::Commit>& commits() const { return commits_; }
  // The events of commits()[c], decoded (nullptr for one that does not decode): decodes those
  // no thread has claimed yet and waits for those another thread is decoding. Call for the
  // commits in order, from one thread. The span is valid until the next call.
  std::span<const domain::Event* const> events_of(std::size_t c);
  // Decodes up to `n` not yet claimed events of projected streams, from the batch's end
  // backwards; false once the other thread has reached them or none are left. Thread-safe
  // against events_of().
  bool decode_from_back(std::size_t n);

 private:
  enum : std::uint8_t { kFree, kClaimed, kDone };
  struct Slot {
    std::atomic<std::uint8_t> state{kFree};
    std::optional<domain::Event> event;  // nullopt when it does not decode
  };
  void decode(std::size_t i);

  std::vector<eventstore::Commit> commits_;
  std::vector<const eventstore::RecordedEvent*> raw_;  // every event, in order
  std::vector<std::size_t> first_;                     // index in raw_ of each commit's first
  std::unique_ptr<Slot[]> slots_;
  std::size_t back_;  // decode_from_back() goes on below this index
  std::vector<const domain::Event*> view_;
};

}  // namespace docket::projections
