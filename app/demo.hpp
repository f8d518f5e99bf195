#pragma once
// `docket demo`: a scripted clinic day decided entirely by the pure domain under a scripted clock
// (no log, no network, no files). Three doctors in three time zones are registered and scheduled;
// patients and a receptionist hold, book, cancel and reschedule; a booking fails; walk-ins queue
// by urgency; a waitlisted patient gets a freed slot and takes it; a hold lapses through the
// time-driven ExpireDue command.

#include <ostream>

namespace docket::app {

// Runs the scripted day and writes one line per decided event (time, stream and version, type,
// actor, a summary of its data) and one per rejected command (its error code) to `out`. Patients'
// free text given in commands never reaches `out`. Returns 0 when every step ended as scripted
// (accepted, or rejected with the scripted code), 1 otherwise (each surprise is printed too).
// Deterministic: the same output on every run. Thread safety: touches nothing but `out`.
int run_demo(std::ostream& out);

}  // namespace docket::app
