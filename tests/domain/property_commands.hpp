#pragma once
// Random commands for the doctor decider's property test: a seeded generator (the same seed always
// gives the same sequence on the same build), the doctors it runs against, and a clock that only
// moves forward. Commands are mostly plausible (grid slots, known ids, the right actor) with a
// share of wrong ones (off-grid starts, foreign patients, reused ids, over-long text), so that
// both accepted and rejected paths are walked. Not thread-safe; one generator per run.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/commands.hpp"
#include "domain/doctor_state.hpp"
#include "domain/events.hpp"

namespace docket::domain::testing {

// Every patient free text the generator writes contains this mark, so that leaks are found.
inline constexpr std::string_view kSecretMark = "SECRET";

struct DoctorSetup {
  std::string name;  // a test-name suffix: letters and digits only
  std::string doctor_id;
  std::string timezone;
  std::string start;  // RFC 3339: the clock's first reading
  ConsultationTypes types;
  std::vector<ScheduleRule> rules;
  std::vector<ScheduleRule> other_rules;  // a schedule a run may switch to
  UpdateSettings settings;                // applied right after registration
};

// The set of the given consultation types.
ConsultationTypes types_of(std::initializer_list<ConsultationType> list);

// The doctors the property test runs against: capacity 1 and 3, buffers, DST zones (Berlin's
// spring gap, New York's autumn repeat), auto_confirm on and off, short holds and offers.
std::vector<DoctorSetup> doctor_setups();

struct Generated {
  Command command;
  std::string text;  // a one-line description for failure messages (no free text)
  bool is_expire_due = false;
};

struct RunStats {
  int accepted = 0;
  int rejected = 0;
  std::map<std::string, int> by_event;  // event type -> count
  std::map<std::string, int> by_error;  // error code -> count
  void add(const RunStats& o);
};

// splitmix64: small, fast and the same on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // Uniform in [0, n); n > 0.
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  bool percent(int p) { return below(100) < p; }

 private:
  std::uint64_t state_;
};

class CommandGenerator {
 public:
  CommandGenerator(const DoctorSetup& setup, std::uint64_t seed);

  const DoctorSetup& setup() const { return setup_; }
  Instant now() const { return now_; }
  // Register, schedule, settings: what every run starts with.
  std::vector<Generated> setup_commands();
  // Moves the clock forward by a random step (mostly minutes, sometimes hours or a day).
  void advance_clock();
  // A random command against `s` at now().
  Generated next(const DoctorState& s);
  // Records the ids an accepted event introduced, for later commands to name.
  void learn(const Event& e);

 private:
  Actor any_actor();
  Actor patient_actor();
  Actor staff();
  std::string patient_field(const Actor& actor);
  std::string new_id(std::string_view prefix, const std::vector<std::string>& used);
  std::string pick(const std::vector<std::string>& ids);
  std::string free_text(std::size_t limit);
  Instant pick_start(const DoctorState& s);
  LocalDate pick_date(const DoctorState& s);
  ConsultationType pick_type();
  // An appointment id, biased towards one in `status` when any is.
  std::string pick_appointment(const DoctorState& s, std::initializer_list<AppointmentStatus> in);

  Generated book(const DoctorState& s);
  Generated hold(const DoctorState& s);
  Generated lifecycle(const DoctorState& s, int which);
  Generated block(const DoctorState& s);
  Generated schedule(const DoctorState& s);
  Generated settings();
  Generated profile(const DoctorState& s);
  Generated walkin(const DoctorState& s, int which);
  Generated waitlist(const DoctorState& s, int which);

  DoctorSetup setup_;
  Rng rng_;
  Instant now_;
  int counter_ = 0;
  std::vector<std::string> appointments_;
  std::vector<std::string> holds_;
  std::vector<std::string> blocks_;
  std::vector<std::string> walkins_;
  std::vector<std::string> entries_;
};

}  // namespace docket::domain::testing
