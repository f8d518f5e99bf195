#pragma once
// The building blocks of the OpenAPI document (api/openapi.hpp): JSON Schema helpers and the
// description of one route, shared by the files that describe routes.

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/routes.hpp"

namespace docket::api::openapi_schema {

using nlohmann::json;

inline json str() {
  return {{"type", "string"}};
}
inline json str_format(std::string_view format) {
  return {{"type", "string"}, {"format", format}};
}
inline json integer() {
  return {{"type", "integer"}};
}
inline json number() {
  return {{"type", "number"}};
}
inline json boolean() {
  return {{"type", "boolean"}};
}
inline json array_of(json items) {
  return {{"type", "array"}, {"items", std::move(items)}};
}
inline json enum_of(std::initializer_list<std::string_view> values) {
  json e = json::array();
  for (auto v : values)
    e.push_back(v);
  return {{"type", "string"}, {"enum", std::move(e)}};
}
inline json object(json properties, std::initializer_list<std::string_view> required = {},
                   bool closed = true) {
  json out = {{"type", "object"}, {"properties", std::move(properties)}};
  if (required.size() > 0) {
    json r = json::array();
    for (auto n : required)
      r.push_back(n);
    out["required"] = std::move(r);
  }
  if (closed) out["additionalProperties"] = false;
  return out;
}
inline json ref(std::string_view name) {
  return {{"$ref", "#/components/schemas/" + std::string(name)}};
}

inline json consultation_type() {
  return enum_of({"in_person", "video", "audio", "chat"});
}
inline json instant() {
  return str_format("date-time");
}

struct Description {
  Method method;
  std::string pattern;
  std::string summary;
  json request = nullptr;  // null: no body
  int status = 200;
  json response = nullptr;  // null: no body
};

// The read-model query routes (api/openapi_queries.cpp): their descriptions, query parameters
// and response schemas. Pure.
void add_query_descriptions(std::vector<Description>& d);
json query_parameters(std::string_view pattern);
void add_query_schemas(json& schemas);

}  // namespace docket::api::openapi_schema
