#pragma once
// The per-model appliers behind apply_commit. Each records one event's facts in its own tables
// (models.hpp) and holds no rules: the decider already decided. Not thread-safe.

#include <string_view>

#include "domain/events.hpp"
#include "eventstore/envelope.hpp"
#include "projections/txn.hpp"

namespace docket::projections::detail {

struct EventContext {
  Txn& txn;
  std::string_view doctor_id;            // from the stream name
  std::uint64_t version = 0;             // the event's stream version
  const eventstore::RecordedEvent& raw;  // envelope: time, actor, data as stored
};

void apply_doctors(const EventContext& c, const domain::Event& e);
void apply_availability(const EventContext& c, const domain::Event& e);
void apply_appointments(const EventContext& c, const domain::Event& e);
void apply_queues(const EventContext& c, const domain::Event& e);
void apply_stats(const EventContext& c, const domain::Event& e);
void apply_history(const EventContext& c, const domain::Event& e);

}  // namespace docket::projections::detail
