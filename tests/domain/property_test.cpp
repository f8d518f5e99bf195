// Randomized property test of the doctor decider: reproducible random command sequences (fixed
// seeds) from many actors against doctors with different schedules, zones and settings, under a
// clock that moves forward in random steps. After every decision the invariants of
// property_invariants.hpp must hold, every event must survive its JSON form (dump, parse,
// decode) unchanged, and folding the decoded events must give the same state as folding the
// decided ones. A failure names the seed and the step, so it can be replayed alone.

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "domain/event_json.hpp"
#include "tests/domain/property_commands.hpp"
#include "tests/domain/property_invariants.hpp"

namespace docket::domain::testing {
namespace {

#if defined(__SANITIZE_ADDRESS__)
// Sanitizers look for memory errors on fewer of the same paths (they run ~10x slower); which
// paths the generator reaches is asserted by the full run.
constexpr int kSeedsPerDoctor = 6;
constexpr bool kCheckCoverage = false;
#else
constexpr int kSeedsPerDoctor = 25;
constexpr bool kCheckCoverage = true;
#endif
constexpr int kStepsPerSeed = 600;
constexpr int kRefoldEvery = 100;

std::string show(const Error& e) {
  return std::string(to_code(e.code)) + " field=" + e.field + " (" + e.detail + ")";
}

// One run: a doctor, a seed, and the checks after every step. The first breach stops the run.
class SequenceRun {
 public:
  SequenceRun(const DoctorSetup& setup, std::uint64_t seed) : gen_(setup, seed), seed_(seed) {}

  void go() {
    for (Generated& g : gen_.setup_commands()) {
      if (!step(g, true)) return;
    }
    for (step_ = 1; step_ <= kStepsPerSeed; ++step_) {
      gen_.advance_clock();
      Generated g = gen_.next(state_);
      if (!step(g, false)) return;
      if (step_ % kRefoldEvery == 0 && !refold()) return;
    }
    if (!refold()) return;
    if (stats_.accepted == 0) fail("no command was accepted");
  }

  const RunStats& stats() const { return stats_; }

 private:
  bool fail(const std::string& what, const std::string& command = {}) {
    ADD_FAILURE() << "doctor " << gen_.setup().name << ", seed " << seed_ << ", step " << step_
                  << " at " << format_rfc3339(gen_.now()) << ": " << what
                  << (command.empty() ? "" : "\n  command: " + command);
    return false;
  }

  // Decides one command and checks everything that must hold of the outcome.
  bool step(Generated& g, bool must_succeed) {
    const Instant now = gen_.now();
    const DoctorState before = state_;
    auto decided = decide(state_, g.command, now);
    // Deterministic: the same inputs give the same decision.
    auto again = decide(state_, g.command, now);
    if (decided.ok() != again.ok() || (decided.ok() && decided.value() != again.value()) ||
        (!decided.ok() && decided.error().code != again.error().code)) {
      return fail("deciding twice gave different answers", g.text);
    }
    if (!decided.ok()) {
      const Error& e = decided.error();
      if (must_succeed) return fail("setup rejected: " + show(e), g.text);
      if (e.detail.find(kSecretMark) != std::string::npos) {
        return fail("error detail shows free text: " + e.detail, g.text);
      }
      if (!(state_ == before)) return fail("a rejected command changed the state", g.text);
      ++stats_.rejected;
      ++stats_.by_error[std::string(to_code(e.code))];
      return true;
    }
    const std::vector<Event>& events = decided.value();
    for (const Event& e : events) {
      apply(state_, e);
      if (!through_json(e)) return fail("JSON round trip", g.text);
      log_.push_back(e);
      gen_.learn(e);
      ++stats_.by_event[std::string(event_type(e))];
    }
    ++stats_.accepted;
    if (state_.version() != log_.size()) return fail("version is not the event count", g.text);
    if (!(replayed_ == state_)) return fail("state folded from decoded JSON differs", g.text);
    for (const Event& e : events) {
      if (auto why = check_event(state_, e); !why.empty()) return fail(why, g.text);
    }
    const std::string checks[] = {
        check_capacity(before, state_, now), check_patient_overlap(state_), check_numbers(state_),
        check_blocks(state_), g.is_expire_due ? check_nothing_due(state_, now) : std::string()};
    for (const std::string& why : checks) {
      if (!why.empty()) return fail(why, g.text);
    }
    if (g.is_expire_due) {
      // What was due is gone and what it passed on is not due yet: a second run finds nothing.
      auto twice = decide(state_, g.command, now);
      if (!twice.ok() || !twice.value().empty())
        return fail("ExpireDue twice is not empty", g.text);
    }
    return true;
  }

