#include "api/routes.hpp"

#include <stdexcept>

#include "api/error_map.hpp"

namespace docket::api {
namespace {

// Splits "/a/b" into {"a", "b"}; "/" into {}. Precondition: starts with '/'.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  path.remove_prefix(1);
  if (path.empty()) return parts;
  while (true) {
    const auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

}  // namespace

std::string_view to_string(Method method) noexcept {
  switch (method) {
    case Method::get:
      return "GET";
    case Method::post:
      return "POST";
    case Method::put:
      return "PUT";
    case Method::patch:
      return "PATCH";
    case Method::del:
      return "DELETE";
  }
  return "GET";
}

std::optional<Method> parse_method(std::string_view text) noexcept {
  if (text == "GET" || text == "HEAD") return Method::get;
  if (text == "POST") return Method::post;
  if (text == "PUT") return Method::put;
  if (text == "PATCH") return Method::patch;
  if (text == "DELETE") return Method::del;
  return std::nullopt;
}

void PathParams::add(std::string name, std::string value) {
  values_.emplace_back(std::move(name), std::move(value));
}

std::string_view PathParams::get(std::string_view name) const noexcept {
  for (const auto& [n, v] : values_) {
    if (n == name) return v;
  }
  return {};
}

Reply Reply::json(int status, const nlohmann::json& value) {
  Reply r;
  r.status = status;
  r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Reply Reply::no_content() {
  Reply r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Reply Reply::text(std::string content_type, std::string body) {
  Reply r;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Reply Reply::problem(const Problem& problem) {
  Reply r;
  r.status = problem.status;
  r.content_type = std::string(problem_content_type);
  r.body = to_body(problem);
  return r;
}

Reply Reply::error(const domain::Error& error) {
  return problem(to_problem(error));
}

RouteTable& RouteTable::add(Route route) {
  if (!route.handler) throw std::logic_error("route without a handler: " + route.pattern);
  if (route.pattern.empty() || route.pattern.front() != '/') {
    throw std::logic_error("route pattern must start with '/': " + route.pattern);
  }
  std::vector<Segment> segments;
  for (std::string_view part : split_path(route.pattern)) {
    if (part.empty()) throw std::logic_error("empty segment in route pattern: " + route.pattern);
    Segment s;
    if (part.front() == '{') {
      if (part.size() < 3 || part.back() != '}') {
        throw std::logic_error("malformed parameter in route pattern: " + route.pattern);
      }
      s.param = true;
      s.text = std::string(part.substr(1, part.size() - 2));
      for (const auto& other : segments) {
        if (other.param && other.text == s.text) {
          throw std::logic_error("duplicate parameter in route pattern: " + route.pattern);
        }
      }
    } else {
      if (part.find_first_of("{}") != std::string_view::npos) {
        throw std::logic_error("malformed segment in route pattern: " + route.pattern);
      }
      s.text = std::string(part);
    }
    segments.push_back(std::move(s));
  }
  if (contains(route.method, route.pattern)) {
    throw std::logic_error("duplicate route: " + std::string(to_string(route.method)) + " " +
                           route.pattern);
  }
  routes_.push_back(std::move(route));
  segments_.push_back(std::move(segments));
  return *this;
}

std::vector<Method> RouteTable::methods_for(std::string_view path) const {
  std::vector<Method> out;
  for (Method m : {Method::get, Method::post, Method::put, Method::patch, Method::del}) {
    const RouteMatch match = find(m, path);
    if (match.route != nullptr) out.push_back(m);
  }
  return out;
}

bool RouteTable::contains(Method method, std::string_view pattern) const {
  for (const auto& r : routes_) {
    if (r.method == method && r.pattern == pattern) return true;
  }
  return false;
}

RouteMatch RouteTable::find(Method method, std::string_view path) const {
  RouteMatch out;
  if (path.empty() || path.front() != '/') return out;
  const auto parts = split_path(path);
  const std::vector<Segment>* best_segments = nullptr;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& segs = segments_[i];
    if (segs.size() != parts.size()) continue;
    bool match = true;
    for (std::size_t k = 0; k < segs.size() && match; ++k) {
      match = segs[k].param ? !parts[k].empty() : segs[k].text == parts[k];
    }
    if (!match) continue;
    if (routes_[i].method != method) {
      out.allowed.push_back(routes_[i].method);
      continue;
    }
    // More specific: the first segment where the two differ in kind is literal here.
    bool better = best_segments == nullptr;
    for (std::size_t k = 0; !better && k < segs.size(); ++k) {
      if (segs[k].param != (*best_segments)[k].param) {
        better = !segs[k].param;
        break;
      }
    }
    if (better) {
      out.route = &routes_[i];
      best_segments = &segs;
    }
  }
  if (out.route != nullptr) {
    out.allowed.clear();
    for (std::size_t k = 0; k < parts.size(); ++k) {
      if ((*best_segments)[k].param) {
        out.path.add((*best_segments)[k].text, std::string(parts[k]));
      }
    }
  }
  return out;
}

}  // namespace docket::api
