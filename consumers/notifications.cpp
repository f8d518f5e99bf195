#include "consumers/notifications.hpp"

#include <nlohmann/json.hpp>

#include "consumers/outbox.hpp"
#include "domain/event_json.hpp"

namespace docket::consumers {
namespace {

using domain::format_rfc3339;
using nlohmann::json;

std::string appointment_key(std::string_view id) {
  return "a" + std::string(id);
}
std::string walkin_key(std::string_view id) {
  return "w" + std::string(id);
}
std::string reminder_key(domain::Instant due, std::string_view id, std::int64_t minutes) {
  return "r" + be64(static_cast<std::uint64_t>(due.time_since_epoch().count())) + std::string(id) +
         "#" + std::to_string(minutes);
}

json message(std::string id, std::string_view type, const std::string& occurred_at, json data) {
  return {{"id", std::move(id)},
          {"type", type},
          {"occurred_at", occurred_at},
          {"data", std::move(data)}};
}

struct Apply {
  const eventstore::RecordedEvent& recorded;
  Effects& effects;
  const NotificationConfig& config;
  std::string doctor_id;

  StoreResult<Unit> send(std::string_view type, json data) {
    data["doctor_id"] = doctor_id;
    return enqueue(
        effects,
        message(recorded.id + ":" + std::string(type), type, recorded.time, std::move(data)),
        config.destinations);
  }

  StoreResult<json> record(std::string_view appointment_id) {
    auto stored = effects.get(appointment_key(appointment_id));
    if (!stored) return fail(stored.error());
    if (!stored->has_value()) return json::object();
    return json::parse(**stored);
  }

  StoreResult<Unit> set_status(std::string_view id, std::string_view status,
                               std::string_view type) {
    auto r = record(id);
    if (!r) return fail(r.error());
    if (r->empty()) return unit;  // booked before this consumer's history: nothing to tell
    (*r)["status"] = status;
    effects.put(appointment_key(id), r->dump());
    return send(type, {{"appointment_id", id},
                       {"patient_id", (*r)["patient_id"]},
                       {"start", (*r)["start"]},
                       {"status", status}});
  }

  void schedule_reminders(std::string_view id, domain::Instant start) {
    const auto decided = domain::parse_rfc3339(recorded.time);
    for (const auto before : config.reminders) {
      const auto due = start - std::chrono::duration_cast<std::chrono::seconds>(before);
      // A reminder already past when the booking is made would only be noise.
      if (decided && due < *decided) continue;
      effects.put(reminder_key(due, id, before.count()), json{{"appointment_id", id},
                                                              {"start", format_rfc3339(start)},
                                                              {"minutes_before", before.count()}}
                                                             .dump());
    }
  }

