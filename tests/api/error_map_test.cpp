#include "api/error_map.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace docket::api {
namespace {

using domain::errc;

// The statuses API.md fixes for each domain code.
const std::map<errc, int>& contract() {
  static const std::map<errc, int> table = {
      {errc::doctor_not_found, 404},
      {errc::not_found, 404},
      {errc::queue_empty, 404},
      {errc::slot_taken, 409},
      {errc::slot_blocked, 409},
      {errc::doctor_inactive, 409},
      {errc::patient_conflict, 409},
      {errc::doctor_exists, 409},
      {errc::conflicting_appointments, 409},
      {errc::invalid_transition, 409},
      {errc::deadline_passed, 409},
      {errc::too_early, 409},
      {errc::queue_full, 409},
      {errc::offer_expired, 409},
      {errc::not_a_slot, 422},
      {errc::in_past, 422},
      {errc::too_soon, 422},
      {errc::too_far, 422},
      {errc::consultation_type_not_offered, 422},
      {errc::text_too_long, 422},
      {errc::hold_invalid, 422},
      {errc::invalid_timezone, 422},
      {errc::invalid_id, 422},
      {errc::overlapping_rules, 422},
      {errc::invalid_field, 422},
      {errc::out_of_range, 422},
      {errc::range_too_large, 422},
      {errc::forbidden, 403},
  };
  return table;
}

// Every errc value: the enum has no explicit values, so they run 0.. up to the first value that
// domain::to_code does not know.
std::vector<errc> all_domain_errors() {
  std::vector<errc> out;
  for (int i = 0; i < 1000; ++i) {
    const auto e = static_cast<errc>(i);
    if (domain::to_code(e) == "unknown") break;
    out.push_back(e);
  }
  return out;
}

TEST(ErrorMap, EveryDomainErrorHasItsContractStatus) {
  const auto all = all_domain_errors();
  ASSERT_EQ(all.size(), contract().size()) << "a domain::errc is missing from the contract table";
  for (errc e : all) {
    const auto it = contract().find(e);
    ASSERT_NE(it, contract().end()) << domain::to_code(e);
    EXPECT_EQ(http_status(e), it->second) << domain::to_code(e);
    EXPECT_FALSE(title(e).empty()) << domain::to_code(e);
  }
}

TEST(ErrorMap, ApiLevelCodesHaveTheirStatuses) {
  const std::map<api_errc, std::pair<int, std::string>> expected = {
      {api_errc::malformed_json, {400, "malformed_json"}},
      {api_errc::bad_request, {400, "bad_request"}},
      {api_errc::unauthenticated, {401, "unauthenticated"}},
      {api_errc::method_not_allowed, {405, "method_not_allowed"}},
      {api_errc::version_mismatch, {412, "version_mismatch"}},
      {api_errc::body_too_large, {413, "body_too_large"}},
      {api_errc::uri_too_long, {414, "uri_too_long"}},
      {api_errc::unsupported_media_type, {415, "unsupported_media_type"}},
      {api_errc::unknown_field, {422, "unknown_field"}},
      {api_errc::idempotency_key_reused, {422, "idempotency_key_reused"}},
      {api_errc::internal, {500, "internal"}},
      {api_errc::not_caught_up, {503, "not_caught_up"}},
  };
  for (const auto& [e, want] : expected) {
    EXPECT_EQ(http_status(e), want.first) << want.second;
    EXPECT_EQ(to_code(e), want.second);
    EXPECT_FALSE(title(e).empty()) << want.second;
  }
}

TEST(ErrorMap, ApiCodesDoNotCollideWithDomainCodes) {
  std::set<std::string> domain_codes;
  for (errc e : all_domain_errors())
    domain_codes.emplace(domain::to_code(e));
  for (int i = 0; i <= static_cast<int>(api_errc::not_caught_up); ++i) {
    EXPECT_EQ(domain_codes.count(std::string(to_code(static_cast<api_errc>(i)))), 0u);
  }
}

TEST(ErrorMap, DomainErrorBecomesProblemWithFieldAndIds) {
  domain::Error err{errc::conflicting_appointments, "2 live appointments", "", {"a1", "a2"}};
  const Problem p = to_problem(err);
  EXPECT_EQ(p.status, 409);
  EXPECT_EQ(p.code, "conflicting_appointments");
  EXPECT_EQ(p.detail, "2 live appointments");
  EXPECT_EQ(to_json(p).at("appointments"), (nlohmann::json{"a1", "a2"}));

  const Problem q = to_problem(domain::Error{errc::too_soon, "within notice", "start", {}});
  EXPECT_EQ(q.status, 422);
  EXPECT_EQ(q.field, "start");
  EXPECT_FALSE(to_json(q).contains("appointments"));
}

TEST(ErrorMap, BareLibraryStatusesBecomeProblems) {
  EXPECT_EQ(problem_for_status(413).code, "body_too_large");
  EXPECT_EQ(problem_for_status(400).code, "bad_request");
  EXPECT_EQ(problem_for_status(404).code, "not_found");
  EXPECT_EQ(problem_for_status(414).status, 414);
  const Problem teapot = problem_for_status(418);
  EXPECT_EQ(teapot.status, 418);
  EXPECT_EQ(problem_for_status(502).status, 500);
  EXPECT_EQ(problem_for_status(502).code, "internal");
}

}  // namespace
}  // namespace docket::api
