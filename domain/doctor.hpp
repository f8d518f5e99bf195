#pragma once
// The doctor aggregate as a pure decider (stream `doctor-<id>`):
//   initial_state()                      -> DoctorState            (doctor_state.hpp)
//   decide(state, command, now)          -> events | Error
//   apply(state, event) / evolve(...)    -> next state             (doctor_state.hpp)
// `now` is the only clock; nothing here does I/O, reads the clock or draws random numbers, so the
// same state, command and `now` always give the same decision. Thread safety: pure functions;
// concurrent calls on distinct or unmodified states are safe.

#include <optional>
#include <string_view>
#include <vector>

#include "domain/commands.hpp"
#include "domain/doctor_state.hpp"
#include "domain/errors.hpp"
#include "domain/events.hpp"
#include "domain/time.hpp"

namespace docket::domain {

// Decides `command` against `state` at `now`.
// Success: the events to append, in order (apply them in that order); an empty vector when the
// command changes nothing (a retried release, leave, identical settings, nothing due, ...).
// Failure: an Error carrying the API code, the field at fault where one is, and for
// conflicting_appointments the appointment ids in `ids`. Never modifies `state`.
//
// Rules, boundary conventions and the order in which a booking is checked: domain/README.md.
Result<std::vector<Event>> decide(const DoctorState& state, const Command& command, Instant now);

// A walk-in's place in its day's queue: 1-based position among the waiting and the estimated wait.
struct QueuePlace {
  int position = 0;
  int estimated_wait_minutes = 0;
};

// The place of a waiting walk-in, nullopt when it is not waiting. The wait is the number of
// walk-ins ahead times the slot length of the first rule in force that day, or 15 minutes per
// walk-in when the doctor has no rules that day.
std::optional<QueuePlace> queue_place(const DoctorState& state, std::string_view walkin_id);

// The 1-based position of a waiting waitlist entry among those waiting for the same date (offer
// order), nullopt when it is not waiting.
std::optional<int> waitlist_position(const DoctorState& state, std::string_view entry_id);

// The minutes per walk-in used for estimated waits on a local date.
int walkin_minutes_per_patient(const DoctorState& state, LocalDate date);

}  // namespace docket::domain
