#pragma once
// Small builders and readers shared by the event log tests of every backend.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "eventstore/event_log.hpp"

namespace docket::eventstore {

// Lets GoogleTest print positions as their tokens.
inline void PrintTo(const Position& p, std::ostream* os) {
  *os << p.to_token();
}

namespace testing {

// An append of `count` events to `stream`; each event's data names `tag` and its index.
inline AppendRequest make_append(std::string stream, std::uint64_t expected_version,
                                 std::size_t count = 1, const std::string& tag = "t") {
  AppendRequest r;
  r.stream = std::move(stream);
  r.expected_version = expected_version;
  for (std::size_t i = 0; i < count; ++i) {
    r.events.push_back(NewEvent{"docket.test.happened.v1",
                                "subject-" + std::to_string(i),
                                {{"tag", tag}, {"index", i}, {"of", count}}});
  }
  r.metadata.time = domain::Instant(std::chrono::seconds(1'800'000'000));
  r.metadata.actor = Actor{"user-1", "receptionist"};
  r.metadata.correlation_id = "corr-1";
  r.metadata.causation_id = "cause-1";
  return r;
}

// Every commit of the log, read in pages of `page` commits.
inline std::vector<Commit> read_everything(EventLog& log, std::size_t page = 100) {
  std::vector<Commit> out;
  Position at;
  while (true) {
    auto batch = log.read_all(at, page);
    if (!batch.ok()) {
      ADD_FAILURE() << "read_all: " << to_string(batch.error().code) << " "
                    << batch.error().message;
      return out;
    }
    if (batch->commits.empty() && batch->next == at) return out;
    for (auto& c : batch->commits)
      out.push_back(std::move(c));
    at = batch->next;
  }
}

}  // namespace testing
}  // namespace docket::eventstore
