// Doctor aggregate benchmarks: a booking decided and applied against a doctor that already holds
// 10,000 live appointments, and the JSON form of an AppointmentBooked event (bench/README.md,
// section "Domain", has the commands and figures).

#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/doctor.hpp"
#include "domain/event_json.hpp"

namespace docket::domain {
namespace {

using std::chrono::minutes;

constexpr int kLiveAppointments = 10'000;
constexpr int kPatients = 2'000;          // five live appointments each
constexpr int kBookingsPerReset = 1'000;  // the state stays within 10,000..11,000 live

const Instant kNow = *parse_rfc3339("2027-03-01T06:00:00Z");
const LocalDate kFirstDay = *parse_local_date("2027-03-01");
const Actor kAdmin{"root", Role::admin};

// Every day 08:00-20:00 UTC in 10-minute slots of capacity 4: 288 places a day.
constexpr int kSlotsPerDay = 72;
constexpr int kCapacity = 4;

Instant slot_start(int day, int slot) {
  return start_of_day(kFirstDay + date::days(day), *find_zone("UTC")) + minutes(8 * 60) +
         minutes(10 * slot);
}

void must_apply(DoctorState& s, const Command& c) {
  auto r = decide(s, c, kNow);
  if (!r.ok()) throw std::runtime_error(std::string(to_code(r.error().code)));
  for (const Event& e : r.value())
    apply(s, e);
}

// A registered doctor with 10,000 live appointments on days 1..35, filled slot by slot, each
// patient's five at different times. Days 40..59 stay free for the measured bookings.
DoctorState loaded_doctor() {
  DoctorState s = initial_state();
  must_apply(s, RegisterDoctor{kAdmin, "dr-bench", "Dr Bench", "general", "UTC", 5000,
                               ConsultationTypes::all()});
  ScheduleRule rule;
  rule.weekdays = 0x7F;
  rule.start_minute = 8 * 60;
  rule.end_minute = 20 * 60;
  rule.slot_minutes = 10;
  rule.capacity = kCapacity;
  must_apply(s, SetSchedule{kAdmin, {rule}, kFirstDay});
  for (int i = 0; i < kLiveAppointments; ++i) {
    const int unit = i;  // unit -> (day, slot, seat)
    const int slot_index = unit / kCapacity;
    BookAppointment c;
    c.actor = {"desk-1", Role::receptionist};
    c.appointment_id = "apt-" + std::to_string(i);
    c.patient_id = "pat-" + std::to_string(i % kPatients);
    c.start = slot_start(1 + slot_index / kSlotsPerDay, slot_index % kSlotsPerDay);
    must_apply(s, c);
  }
  return s;
}

// The k-th measured booking of a cycle: a free slot on days 40.., by an existing patient (so the
// patient-conflict check walks that patient's five live appointments).
BookAppointment measured_booking(int cycle, int k) {
  BookAppointment c;
  c.actor = {"pat-" + std::to_string(k % kPatients), Role::patient};
  c.appointment_id = "new-" + std::to_string(cycle) + "-" + std::to_string(k);
  const int slot_index = k / kCapacity;
  c.start = slot_start(40 + slot_index / kSlotsPerDay, slot_index % kSlotsPerDay);
  return c;
}

// decide + apply of one booking; every 1,000 bookings the state goes back (untimed) to the
// 10,000-appointment snapshot, so the doctor holds 10,000..11,000 live appointments throughout.
void BM_BookOnLoadedDoctor(benchmark::State& st) {
  const DoctorState snapshot = loaded_doctor();
  DoctorState s = snapshot;
  std::vector<BookAppointment> cmds;
  int cycle = 0;
  std::size_t next = kBookingsPerReset;
  for (auto _ : st) {
    if (next == kBookingsPerReset) {
      st.PauseTiming();
      s = snapshot;
      cmds.clear();
      for (int k = 0; k < kBookingsPerReset; ++k)
        cmds.push_back(measured_booking(cycle, k));
      ++cycle;
      next = 0;
      st.ResumeTiming();
    }
    auto r = decide(s, cmds[next++], kNow);
    if (!r.ok()) {
      st.SkipWithError(std::string(to_code(r.error().code)).c_str());
      break;
    }
    for (const Event& e : r.value())
      apply(s, e);
    benchmark::DoNotOptimize(s);
  }
  st.SetItemsProcessed(st.iterations());
  st.counters["live"] = static_cast<double>(s.appointments().size());
}
BENCHMARK(BM_BookOnLoadedDoctor);

// decide alone (the state never changes): the cost of the rules without the bookkeeping.
void BM_DecideBookingOnLoadedDoctor(benchmark::State& st) {
  const DoctorState s = loaded_doctor();
  std::vector<BookAppointment> cmds;
  for (int k = 0; k < kBookingsPerReset; ++k)
    cmds.push_back(measured_booking(0, k));
  std::size_t next = 0;
  for (auto _ : st) {
    auto r = decide(s, cmds[next], kNow);
    benchmark::DoNotOptimize(r);
    next = next + 1 == cmds.size() ? 0 : next + 1;
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_DecideBookingOnLoadedDoctor);

AppointmentBooked sample_booked() {
  AppointmentBooked e;
  e.actor = {"pat-1234", Role::patient};
  e.appointment_id = "0b8f6a52-7d1e-4c1b-9a53-1f0e2d3c4b5a";
  e.number = "APT-20270301-0007";
  e.patient_id = "pat-1234";
  e.start = kNow + minutes(180);
  e.end = kNow + minutes(210);
  e.fee = 5000;
  e.status = AppointmentStatus::confirmed;
  e.hold_id = "hold-77";
  e.personal.reason_for_visit = "annual check-up";
  return e;
}

// encode -> dump to text -> parse -> decode: what a stored event goes through.
void BM_BookedEventJsonRoundTripText(benchmark::State& st) {
  const Event e = sample_booked();
  for (auto _ : st) {
    const EncodedEvent enc = encode(e);
    const std::string text = enc.data.dump();
    auto back = decode(enc.type, nlohmann::json::parse(text));
    benchmark::DoNotOptimize(back);
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_BookedEventJsonRoundTripText);

// encode -> decode on the JSON value, without the text step.
void BM_BookedEventJsonRoundTrip(benchmark::State& st) {
  const Event e = sample_booked();
  for (auto _ : st) {
    const EncodedEvent enc = encode(e);
    auto back = decode(enc.type, enc.data);
    benchmark::DoNotOptimize(back);
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_BookedEventJsonRoundTrip);

// The parts, to say where a round trip's time goes.
void BM_BookedEventEncode(benchmark::State& st) {
  const Event e = sample_booked();
  for (auto _ : st) {
    auto enc = encode(e);
    benchmark::DoNotOptimize(enc);
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_BookedEventEncode);

void BM_BookedEventDecode(benchmark::State& st) {
  const EncodedEvent enc = encode(sample_booked());
  for (auto _ : st) {
    auto back = decode(enc.type, enc.data);
    benchmark::DoNotOptimize(back);
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_BookedEventDecode);

}  // namespace
}  // namespace docket::domain

BENCHMARK_MAIN();
