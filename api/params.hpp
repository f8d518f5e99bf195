#pragma once
// Query-string readers for list and range endpoints (API.md, "Conventions": lists are paged,
// `page` from 1, `per_page` above 100 treated as 100).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "api/problem.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"

namespace docket::api {

// The same type as httplib::Params (decoded query parameters), so these functions need no server.
using QueryParams = std::multimap<std::string, std::string>;

inline constexpr std::int64_t default_per_page = 20;
inline constexpr std::int64_t max_per_page = 100;

struct Paging {
  std::int64_t page = 1;                     // >= 1
  std::int64_t per_page = default_per_page;  // 1..max_per_page
  std::int64_t offset() const noexcept { return (page - 1) * per_page; }
};

// The single value of `name`: nullopt when absent; a problem (422 invalid_field) when given more
// than once. Pure.
docket::Result<std::optional<std::string>, Problem> query_value(const QueryParams& params,
                                                                std::string_view name);

// A decimal integer in [min, max] (digits with an optional leading '-'): nullopt when absent,
// 422 invalid_field when not an integer, 422 out_of_range outside [min, max]. Pure.
docket::Result<std::optional<std::int64_t>, Problem> query_integer(const QueryParams& params,
                                                                   std::string_view name,
                                                                   std::int64_t min,
                                                                   std::int64_t max);

// A local date "YYYY-MM-DD": nullopt when absent, 422 invalid_field when malformed or not a
// real date. Pure.
docket::Result<std::optional<domain::LocalDate>, Problem> query_date(const QueryParams& params,
                                                                     std::string_view name);

// An RFC 3339 instant: nullopt when absent, 422 invalid_field when malformed. Pure.
docket::Result<std::optional<domain::Instant>, Problem> query_instant(const QueryParams& params,
                                                                      std::string_view name);

// `page` (default 1, >= 1) and `per_page` (default 20, >= 1, anything above 100 is 100).
// Problems carry the parameter as `field`: 422 invalid_field for a non-integer, 422
// out_of_range for page < 1 or per_page < 1. Pure.
docket::Result<Paging, Problem> read_paging(const QueryParams& params);

}  // namespace docket::api
