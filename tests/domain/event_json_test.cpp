// The event catalog's JSON form: every event type round-trips, names are stable and versioned,
// old versions are upcast, bad data is an error value.

#include <gtest/gtest.h>

#include <set>
#include <type_traits>

#include "tests/domain/doctor_fixture.hpp"

namespace docket::domain::testing {
namespace {

using nlohmann::json;
using std::chrono::minutes;

const Instant t0 = at("2027-03-01T09:00:00Z");
const Actor someone{"desk-7", Role::receptionist};

Personal all_text() {
  return Personal{"chest pain", "shortness of breath", "came by bus", "moved abroad"};
}

// One sample per event type with every field set away from its default. A new event type
// without a sample here does not compile, because RoundTrips visits every alternative.
DoctorRegistered sample(std::type_identity<DoctorRegistered>) {
  Settings set;
  set.auto_confirm = false;
  set.hold_minutes = 7;
  return {someone, "dr-x",
          Profile{"X", "ent", "Europe/Berlin", 1234, ConsultationTypes::all(), false}, set};
}
DoctorProfileUpdated sample(std::type_identity<DoctorProfileUpdated>) {
  ConsultationTypes video;
  video.insert(ConsultationType::video);
  return {someone, Profile{"A", "b", "UTC", 1, ConsultationTypes::all(), true},
          Profile{"C", "d", "Asia/Tokyo", 2, video, false}};
}
DoctorScheduleSet sample(std::type_identity<DoctorScheduleSet>) {
  ScheduleRule r = weekday_rule(3, 20);
  ConsultationTypes audio;
  audio.insert(ConsultationType::audio);
  r.consultation_types = audio;
  ScheduleRule whole_day = weekday_rule();
  whole_day.weekdays = 0x40;
  whole_day.start_minute = 0;
  whole_day.end_minute = 1440;
  return {someone, day("2027-04-01"), {r, whole_day}, true, day("2027-01-01"), {weekday_rule()}};
}
DoctorSettingsChanged sample(std::type_identity<DoctorSettingsChanged>) {
  Settings n{1, 2, 3, 4, false, 6, 7, 8};
  return {someone, Settings{}, n};
}
DoctorBlockAdded sample(std::type_identity<DoctorBlockAdded>) {
  return {someone, "blk-1", t0, t0 + minutes(90), "holiday", BlockKind::holiday};
}
DoctorBlockRemoved sample(std::type_identity<DoctorBlockRemoved>) {
  return {someone, "blk-1", t0, t0 + minutes(90)};
}
HoldPlaced sample(std::type_identity<HoldPlaced>) {
  return {someone, "h", "p", t0, t0 + minutes(30), ConsultationType::chat, t0 - minutes(1)};
}
HoldReleased sample(std::type_identity<HoldReleased>) {
  return {someone, "h", "p", t0};
}
HoldExpired sample(std::type_identity<HoldExpired>) {
  return {someone, "h", "p", t0, t0 - minutes(3)};
}
AppointmentBooked sample(std::type_identity<AppointmentBooked>) {
  return {someone,
          "a",
          "APT-20270301-0042",
          "p",
          t0,
          t0 + minutes(30),
          ConsultationType::video,
          999,
          AppointmentStatus::pending,
          "h",
          "w",
          all_text()};
}
AppointmentConfirmed sample(std::type_identity<AppointmentConfirmed>) {
  return {someone, "a"};
}
AppointmentRejected sample(std::type_identity<AppointmentRejected>) {
  return {someone, "a", all_text()};
}
AppointmentCancelled sample(std::type_identity<AppointmentCancelled>) {
  return {someone, "a", "p", t0, AppointmentStatus::checked_in, "blk", all_text()};
}
AppointmentRescheduled sample(std::type_identity<AppointmentRescheduled>) {
  return {someone,
          "a",
          "p",
          t0,
          t0 + minutes(30),
          t0 + minutes(60),
          t0 + minutes(90),
          AppointmentStatus::pending,
          AppointmentStatus::confirmed,
          "h",
          all_text()};
}
AppointmentCheckedIn sample(std::type_identity<AppointmentCheckedIn>) {
  return {someone, "a"};
}
AppointmentStarted sample(std::type_identity<AppointmentStarted>) {
  return {someone, "a"};
}
AppointmentCompleted sample(std::type_identity<AppointmentCompleted>) {
  return {someone, "a"};
}
AppointmentNoShow sample(std::type_identity<AppointmentNoShow>) {
  return {someone, "a", AppointmentStatus::checked_in};
}
WalkinRegistered sample(std::type_identity<WalkinRegistered>) {
  return {someone, "w", "p", Urgency::emergency, day("2027-03-01"), 12, "Q012", t0, all_text()};
}
WalkinCalled sample(std::type_identity<WalkinCalled>) {
  return {someone, "w"};
}
WalkinCompleted sample(std::type_identity<WalkinCompleted>) {
  return {someone, "w"};
}
WalkinLeft sample(std::type_identity<WalkinLeft>) {
  return {someone, "w", WalkinStatus::called};
}
WalkinNoShow sample(std::type_identity<WalkinNoShow>) {
  return {someone, "w", WalkinStatus::called};
}
WaitlistJoined sample(std::type_identity<WaitlistJoined>) {
  return {someone, "e", "p", day("2027-03-01"), 540, 720, ConsultationType::audio, 3};
}
WaitlistOffered sample(std::type_identity<WaitlistOffered>) {
  return {someone, "e", "p", t0, t0 + minutes(30), t0 - minutes(10)};
}
WaitlistOfferExpired sample(std::type_identity<WaitlistOfferExpired>) {
  return {someone, "e", "p", t0};
}
WaitlistAccepted sample(std::type_identity<WaitlistAccepted>) {
  return {someone, "e", "p", "a"};
}
WaitlistLeft sample(std::type_identity<WaitlistLeft>) {
  return {someone, "e", "p", WaitlistStatus::offered};
}

template <std::size_t I>
Event sample_at() {
  using T = std::variant_alternative_t<I, Event>;
  return Event{std::in_place_index<I>, sample(std::type_identity<T>{})};
}

template <std::size_t... I>
std::vector<Event> all_samples(std::index_sequence<I...>) {
  return {sample_at<I>()...};
}

std::vector<Event> every_event_type() {
  return all_samples(std::make_index_sequence<std::variant_size_v<Event>>{});
}

TEST(EventJson, RoundTripsEveryEventType) {
  const auto samples = every_event_type();
  ASSERT_EQ(samples.size(), std::variant_size_v<Event>);
  for (const Event& e : samples) {
    const EncodedEvent enc = encode(e);
    // Through text, as the log stores it.
    const auto back = decode(enc.type, json::parse(enc.data.dump()));
    ASSERT_TRUE(back.ok()) << enc.type << ": " << describe(back.error());
    EXPECT_EQ(back.value(), e) << enc.type << " " << enc.data.dump();
  }
}

// docket.<entity>.<verb>.v<N>: a known entity, a snake_case verb, a numeric version.
bool well_named(std::string_view name) {
  constexpr std::string_view entities[] = {"doctor.", "hold.", "appointment.", "walkin.",
                                           "waitlist."};
  constexpr std::string_view prefix = "docket.";
  if (!name.starts_with(prefix)) return false;
  name.remove_prefix(prefix.size());
  bool known = false;
  for (const std::string_view e : entities) {
    if (name.starts_with(e)) {
      name.remove_prefix(e.size());
      known = true;
      break;
    }
  }
  const auto dot = name.rfind(".v");
  if (!known || dot == std::string_view::npos || dot == 0 || dot + 2 == name.size()) return false;
  for (const char c : name.substr(0, dot)) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  for (const char c : name.substr(dot + 2)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

TEST(EventJson, NamesEveryTypeOnceWithAVersion) {
  std::set<std::string> names;
  for (const Event& e : every_event_type()) {
    const std::string name(event_type(e));
    EXPECT_TRUE(well_named(name)) << name;
    EXPECT_TRUE(names.insert(name).second) << "duplicate " << name;
  }
  EXPECT_FALSE(well_named("docket.appointment.booked"));
  EXPECT_FALSE(well_named("docket.patient.booked.v1"));
}

TEST(EventJson, KeepsFreeTextOnlyUnderPersonal) {
  const EncodedEvent enc = encode(sample(std::type_identity<AppointmentBooked>{}));
  EXPECT_EQ(enc.data.at("personal").at("reason_for_visit"), "chest pain");
  EXPECT_EQ(enc.data.at("personal").at("symptoms"), "shortness of breath");
  EXPECT_FALSE(enc.data.contains("reason_for_visit"));
  EXPECT_FALSE(enc.data.contains("symptoms"));
  EXPECT_EQ(enc.data.at("patient_id"), "p");
}

TEST(EventJson, WritesInstantsAsRfc3339Utc) {
  const EncodedEvent enc = encode(sample(std::type_identity<HoldPlaced>{}));
  EXPECT_EQ(enc.data.at("start"), "2027-03-01T09:00:00Z");
  EXPECT_EQ(enc.data.at("actor").at("role"), "receptionist");
}

TEST(EventJson, RejectsAnUnknownType) {
  const auto r = decode("docket.appointment.teleported.v1", json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_field);
}

TEST(EventJson, RejectsDataWithoutARequiredField) {
  json data = encode(sample(std::type_identity<AppointmentConfirmed>{})).data;
  data.erase("appointment_id");
  const auto r = decode(AppointmentConfirmed::type, data);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_field);
}

TEST(EventJson, RejectsAnUnknownEnumValue) {
  json data = encode(sample(std::type_identity<AppointmentNoShow>{})).data;
  data["old_status"] = "teleported";
  EXPECT_FALSE(decode(AppointmentNoShow::type, data).ok());
}

// A made-up v0 of "confirmed" that named the appointment "appointment" and had no actor role.
UpcasterRegistry with_fake_v0() {
  UpcasterRegistry r;
  r.add("docket.appointment.confirmed.v0", [](const json& d) -> Result<EncodedEvent> {
    if (!d.contains("appointment")) return error(errc::invalid_field, "v0 without appointment");
    return EncodedEvent{std::string(AppointmentConfirmed::type),
                        json{{"actor", {{"sub", d.value("by", "")}, {"role", "admin"}}},
                             {"appointment_id", d.at("appointment")}}};
  });
  return r;
}

TEST(EventUpcasting, ReadsAnOldVersionAsTheCurrentOne) {
  const auto r = decode("docket.appointment.confirmed.v0",
                        json{{"appointment", "apt-1"}, {"by", "x"}}, with_fake_v0());
  ASSERT_TRUE(r.ok()) << describe(r.error());
  const Event expected = AppointmentConfirmed{Actor{"x", Role::admin}, "apt-1"};
  EXPECT_EQ(r.value(), expected);
}

TEST(EventUpcasting, ChainsUpcasters) {
  UpcasterRegistry r = with_fake_v0();
  r.add("docket.appointment.confirmed.v-1", [](const json& d) -> Result<EncodedEvent> {
    return EncodedEvent{"docket.appointment.confirmed.v0", json{{"appointment", d.at("id")}}};
  });
  const auto e = decode("docket.appointment.confirmed.v-1", json{{"id", "apt-2"}}, r);
  ASSERT_TRUE(e.ok()) << describe(e.error());
  EXPECT_EQ(std::get<AppointmentConfirmed>(e.value()).appointment_id, "apt-2");
}

TEST(EventUpcasting, PassesOnAnUpcastersError) {
  const auto r = decode("docket.appointment.confirmed.v0", json::object(), with_fake_v0());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::invalid_field);
}

TEST(EventUpcasting, StopsALoop) {
  UpcasterRegistry r;
  r.add("docket.x.loop.v0", [](const json& d) -> Result<EncodedEvent> {
    return EncodedEvent{"docket.x.loop.v0", d};
  });
  EXPECT_FALSE(decode("docket.x.loop.v0", json::object(), r).ok());
}

TEST(EventUpcasting, TheDefaultRegistryHasNoneYet) {
  EXPECT_EQ(default_upcasters().find("docket.appointment.confirmed.v0"), nullptr);
}

TEST(EventJson, ReplayingDecodedEventsGivesTheSameState) {
  const DoctorState s = given(standard_doctor(), {booked("apt-1", "pat-1", t0)});
  DoctorState replayed = initial_state();
  for (const Event& e :
       std::vector<Event>{registered(), schedule_set(), booked("apt-1", "pat-1", t0)}) {
    const EncodedEvent enc = encode(e);
    const auto back = decode(enc.type, json::parse(enc.data.dump()));
    ASSERT_TRUE(back.ok());
    apply(replayed, back.value());
  }
  EXPECT_EQ(replayed, s);
}

}  // namespace
}  // namespace docket::domain::testing
