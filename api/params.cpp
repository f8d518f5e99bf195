#include "api/params.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "api/error_map.hpp"

namespace docket::api {
namespace {

enum class ParseInt { ok, not_integer, overflow };

ParseInt parse_int(std::string_view text, std::int64_t& out) {
  if (text.empty() || text.front() == '+') return ParseInt::not_integer;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec == std::errc::result_out_of_range) return ParseInt::overflow;
  if (ec != std::errc() || end != text.data() + text.size()) return ParseInt::not_integer;
  return ParseInt::ok;
}

}  // namespace

docket::Result<std::optional<std::string>, Problem> query_value(const QueryParams& params,
                                                                std::string_view name) {
  const std::string key(name);
  const auto count = params.count(key);
  if (count == 0) return std::optional<std::string>{};
  if (count > 1) {
    return fail(make_problem(domain::errc::invalid_field, key + " is given more than once", key));
  }
  return std::optional<std::string>{params.find(key)->second};
}

docket::Result<std::optional<std::int64_t>, Problem> query_integer(const QueryParams& params,
                                                                   std::string_view name,
                                                                   std::int64_t min,
                                                                   std::int64_t max) {
  auto text = query_value(params, name);
  if (!text) return fail(std::move(text).error());
  if (!text->has_value()) return std::optional<std::int64_t>{};
  const std::string key(name);
  std::int64_t value = 0;
  const ParseInt parsed = parse_int(**text, value);
  if (parsed == ParseInt::not_integer) {
    return fail(make_problem(domain::errc::invalid_field, key + " must be an integer", key));
  }
  if (parsed == ParseInt::overflow || value < min || value > max) {
    return fail(make_problem(
        domain::errc::out_of_range,
        key + " must be between " + std::to_string(min) + " and " + std::to_string(max), key));
  }
  return std::optional<std::int64_t>{value};
}

docket::Result<std::optional<domain::LocalDate>, Problem> query_date(const QueryParams& params,
                                                                     std::string_view name) {
  auto text = query_value(params, name);
  if (!text) return fail(std::move(text).error());
  if (!text->has_value()) return std::optional<domain::LocalDate>{};
  const auto parsed = domain::parse_local_date(**text);
  if (!parsed) {
    const std::string key(name);
    return fail(
        make_problem(domain::errc::invalid_field, key + " must be a date such as 2027-03-01", key));
  }
  return std::optional<domain::LocalDate>{*parsed};
}

docket::Result<std::optional<domain::Instant>, Problem> query_instant(const QueryParams& params,
                                                                      std::string_view name) {
  auto text = query_value(params, name);
  if (!text) return fail(std::move(text).error());
  if (!text->has_value()) return std::optional<domain::Instant>{};
  const auto parsed = domain::parse_rfc3339(**text);
  if (!parsed) {
    const std::string key(name);
    return fail(make_problem(domain::errc::invalid_field,
                             key + " must be an RFC 3339 instant such as 2027-03-01T09:00:00Z",
                             key));
  }
  return std::optional<domain::Instant>{*parsed};
}

docket::Result<Paging, Problem> read_paging(const QueryParams& params) {
  Paging paging;
  auto page = query_integer(params, "page", 1, std::numeric_limits<std::int64_t>::max() / 1024);
  if (!page) return fail(std::move(page).error());
  if (page->has_value()) paging.page = **page;
  // Any per_page above the cap, however large, is the cap (API.md), so parse without an upper
  // bound and clamp; only a value below 1 is an error.
  auto text = query_value(params, "per_page");
  if (!text) return fail(std::move(text).error());
  if (text->has_value()) {
    std::int64_t value = 0;
    const ParseInt parsed = parse_int(**text, value);
    if (parsed == ParseInt::not_integer) {
      return fail(
          make_problem(domain::errc::invalid_field, "per_page must be an integer", "per_page"));
    }
    const bool negative_overflow = parsed == ParseInt::overflow && (**text).front() == '-';
    if (negative_overflow || (parsed == ParseInt::ok && value < 1)) {
      return fail(
          make_problem(domain::errc::out_of_range, "per_page must be at least 1", "per_page"));
    }
    paging.per_page = parsed == ParseInt::overflow ? max_per_page : std::min(value, max_per_page);
  }
  return paging;
}

}  // namespace docket::api
