#pragma once
// `docket rebuild [--projection NAME]... [--data DIR] [--log SPEC]`: rebuilds read models from
// position zero while the server is stopped, with a progress line on stderr.
//
// The new generation is built beside the serving one and switched in atomically once it has
// caught up with the log (projections/rebuild.hpp), so an interrupted rebuild leaves the old read
// models serving. While `docket serve` runs it holds the log and the read models; rebuild them
// online then with POST /v1/admin/projections/rebuild.
//
// Exit codes: 0 rebuilt; 1 the log or the read models could not be opened or read (also when a
// server holds them); 2 an unknown projection name or log spec.

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "eventstore/event_log.hpp"

namespace docket::app {

struct RebuildCommandOptions {
  std::filesystem::path data = "./docket-data";
  std::string log = "embedded";          // as `docket serve --log`
  std::vector<std::string> projections;  // model names; empty: every model
};

// Opens the log and `<data>/projections`, then as below.
int run_rebuild(const RebuildCommandOptions& options, std::ostream& out, std::ostream& err);

// Rebuilds the named models (every model when empty) of the read models in `directory` from
// `log`. Progress goes to `err` as one line rewritten in place ("\r"), finished by a newline; the
// summary to `out`.
int run_rebuild(eventstore::EventLog& log, const std::filesystem::path& directory,
                const std::vector<std::string>& projections, std::ostream& out, std::ostream& err);

}  // namespace docket::app
