#include "api/availability_json.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

namespace docket::api {

namespace {

void put_int(std::string& out, int value) {
  char digits[16];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

void put_instant(std::string& out, domain::Instant t) {
  out += '"';
  out += domain::format_rfc3339(t);
  out += '"';
}

}  // namespace

std::string availability_body(const projections::AvailabilityView& view) {
  std::string out;
  // About 150 bytes a slot.
  out.reserve(64 + view.slots.size() * 160);
  out += "{\"doctor_id\":";
  out += nlohmann::json(view.doctor_id).dump();
  out += ",\"slots\":[";
  bool first = true;
  for (const projections::SlotView& s : view.slots) {
    if (!first) out += ',';
    first = false;
    out += "{\"available\":";
    put_int(out, s.available);
    out += ",\"booked\":";
    put_int(out, s.booked);
    out += ",\"capacity\":";
    put_int(out, s.capacity);
    out += ",\"end\":";
    put_instant(out, s.end);
    out += ",\"held\":";
    put_int(out, s.held);
    out += ",\"start\":";
    put_instant(out, s.start);
    out += ",\"status\":\"";
    out += projections::to_string(s.status);
    out += "\"}";
  }
  out += "],\"timezone\":";
  out += nlohmann::json(view.timezone).dump();
  out += '}';
  return out;
}

}  // namespace docket::api
