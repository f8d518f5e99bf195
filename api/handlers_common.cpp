#include "api/handlers_common.hpp"

#include <charconv>
#include <utility>

#include "api/entity_id.hpp"
#include "api/error_map.hpp"

namespace docket::api {

namespace {

constexpr std::size_t max_idempotency_key = 255;

// "7", "\"7\"" or W/"7": the doctor's stream version.
std::optional<std::uint64_t> parse_if_match(std::string_view text) {
  if (text.starts_with("W/")) text.remove_prefix(2);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

Reply from_stored(const StoredReply& stored) {
  Reply r;
  r.status = stored.status;
  r.body = stored.body;
  r.content_type =
      stored.status >= 400 ? std::string(problem_content_type) : std::string("application/json");
  if (!stored.position.empty()) r.headers.emplace_back("Docket-Position", stored.position);
  return r;
}

std::string position_of(const Reply& r) {
  for (const auto& [name, value] : r.headers) {
    if (name == "Docket-Position") return value;
  }
  return {};
}

Reply from_error(const CommandError& e, bool entity) {
  switch (e.code) {
    case command_errc::rejected: {
      if (entity && e.domain.code == domain::errc::doctor_not_found) {
        return Reply::problem(make_problem(domain::errc::not_found, "No such resource."));
      }
      return Reply::error(e.domain);
    }
    case command_errc::version_mismatch:
      return Reply::problem(make_problem(api_errc::version_mismatch,
                                         "If-Match does not name the doctor's current version " +
                                             std::to_string(e.current_version) + "."));
    case command_errc::conflict:
      return Reply::problem(
          make_problem(api_errc::write_conflict, "Another writer changed the doctor; retry."));
    case command_errc::unavailable:
      break;
  }
  return Reply::problem(make_problem(api_errc::unavailable, "The event log is unavailable."));
}

Reply execute(const HandlerContext& context, CommandCall cc, CommandOptions options) {
  const int status = cc.success_status;
  const std::string doctor_id = cc.doctor_id;
  if (status != 204) options.view = cc.view;
  auto result = context.service->execute(cc.doctor_id, std::move(cc.command), std::move(options));
  if (!result) return from_error(result.error(), cc.entity);
  auto& outcome = result.value();
  Reply reply;
  if (status == 204) {
    reply = Reply::no_content();
  } else {
    nlohmann::json body = std::move(outcome.view);
    if (body.is_null() && cc.view) {
      // Nothing was appended (a retried or unchanged command), so no view was built on the
      // writer: build it from the state as it stands, with no events.
      auto state = context.service->state_of(doctor_id);
      if (!state) return from_error(state.error(), cc.entity);
      body = cc.view(state.value(), {});
    }
    if (body.is_null()) body = nlohmann::json::object();
    reply = Reply::json(status, body);
  }
  reply.headers.emplace_back("Docket-Position", outcome.position.to_token());
  return reply;
}

}  // namespace

docket::Result<std::string, Problem> doctor_of_entity(std::string_view entity_id) {
  auto doctor = doctor_of(entity_id);
  if (!doctor) return docket::fail(make_problem(domain::errc::not_found, "No such resource."));
  return std::move(*doctor);
}

docket::Status<Problem> check_doctor_id(std::string_view doctor_id) {
  if (!is_doctor_id(doctor_id)) {
    return docket::fail(
        make_problem(domain::errc::doctor_not_found, "No such doctor.", "doctor_id"));
  }
  return docket::unit;
}

Reply run_command(const HandlerContext& context, const Call& call, CommandCall cc) {
  if (context.router != nullptr) {
    if (auto elsewhere = context.router->route(cc.doctor_id, call)) return std::move(*elsewhere);
  }
  CommandOptions options;
  if (const auto if_match = call.http.get_header_value("If-Match"); !if_match.empty()) {
    options.expected_version = parse_if_match(if_match);
    if (!options.expected_version) {
      return Reply::problem(make_problem(domain::errc::invalid_field,
                                         "If-Match must be the doctor's version.", "If-Match"));
    }
  }
  const std::string key = call.http.get_header_value("Idempotency-Key");
  if (key.empty() || context.idempotency == nullptr || !call.who || call.http.method != "POST") {
    return execute(context, std::move(cc), std::move(options));
  }
  if (key.size() > max_idempotency_key) {
    return Reply::problem(make_problem(domain::errc::out_of_range,
                                       "Idempotency-Key is longer than 255 characters.",
                                       "Idempotency-Key"));
  }
  // The parsed body, dumped with sorted keys: the same JSON with other spacing or member order is
  // the same request.
  const std::string hash =
      IdempotencyStore::request_hash(call.http.method, call.http.path, call.body.dump());
  auto begun = context.idempotency->begin(call.who->sub, key, hash, context.service->now(),
                                          context.idempotency_wait);
  if (!begun) {
    return Reply::problem(make_problem(api_errc::unavailable, "The idempotency store failed."));
  }
  switch (begun->outcome) {
    case idempotency_outcome::replay:
      return from_stored(begun->reply);
    case idempotency_outcome::reused:
      return Reply::problem(make_problem(api_errc::idempotency_key_reused,
                                         "This Idempotency-Key was used with another request.",
                                         "Idempotency-Key"));
    case idempotency_outcome::busy:
      return Reply::problem(make_problem(
          api_errc::unavailable, "A request with this Idempotency-Key is still being handled."));
    case idempotency_outcome::applied_reply_lost: {
      // The command is durable but its reply was lost in a crash: say so rather than apply it
      // again. The position lets the caller read its effect.
      Reply r = Reply::ok({{"applied", true},
                           {"detail",
                            "The request was applied before a restart; its reply "
                            "is no longer available."}});
      if (!begun->reply.position.empty()) {
        r.headers.emplace_back("Docket-Position", begun->reply.position);
      }
      return r;
    }
    case idempotency_outcome::execute:
      break;
  }
  const std::string token = begun->token;
  options.idempotency_token = token;
  Reply reply = execute(context, std::move(cc), std::move(options));
  if (reply.status >= 500) {
    context.idempotency->abandon(token);
    return reply;
  }
  auto stored =
      context.idempotency->complete(token, {reply.status, reply.body, position_of(reply)});
  // The command is durable and answered either way; a reply that could not be stored only
  // means a retry gets applied_reply_lost after a restart instead of the body.
  docket::permit_unchecked(stored);
  return reply;
}

}  // namespace docket::api
