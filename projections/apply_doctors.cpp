// The doctors model: profile, settings and schedule history per doctor, and the directory of
// active doctors by specialty.

#include <cctype>

#include "projections/apply_internal.hpp"
#include "projections/records.hpp"

namespace docket::projections::detail {

namespace {

namespace dm = docket::domain;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// Lists (`delta` 1) or unlists (-1) an active doctor in the directory.
void list_in_directory(Txn& txn, const DoctorRecord& d, int delta) {
  if (!d.profile.active) return;
  for (const std::string& spec : {std::string(), lower(d.profile.specialty)}) {
    if (delta > 0) {
      txn.put(key::directory(spec, d.id), {});
    } else {
      txn.del(key::directory(spec, d.id));
    }
    txn.add(key::directory_count(spec), delta);
    if (d.profile.specialty.empty()) break;  // "" is already the all-doctors list
  }
}

struct DoctorApplier {
  const EventContext& c;

  std::optional<DoctorRecord> load() {
    const auto bytes = c.txn.find(key::doctor(c.doctor_id));
    return bytes ? decode_doctor(*bytes) : std::nullopt;
  }
  void save(const DoctorRecord& d) { c.txn.put(key::doctor(c.doctor_id), encode(d)); }

  void operator()(const dm::DoctorRegistered& e) {
    if (auto old = load()) list_in_directory(c.txn, *old, -1);
    DoctorRecord d;
    d.id = std::string(c.doctor_id);
    d.profile = e.profile;
    d.settings = e.settings;
    save(d);
    list_in_directory(c.txn, d, 1);
  }
  void operator()(const dm::DoctorProfileUpdated& e) {
    auto d = load();
    if (!d) return;
    list_in_directory(c.txn, *d, -1);
    d->profile = e.new_profile;
    list_in_directory(c.txn, *d, 1);
    save(*d);
  }
  void operator()(const dm::DoctorScheduleSet& e) {
    auto d = load();
    if (!d) return;
    d->schedule.replace_from(e.effective_from, e.rules);
    save(*d);
  }
  void operator()(const dm::DoctorSettingsChanged& e) {
    auto d = load();
    if (!d) return;
    d->settings = e.new_settings;
    save(*d);
  }
  template <class Other>
  void operator()(const Other&) {}
};

}  // namespace

void apply_doctors(const EventContext& c, const domain::Event& e) {
  std::visit(DoctorApplier{c}, e);
}

}  // namespace docket::projections::detail
