#include "projections/records.hpp"

#include "projections/codec.hpp"

namespace docket::projections {

namespace dm = docket::domain;

std::int64_t seconds_of(dm::Instant t) {
  return t.time_since_epoch().count();
}
dm::Instant instant_of(std::int64_t seconds) {
  return dm::Instant(std::chrono::seconds(seconds));
}
std::int64_t days_of(dm::LocalDate d) {
  return d.time_since_epoch().count();
}

namespace {

dm::LocalDate date_of(std::int64_t days) {
  return dm::LocalDate(date::days(days));
}

template <class E>
E enum_of(std::uint64_t v) {
  return static_cast<E>(static_cast<std::uint8_t>(v));
}

template <class T>
std::optional<T> checked(const Reader& r, T value) {
  if (!r.ok() || !r.done()) return std::nullopt;
  return value;
}

void write_settings(Writer& w, const dm::Settings& s) {
  w.i64(s.min_notice_minutes)
      .i64(s.max_advance_days)
      .i64(s.cancellation_deadline_hours)
      .i64(s.buffer_minutes)
      .flag(s.auto_confirm)
      .i64(s.hold_minutes)
      .i64(s.max_walk_ins_per_day)
      .i64(s.waitlist_offer_minutes);
}

dm::Settings read_settings(Reader& r) {
  dm::Settings s;
  s.min_notice_minutes = r.int32();
  s.max_advance_days = r.int32();
  s.cancellation_deadline_hours = r.int32();
  s.buffer_minutes = r.int32();
  s.auto_confirm = r.flag();
  s.hold_minutes = r.int32();
  s.max_walk_ins_per_day = r.int32();
  s.waitlist_offer_minutes = r.int32();
  return s;
}

// Counts per appointment status, as DoctorStats and IndexCounts store them.
void write_by_status(Writer& w, const std::array<std::int64_t, kStatusCount>& counts) {
  for (const std::int64_t n : counts)
    w.i64(n);
}
void read_by_status(Reader& r, std::array<std::int64_t, kStatusCount>& counts) {
  for (std::int64_t& n : counts)
    n = r.i64();
}

}  // namespace

std::string encode(const DoctorRecord& d) {
  Writer w;
  w.str(d.id)
      .str(d.profile.name)
      .str(d.profile.specialty)
      .str(d.profile.timezone)
      .i64(d.profile.consultation_fee)
      .u64(d.profile.consultation_types.bits())
      .flag(d.profile.active);
  write_settings(w, d.settings);
  w.u64(d.schedule.history().size());
  for (const dm::RuleSet& set : d.schedule.history()) {
    w.i64(days_of(set.effective_from)).u64(set.rules.size());
    for (const dm::ScheduleRule& rule : set.rules) {
      w.u64(rule.weekdays)
          .i64(rule.start_minute)
          .i64(rule.end_minute)
          .i64(rule.slot_minutes)
          .i64(rule.capacity)
          .flag(rule.consultation_types.has_value())
          .u64(rule.consultation_types ? rule.consultation_types->bits() : 0);
    }
  }
  return w.take();
}

std::optional<DoctorRecord> decode_doctor(std::string_view bytes) {
  Reader r(bytes);
  DoctorRecord d;
  d.id = r.str();
  d.profile.name = r.str();
  d.profile.specialty = r.str();
  d.profile.timezone = r.str();
  d.profile.consultation_fee = r.i64();
  const auto type_bits = r.u64();
  for (int t = 0; t < 4; ++t) {
    if (type_bits & (1u << t))
      d.profile.consultation_types.insert(enum_of<dm::ConsultationType>(t));
  }
  d.profile.active = r.flag();
  d.settings = read_settings(r);
  const std::uint64_t sets = r.u64();
  for (std::uint64_t i = 0; i < sets && r.ok(); ++i) {
    const dm::LocalDate from = date_of(r.i64());
    const std::uint64_t n = r.u64();
    std::vector<dm::ScheduleRule> rules;
    for (std::uint64_t j = 0; j < n && r.ok(); ++j) {
      dm::ScheduleRule rule;
      rule.weekdays = static_cast<std::uint8_t>(r.u64());
      rule.start_minute = r.int32();
      rule.end_minute = r.int32();
      rule.slot_minutes = r.int32();
      rule.capacity = r.int32();
      const bool has_types = r.flag();
      const auto bits = r.u64();
      if (has_types) {
        dm::ConsultationTypes types;
        for (int t = 0; t < 4; ++t) {
          if (bits & (1u << t)) types.insert(enum_of<dm::ConsultationType>(t));
        }
        rule.consultation_types = types;
      }
      rules.push_back(rule);
    }
    d.schedule.replace_from(from, std::move(rules));
  }
  return checked(r, std::move(d));
}

std::string encode(const BlockRecord& b) {
  return Writer()
      .i64(seconds_of(b.start))
      .i64(seconds_of(b.end))
      .u64(static_cast<std::uint8_t>(b.kind))
      .take();
}

std::optional<BlockRecord> decode_block(std::string_view bytes) {
  Reader r(bytes);
  BlockRecord b;
  b.start = instant_of(r.i64());
  b.end = instant_of(r.i64());
  b.kind = enum_of<dm::BlockKind>(r.u64());
  return checked(r, b);
}

std::string encode(const AppointmentRecord& a) {
  return Writer()
      .str(a.id)
      .str(a.number)
      .u64(static_cast<std::uint8_t>(a.status))
      .str(a.doctor_id)
      .str(a.patient_id)
      .i64(seconds_of(a.start))
      .i64(seconds_of(a.end))
      .u64(static_cast<std::uint8_t>(a.consultation_type))
      .i64(a.fee)
      .u64(a.version)
      .str(a.created_at)
      .str(a.updated_at)
      .take();
}

std::optional<AppointmentRecord> decode_appointment(std::string_view bytes) {
  Reader r(bytes);
  AppointmentRecord a;
  a.id = r.str();
  a.number = r.str();
  a.status = enum_of<dm::AppointmentStatus>(r.u64());
  a.doctor_id = r.str();
  a.patient_id = r.str();
  a.start = instant_of(r.i64());
  a.end = instant_of(r.i64());
  a.consultation_type = enum_of<dm::ConsultationType>(r.u64());
  a.fee = r.i64();
  a.version = r.u64();
  a.created_at = r.str();
  a.updated_at = r.str();
  return checked(r, std::move(a));
}

std::string encode(const WalkinRecord& w) {
  return Writer()
      .str(w.id)
      .str(w.doctor_id)
      .str(w.patient_id)
      .u64(static_cast<std::uint8_t>(w.urgency))
      .u64(static_cast<std::uint8_t>(w.status))
      .i64(days_of(w.date))
      .i64(w.sequence)
      .str(w.queue_number)
      .i64(seconds_of(w.arrived_at))
      .u64(w.arrival)
      .take();
}

std::optional<WalkinRecord> decode_walkin(std::string_view bytes) {
  Reader r(bytes);
  WalkinRecord w;
  w.id = r.str();
  w.doctor_id = r.str();
  w.patient_id = r.str();
  w.urgency = enum_of<dm::Urgency>(r.u64());
  w.status = enum_of<dm::WalkinStatus>(r.u64());
  w.date = date_of(r.i64());
  w.sequence = r.int32();
  w.queue_number = r.str();
  w.arrived_at = instant_of(r.i64());
  w.arrival = r.u64();
  return checked(r, std::move(w));
}

std::string encode(const WaitlistRecord& e) {
  return Writer()
      .str(e.id)
      .str(e.doctor_id)
      .str(e.patient_id)
      .i64(days_of(e.date))
      .i64(e.from_minute)
      .i64(e.to_minute)
      .u64(static_cast<std::uint8_t>(e.consultation_type))
      .i64(e.priority)
      .u64(e.joined)
      .u64(static_cast<std::uint8_t>(e.status))
      .flag(e.has_offer)
      .i64(seconds_of(e.offer_start))
      .i64(seconds_of(e.offer_end))
      .i64(seconds_of(e.offer_expires_at))
      .str(e.appointment_id)
      .take();
}

std::optional<WaitlistRecord> decode_waitlist(std::string_view bytes) {
  Reader r(bytes);
  WaitlistRecord e;
  e.id = r.str();
  e.doctor_id = r.str();
  e.patient_id = r.str();
  e.date = date_of(r.i64());
  e.from_minute = r.int32();
  e.to_minute = r.int32();
  e.consultation_type = enum_of<dm::ConsultationType>(r.u64());
  e.priority = r.int32();
  e.joined = r.u64();
  e.status = enum_of<dm::WaitlistStatus>(r.u64());
  e.has_offer = r.flag();
  e.offer_start = instant_of(r.i64());
  e.offer_end = instant_of(r.i64());
  e.offer_expires_at = instant_of(r.i64());
  e.appointment_id = r.str();
  return checked(r, std::move(e));
}

std::string encode(const DoctorStats& s) {
  Writer w;
  w.i64(s.total);
  write_by_status(w, s.by_status);
  w.i64(s.unique_patients);
  return w.take();
}

std::optional<DoctorStats> decode_stats(std::string_view bytes) {
  Reader r(bytes);
  DoctorStats s;
  s.total = r.i64();
  read_by_status(r, s.by_status);
  s.unique_patients = r.i64();
  return checked(r, s);
}

bool IndexCounts::empty() const {
  if (any != 0) return false;
  for (const std::int64_t n : by_status) {
    if (n != 0) return false;
  }
  return true;
}

std::string encode(const IndexCounts& c) {
  Writer w;
  w.i64(c.any);
  write_by_status(w, c.by_status);
  return w.take();
}

std::optional<IndexCounts> decode_index_counts(std::string_view bytes) {
  Reader r(bytes);
  IndexCounts c;
  c.any = r.i64();
  read_by_status(r, c.by_status);
  return checked(r, c);
}

std::string encode(const StatsMirror& m) {
  return Writer()
      .str(m.doctor_id)
      .i64(seconds_of(m.start))
      .u64(static_cast<std::uint8_t>(m.status))
      .take();
}

std::optional<StatsMirror> decode_mirror(std::string_view bytes) {
  Reader r(bytes);
  StatsMirror m;
  m.doctor_id = r.str();
  m.start = instant_of(r.i64());
  m.status = enum_of<dm::AppointmentStatus>(r.u64());
  return checked(r, std::move(m));
}

std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last != 0xFF) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\xFF');  // unreachable for Docket's prefixes, which start with a table
}

}  // namespace docket::projections
