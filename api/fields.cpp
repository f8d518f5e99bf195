#include "api/fields.hpp"

#include <limits>
#include <utility>

#include "api/error_map.hpp"

namespace docket::api {
namespace {

std::string range_text(double min, double max) {
  nlohmann::json lo = min;
  nlohmann::json hi = max;
  return "must be between " + lo.dump() + " and " + hi.dump();
}

std::string range_text(std::int64_t min, std::int64_t max) {
  return "must be between " + std::to_string(min) + " and " + std::to_string(max);
}

}  // namespace

FieldReader::FieldReader(const nlohmann::json& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

std::string FieldReader::path(std::string_view name) const {
  return prefix_ + std::string(name);
}

std::string FieldReader::item_path(std::string_view name, std::size_t index) const {
  return path(name) + "[" + std::to_string(index) + "].";
}

std::string FieldReader::nested_path(std::string_view name) const {
  return path(name) + ".";
}

void FieldReader::invalid(std::string_view name, std::string detail) {
  if (problem_) return;
  problem_ = make_problem(domain::errc::invalid_field, path(name) + " " + detail, path(name));
}

void FieldReader::out_of_range(std::string_view name, std::string detail) {
  if (problem_) return;
  problem_ = make_problem(domain::errc::out_of_range, path(name) + " " + detail, path(name));
}

const nlohmann::json* FieldReader::find(std::string_view name, Presence presence) {
  known_.emplace(name);
  const auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (presence == Presence::required) invalid(name, "is required");
    return nullptr;
  }
  return &*it;
}

void FieldReader::accept(std::string_view name) {
  known_.emplace(name);
}

std::optional<std::string> FieldReader::string(std::string_view name, Presence presence) {
  const nlohmann::json* v = find(name, presence);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    invalid(name, "must be a string");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<std::int64_t> FieldReader::integer(std::string_view name, std::int64_t min,
                                                 std::int64_t max, Presence presence) {
  const nlohmann::json* v = find(name, presence);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    invalid(name, "must be an integer");
    return std::nullopt;
  }
  if (v->is_number_unsigned() &&
      v->get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    out_of_range(name, range_text(min, max));
    return std::nullopt;
  }
  const auto value = v->get<std::int64_t>();
  if (value < min || value > max) {
    out_of_range(name, range_text(min, max));
    return std::nullopt;
  }
  return value;
}

std::optional<double> FieldReader::number(std::string_view name, double min, double max,
                                          Presence presence) {
  const nlohmann::json* v = find(name, presence);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) {
    invalid(name, "must be a number");
    return std::nullopt;
  }
  const auto value = v->get<double>();
  if (!(value >= min && value <= max)) {
    out_of_range(name, range_text(min, max));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> FieldReader::boolean(std::string_view name, Presence presence) {
  const nlohmann::json* v = find(name, presence);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    invalid(name, "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::string> FieldReader::one_of(std::string_view name,
                                               std::initializer_list<std::string_view> allowed,
                                               Presence presence) {
  const nlohmann::json* v = find(name, presence);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) {
    const auto& text = v->get_ref<const std::string&>();
    for (std::string_view a : allowed) {
      if (text == a) return text;
    }
  }
  std::string list;
  for (std::string_view a : allowed)
    list += (list.empty() ? "" : ", ") + std::string(a);
  invalid(name, "must be one of: " + list);
  return std::nullopt;
}

std::optional<domain::Instant> FieldReader::instant(std::string_view name, Presence presence) {
  const nlohmann::json* v = find(name, presence);
  if (v == nullptr) return std::nullopt;
  const auto parsed =
      v->is_string() ? domain::parse_rfc3339(v->get_ref<const std::string&>()) : std::nullopt;
  if (!parsed) invalid(name, "must be an RFC 3339 instant such as 2027-03-01T09:00:00Z");
  return parsed;
}

std::optional<domain::LocalDate> FieldReader::date(std::string_view name, Presence presence) {
  const nlohmann::json* v = find(name, presence);
  if (v == nullptr) return std::nullopt;
  const auto parsed =
      v->is_string() ? domain::parse_local_date(v->get_ref<const std::string&>()) : std::nullopt;
  if (!parsed) invalid(name, "must be a date such as 2027-03-01");
  return parsed;
}

std::optional<int> FieldReader::time_of_day(std::string_view name, bool allow_end_of_day,
                                            Presence presence) {
  const nlohmann::json* v = find(name, presence);
  if (v == nullptr) return std::nullopt;
  const auto parsed =
      v->is_string() ? domain::parse_time_of_day(v->get_ref<const std::string&>(), allow_end_of_day)
                     : std::nullopt;
  if (!parsed) invalid(name, "must be a time of day such as 09:00");
  return parsed;
}

std::optional<std::vector<std::string>> FieldReader::string_list(std::string_view name,
                                                                 Presence presence) {
  const nlohmann::json* v = find(name, presence);
  if (v == nullptr) return std::nullopt;
  std::vector<std::string> out;
  if (v->is_array()) {
    out.reserve(v->size());
    for (const auto& item : *v) {
      if (!item.is_string()) break;
      out.push_back(item.get<std::string>());
    }
    if (out.size() == v->size()) return out;
  }
  invalid(name, "must be an array of strings");
  return std::nullopt;
}

std::optional<std::vector<std::int64_t>> FieldReader::integer_list(std::string_view name,
                                                                   std::int64_t min,
                                                                   std::int64_t max,
                                                                   Presence presence) {
  const nlohmann::json* v = find(name, presence);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) {
    invalid(name, "must be an array of integers");
    return std::nullopt;
  }
  std::vector<std::int64_t> out;
  out.reserve(v->size());
  for (const auto& item : *v) {
    if (!item.is_number_integer()) {
      invalid(name, "must be an array of integers");
      return std::nullopt;
    }
    const bool too_big = item.is_number_unsigned() &&
                         item.get<std::uint64_t>() >
                             static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    const auto value = too_big ? max : item.get<std::int64_t>();
    if (too_big || value < min || value > max) {
      out_of_range(name, "items " + range_text(min, max));
      return std::nullopt;
    }
    out.push_back(value);
  }
  return out;
}

std::optional<std::vector<const nlohmann::json*>> FieldReader::object_list(std::string_view name,
                                                                           Presence presence) {
  const nlohmann::json* v = find(name, presence);
  if (v == nullptr) return std::nullopt;
  std::vector<const nlohmann::json*> out;
  if (v->is_array()) {
    for (const auto& item : *v) {
      if (!item.is_object()) break;
      out.push_back(&item);
    }
    if (out.size() == v->size()) return out;
  }
  invalid(name, "must be an array of objects");
  return std::nullopt;
}

std::optional<const nlohmann::json*> FieldReader::object(std::string_view name, Presence presence) {
  const nlohmann::json* v = find(name, presence);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) {
    invalid(name, "must be an object");
    return std::nullopt;
  }
  return v;
}

void FieldReader::merge(docket::Status<Problem> nested) {
  if (nested.ok()) return;
  Problem p = std::move(nested).error();
  if (p.code == "unknown_field") {
    if (!nested_unknown_) nested_unknown_ = std::move(p);
  } else if (!problem_) {
    problem_ = std::move(p);
  }
}

docket::Status<Problem> FieldReader::finish() {
  for (const auto& [name, value] : object_.items()) {
    if (known_.find(name) == known_.end()) {
      return fail(
          make_problem(api_errc::unknown_field, path(name) + " is not a known field", path(name)));
    }
  }
  if (nested_unknown_) return fail(*nested_unknown_);
  if (problem_) return fail(*problem_);
  return docket::unit;
}

}  // namespace docket::api
