#include "app/read_side.hpp"

namespace docket::app {

docket::Result<std::unique_ptr<ReadSide>, std::string> ReadSide::open(
    eventstore::EventLog& log, const std::filesystem::path& directory, ReadSideOptions options) {
  auto store = projections::ProjectionStore::open(directory);
  if (!store.ok()) return fail("cannot open the read models: " + store.error().message);
  std::unique_ptr<ReadSide> side(new ReadSide());
  side->options_ = options;
  side->store_ = std::move(store).value();
  api::AvailabilityStreamOptions stream_options;
  stream_options.max_streams = options.max_streams;
  side->streams_ = std::make_unique<api::AvailabilityStreams>(stream_options);
  projections::ProjectorOptions projector_options;
  projector_options.on_applied = [streams = side->streams_.get()](
                                     const std::vector<eventstore::Commit>& commits,
                                     const eventstore::Position& covered) {
    streams->notify(commits, covered);
  };
  side->projector_ =
      std::make_unique<projections::Projector>(log, *side->store_, projector_options);
  if (auto started = side->projector_->start(); !started.ok()) {
    return fail("cannot start the projector: " + started.error().message);
  }
  side->rebuilder_ =
      std::make_unique<api::ProjectionRebuilder>(log, *side->store_, *side->projector_);
  return side;
}

ReadSide::~ReadSide() {
  stop();
}

void ReadSide::attach(api::HandlerContext& context, api::ServerOptions& server) const {
  context.projections = store_.get();
  context.projector = projector_.get();
  context.streams = streams_.get();
  context.rebuilder = rebuilder_.get();
  context.min_position_wait = options_.min_position_wait;
  context.ready_max_lag = options_.ready_max_lag;
  server.on_stop = [streams = streams_.get()] { streams->close(); };
}

void ReadSide::stop() {
  if (streams_) streams_->close();
  if (rebuilder_) rebuilder_->wait();
  if (projector_) projector_->stop();
}

}  // namespace docket::app
