#include "eventstore/envelope_codec.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace docket::eventstore {
namespace {

using json = nlohmann::json;

RecordedEvent base_event() {
  RecordedEvent e;
  e.id = "6f1c2c34-5a8e-4c1b-9d7e-0b1f2a3c4d5e";
  e.source = "docket";
  e.type = "docket.appointment.booked.v1";
  e.subject = "apt-1";
  e.time = "2027-03-01T09:00:00Z";
  e.data = {{"slot", "2027-03-02T10:00:00Z"}, {"capacity", 2}};
  e.stream = "doctor-7";
  e.version = 3;
  e.actor = {"u-1", "patient"};
  e.correlation_id = "req-9";
  e.causation_id = "cmd-9";
  e.prevhash = std::string(kGenesisHash);
  e.hash = compute_hash(e);
  return e;
}

// Events whose text forms exercise escaping, Unicode, numbers and absent attributes.
std::vector<RecordedEvent> tricky_events() {
  std::vector<RecordedEvent> out;
  out.push_back(base_event());
  {
    auto e = base_event();
    e.subject.clear();
    e.correlation_id.clear();
    e.causation_id.clear();
    e.data = nullptr;
    out.push_back(e);
  }
  {
    auto e = base_event();
    e.subject = "quote \" backslash \\ newline \n tab \t bell \x07 del \x7f";
    e.data = {{"name", "Zoë 🙂"},
              {"neg", -42},
              {"big", 18446744073709551615ULL},
              {"float", 0.1},
              {"exp", 1e300},
              {"list", {1, "two", nullptr, true, false}},
              {"nested", {{"a", {{"b", json::array()}}}, {"c", json::object()}}}};
    out.push_back(e);
  }
  {
    auto e = base_event();
    e.actor.sub = "bad \xff utf8";
    e.data = {{"bad", "\xc3\x28"}};
    out.push_back(e);
  }
  return out;
}

void expect_same_event(const RecordedEvent& a, const RecordedEvent& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.data.dump(), b.data.dump());
  EXPECT_EQ(a.stream, b.stream);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.actor, b.actor);
  EXPECT_EQ(a.correlation_id, b.correlation_id);
  EXPECT_EQ(a.causation_id, b.causation_id);
  EXPECT_EQ(a.prevhash, b.prevhash);
  EXPECT_EQ(a.hash, b.hash);
}

// What parse_envelope must agree with.
std::optional<RecordedEvent> general_parse(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return from_cloudevent(j);
}

TEST(EnvelopeCodec, TextIsTheCompactDumpOfTheTree) {
  for (const RecordedEvent& e : tricky_events()) {
    const json tree = to_cloudevent(e);
    EXPECT_EQ(envelope_text(e, true), tree.dump(-1, ' ', false, json::error_handler_t::replace));
    json without = tree;
    without.erase("hash");
    EXPECT_EQ(envelope_text(e, false),
              without.dump(-1, ' ', false, json::error_handler_t::replace));
  }
}

TEST(EnvelopeCodec, SealSetsTheHashOfTheCanonicalForm) {
  auto e = base_event();
  e.hash = "stale";
  const std::string text = seal_envelope(e);
  EXPECT_EQ(e.hash, compute_hash(e));
  EXPECT_NE(text.find(e.hash), std::string::npos);
}

TEST(EnvelopeCodec, SealWritesTheStoredForm) {
  for (RecordedEvent e : tricky_events()) {
    const std::string text = seal_envelope(e);
    EXPECT_EQ(e.hash, compute_hash(e));
    EXPECT_EQ(text, envelope_text(e, true));
  }
}

TEST(EnvelopeCodec, ParsesWhatItWritesLikeTheGeneralParser) {
  for (const RecordedEvent& e : tricky_events()) {
    const std::string text = envelope_text(e, true);
    const auto fast = parse_envelope(text);
    const auto general = general_parse(text);
    ASSERT_TRUE(fast.has_value()) << text;
    ASSERT_TRUE(general.has_value());
    expect_same_event(*fast, *general);
    EXPECT_EQ(compute_hash(*fast), compute_hash(*general));
  }
}

TEST(EnvelopeCodec, AgreesWithTheGeneralParserOnUnusualButValidText) {
  const json tree = to_cloudevent(base_event());
  std::vector<std::string> texts = {
      tree.dump(2),  // whitespace everywhere
      R"({"type":"t","id":"i","source":"s","time":"x","stream":"st","streamversion":1,)"
      R"("actorsub":"a","actorrole":"r","prevhash":"p","hash":"h","specversion":"1.0",)"
      R"("extra":{"n":[1.5,-2e3]},"data":{"k":"v\u00e9\"","k":2}})",  // order, escapes, duplicates
      R"({"specversion":"1.0","id":"i","source":"s","type":"t","time":"x","stream":"st",)"
      R"("streamversion":7,"actorsub":"a","actorrole":"r","prevhash":"p","hash":"h"})",  // no data
  };
  for (const std::string& text : texts) {
    const auto fast = parse_envelope(text);
    const auto general = general_parse(text);
    ASSERT_EQ(fast.has_value(), general.has_value()) << text;
    if (fast) expect_same_event(*fast, *general);
  }
}

