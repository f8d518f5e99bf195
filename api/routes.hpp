#pragma once
// The route table: every endpoint as (method, pattern, auth, body rule, handler). The server
// dispatches through it, and the same list feeds the OpenAPI document, so a test can check that
// the two name the same routes.

#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/auth.hpp"
#include "api/body.hpp"
#include "api/params.hpp"
#include "api/problem.hpp"
#include "domain/errors.hpp"

namespace docket::api {

enum class Method { get, post, put, patch, del };

// "GET", "POST", "PUT", "PATCH", "DELETE". Pure.
std::string_view to_string(Method method) noexcept;
// The inverse of to_string; HEAD reads as GET. nullopt for any other method. Pure.
std::optional<Method> parse_method(std::string_view text) noexcept;

enum class Auth {
  none,   // open: /healthz, /readyz, /metrics, /openapi.json
  token,  // a valid bearer token is required (401 unauthenticated otherwise)
};

// The `{name}` segments of a matched path, in pattern order.
class PathParams {
 public:
  void add(std::string name, std::string value);
  // The value of `{name}`; empty when the pattern has no such segment (a programmer error).
  std::string_view get(std::string_view name) const noexcept;
  const std::vector<std::pair<std::string, std::string>>& all() const noexcept { return values_; }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

// What a handler is given. Everything is already checked: the route matched, the token (if the
// route needs one) verified, and the body (if the route reads one) parsed into a JSON object.
struct Call {
  const httplib::Request& http;         // headers; the body is in `body`, not here
  const PathParams& path;               // `{name}` segments
  const QueryParams& query;             // decoded query parameters
  const std::optional<Principal>& who;  // set exactly when the route's auth is Auth::token
  const nlohmann::json& body;           // the JSON object; empty object for BodyRule::none
};

// Sends one piece of a streamed body; false once the client is gone (the stream should end).
using StreamWrite = std::function<bool(std::string_view data)>;
// Produces a streamed body on the connection thread: writes pieces as they come and returns when
// the stream is over (the client left, or the server is stopping: see ServerOptions::on_stop).
using StreamBody = std::function<void(const StreamWrite& write)>;

// A handler's answer. Success statuses are the handler's to choose (201 for a creation, ...);
// error statuses never are: errors go through problem()/error(), which ask error_map.
struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set for a streamed reply (Server-Sent Events): sent chunked, `body` is ignored.
  StreamBody stream;

  static Reply json(int status, const nlohmann::json& value);
  static Reply ok(const nlohmann::json& value) { return json(200, value); }
  static Reply created(const nlohmann::json& value) { return json(201, value); }
  static Reply no_content();
  static Reply text(std::string content_type, std::string body);
  static Reply problem(const Problem& problem);
  static Reply error(const domain::Error& error);
};

using Handler = std::function<Reply(const Call&)>;

struct Route {
  Method method = Method::get;
  // Literal segments and `{name}` segments, e.g. "/v1/doctors/{id}/blocks/{block_id}". A `{name}`
  // segment matches one non-empty path segment.
  std::string pattern;
  Auth auth = Auth::token;
  // Roles allowed to call; empty means any role with a valid token. A caller with another role
  // gets 403 forbidden before the body is read. Ignored for Auth::none.
  std::vector<Role> roles;
  BodyRule body = BodyRule::none;
  Handler handler;
};

class RouteTable;

// The outcome of looking a request up.
struct RouteMatch {
  const Route* route = nullptr;  // set when a route matched method and path
  PathParams path;               // its `{name}` segments
  // When `route` is null: the methods that do match the path (non-empty means 405, empty 404).
  std::vector<Method> allowed;
};

// Built once before the server starts; read-only afterwards, so concurrent lookups are safe.
class RouteTable {
 public:
  // Adds a route. Programmer errors (std::logic_error): a pattern that does not start with '/',
  // has an empty or malformed segment, a duplicate `{name}`, or the same method and pattern
  // twice; a null handler.
  RouteTable& add(Route route);

  // The route for `method` and `path` (a decoded path, no query). When several patterns match,
  // the one with a literal segment where the others have `{name}` (leftmost first) wins.
  RouteMatch find(Method method, std::string_view path) const;

  // Every method some route serves `path` with (for OPTIONS and unknown methods).
  std::vector<Method> methods_for(std::string_view path) const;

  // True when some route has this method and pattern.
  bool contains(Method method, std::string_view pattern) const;

  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  struct Segment {
    bool param = false;
    std::string text;  // the literal, or the parameter name
  };
  std::vector<Route> routes_;
  std::vector<std::vector<Segment>> segments_;  // parallel to routes_
};

}  // namespace docket::api
