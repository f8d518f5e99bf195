#include <cctype>

#include "domain/event_json.hpp"
#include "projections/codec.hpp"
#include "projections/query_support.hpp"

namespace docket::projections {

namespace dm = docket::domain;

Result<DoctorView> doctor(const ReadView& store, std::string_view id) {
  auto d = detail::load_doctor(store, id);
  if (!d) return error(errc::not_found, "unknown doctor");
  DoctorView out;
  out.record = std::move(*d);
  const auto v = store.get(key::stream_version("doctor-" + std::string(id)));
  out.version = v ? static_cast<std::uint64_t>(decode_count(*v)) : 0;
  return out;
}

DoctorPage doctors(const ReadView& store, std::string_view specialty, Paging paging) {
  paging = detail::normalize(paging);
  std::string spec(specialty);
  for (char& ch : spec)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  DoctorPage out;
  out.page = paging.page;
  out.per_page = paging.per_page;
  const auto n = store.get(key::directory_count(spec));
  out.total = n ? decode_count(*n) : 0;
  const std::string prefix = key::directory_prefix(spec);
  const std::int64_t skip = static_cast<std::int64_t>(paging.page - 1) * paging.per_page;
  std::int64_t seen = 0;
  store.scan(prefix, {}, [&](std::string_view k, std::string_view) {
    if (seen++ < skip) return true;
    KeyReader kr(k);
    kr.skip(prefix.size());
    if (auto d = doctor(store, kr.str()); d.ok()) out.items.push_back(std::move(d).value());
    return static_cast<int>(out.items.size()) < paging.per_page;
  });
  return out;
}

nlohmann::json to_json(const DoctorView& d) {
  const DoctorRecord& r = d.record;
  nlohmann::json schedule = nullptr;
  if (!r.schedule.history().empty()) {
    const dm::RuleSet& set = r.schedule.history().back();
    dm::DoctorScheduleSet as_event;
    as_event.effective_from = set.effective_from;
    as_event.rules = set.rules;
    const nlohmann::json encoded = dm::encode(as_event).data;
    schedule = {{"rules", encoded.at("rules")},
                {"effective_from", dm::format_local_date(set.effective_from)}};
  }
  dm::DoctorSettingsChanged settings;
  settings.new_settings = r.settings;
  nlohmann::json types = nlohmann::json::array();
  for (const dm::ConsultationType t : r.profile.consultation_types.list())
    types.push_back(dm::to_string(t));
  return {{"id", r.id},
          {"name", r.profile.name},
          {"specialty", r.profile.specialty},
          {"timezone", r.profile.timezone},
          {"consultation_fee", r.profile.consultation_fee},
          {"consultation_types", std::move(types)},
          {"active", r.profile.active},
          {"schedule", std::move(schedule)},
          {"settings", dm::encode(settings).data.at("new_settings")},
          {"version", d.version}};
}

nlohmann::json to_json(const DoctorPage& p) {
  nlohmann::json items = nlohmann::json::array();
  for (const DoctorView& d : p.items)
    items.push_back(to_json(d));
  return {{"doctors", std::move(items)},
          {"page", p.page},
          {"per_page", p.per_page},
          {"total", p.total}};
}

}  // namespace docket::projections
