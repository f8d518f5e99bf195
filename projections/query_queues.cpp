#include "projections/codec.hpp"
#include "projections/query_support.hpp"

namespace docket::projections {

namespace dm = docket::domain;

namespace {

// The slot length of the day's earliest rule, else 15: what the write side estimates with.
int minutes_per_patient(const DoctorRecord* d, dm::LocalDate date) {
  constexpr int fallback_minutes = 15;
  if (d == nullptr) return fallback_minutes;
  const int weekday = dm::iso_weekday(date);
  const dm::ScheduleRule* first = nullptr;
  for (const dm::ScheduleRule& r : d->schedule.rules_on(date)) {
    if (r.on_weekday(weekday) && (first == nullptr || r.start_minute < first->start_minute)) {
      first = &r;
    }
  }
  return first == nullptr ? fallback_minutes : first->slot_minutes;
}

std::vector<QueueEntryView> day_queue(const ReadView& store, const DoctorRecord* d,
                                      std::string_view doctor_id, dm::LocalDate date) {
  std::vector<QueueEntryView> out;
  const int minutes = minutes_per_patient(d, date);
  int waiting = 0;
  store.scan(key::queue_prefix(doctor_id, date), {}, [&](std::string_view k, std::string_view) {
    KeyReader kr(k);
    kr.skip(key::queue_prefix(doctor_id, date).size() + 1 + 1 + 8);
    const auto bytes = store.get(key::walkin(kr.str()));
    auto w = bytes ? decode_walkin(*bytes) : std::nullopt;
    if (!w) return true;
    QueueEntryView e;
    if (w->status == dm::WalkinStatus::waiting) {
      e.position = ++waiting;
      e.estimated_wait_minutes = (waiting - 1) * minutes;
    }
    e.walkin = std::move(*w);
    out.push_back(std::move(e));
    return true;
  });
  return out;
}

}  // namespace

Result<std::vector<QueueEntryView>> queue(const ReadView& store, std::string_view doctor_id,
                                          dm::LocalDate date) {
  const auto d = detail::load_doctor(store, doctor_id);
  if (!d) return error(errc::not_found, "unknown doctor");
  return day_queue(store, &*d, doctor_id, date);
}

Result<QueueEntryView> walkin(const ReadView& store, std::string_view id) {
  const auto bytes = store.get(key::walkin(id));
  auto w = bytes ? decode_walkin(*bytes) : std::nullopt;
  if (!w) return error(errc::not_found, "unknown walk-in");
  if (w->status == dm::WalkinStatus::waiting) {
    const auto d = detail::load_doctor(store, w->doctor_id);
    for (QueueEntryView& e : day_queue(store, d ? &*d : nullptr, w->doctor_id, w->date)) {
      if (e.walkin.id == id) return std::move(e);
    }
  }
  QueueEntryView e;
  e.walkin = std::move(*w);
  return e;
}

nlohmann::json to_json(const QueueEntryView& e) {
  return {{"id", e.walkin.id},
          {"queue_number", e.walkin.queue_number},
          {"patient_id", e.walkin.patient_id},
          {"urgency", dm::to_string(e.walkin.urgency)},
          {"status", dm::to_string(e.walkin.status)},
          {"position", e.position},
          {"estimated_wait_minutes", e.estimated_wait_minutes}};
}

nlohmann::json queue_json(const std::vector<QueueEntryView>& entries) {
  nlohmann::json items = nlohmann::json::array();
  for (const QueueEntryView& e : entries)
    items.push_back(to_json(e));
  return {{"entries", std::move(items)}};
}

namespace {

std::optional<int> waiting_position(const ReadView& store, const WaitlistRecord& e) {
  if (e.status != dm::WaitlistStatus::waiting) return std::nullopt;
  const std::string mine = key::waiting_entry(e);
  int position = 0;
  bool found = false;
  store.scan(key::waiting_prefix(e.doctor_id, e.date), {},
             [&](std::string_view k, std::string_view) {
               ++position;
               found = k == mine;
               return !found;
             });
  return found ? std::optional<int>(position) : std::nullopt;
}

}  // namespace

Result<WaitlistView> waitlist_entry(const ReadView& store, std::string_view id) {
  const auto bytes = store.get(key::waitlist(id));
  auto e = bytes ? decode_waitlist(*bytes) : std::nullopt;
  if (!e) return error(errc::not_found, "unknown waitlist entry");
  WaitlistView out;
  out.position = waiting_position(store, *e);
  out.entry = std::move(*e);
  return out;
}

WaitlistPage doctor_waitlist(const ReadView& store, std::string_view doctor_id, Paging paging) {
  paging = detail::normalize(paging);
  WaitlistPage out;
  out.page = paging.page;
  out.per_page = paging.per_page;
  const auto n = store.get(key::doctor_waitlist_count(doctor_id));
  out.total = n ? decode_count(*n) : 0;
  const std::string prefix = key::doctor_waitlist_prefix(doctor_id);
  const std::int64_t skip = static_cast<std::int64_t>(paging.page - 1) * paging.per_page;
  std::int64_t seen = 0;
  store.scan(prefix, {}, [&](std::string_view k, std::string_view) {
    if (seen++ < skip) return true;
    KeyReader kr(k);
    kr.skip(prefix.size() + 8);
    if (auto w = waitlist_entry(store, kr.str()); w.ok()) out.items.push_back(std::move(w).value());
    return static_cast<int>(out.items.size()) < paging.per_page;
  });
  return out;
}

nlohmann::json to_json(const WaitlistView& w) {
  const WaitlistRecord& e = w.entry;
  nlohmann::json offer = nullptr;
  if (e.has_offer) {
    offer = {{"start", dm::format_rfc3339(e.offer_start)},
             {"expires_at", dm::format_rfc3339(e.offer_expires_at)}};
  }
  return {{"id", e.id},
          {"doctor_id", e.doctor_id},
          {"patient_id", e.patient_id},
          {"status", dm::to_string(e.status)},
          {"position", w.position ? nlohmann::json(*w.position) : nlohmann::json(nullptr)},
          {"offer", std::move(offer)},
          {"date", dm::format_local_date(e.date)},
          {"from", dm::format_time_of_day(e.from_minute)},
          {"to", dm::format_time_of_day(e.to_minute)},
          {"consultation_type", dm::to_string(e.consultation_type)},
          {"priority", e.priority}};
}

nlohmann::json to_json(const WaitlistPage& p) {
  nlohmann::json items = nlohmann::json::array();
  for (const WaitlistView& w : p.items)
    items.push_back(to_json(w));
  return {{"entries", std::move(items)},
          {"page", p.page},
          {"per_page", p.per_page},
          {"total", p.total}};
}

}  // namespace docket::projections
