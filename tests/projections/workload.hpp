#pragma once
// A reproducible randomized workload for the read side: the domain property test's command
// generators (one per doctor setup, fixed seeds, clocks that only move forward) decided with the
// real decider and appended to a real event log the way the command service does (one commit per
// accepted command, expected version = the state's, actor and time in the metadata). The
// decided states are kept, so queries can be checked against values computed from them rather
// than from the read models. Not thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "domain/doctor.hpp"
#include "eventstore/event_log.hpp"
#include "tests/domain/property_commands.hpp"

namespace docket::projections::testing {

class Workload {
 public:
  explicit Workload(std::uint64_t seed);

  // Decides `commands` more commands (the doctors' setup commands first) and appends every
  // accepted one. Appends are pipelined (append_async) so that they share group commits; returns
  // once all are durable. Aborts the test process on a log error (the log is the fixture).
  void run(eventstore::EventLog& log, int commands);

  int accepted() const { return accepted_; }
  int decided() const { return decided_; }
  // The decided state of each doctor, by doctor id.
  const std::map<std::string, domain::DoctorState>& states() const { return states_; }
  // The clock of a doctor's generator.
  domain::Instant now_of(const std::string& doctor_id) const;
  // The latest clock reading of all generators.
  domain::Instant latest() const;

 private:
  struct Doctor {
    std::unique_ptr<domain::testing::CommandGenerator> gen;
    std::vector<domain::testing::Generated> setup;
    std::size_t next_setup = 0;
  };
  void decide_one(Doctor& d, eventstore::EventLog& log, class Pipeline& pipeline);

  domain::testing::Rng rng_;
  std::vector<Doctor> doctors_;
  std::map<std::string, domain::DoctorState> states_;
  int accepted_ = 0;
  int decided_ = 0;
};

// The commit the command service would append for `events` decided at `now` by `actor`.
eventstore::AppendRequest to_append(const std::string& doctor_id, std::uint64_t expected_version,
                                    const std::vector<domain::Event>& events,
                                    const domain::Actor& actor, domain::Instant now);

}  // namespace docket::projections::testing