  // Encode, dump to text, parse, decode: the same event, applied to the replayed state.
  bool through_json(const Event& e) {
    const EncodedEvent enc = encode(e);
    const auto back = decode(enc.type, nlohmann::json::parse(enc.data.dump()));
    if (!back.ok()) {
      ADD_FAILURE() << enc.type << " does not decode: " << show(back.error());
      return false;
    }
    if (!(back.value() == e)) {
      ADD_FAILURE() << enc.type << " decodes to another event: " << enc.data.dump();
      return false;
    }
    apply(replayed_, back.value());
    return true;
  }

  bool refold() {
    DoctorState folded = initial_state();
    for (const Event& e : log_)
      apply(folded, e);
    if (!(folded == state_)) return fail("folding the whole log from initial_state() differs");
    return true;
  }

  CommandGenerator gen_;
  std::uint64_t seed_;
  int step_ = 0;
  DoctorState state_ = initial_state();
  DoctorState replayed_ = initial_state();
  std::vector<Event> log_;
  RunStats stats_;
};

}  // namespace

void PrintTo(const DoctorSetup& setup, std::ostream* out) {
  *out << setup.name;
}

namespace {

class DoctorProperties : public ::testing::TestWithParam<DoctorSetup> {};

TEST_P(DoctorProperties, InvariantsHoldOverRandomCommandSequences) {
  // DOCKET_PROPERTY_SEED=<n> replays one seed named by a failure; DOCKET_PROPERTY_SEEDS=<n> runs
  // n seeds (a longer soak than the default).
  std::uint64_t first = 1000;
  int seeds = kSeedsPerDoctor;
  if (const char* one = std::getenv("DOCKET_PROPERTY_SEED")) {
    first = std::strtoull(one, nullptr, 10);
    seeds = 1;
  } else if (const char* many = std::getenv("DOCKET_PROPERTY_SEEDS")) {
    seeds = std::atoi(many);
  }
  const bool coverage = kCheckCoverage && seeds >= kSeedsPerDoctor;
  RunStats total;
  for (int i = 0; i < seeds; ++i) {
    const std::uint64_t seed = first + static_cast<std::uint64_t>(i);
    SequenceRun run(GetParam(), seed);
    run.go();
    if (::testing::Test::HasFailure()) return;
    total.add(run.stats());
  }
  // The generator must reach the interesting places, or the invariants are checked on nothing.
  if (!coverage) return;
  for (const char* type :
       {"docket.appointment.booked.v1", "docket.appointment.cancelled.v1",
        "docket.appointment.rescheduled.v1", "docket.hold.placed.v1", "docket.hold.expired.v1",
        "docket.appointment.completed.v1", "docket.walkin.called.v1", "docket.waitlist.offered.v1",
        "docket.waitlist.accepted.v1", "docket.doctor.block_added.v1"}) {
    EXPECT_GT(total.by_event[type], 0) << GetParam().name << " never produced " << type;
  }
  for (const char* code : {"slot_taken", "patient_conflict", "forbidden", "not_a_slot"}) {
    EXPECT_GT(total.by_error[code], 0) << GetParam().name << " never hit " << code;
  }
  std::ostringstream summary;
  summary << GetParam().name << ": " << total.accepted << " accepted, " << total.rejected
          << " rejected";
  for (const auto& [type, n] : total.by_event)
    summary << "\n  " << type << " " << n;
  for (const auto& [code, n] : total.by_error)
    summary << "\n  error " << code << " " << n;
  std::cout << summary.str() << "\n";
}

INSTANTIATE_TEST_SUITE_P(Doctors, DoctorProperties, ::testing::ValuesIn(doctor_setups()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace docket::domain::testing
