#pragma once
// The read models and the key tables each one owns.
//
// All read models of one generation live in one RocksDB database; the first byte of a key names
// its table, and every table belongs to exactly one model (or to the shared metadata). So a model
// can be dumped, copied or rebuilt on its own by its tables. Key layouts (codec.hpp encodings;
// `s` = length-prefixed string, `i` = signed 8 bytes, `u` = unsigned, big-endian):
//
//   shared      'M' "checkpoint"                      -> position token
//               'V' s(stream)                         -> u(last applied stream version)
//   doctors     'D' s(doctor)                         -> DoctorRecord
//               'd' u8(0) s(doctor) / u8(1) s(specialty, lower case) s(doctor) -> "" (active only)
//               'f' u8(0) / u8(1) s(specialty)        -> count of the above
//   availability'O' s(doctor) i(slot start)           -> booked, held (absent when both are 0)
//               'H' s(doctor) s(hold)                 -> start of a live hold
//               'F' s(doctor) s(entry)                -> start of a live waitlist offer
//               'B' s(doctor) s(block)                -> BlockRecord (live blocks only)
//               'a' s(appointment) -> start, whether it takes capacity
//   appointments'A' s(appointment)                    -> AppointmentRecord
//               'x' u8(dim) s(dim value) u8(status|all) i(start) s(appointment) -> doctor id
//                   (clinic-wide), "" (doctor); a doctor's index has u8(all) and per-status
//                   entries, the clinic-wide and a patient's u8(all) entries only (a patient's
//                   value is u8(status) then the doctor id)
//               'n' u8(dim) s(dim value)              -> IndexCounts (clinic and doctor dims only;
//                                                        the clinic's counts `any` only)
//   queues      'W' s(walk-in) -> WalkinRecord;  'w' s(doctor) i(date) u8(called?0:1)
//                                 u8(2-urgency) u(arrival) s(walk-in) -> "" (waiting or called)
//               'L' s(entry) -> WaitlistRecord;  'l' s(doctor) i(date) u(priority order)
//                                 u(joined) s(entry) -> "" (waiting only, offer order)
//               'k' s(doctor) u(joined) s(entry)  -> "" (every entry);  'K' s(doctor) -> count
//   stats       'S' s(doctor) -> DoctorStats;  'T' s(appointment) -> StatsMirror
//               'U' s(doctor) i(start) s(appointment) -> u8(status)
//               'P' s(doctor) s(patient) -> "";  'G' s(patient) -> "";  'g' -> count of 'G'
//   history     'E' s(appointment) -> JSON array of {"type","time","actor","data"}, log order
//
// Patient ids appear in keys (they are identifiers); a patient's free text never does.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket::projections {

enum class Model : std::uint8_t {
  doctors = 1,
  availability = 2,
  appointments = 4,
  queues = 8,
  stats = 16,
  history = 32,
};

// A set of models (bit set). A value type.
class ModelSet {
 public:
  constexpr ModelSet() = default;
  static constexpr ModelSet all() { return ModelSet(63); }
  static constexpr ModelSet of(Model m) { return ModelSet(static_cast<std::uint8_t>(m)); }
  constexpr bool has(Model m) const { return bits_ & static_cast<std::uint8_t>(m); }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr ModelSet complement() const { return ModelSet(static_cast<std::uint8_t>(63 & ~bits_)); }
  // This set and `m`.
  constexpr ModelSet with(Model m) const {
    return ModelSet(static_cast<std::uint8_t>(bits_ | static_cast<std::uint8_t>(m)));
  }
  constexpr bool operator==(const ModelSet&) const = default;
  std::vector<Model> list() const;

 private:
  constexpr explicit ModelSet(std::uint8_t bits) : bits_(bits) {}
  std::uint8_t bits_ = 0;
};

// "doctors", "availability", "appointments", "queues", "stats", "history".
std::string_view to_string(Model m) noexcept;
std::optional<Model> parse_model(std::string_view name) noexcept;

// The first key bytes of the tables a model owns.
std::string_view tables_of(Model m) noexcept;
// The shared tables (checkpoint, stream versions).
inline constexpr std::string_view kSharedTables = "MV";
inline constexpr std::string_view kCheckpointKey = "Mcheckpoint";

}  // namespace docket::projections
