#include "api/problem.hpp"

namespace docket::api {

nlohmann::json to_json(const Problem& problem) {
  nlohmann::json out = nlohmann::json::object();
  out["type"] = "urn:docket:problem:" + problem.code;
  out["title"] = problem.title;
  out["status"] = problem.status;
  out["code"] = problem.code;
  out["detail"] = problem.detail;
  if (!problem.field.empty()) out["field"] = problem.field;
  if (problem.extra.is_object()) {
    for (const auto& [name, value] : problem.extra.items()) {
      if (!out.contains(name) && name != "field") out[name] = value;
    }
  }
  return out;
}

std::string to_body(const Problem& problem) {
  // Replacement keeps a reply well-formed even if a detail ever carried broken UTF-8.
  return to_json(problem).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace docket::api
