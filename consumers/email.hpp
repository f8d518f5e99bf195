#pragma once
// E-mail notifications: the RFC 5322 message built from a notification message. Off by default
// (no SMTP URL configured); sent by the curl transport (delivery.hpp) to "mailto:" destinations.

#include <string>
#include <string_view>

namespace docket::consumers {

// A plain-text e-mail for `message_json` (a notification message: id, type, occurred_at, data):
// headers From, To, Subject ("Docket: <type>"), Message-ID (from the message id, so a resent
// message is recognisable), Date (the message's occurred_at), MIME text/plain UTF-8; the body
// lists the data's fields one per line. CRLF line ends; header values are stripped of CR and LF
// so that no field can inject a header. Pure; thread-safe.
std::string build_email(std::string_view message_json, std::string_view from, std::string_view to);

}  // namespace docket::consumers
