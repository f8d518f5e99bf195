#include "eventstore/envelope_codec.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace docket::eventstore {
namespace {

using json = nlohmann::json;

// ---- writing
// -------------------------------------------------------------------------------------

void append_string(std::string& out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
  });
  if (plain) {
    out.push_back('"');
    out.append(s);
    out.push_back('"');
  } else {
    // Escapes and invalid UTF-8 exactly the way the tree form's dump does.
    out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

void append_attribute(std::string& out, std::string_view key, std::string_view value) {
  if (out.size() > 1) out.push_back(',');
  out.push_back('"');
  out.append(key);
  out.append("\":");
  append_string(out, value);
}

// ---- reading
// -------------------------------------------------------------------------------------

// Parses the subset of JSON that stored envelopes use. `ok` turns false on anything it is not sure
// to handle exactly like nlohmann::json::parse; the caller then takes the general path.
class FastParser {
 public:
  explicit FastParser(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool ok = true;

  std::optional<RecordedEvent> envelope() {
    RecordedEvent e;
    bool spec = false;
    bool version = false;
    unsigned seen = 0;  // bit per required string attribute
    skip_ws();
    if (!eat('{')) return give_up();
    skip_ws();
    if (eat('}')) return give_up();
    while (ok) {
      std::string key;
      skip_ws();
      if (!string(key)) return give_up();
      skip_ws();
      if (!eat(':')) return give_up();
      skip_ws();
      if (key == "data") {
        if (!value(e.data, 0)) return give_up();
      } else if (key == "streamversion") {
        if (version || !unsigned_integer(e.version)) return give_up();
        version = true;
      } else if (key == "specversion") {
        std::string s;
        if (spec || !string(s) || s != "1.0") return give_up();
        spec = true;
      } else if (std::string* target = field(e, key, seen)) {
        if (!string(*target)) return give_up();
      } else {
        json ignored;
        if (!value(ignored, 0)) return give_up();
      }
      skip_ws();
      if (eat('}')) break;
      if (!eat(',')) return give_up();
    }
    skip_ws();
    constexpr unsigned kRequired = (1u << 9) - 1;
    if (!ok || p_ != end_ || !spec || !version || (seen & kRequired) != kRequired) {
      return give_up();
    }
    if (e.id.empty() || e.type.empty() || e.stream.empty() || e.version == 0) return give_up();
    return e;
  }

 private:
  std::optional<RecordedEvent> give_up() {
    ok = false;
    return std::nullopt;
  }

  // The string attribute `key` names, marking it seen; null for data/unknown keys and for a key
  // seen twice (duplicates take the general path).
  static std::string* field(RecordedEvent& e, const std::string& key, unsigned& seen) {
    static const std::pair<const char*, std::string RecordedEvent::*> kRequired[] = {
        {"id", &RecordedEvent::id},         {"source", &RecordedEvent::source},
        {"type", &RecordedEvent::type},     {"time", &RecordedEvent::time},
        {"stream", &RecordedEvent::stream}, {"prevhash", &RecordedEvent::prevhash},
        {"hash", &RecordedEvent::hash},
    };
    for (unsigned i = 0; i < std::size(kRequired); ++i) {
      if (key == kRequired[i].first) return mark(seen, i, &(e.*kRequired[i].second));
    }
    if (key == "actorsub") return mark(seen, 7, &e.actor.sub);
    if (key == "actorrole") return mark(seen, 8, &e.actor.role);
    if (key == "subject") return mark(seen, 9, &e.subject);
    if (key == "correlationid") return mark(seen, 10, &e.correlation_id);
    if (key == "causationid") return mark(seen, 11, &e.causation_id);
    if (key == "datacontenttype") {
      static thread_local std::string ignored;
      return mark(seen, 12, &ignored);
    }
    return nullptr;
  }
  static std::string* mark(unsigned& seen, unsigned bit, std::string* target) {
    if (seen & (1u << bit)) return nullptr;
    seen |= 1u << bit;
    return target;
  }

  void skip_ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
      ++p_;
  }
  bool eat(char c) {
    if (p_ != end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  bool string(std::string& out) {
    if (!eat('"')) return ok = false;
    const char* start = p_;
    while (p_ != end_) {
      const auto u = static_cast<unsigned char>(*p_);
      if (u == '"') {
        out.assign(start, p_);
        ++p_;
        return true;
      }
      // Escapes, control characters and non-ASCII bytes (UTF-8 validation) are left to nlohmann.
      if (u == '\\' || u < 0x20 || u >= 0x80) return ok = false;
      ++p_;
    }
    return ok = false;
  }

  bool unsigned_integer(std::uint64_t& out) {
    const char* start = p_;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9')
      ++p_;
    if (p_ == start || (*start == '0' && p_ - start > 1)) return ok = false;
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return ok = false;
    const auto [end, ec] = std::from_chars(start, p_, out);
    return ok = (ec == std::errc{} && end == p_);
  }

  bool number(json& out) {
    const char* start = p_;
    const bool negative = eat('-');
    const char* digits = p_;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9')
      ++p_;
    if (p_ == digits || (*digits == '0' && p_ - digits > 1)) return ok = false;
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E'))
      return ok = false;  // floats: general path
    if (negative) {
      std::int64_t v = 0;
      const auto [end, ec] = std::from_chars(start, p_, v);
      if (ec != std::errc{} || end != p_) return ok = false;
      out = v;
    } else {
      std::uint64_t v = 0;
      const auto [end, ec] = std::from_chars(start, p_, v);
      if (ec != std::errc{} || end != p_) return ok = false;
      out = v;
    }
    return true;
  }

  bool literal(const char* word, json value, json& out) {
    const std::size_t n = std::strlen(word);
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return ok = false;
    p_ += n;
    out = std::move(value);
    return true;
  }

  bool value(json& out, int depth) {
    if (depth > 64 || p_ == end_) return ok = false;
    switch (*p_) {
      case '{': {
        ++p_;
        out = json::object();
        auto& object = out.get_ref<json::object_t&>();
        skip_ws();
        if (eat('}')) return true;
        while (true) {
          std::string key;
          skip_ws();
          if (!string(key)) return false;
          skip_ws();
          if (!eat(':')) return ok = false;
          skip_ws();
          json item;
          if (!value(item, depth + 1)) return false;
          if (!object.emplace(std::move(key), std::move(item)).second) return ok = false;
          skip_ws();
          if (eat('}')) return true;
          if (!eat(',')) return ok = false;
        }
      }
      case '[': {
        ++p_;
        out = json::array();
        auto& array = out.get_ref<json::array_t&>();
        skip_ws();
        if (eat(']')) return true;
        while (true) {
          skip_ws();
          array.emplace_back();
          if (!value(array.back(), depth + 1)) return false;
          skip_ws();
          if (eat(']')) return true;
          if (!eat(',')) return ok = false;
        }
      }
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = std::move(s);
        return true;
      }
      case 't':
        return literal("true", true, out);
      case 'f':
        return literal("false", false, out);
      case 'n':
        return literal("null", nullptr, out);
      default:
        return number(out);
    }
  }

  const char* p_;
  const char* end_;
};

}  // namespace

std::string envelope_text(const RecordedEvent& e, bool with_hash) {
  // Keys in byte order, the order nlohmann::json's std::map gives them.
  std::string out;
  out.reserve(512);
  out.push_back('{');
  append_attribute(out, "actorrole", e.actor.role);
  append_attribute(out, "actorsub", e.actor.sub);
  if (!e.causation_id.empty()) append_attribute(out, "causationid", e.causation_id);
  if (!e.correlation_id.empty()) append_attribute(out, "correlationid", e.correlation_id);
  out.append(",\"data\":");
  out += e.data.dump(-1, ' ', false, json::error_handler_t::replace);
  append_attribute(out, "datacontenttype", "application/json");
  if (with_hash) append_attribute(out, "hash", e.hash);
  append_attribute(out, "id", e.id);
  append_attribute(out, "prevhash", e.prevhash);
  append_attribute(out, "source", e.source);
  append_attribute(out, "specversion", "1.0");
  append_attribute(out, "stream", e.stream);
  out.append(",\"streamversion\":");
  out += std::to_string(e.version);
  if (!e.subject.empty()) append_attribute(out, "subject", e.subject);
  append_attribute(out, "time", e.time);
  append_attribute(out, "type", e.type);
  out.push_back('}');
  return out;
}

std::string seal_envelope(RecordedEvent& e) {
  e.hash = compute_hash(e);
  return envelope_text(e, true);
}

std::optional<RecordedEvent> parse_envelope(std::string_view text) {
  FastParser fast(text);
  if (auto e = fast.envelope(); fast.ok) return e;
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return from_cloudevent(j);
}

}  // namespace docket::eventstore
