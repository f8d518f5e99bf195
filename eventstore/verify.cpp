#include "eventstore/verify.hpp"

#include <unordered_map>

namespace docket::eventstore {
namespace {

struct Tip {
  std::uint64_t version = 0;
  std::string hash{kGenesisHash};
};

// nullopt when the event continues its stream's chain; otherwise why not.
std::optional<std::string> check_event(const Tip& tip, const RecordedEvent& e) {
  if (e.version != tip.version + 1) {
    return "version gap: expected " + std::to_string(tip.version + 1) + ", found " +
           std::to_string(e.version);
  }
  if (e.prevhash != tip.hash) return std::string("prevhash mismatch");
  if (compute_hash(e) != e.hash) return std::string("hash mismatch");
  return std::nullopt;
}

}  // namespace

Result<VerifyReport> verify_log(EventLog& log, std::size_t page_commits) {
  VerifyReport report;
  std::unordered_map<std::string, Tip> tips;
  Position at;
  std::size_t page = page_commits == 0 ? 1 : page_commits;
  while (true) {
    auto batch = log.read_all(at, page);
    if (!batch) {
      if (batch.error().code != errc::corrupt) return fail(std::move(batch).error());
      if (page > 1) {
        // Some commit of this page is unreadable: go on one commit at a time, so that every
        // readable commit before it is still checked and `at` ends up right before it.
        page = 1;
        continue;
      }
      report.broken = BrokenLink{"", 0, at, "unreadable: " + batch.error().message};
      break;
    }
    for (const Commit& commit : batch->commits) {
      for (const RecordedEvent& e : commit.events) {
        Tip& tip = tips[e.stream];
        std::optional<std::string> reason;
        if (e.stream != commit.stream) reason = "event of another stream inside a commit";
        if (!reason) reason = check_event(tip, e);
        if (reason) {
          report.broken = BrokenLink{e.stream, e.version, commit.position, std::move(*reason)};
          report.streams = tips.size();
          return report;
        }
        tip.version = e.version;
        tip.hash = e.hash;
        ++report.events;
      }
      ++report.commits;
    }
    if (batch->commits.empty() || batch->next == at) break;
    at = batch->next;
  }
  report.streams = tips.size();
  return report;
}

}  // namespace docket::eventstore
