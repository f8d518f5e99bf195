#pragma once
// A small declarative reader for command bodies (API.md, "Conventions"): each getter names a
// field, its type and range; finish() then rejects any field that was not named. The first
// problem wins, so a reply always points at one field.
//
//   FieldReader in(body);
//   auto name = in.string("name");
//   auto capacity = in.integer("capacity", 1, 1000, Presence::optional);
//   if (auto done = in.finish(); !done) return done.error();

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/problem.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"

namespace docket::api {

enum class Presence {
  required,  // absent or null is 422 invalid_field "is required"
  optional,  // absent or null gives nullopt and no problem
};

// Not thread-safe (one reader per request). Every getter returns nullopt when the field is absent
// (optional) or at fault; at fault records a problem (422 invalid_field for a wrong type, shape
// or a missing required field, 422 out_of_range for a value outside its range, both with
// `field` set to the field's path) unless one is recorded already.
class FieldReader {
 public:
  // `object` must be a JSON object and outlive the reader. `prefix` is prepended to field names
  // in problems, for nested objects ("rules[0].").
  explicit FieldReader(const nlohmann::json& object, std::string prefix = {});

  // A JSON string. Its length is not limited here (the domain decides text_too_long; see
  // utf8_length); the body parser has already guaranteed valid UTF-8.
  std::optional<std::string> string(std::string_view name, Presence presence = Presence::required);
  // A JSON integer (no fraction) in [min, max].
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max,
                                      Presence presence = Presence::required);
  // A JSON number (integer or fraction) in [min, max].
  std::optional<double> number(std::string_view name, double min, double max,
                               Presence presence = Presence::required);
  std::optional<bool> boolean(std::string_view name, Presence presence = Presence::required);
  // A JSON string that is one of `allowed`; anything else is invalid_field.
  std::optional<std::string> one_of(std::string_view name,
                                    std::initializer_list<std::string_view> allowed,
                                    Presence presence = Presence::required);
  // An RFC 3339 instant ("2027-03-01T09:00:00Z" or with an offset), to the second.
  std::optional<domain::Instant> instant(std::string_view name,
                                         Presence presence = Presence::required);
  // A local date "YYYY-MM-DD" that exists in the calendar.
  std::optional<domain::LocalDate> date(std::string_view name,
                                        Presence presence = Presence::required);
  // A local time of day "HH:MM" as minutes after midnight; "24:00" only when
  // `allow_end_of_day` (the end of a schedule rule).
  std::optional<int> time_of_day(std::string_view name, bool allow_end_of_day = false,
                                 Presence presence = Presence::required);
  // A JSON array of strings.
  std::optional<std::vector<std::string>> string_list(std::string_view name,
                                                      Presence presence = Presence::required);
  // A JSON array of integers, each in [min, max].
  std::optional<std::vector<std::int64_t>> integer_list(std::string_view name, std::int64_t min,
                                                        std::int64_t max,
                                                        Presence presence = Presence::required);
  // A JSON array of objects, returned as pointers into the body. Read each with a nested
  // FieldReader(*item, item_path(name, i)) and hand its finish() to merge().
  std::optional<std::vector<const nlohmann::json*>> object_list(
      std::string_view name, Presence presence = Presence::required);
  // A JSON object, for a nested FieldReader(*obj, nested_path(name)).
  std::optional<const nlohmann::json*> object(std::string_view name,
                                              Presence presence = Presence::required);

  // Marks a field as known without reading it (a handler that reads it some other way).
  void accept(std::string_view name);

  // The paths used for nested readers: "rules[0]." and "settings.".
  std::string item_path(std::string_view name, std::size_t index) const;
  std::string nested_path(std::string_view name) const;

  // Adopts the outcome of a nested reader's finish(); its problem counts as if recorded here.
  void merge(docket::Status<Problem> nested);

  // True while no problem has been recorded.
  bool ok() const noexcept { return !problem_.has_value(); }

  // Ends the read: a field that no getter or accept() named is 422 unknown_field (the first in
  // name order; it takes precedence over recorded problems, since a misspelt field usually
  // explains them); else the first recorded problem; else ok.
  docket::Status<Problem> finish();

 private:
  // The value of `name`, marking it known; nullptr when absent or null (recording "is required"
  // when the field is required).
  const nlohmann::json* find(std::string_view name, Presence presence);
  void invalid(std::string_view name, std::string detail);
  void out_of_range(std::string_view name, std::string detail);
  std::string path(std::string_view name) const;

  const nlohmann::json& object_;
  std::string prefix_;
  std::set<std::string, std::less<>> known_;
  std::optional<Problem> problem_;
  std::optional<Problem> nested_unknown_;
};

}  // namespace docket::api
