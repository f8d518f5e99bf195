#pragma once
// What goes into and comes out of the command service (command_service.hpp).

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/commands.hpp"
#include "domain/doctor_state.hpp"
#include "domain/errors.hpp"
#include "domain/events.hpp"
#include "domain/result.hpp"
#include "eventstore/position.hpp"

namespace docket::api {

enum class command_errc {
  rejected,          // the domain refused the command; CommandError::domain has the API code
  version_mismatch,  // the caller's expected version (If-Match) is not the doctor's (API 412)
  conflict,          // another writer appended to the stream first, again after one re-decision
  unavailable,       // the log failed, timed out or is closed; nothing of the command is durable
};

// "rejected", "version_mismatch", ...
std::string_view to_string(command_errc e) noexcept;

struct CommandError {
  command_errc code = command_errc::unavailable;
  domain::Error domain{domain::errc::invalid_field, {}, {}, {}};  // meaningful with `rejected`
  std::uint64_t current_version = 0;  // with version_mismatch and conflict: the doctor's version
  std::string detail;                 // for operators and `detail`; never patient text
};

// The reply to a command, built on the doctor's writer from the state right after the command's
// events were applied. Called only when the command appended events; its result is kept until
// the events are durable and dropped when they are not. Must be quick and must not block.
using ReplyView = std::function<nlohmann::json(const domain::DoctorState& after,
                                               const std::vector<domain::Event>& events)>;

struct CommandOptions {
  // The doctor's version the caller expects (If-Match); a different one is version_mismatch.
  std::optional<std::uint64_t> expected_version;
  std::string correlation_id;  // stored in the commit's metadata; may be empty
  // The scoped idempotency token (IdempotencyStore::Ticket::token) when the request carries an
  // Idempotency-Key: it is stored as the commit's causation id so that a crash between the
  // durable append and the stored reply can be recognised on restart.
  std::string idempotency_token;
  ReplyView view;  // optional
};

struct CommandOutcome {
  std::vector<domain::Event> events;  // what the command appended (empty: nothing changed)
  std::uint64_t version = 0;          // the doctor's stream version after the command
  // The log position of the command's last event, or of the last event the decision was based
  // on when nothing was appended (Docket-Position in both cases).
  eventstore::Position position;
  nlohmann::json view;  // what CommandOptions::view returned (null when none or nothing appended)
};

using CommandResult = docket::Result<CommandOutcome, CommandError>;
using CommandCallback = std::function<void(CommandResult)>;

// The name of a command kind for metrics: "book_appointment", "place_hold", ...
std::string_view command_kind_name(std::size_t variant_index) noexcept;
inline constexpr std::size_t kCommandKinds = std::variant_size_v<domain::Command>;

}  // namespace docket::api
