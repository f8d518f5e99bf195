#include "tests/projections/fixture.hpp"

#include <cstdlib>
#include <iostream>

namespace docket::projections::testing {

std::unique_ptr<eventstore::EventLog> open_log(const std::filesystem::path& dir) {
  auto log = eventstore::open_embedded_log({dir, 1024});
  if (!log.ok()) {
    std::cerr << "open log: " << log.error().message << '\n';
    std::abort();
  }
  return std::move(log).value();
}

std::unique_ptr<ProjectionStore> open_store(const std::filesystem::path& dir) {
  auto store = ProjectionStore::open(dir);
  if (!store.ok()) {
    std::cerr << "open store: " << store.error().message << '\n';
    std::abort();
  }
  return std::move(store).value();
}

SharedRun& shared_run() {
  static SharedRun* run = [] {
    auto* r = new SharedRun();
    r->log = open_log(r->dir.path() / "log");
    r->store = open_store(r->dir.path() / "models");
    r->workload = std::make_unique<Workload>(kSeed);
    ProjectorOptions options;
    options.max_batch_commits = 256;
    r->projector = std::make_unique<Projector>(*r->log, *r->store, options);
    if (!r->projector->start().ok()) std::abort();
    for (int i = 0; i < kBatches; ++i)
      r->workload->run(*r->log, kCommands / kBatches);
    auto head = r->log->head();
    if (!head.ok()) std::abort();
    r->head = *head;
    if (!r->projector->wait_for(r->head, std::chrono::seconds(60))) {
      std::cerr << "projector did not catch up\n";
      std::abort();
    }
    return r;
  }();
  return *run;
}

std::string first_difference(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i])
    ++i;
  return "sizes " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) +
         ", first difference at byte " + std::to_string(i);
}

}  // namespace docket::projections::testing
