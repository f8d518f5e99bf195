#include "eventstore/envelope_codec.hpp"

#include <algorithm>
#include <bit>
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

// Every attribute but the first (actorrole) follows another one.
void append_attribute(std::string& out, std::string_view key, std::string_view value,
                      bool first = false) {
  if (!first) out.push_back(',');
  out.push_back('"');
  out.append(key);
  out.append("\":");
  append_string(out, value);
}

// ---- reading
// -------------------------------------------------------------------------------------

// Parses the subset of JSON that stored envelopes use. `ok` turns false on anything it is not sure
// to handle exactly like nlohmann::json::parse; the caller then takes the general path. Scans are
// bound by this code: it parses straight into the caller's RecordedEvent, compares keys as views
// of the text, and appends object members at the end of their map when keys come sorted (they do
// in stored envelopes).
class FastParser {
 public:
  explicit FastParser(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool ok = true;

  // Fills `e`, which must be default-constructed; on false `e` holds a partial result.
  bool envelope(RecordedEvent& e) {
    bool spec = false;
    bool version = false;
    bool data = false;
    unsigned seen = 0;  // bit per string attribute
    skip_ws();
    if (!eat('{')) return give_up();
    skip_ws();
    if (eat('}')) return give_up();
    while (ok) {
      std::string_view key;
      skip_ws();
      if (!view(key)) return give_up();
      skip_ws();
      if (!eat(':')) return give_up();
      skip_ws();
      // A repeated attribute takes the general path, whose answer (the last one wins) is the
      // reference.
      if (key == "data") {
        if (data || !value(e.data, 0)) return give_up();
        data = true;
      } else if (key == "streamversion") {
        if (version || !unsigned_integer(e.version)) return give_up();
        version = true;
      } else if (key == "specversion") {
        std::string_view s;
        if (spec || !view(s) || s != "1.0") return give_up();
        spec = true;
      } else if (const int bit = attribute_bit(key); bit >= 0) {
        if ((seen & (1u << bit)) != 0) return give_up();
        seen |= 1u << bit;
        std::string_view s;
        if (!view(s)) return give_up();
        // Constructing beats assign(), whose general path allows for aliasing.
        if (std::string* target = attribute(e, bit)) *target = std::string(s);
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
    return true;
  }

 private:
  bool give_up() {
    ok = false;
    return false;
  }

  // Bits 0-8 are the required string attributes; -1 for data, numbers and unknown keys.
  static int attribute_bit(std::string_view key) {
    switch (key.size()) {
      case 2:
        return key == "id" ? 0 : -1;
      case 4:
        if (key == "type") return 2;
        if (key == "time") return 3;
        return key == "hash" ? 6 : -1;
      case 6:
        if (key == "source") return 1;
        return key == "stream" ? 4 : -1;
      case 7:
        return key == "subject" ? 9 : -1;
      case 8:
        if (key == "prevhash") return 5;
        return key == "actorsub" ? 7 : -1;
      case 9:
        return key == "actorrole" ? 8 : -1;
      case 11:
        return key == "causationid" ? 11 : -1;
      case 13:
        return key == "correlationid" ? 10 : -1;
      case 15:
        return key == "datacontenttype" ? 12 : -1;
      default:
        return -1;
    }
  }
  // Where the attribute of `bit` goes; null for datacontenttype, which is checked, not kept.
  static std::string* attribute(RecordedEvent& e, int bit) {
    switch (bit) {
      case 0:
        return &e.id;
      case 1:
        return &e.source;
      case 2:
        return &e.type;
      case 3:
        return &e.time;
      case 4:
        return &e.stream;
      case 5:
        return &e.prevhash;
      case 6:
        return &e.hash;
      case 7:
        return &e.actor.sub;
      case 8:
        return &e.actor.role;
      case 9:
        return &e.subject;
      case 10:
        return &e.correlation_id;
      case 11:
        return &e.causation_id;
      default:
        return nullptr;
    }
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

  // The high bit of each of the 8 bytes of `w` that is '"', '\\', a control character or not
  // ASCII, i.e. anything the string scan must stop at (bit tricks: a byte of `x` is zero exactly
  // when (x - 0x01..) & ~x sets its high bit; a byte is below 0x20 likewise with 0x20..). A
  // subtraction borrows only out of a byte that is flagged rightly, so bytes above the lowest
  // flagged one may be flagged wrongly, never the lowest one itself.
  static std::uint64_t look_mask(std::uint64_t w) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
    const std::uint64_t quote = w ^ (kOnes * '"');
    const std::uint64_t backslash = w ^ (kOnes * '\\');
    const std::uint64_t found = ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) |
                                ((w - kOnes * 0x20) & ~w) | w;
    return found & kHighs;
  }

  // A string without escapes, as a view of the text.
  bool view(std::string_view& out) {
    if (!eat('"')) return ok = false;
    const char* start = p_;
    // Eight bytes at a time; on little-endian machines the lowest flagged byte of a word is the
    // first one in the text, so the word tells where the string ends (or an escape starts).
    while (end_ - p_ >= 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, p_, sizeof w);
      const std::uint64_t found = look_mask(w);
      if (found == 0) {
        p_ += 8;
        continue;
      }
      if constexpr (std::endian::native != std::endian::little) break;
      p_ += std::countr_zero(found) / 8;
      if (*p_ != '"') return ok = false;  // escapes, control and non-ASCII bytes: nlohmann's
      out = std::string_view(start, static_cast<std::size_t>(p_ - start));
      ++p_;
      return true;
    }
    while (p_ != end_) {
      const auto u = static_cast<unsigned char>(*p_);
      if (u == '"') {
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
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

  bool literal(std::string_view word, json value, json& out) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return ok = false;
    }
    p_ += word.size();
    out = std::move(value);
    return true;
  }

  bool object(json& out, int depth) {
    out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    skip_ws();
    if (eat('}')) return true;
    while (true) {
      std::string_view key;
      skip_ws();
      if (!view(key)) return false;
      skip_ws();
      if (!eat(':')) return ok = false;
      skip_ws();
      json* slot = nullptr;
      if (members.empty() || members.rbegin()->first < key) {
        slot = &members.emplace_hint(members.end(), key, nullptr)->second;
      } else {
        auto [it, inserted] = members.emplace(key, nullptr);
        if (!inserted) return ok = false;  // duplicate: the general path decides
        slot = &it->second;
      }
      if (!value(*slot, depth + 1)) return false;
      skip_ws();
      if (eat('}')) return true;
      if (!eat(',')) return ok = false;
    }
  }

  bool array(json& out, int depth) {
    out = json::array();
    auto& items = out.get_ref<json::array_t&>();
    skip_ws();
    if (eat(']')) return true;
    while (true) {
      skip_ws();
      items.emplace_back();
      if (!value(items.back(), depth + 1)) return false;
      skip_ws();
      if (eat(']')) return true;
      if (!eat(',')) return ok = false;
    }
  }

  bool value(json& out, int depth) {
    if (depth > 64 || p_ == end_) return ok = false;
    switch (*p_) {
      case '{':
        ++p_;
        return object(out, depth);
      case '[':
        ++p_;
        return array(out, depth);
      case '"': {
        std::string_view s;
        if (!view(s)) return false;
        out = json::string_t(s);
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

namespace {

// Appends the envelope's text to `out` and returns the offset in `out` where the `hash` attribute
// stands (with_hash) or would stand (without): right after `datacontenttype`, since keys come in
// byte order, the order nlohmann::json's std::map gives them.
std::size_t write_envelope(const RecordedEvent& e, bool with_hash, std::string& out) {
  out.reserve(out.size() + 400 + e.type.size() + e.stream.size() + e.actor.sub.size() +
              e.subject.size() + e.correlation_id.size() + e.causation_id.size());
  out.push_back('{');
  append_attribute(out, "actorrole", e.actor.role, /*first=*/true);
  append_attribute(out, "actorsub", e.actor.sub);
  if (!e.causation_id.empty()) append_attribute(out, "causationid", e.causation_id);
  if (!e.correlation_id.empty()) append_attribute(out, "correlationid", e.correlation_id);
  out.append(",\"data\":");
  out += e.data.dump(-1, ' ', false, json::error_handler_t::replace);
  append_attribute(out, "datacontenttype", "application/json");
  const std::size_t hash_at = out.size();
  if (with_hash) append_attribute(out, "hash", e.hash);
  append_attribute(out, "id", e.id);
  append_attribute(out, "prevhash", e.prevhash);
  append_attribute(out, "source", e.source);
  append_attribute(out, "specversion", "1.0");
  append_attribute(out, "stream", e.stream);
  out.append(",\"streamversion\":");
  char digits[20];
  const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), e.version);
  out.append(digits, end);
  if (!e.subject.empty()) append_attribute(out, "subject", e.subject);
  append_attribute(out, "time", e.time);
  append_attribute(out, "type", e.type);
  out.push_back('}');
  return hash_at;
}

}  // namespace

std::string envelope_text(const RecordedEvent& e, bool with_hash) {
  std::string out;
  write_envelope(e, with_hash, out);
  return out;
}

std::string seal_envelope(RecordedEvent& e) {
  std::string text;
  seal_envelope_into(e, text);
  return text;
}

void seal_envelope_into(RecordedEvent& e, std::string& out) {
  // One serialization: the canonical form is hashed, then the hash attribute goes in its place,
  // which gives byte for byte envelope_text(e, true).
  const std::size_t start = out.size();
  const std::size_t hash_at = write_envelope(e, /*with_hash=*/false, out);
  e.hash = sha256_hex(std::string_view(out).substr(start));
  // Hex digits need no escaping.
  std::string attribute = ",\"hash\":\"";
  attribute.append(e.hash);
  attribute.push_back('"');
  out.insert(hash_at, attribute);
}

bool parse_envelope_into(std::string_view text, RecordedEvent& out) {
  {
    FastParser fast(text);
    if (fast.envelope(out)) return true;
  }
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return false;
  auto general = from_cloudevent(j);
  if (!general) return false;
  out = std::move(*general);
  return true;
}

std::optional<RecordedEvent> parse_envelope(std::string_view text) {
  std::optional<RecordedEvent> out(std::in_place);
  if (!parse_envelope_into(text, *out)) return std::nullopt;
  return out;
}

}  // namespace docket::eventstore
