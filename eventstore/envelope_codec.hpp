#pragma once
// The stored text form of an envelope, fast. Semantically this is exactly
//   seal:  e.hash = compute_hash(e); text = to_cloudevent(e).dump()
//   parse: from_cloudevent(nlohmann::json::parse(text))
// but it serializes the envelope attribute by attribute instead of building a JSON tree, and parses
// the common shape of stored envelopes directly into a RecordedEvent, falling back to the general
// path above for anything unusual. The log's writer and scans are bound by this code.

#include <optional>
#include <string>
#include <string_view>

#include "eventstore/envelope.hpp"

namespace docket::eventstore {

// The canonical form (every attribute but `hash`, compact, keys sorted) when `with_hash` is false;
// the stored form (the same with `hash`) when true. Pure, thread-safe.
std::string envelope_text(const RecordedEvent& e, bool with_hash);

// Sets `e.hash` to the hash of its canonical form and returns its stored text (equal to
// envelope_text(e, true)). Pure but for `e`, thread-safe.
std::string seal_envelope(RecordedEvent& e);

// seal_envelope, appending the stored text to `out` (which may already hold a prefix).
void seal_envelope_into(RecordedEvent& e, std::string& out);

// The lowercase hex SHA-256 of `bytes`. Thread-safe.
std::string sha256_hex(std::string_view bytes);

// Parses a stored envelope; nullopt when from_cloudevent would reject it or it is not JSON.
// `position` is left default. Pure, thread-safe.
std::optional<RecordedEvent> parse_envelope(std::string_view text);

// parse_envelope into `out`, which must be default-constructed (e.g. just emplaced where the
// event is to live, so that nothing is moved afterwards). False when parse_envelope would give
// nullopt; `out` then holds no meaningful event.
bool parse_envelope_into(std::string_view text, RecordedEvent& out);

}  // namespace docket::eventstore