  StoreResult<Unit> operator()(const domain::AppointmentBooked& e) {
    effects.put(appointment_key(e.appointment_id), json{{"doctor_id", doctor_id},
                                                        {"patient_id", e.patient_id},
                                                        {"start", format_rfc3339(e.start)},
                                                        {"status", domain::to_string(e.status)}}
                                                       .dump());
    schedule_reminders(e.appointment_id, e.start);
    return send("appointment.booked",
                {{"appointment_id", e.appointment_id},
                 {"number", e.number},
                 {"patient_id", e.patient_id},
                 {"start", format_rfc3339(e.start)},
                 {"end", format_rfc3339(e.end)},
                 {"consultation_type", domain::to_string(e.consultation_type)},
                 {"status", domain::to_string(e.status)}});
  }
  StoreResult<Unit> operator()(const domain::AppointmentConfirmed& e) {
    return set_status(e.appointment_id, "confirmed", "appointment.confirmed");
  }
  StoreResult<Unit> operator()(const domain::AppointmentRejected& e) {
    return set_status(e.appointment_id, "rejected", "appointment.rejected");
  }
  StoreResult<Unit> operator()(const domain::AppointmentCancelled& e) {
    auto r = record(e.appointment_id);
    if (!r) return fail(r.error());
    if (!r->empty()) {
      (*r)["status"] = "cancelled";
      effects.put(appointment_key(e.appointment_id), r->dump());
    }
    return send("appointment.cancelled", {{"appointment_id", e.appointment_id},
                                          {"patient_id", e.patient_id},
                                          {"start", format_rfc3339(e.start)},
                                          {"cancelled_by_role", recorded.actor.role},
                                          {"by_block", !e.block_id.empty()}});
  }
  StoreResult<Unit> operator()(const domain::AppointmentRescheduled& e) {
    auto r = record(e.appointment_id);
    if (!r) return fail(r.error());
    json updated = r->empty() ? json{{"doctor_id", doctor_id}, {"patient_id", e.patient_id}} : *r;
    updated["start"] = format_rfc3339(e.new_start);
    updated["status"] = domain::to_string(e.new_status);
    effects.put(appointment_key(e.appointment_id), updated.dump());
    // Reminders for the old start stay in the store and are found stale when due.
    schedule_reminders(e.appointment_id, e.new_start);
    return send("appointment.rescheduled", {{"appointment_id", e.appointment_id},
                                            {"patient_id", e.patient_id},
                                            {"old_start", format_rfc3339(e.old_start)},
                                            {"new_start", format_rfc3339(e.new_start)},
                                            {"new_end", format_rfc3339(e.new_end)},
                                            {"status", domain::to_string(e.new_status)}});
  }
  // Later lifecycle steps need no message, but they end the appointment for reminders.
  StoreResult<Unit> quiet_status(std::string_view id, std::string_view status) {
    auto r = record(id);
    if (!r) return fail(r.error());
    if (r->empty()) return unit;
    (*r)["status"] = status;
    effects.put(appointment_key(id), r->dump());
    return unit;
  }
  StoreResult<Unit> operator()(const domain::AppointmentCheckedIn& e) {
    return quiet_status(e.appointment_id, "checked_in");
  }
  StoreResult<Unit> operator()(const domain::AppointmentStarted& e) {
    return quiet_status(e.appointment_id, "in_progress");
  }
  StoreResult<Unit> operator()(const domain::AppointmentCompleted& e) {
    return quiet_status(e.appointment_id, "completed");
  }
  StoreResult<Unit> operator()(const domain::AppointmentNoShow& e) {
    return quiet_status(e.appointment_id, "no_show");
  }
  StoreResult<Unit> operator()(const domain::WaitlistOffered& e) {
    return send("waitlist.offered", {{"entry_id", e.entry_id},
                                     {"patient_id", e.patient_id},
                                     {"start", format_rfc3339(e.start)},
                                     {"end", format_rfc3339(e.end)},
                                     {"expires_at", format_rfc3339(e.expires_at)}});
  }
  StoreResult<Unit> operator()(const domain::WalkinRegistered& e) {
    effects.put(walkin_key(e.walkin_id),
                json{{"patient_id", e.patient_id}, {"queue_number", e.queue_number}}.dump());
    return unit;
  }
  StoreResult<Unit> operator()(const domain::WalkinCalled& e) {
    auto stored = effects.get(walkin_key(e.walkin_id));
    if (!stored) return fail(stored.error());
    json w = stored->has_value() ? json::parse(**stored) : json::object();
    return send("walkin.called", {{"walkin_id", e.walkin_id},
                                  {"patient_id", w.value("patient_id", "")},
                                  {"queue_number", w.value("queue_number", "")}});
  }
  template <class Other>
  StoreResult<Unit> operator()(const Other&) {
    return unit;
  }
};

bool relevant(std::string_view type) {
  return type.starts_with("docket.appointment.") || type == domain::WaitlistOffered::type ||
         type == domain::WalkinRegistered::type || type == domain::WalkinCalled::type;
}

}  // namespace

StoreResult<Unit> NotificationHandler::handle(const eventstore::RecordedEvent& event,
                                              Effects& effects) {
  if (!relevant(event.type)) return unit;
  auto decoded = domain::decode(event.type, event.data);
  if (!decoded) return fail(StoreError{"event " + event.id + " does not decode"});
  std::string doctor_id =
      event.stream.starts_with("doctor-") ? event.stream.substr(7) : event.stream;
  return std::visit(Apply{event, effects, config_, std::move(doctor_id)}, decoded.value());
}

StoreResult<std::size_t> fire_due_reminders(ConsumerStore& store, const NotificationConfig& config,
                                            domain::Instant now) {
  auto lock = store.lock();
  const std::string end =
      "r" + be64(static_cast<std::uint64_t>(now.time_since_epoch().count()) + 1);
  auto due = store.scan("r", end);
  if (!due) return fail(due.error());
  Effects effects(store);
  std::size_t queued = 0;
  for (const auto& [key, value] : *due) {
    effects.del(key);
    const json reminder = json::parse(value);
    const std::string id = reminder["appointment_id"];
    auto stored = store.get(appointment_key(id));
    if (!stored) return fail(stored.error());
    if (!stored->has_value()) continue;
    const json appointment = json::parse(**stored);
    const std::string status = appointment["status"];
    if ((status != "pending" && status != "confirmed") ||
        appointment["start"] != reminder["start"]) {
      continue;  // cancelled, finished or moved since it was scheduled
    }
    const std::string start = reminder["start"];
    const std::int64_t minutes = reminder["minutes_before"];
    auto queuedok = enqueue(effects,
                            message(id + ":reminder:" + start + ":" + std::to_string(minutes),
                                    "appointment.reminder", format_rfc3339(now),
                                    {{"appointment_id", id},
                                     {"doctor_id", appointment["doctor_id"]},
                                     {"patient_id", appointment["patient_id"]},
                                     {"start", start},
                                     {"minutes_before", minutes}}),
                            config.destinations);
    if (!queuedok) return fail(queuedok.error());
    ++queued;
  }
  if (effects.empty()) return queued;
  auto written = store.write(effects);
  if (!written) return fail(written.error());
  return queued;
}

StoreResult<std::optional<domain::Instant>> next_reminder_due(const ConsumerStore& store) {
  auto rows = store.scan("r", "s");
  if (!rows) return fail(rows.error());
  if (rows->empty()) return std::optional<domain::Instant>();
  const auto seconds = read_be64(std::string_view(rows->begin()->first).substr(1));
  return std::optional<domain::Instant>(
      domain::Instant(std::chrono::seconds(static_cast<std::int64_t>(seconds))));
}

}  // namespace docket::consumers
