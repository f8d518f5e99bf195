#include "projections/decoded_batch.hpp"

#include <thread>

#include "domain/event_json.hpp"
#include "projections/apply.hpp"

namespace docket::projections {

DecodedBatch::DecodedBatch(std::vector<eventstore::Commit> commits) : commits_(std::move(commits)) {
  first_.reserve(commits_.size());
  for (const eventstore::Commit& c : commits_) {
    first_.push_back(raw_.size());
    // Other streams' events are never asked for: nothing to decode ahead.
    const bool projected = is_projected(c.stream);
    for (const eventstore::RecordedEvent& e : c.events)
      raw_.push_back(projected ? &e : nullptr);
  }
  slots_ = std::make_unique<Slot[]>(raw_.size());
  back_ = raw_.size();
}

void DecodedBatch::decode(std::size_t i) {
  const eventstore::RecordedEvent& raw = *raw_[i];
  auto decoded = domain::decode(raw.type, raw.data);
  if (decoded.ok()) slots_[i].event = std::move(decoded).value();
  slots_[i].state.store(kDone, std::memory_order_release);
}

std::span<const domain::Event* const> DecodedBatch::events_of(std::size_t c) {
  const std::size_t first = first_[c];
  const std::size_t n = commits_[c].events.size();
  view_.clear();
  for (std::size_t i = first; i < first + n; ++i) {
    if (raw_[i] == nullptr) {
      view_.push_back(nullptr);
      continue;
    }
    Slot& s = slots_[i];
    std::uint8_t expected = kFree;
    if (s.state.compare_exchange_strong(expected, kClaimed, std::memory_order_acquire)) {
      decode(i);
    } else {
      // Being decoded on the other thread: one event, a few microseconds.
      while (s.state.load(std::memory_order_acquire) != kDone)
        std::this_thread::yield();
    }
    view_.push_back(s.event ? &*s.event : nullptr);
  }
  return view_;
}

bool DecodedBatch::decode_from_back(std::size_t n) {
  for (std::size_t done = 0; done < n; ++done) {
    while (back_ > 0 && raw_[back_ - 1] == nullptr)
      --back_;
    if (back_ == 0) return false;
    Slot& s = slots_[back_ - 1];
    std::uint8_t expected = kFree;
    // Claimed already: the applying thread got here, so it has claimed everything before too.
    if (!s.state.compare_exchange_strong(expected, kClaimed, std::memory_order_acquire)) {
      back_ = 0;
      return false;
    }
    --back_;
    decode(back_);
  }
  return true;
}

}  // namespace docket::projections
