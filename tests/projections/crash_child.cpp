// Child process of the crash test: projects (or rebuilds) an existing log into a store and
// reports its progress on stdout, one line per step, until the parent kills it with SIGKILL.
//   docket_projections_crash_child project|rebuild <log dir> <store dir>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "eventstore/embedded_log.hpp"
#include "projections/projection_store.hpp"
#include "projections/projector.hpp"
#include "projections/rebuild.hpp"

namespace {

using docket::eventstore::Position;
using namespace docket::projections;

int fail(const char* what) {
  std::fprintf(stderr, "crash child: %s\n", what);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return fail("usage: project|rebuild <log dir> <store dir>");
  auto log = docket::eventstore::open_embedded_log({argv[2], 1024});
  if (!log.ok()) return fail("open log");
  auto store = ProjectionStore::open(argv[3]);
  if (!store.ok()) return fail("open store");
  auto head = (*log)->head();
  if (!head.ok()) return fail("head");

  if (std::strcmp(argv[1], "rebuild") == 0) {
    RebuildOptions options;
    // Stops for good after the first applied batch, so that the parent's kill lands inside the
    // rebuild, before the new generation is switched in, every time.
    options.progress = [](const RebuildProgress& p) {
      std::printf("at %s\n", p.position.c_str());
      std::fflush(stdout);
      for (;;)
        ::pause();
    };
    if (!rebuild(**log, **store, options).ok()) return fail("rebuild");
  } else {
    ProjectorOptions options;
    options.max_batch_commits = 16;  // many small WriteBatches: many points to be killed at
    Projector projector(**log, **store, options);
    if (!projector.start().ok()) return fail("start");
    // One line per advance: wait for the next event each time (no polling). Every 100 events
    // the memtables are flushed, as RocksDB does by itself every 16 MB: batches are applied
    // without the WAL, so a kill loses those after the last flush, and the restart must re-apply
    // them from the log.
    std::uint64_t flushed = 0;
    while (!projector.position().covers(*head)) {
      const Position next({projector.position().at(0) + 1});
      if (!projector.wait_for(next, std::chrono::seconds(10))) return fail("stalled");
      std::printf("at %s\n", projector.position().to_token().c_str());
      std::fflush(stdout);
      if (projector.position().at(0) >= flushed + 100) {
        if (!(*store)->current()->flush().ok()) return fail("flush");
        flushed = projector.position().at(0);
      }
    }
  }
  std::printf("done\n");
  std::fflush(stdout);
  return 0;
}
