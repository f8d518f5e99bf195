#include "app/demo.hpp"

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/doctor.hpp"
#include "domain/event_json.hpp"

namespace docket::app {
namespace {

namespace d = docket::domain;
using nlohmann::json;

// Names of the commands, in the order of d::Command's alternatives.
constexpr std::array<std::string_view, 26> kCommandNames{"register doctor",
                                                         "update profile",
                                                         "set schedule",
                                                         "add block",
                                                         "remove block",
                                                         "update settings",
                                                         "place hold",
                                                         "release hold",
                                                         "book appointment",
                                                         "cancel appointment",
                                                         "reschedule appointment",
                                                         "confirm appointment",
                                                         "reject appointment",
                                                         "check in",
                                                         "start appointment",
                                                         "complete appointment",
                                                         "mark no-show",
                                                         "register walk-in",
                                                         "call next walk-in",
                                                         "complete walk-in",
                                                         "walk-in leaves",
                                                         "walk-in no-show",
                                                         "join waitlist",
                                                         "accept waitlist offer",
                                                         "leave waitlist",
                                                         "expire due"};
static_assert(kCommandNames.size() == std::variant_size_v<d::Command>);

std::string who(const d::Actor& a) {
  return std::string(d::to_string(a.role)) + ":" + a.sub;
}

std::string scalar(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// "1,2,3,4,5 09:00-10:30 every 30 min x1"
std::string rule_text(const json& r) {
  std::string days;
  for (const json& day : r.at("weekdays")) {
    days += (days.empty() ? "" : ",") + day.dump();
  }
  return "days " + days + " " + scalar(r.at("start")) + "-" + scalar(r.at("end")) + " every " +
         r.at("slot_minutes").dump() + " min x" + r.at("capacity").dump();
}

// The event's data in one line, from its JSON form. Never shows `personal` (patients' free text),
// shows changed values as old->new, and leaves out empty fields.
std::string summary(const d::Event& event) {
  const json data = d::encode(event).data;
  std::vector<std::string> parts;
  const auto twin = [&](const std::string& key) -> const json* {
    if (key.rfind("new_", 0) != 0) return nullptr;
    const auto it = data.find("old_" + key.substr(4));
    return it == data.end() ? nullptr : &*it;
  };
  for (const auto& [key, value] : data.items()) {
    if (key == "actor" || key == "personal" || key == "settings" || key == "had_old") continue;
    if (key.rfind("old_", 0) == 0 && data.contains("new_" + key.substr(4))) continue;
    if (key.rfind("old_", 0) == 0 && !data.value("had_old", true)) continue;  // nothing before
    if (value.is_string() && value.get_ref<const std::string&>().empty()) continue;
    if (key == "rules") {
      std::string rules;
      for (const json& r : value)
        rules += (rules.empty() ? "" : "; ") + rule_text(r);
      parts.push_back("rules: " + rules);
      continue;
    }
    const json* old = twin(key);
    const std::string name = old != nullptr ? key.substr(4) : key;
    if (value.is_object()) {
      for (const auto& [sub, v] : value.items()) {
        if (old != nullptr && old->contains(sub) && old->at(sub) == v) continue;
        if (v.is_object()) continue;
        parts.push_back(sub + "=" + (old != nullptr ? scalar(old->value(sub, json())) + "->" : "") +
                        (v.is_array() ? v.dump() : scalar(v)));
      }
      continue;
    }
    if (old != nullptr && *old != value) {
      parts.push_back(name + "=" + scalar(*old) + "->" + scalar(value));
    } else {
      parts.push_back(name + "=" + (value.is_array() ? value.dump() : scalar(value)));
    }
  }
  std::string out;
  for (const std::string& p : parts)
    out += (out.empty() ? "" : " ") + p;
  return out;
}

// The doctors' states, the scripted clock and the printing of every decision.
class Clinic {
 public:
  explicit Clinic(std::ostream& out) : out_(out) {}

  // Sets the clock to `hh:mm` UTC on `day` (default: the demo's Monday, 2027-03-01).
  void at(std::string_view hhmm, std::string_view day = "2027-03-01") {
    now_ = *d::parse_rfc3339(std::string(day) + "T" + std::string(hhmm) + ":00Z");
  }
  void at(d::Instant t) { now_ = t; }
  d::Instant now() const { return now_; }

  void say(std::string_view text) { out_ << "\n# " << text << "\n"; }

  // Decides `command` for `doctor` at now(); applies and prints the events, or prints the error.
  // `expected`: the error code the script expects, nullopt when it expects acceptance.
  void run(const std::string& doctor, const d::Command& command,
           std::optional<d::errc> expected = std::nullopt) {
    d::DoctorState& state = states_.try_emplace(doctor, d::initial_state()).first->second;
    const d::Actor actor = std::visit([](const auto& c) { return c.actor; }, command);
    auto decided = d::decide(state, command, now_);
    const std::string when = d::format_rfc3339(now_);
    if (!decided.ok()) {
      const d::Error& e = decided.error();
      out_ << when << "  doctor-" << doctor << "  REJECTED " << kCommandNames[command.index()]
           << "  by " << who(actor) << "  -> " << d::to_code(e.code)
           << (e.field.empty() ? "" : " (field " + e.field + ")");
      for (std::size_t i = 0; i < e.ids.size(); ++i)
        out_ << (i == 0 ? " (" : ", ") << e.ids[i] << (i + 1 == e.ids.size() ? ")" : "");
      out_ << "\n";
      if (expected != e.code) surprise("was not expected to be rejected");
      return;
    }
    if (expected) surprise("was expected to fail with " + std::string(d::to_code(*expected)));
    for (const d::Event& event : decided.value()) {
      d::apply(state, event);
      out_ << when << "  doctor-" << doctor << "@" << state.version() << "  "
           << d::event_type(event) << "  by " << who(d::event_actor(event)) << "  "
           << summary(event) << "\n";
    }
  }

  const d::DoctorState& state(const std::string& doctor) const { return states_.at(doctor); }
  int surprises() const { return surprises_; }

 private:
  void surprise(const std::string& what) {
    ++surprises_;
    out_ << "!! the step above " << what << "\n";
  }

  std::ostream& out_;
  std::map<std::string, d::DoctorState> states_;
  d::Instant now_{};
  int surprises_ = 0;
};

const d::Actor kAdmin{"admin-1", d::Role::admin};
const d::Actor kDesk{"desk-1", d::Role::receptionist};
const d::Actor kScheduler{"scheduler", d::Role::system};

d::Actor patient(std::string id) {
  return {std::move(id), d::Role::patient};
}
d::Actor doctor(std::string id) {
  return {std::move(id), d::Role::doctor};
}
d::Instant utc(std::string_view text) {
  return *d::parse_rfc3339(text);
}

d::ScheduleRule rule(std::uint8_t weekdays, int start_minute, int end_minute, int slot_minutes,
                     int capacity) {
  d::ScheduleRule r;
  r.weekdays = weekdays;
  r.start_minute = start_minute;
  r.end_minute = end_minute;
  r.slot_minutes = slot_minutes;
  r.capacity = capacity;
  return r;
}

d::BookAppointment book(d::Actor actor, std::string id, std::string_view start,
                        std::string patient_id = {}) {
  d::BookAppointment c;
  c.actor = std::move(actor);
  c.appointment_id = std::move(id);
  c.patient_id = std::move(patient_id);
  c.start = utc(start);
  return c;
}

void open_clinic(Clinic& c) {
  c.at("07:00");
  c.say("07:00 UTC: the admin registers three doctors in three time zones and sets their week");
  const auto weekdays = std::uint8_t{0x1F};
  d::ConsultationTypes in_person_video;
  in_person_video.insert(d::ConsultationType::in_person);
  in_person_video.insert(d::ConsultationType::video);
  c.run("dr-grey", d::RegisterDoctor{kAdmin, "dr-grey", "Meredith Grey", "general practice",
                                     "Europe/Berlin", 6000, d::ConsultationTypes::all()});
  c.run("dr-house", d::RegisterDoctor{kAdmin, "dr-house", "Gregory House", "diagnostics",
                                      "America/New_York", 25000, d::ConsultationTypes::all()});
  c.run("dr-tanaka", d::RegisterDoctor{kAdmin, "dr-tanaka", "Yuki Tanaka", "pediatrics",
                                       "Asia/Tokyo", 8000, in_person_video});
  const auto monday = d::parse_local_date("2027-03-01");
  // Berlin: three half-hour slots each weekday morning, 09:00-10:30 local (08:00-09:30 UTC).
  c.run("dr-grey", d::SetSchedule{kAdmin, {rule(weekdays, 9 * 60, 10 * 60 + 30, 30, 1)}, monday});
  c.run("dr-house", d::SetSchedule{kAdmin, {rule(weekdays, 9 * 60, 12 * 60, 20, 2)}, monday});
  c.run("dr-tanaka",
        d::SetSchedule{kAdmin, {rule(weekdays | 0x20, 9 * 60, 18 * 60, 15, 1)}, monday});
  d::UpdateSettings grey;
  grey.actor = kAdmin;
  grey.cancellation_deadline_hours = 1;
  grey.waitlist_offer_minutes = 20;
  c.run("dr-grey", grey);
  d::UpdateSettings house;
  house.actor = kAdmin;
  house.auto_confirm = false;
  c.run("dr-house", house);
}

void morning_bookings(Clinic& c) {
  c.at("07:05");
  c.say("Dr Grey's Monday fills up; a hold is consumed by the booking that follows it");
  c.run("dr-grey", d::PlaceHold{patient("pat-anna"), "hold-1", "", utc("2027-03-01T08:00:00Z"),
                                d::ConsultationType::in_person});
  c.at("07:06");
  auto anna = book(patient("pat-anna"), "apt-1", "2027-03-01T08:00:00Z");
  anna.hold_id = "hold-1";
  anna.reason_for_visit = "persistent cough since February";
  c.run("dr-grey", anna);
  c.at("07:07");
  auto ben = book(kDesk, "apt-2", "2027-03-01T08:30:00Z", "pat-ben");
  ben.symptoms = "dizzy spells in the morning";
  c.run("dr-grey", ben);
  c.at("07:08");
  c.run("dr-grey", book(patient("pat-erin"), "apt-3", "2027-03-01T09:00:00Z"));
  c.at("07:09");
  c.say("Carl asks for the 09:00 slot Anna already has");
  c.run("dr-grey", book(patient("pat-carl"), "apt-4", "2027-03-01T08:00:00Z"), d::errc::slot_taken);
  c.at("07:10");
  c.say("Dora joins the waitlist for Monday morning; Ben cancels and Dora takes his slot");
  d::JoinWaitlist join;
  join.actor = patient("pat-dora");
  join.entry_id = "wait-1";
  join.date = *d::parse_local_date("2027-03-01");
  join.from_minute = 9 * 60;
  join.to_minute = 10 * 60 + 30;
  c.run("dr-grey", join);
  c.at("07:12");
  c.run("dr-grey",
        d::CancelAppointment{patient("pat-ben"), "apt-2", "feeling better, thanks for asking"});
  c.at("07:14");
  c.run("dr-grey", d::AcceptWaitlistOffer{patient("pat-dora"), "wait-1", "apt-5"});
  c.at("07:16");
  c.say("Erin moves to Tuesday at 09:00 Berlin time");
  c.run("dr-grey", d::RescheduleAppointment{patient("pat-erin"), "apt-3",
                                            utc("2027-03-02T08:00:00Z"), "train is delayed"});
}

void house_day(Clinic& c) {
  c.at("07:20");
  c.say("Dr House (New York, bookings need his confirmation): a hold that nobody uses");
  c.run("dr-house", d::PlaceHold{patient("pat-fay"), "hold-2", "", utc("2027-03-01T14:00:00Z"),
                                 d::ConsultationType::video});
  c.at("07:21");
  c.run("dr-house", book(kDesk, "apt-6", "2027-03-01T14:00:00Z", "pat-jon"));
  c.at("07:22");
  c.run("dr-house", book(patient("pat-kim"), "apt-7", "2027-03-01T14:00:00Z"), d::errc::slot_taken);
  c.say("Fay's hold lapses; the scheduler's ExpireDue at its deadline frees the unit");
  c.at(*d::next_deadline(c.state("dr-house")));
  c.run("dr-house", d::ExpireDue{kScheduler});
  c.at("07:26");
  c.run("dr-house", book(patient("pat-kim"), "apt-7", "2027-03-01T14:00:00Z"));
  c.at("07:30");
  c.run("dr-house", d::ConfirmAppointment{doctor("dr-house"), "apt-6"});
  c.run("dr-house", d::ConfirmAppointment{doctor("dr-house"), "apt-7"});
}

void walk_ins(Clinic& c) {
  c.at("07:31");
  c.say("Dr Tanaka's walk-in desk (Tokyo, 16:31 local): the emergency is called first");
  c.run("dr-tanaka",
        d::RegisterWalkin{kDesk, "walkin-1", "pat-gus", d::Urgency::routine, "sore throat"});
  c.at("07:33");
  c.run("dr-tanaka", d::RegisterWalkin{kDesk, "walkin-2", "pat-hal", d::Urgency::urgent, ""});
  c.at("07:34");
  c.run("dr-tanaka", d::RegisterWalkin{kDesk, "walkin-3", "pat-ivy", d::Urgency::emergency,
                                       "twisted ankle on the stairs"});
  c.at("07:35");
  c.run("dr-tanaka", d::CallNextWalkin{doctor("dr-tanaka")});
  c.at("07:50");
  c.run("dr-tanaka", d::CompleteWalkin{doctor("dr-tanaka"), "walkin-3"});
  c.run("dr-tanaka", d::CallNextWalkin{doctor("dr-tanaka")});
}

void afternoon(Clinic& c) {
  c.at("13:45");
  c.say("Dr House's 09:00 (14:00 UTC): Jon checks in and is seen; Kim does not come");
  c.run("dr-house", d::CheckInAppointment{kDesk, "apt-6"});
  c.at("14:00");
  c.run("dr-house", d::StartAppointment{doctor("dr-house"), "apt-6"});
  c.at("14:20");
  c.run("dr-house", d::CompleteAppointment{doctor("dr-house"), "apt-6"});
  c.at("14:25");
  c.run("dr-house", d::MarkNoShow{kDesk, "apt-7"});
  c.at("15:00");
  c.say("Dr Grey blocks Tuesday morning: refused while Erin is booked, then cancelling her");
  d::AddBlock block{doctor("dr-grey"),
                    "block-1",
                    utc("2027-03-02T07:00:00Z"),
                    utc("2027-03-02T11:00:00Z"),
                    "regional training day",
                    d::BlockKind::other,
                    false};
  c.run("dr-grey", block, d::errc::conflicting_appointments);
  block.cancel_conflicting = true;
  c.run("dr-grey", block);
}

}  // namespace

int run_demo(std::ostream& out) {
  out << "Docket demo: a scripted clinic day decided by the domain alone (times are UTC).\n"
         "Each line: time  stream@version  event type  by role:user  data. Patients' free text "
         "is never shown.\n";
  Clinic clinic(out);
  open_clinic(clinic);
  morning_bookings(clinic);
  house_day(clinic);
  walk_ins(clinic);
  afternoon(clinic);
  out << "\n"
      << (clinic.surprises() == 0 ? "The day went as scripted." : "SURPRISES above.") << "\n";
  return clinic.surprises() == 0 ? 0 : 1;
}

}  // namespace docket::app