TEST(EnvelopeCodec, RepeatedAttributesResolveLikeTheGeneralParser) {
  const std::string good = envelope_text(base_event(), true);
  // Each attribute once more at the end, with another value: the general parser keeps the last.
  for (const char* repeated :
       {R"("hash":"0000")", R"("id":"other-id")", R"("stream":"doctor-8")", R"("data":{"x":1})",
        R"("streamversion":9)", R"("specversion":"1.0")", R"("subject":"apt-2")",
        R"("datacontenttype":"text/plain")", R"("prevhash":"11")"}) {
    const std::string text = good.substr(0, good.size() - 1) + "," + repeated + "}";
    const auto fast = parse_envelope(text);
    const auto general = general_parse(text);
    ASSERT_EQ(fast.has_value(), general.has_value()) << text;
    if (fast) expect_same_event(*fast, *general);
  }
}

TEST(EnvelopeCodec, ParseIntoFillsAFreshEventLikeParse) {
  for (const RecordedEvent& e : tricky_events()) {
    const std::string text = envelope_text(e, true);
    RecordedEvent into;
    ASSERT_TRUE(parse_envelope_into(text, into)) << text;
    const auto parsed = parse_envelope(text);
    ASSERT_TRUE(parsed.has_value());
    expect_same_event(into, *parsed);
  }
  RecordedEvent rejected;
  EXPECT_FALSE(parse_envelope_into(R"({"specversion":"1.0"})", rejected));
}

TEST(EnvelopeCodec, AgreesWithTheGeneralParserWhereverQuotesAndEscapesFall) {
  // Strings of every length around the parser's 8-byte steps, side by side in arrays (where a
  // missed closing quote could still parse, wrongly): plain ones, then ones with a quote, a
  // backslash, a control character or a non-ASCII character at every third place.
  const std::vector<std::string> specials = {"\x7f", "\"", "\\", "\n", "\x01", "é", "🙂"};
  for (const bool plain : {true, false}) {
    for (std::size_t length = 0; length <= 24; ++length) {
      json items = json::array();
      for (std::size_t n = 0; n <= length; ++n)
        items.push_back(std::string(n, 'a'));
      for (const std::string& special : specials) {
        if (plain != (special == "\x7f")) continue;
        for (std::size_t at = 0; at <= length; at += 3) {
          std::string s(length, 'b');
          s.insert(at, special);
          items.push_back(s);
        }
      }
      auto e = base_event();
      e.data = {{"items", items}, {"tail", std::string(length, 'd')}};
      e.subject = std::string(length, 's');
      const std::string text = envelope_text(e, true);
      const auto fast = parse_envelope(text);
      const auto general = general_parse(text);
      ASSERT_TRUE(fast.has_value()) << text;
      ASSERT_TRUE(general.has_value());
      expect_same_event(*fast, *general);
      EXPECT_EQ(fast->data, e.data);
      EXPECT_EQ(fast->subject, e.subject);
    }
  }
}

TEST(EnvelopeCodec, RejectsWhatTheGeneralParserRejects) {
  const std::string good = envelope_text(base_event(), true);
  std::vector<std::string> bad = {
      "",
      "[]",
      good.substr(0, good.size() - 1),
      good + "x",
      good + "}",
      R"({"specversion":"1.0"})",
      [&] {
        json j = json::parse(good);
        j["streamversion"] = -1;
        return j.dump();
      }(),
      [&] {
        json j = json::parse(good);
        j["streamversion"] = 1.5;
        return j.dump();
      }(),
      [&] {
        json j = json::parse(good);
        j["id"] = 5;
        return j.dump();
      }(),
      [&] {
        json j = json::parse(good);
        j["specversion"] = "0.3";
        return j.dump();
      }(),
      [&] {
        json j = json::parse(good);
        j.erase("actorrole");
        return j.dump();
      }(),
      [&] {
        std::string s = good;
        s[s.find("docket.")] = '\x01';  // raw control character inside a string
        return s;
      }(),
      [&] {
        std::string s = good;
        s[s.find("doctor-7")] = '\xff';  // invalid UTF-8
        return s;
      }(),
  };
  for (const std::string& text : bad) {
    EXPECT_FALSE(general_parse(text).has_value()) << text;
    EXPECT_FALSE(parse_envelope(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace docket::eventstore
