#include "eventstore/embedded_commit.hpp"

#include <date/date.h>

#include "eventstore/embedded_keys.hpp"
#include "eventstore/envelope_codec.hpp"

namespace docket::eventstore::embedded {
namespace {

constexpr std::string_view kSource = "docket";

void set_be64(char* at, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    at[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

}  // namespace

StagedCommit build_commit(AppendRequest& request) {
  StagedCommit c;
  c.stream = request.stream;
  const std::string time = date::format("%FT%TZ", request.metadata.time);
  c.events.reserve(request.events.size());
  for (NewEvent& in : request.events) {
    RecordedEvent& e = c.events.emplace_back();
    e.id = new_uuid();
    e.source = kSource;
    e.type = std::move(in.type);
    e.subject = std::move(in.subject);
    e.time = time;
    e.data = std::move(in.data);
    e.stream = request.stream;
    e.actor = request.metadata.actor;
    e.correlation_id = request.metadata.correlation_id;
    e.causation_id = request.metadata.causation_id;
  }
  return c;
}

void chain_commit(StagedCommit& c, const StreamState& base) {
  c.values.resize(c.events.size());
  const std::string* prev = &base.last_hash;
  for (std::size_t i = 0; i < c.events.size(); ++i) {
    RecordedEvent& e = c.events[i];
    e.version = base.version + 1 + i;
    e.prevhash = *prev;
    std::string& value = c.values[i];
    value.clear();
    // The header's seqs are known only once the writer places the commit in the log.
    value.assign(kValueHeaderSize, '\0');
    value[0] = static_cast<char>(kValueFormat);
    seal_envelope_into(e, value);
    prev = &e.hash;
  }
  c.chained = true;
  c.base = base;
}

bool chained_on(const StagedCommit& c, const StreamState& base) {
  return c.chained && c.base.version == base.version && c.base.last_hash == base.last_hash;
}

void place_commit(StagedCommit& c, std::uint64_t first_seq) {
  const std::uint64_t last_seq = first_seq + c.values.size() - 1;
  for (std::string& value : c.values) {
    set_be64(value.data() + 1, first_seq);
    set_be64(value.data() + 9, last_seq);
  }
}

}  // namespace docket::eventstore::embedded
