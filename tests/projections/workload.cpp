#include "tests/projections/workload.hpp"

#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>

#include "domain/event_json.hpp"

namespace docket::projections::testing {

namespace dm = docket::domain;

// Appends in flight, bounded, with a wait for all of them.
class Pipeline {
 public:
  void submit(eventstore::EventLog& log, eventstore::AppendRequest r) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_flight_ < kMaxInFlight; });
    ++in_flight_;
    lock.unlock();
    log.append_async(std::move(r), [this](eventstore::Result<eventstore::AppendResult> res) {
      std::lock_guard guard(mu_);
      if (!res.ok()) failed_ = res.error().message;
      --in_flight_;
      cv_.notify_all();
    });
  }
  void drain() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_flight_ == 0; });
    if (!failed_.empty()) {
      std::cerr << "workload append failed: " << failed_ << '\n';
      std::abort();
    }
  }

 private:
  static constexpr int kMaxInFlight = 512;
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  std::string failed_;
};

namespace {

// Ids the service would make globally unique: the generators number theirs per doctor.
void scope_id(std::string& id, const std::string& doctor_id) {
  if (id.empty() || id.rfind(doctor_id + "-", 0) == 0) return;
  id = doctor_id + "-" + id;
}

void scope_new_ids(dm::Command& c, const std::string& doctor_id) {
  std::visit(
      [&](auto& cmd) {
        using T = std::decay_t<decltype(cmd)>;
        if constexpr (std::is_same_v<T, dm::BookAppointment>)
          scope_id(cmd.appointment_id, doctor_id);
        if constexpr (std::is_same_v<T, dm::AcceptWaitlistOffer>) {
          scope_id(cmd.appointment_id, doctor_id);
        }
        if constexpr (std::is_same_v<T, dm::PlaceHold>) scope_id(cmd.hold_id, doctor_id);
        if constexpr (std::is_same_v<T, dm::AddBlock>) scope_id(cmd.block_id, doctor_id);
        if constexpr (std::is_same_v<T, dm::RegisterWalkin>) scope_id(cmd.walkin_id, doctor_id);
        if constexpr (std::is_same_v<T, dm::JoinWaitlist>) scope_id(cmd.entry_id, doctor_id);
      },
      c);
}

const dm::Actor& actor_of(const dm::Command& c) {
  return std::visit([](const auto& cmd) -> const dm::Actor& { return cmd.actor; }, c);
}

}  // namespace

eventstore::AppendRequest to_append(const std::string& doctor_id, std::uint64_t expected_version,
                                    const std::vector<dm::Event>& events, const dm::Actor& actor,
                                    dm::Instant now) {
  eventstore::AppendRequest r;
  r.stream = "doctor-" + doctor_id;
  r.expected_version = expected_version;
  for (const dm::Event& e : events) {
    dm::EncodedEvent enc = dm::encode(e);
    r.events.push_back(eventstore::NewEvent{std::move(enc.type), {}, std::move(enc.data)});
  }
  r.metadata.time = now;
  r.metadata.actor = {actor.sub, std::string(dm::to_string(actor.role))};
  return r;
}

Workload::Workload(std::uint64_t seed) : rng_(seed) {
  std::uint64_t n = 0;
  for (const dm::testing::DoctorSetup& setup : dm::testing::doctor_setups()) {
    Doctor d;
    d.gen = std::make_unique<dm::testing::CommandGenerator>(setup, seed * 1000 + ++n);
    d.setup = d.gen->setup_commands();
    states_.emplace(setup.doctor_id, dm::initial_state());
    doctors_.push_back(std::move(d));
  }
}

void Workload::decide_one(Doctor& d, eventstore::EventLog& log, Pipeline& pipeline) {
  const std::string& id = d.gen->setup().doctor_id;
  dm::DoctorState& state = states_.at(id);
  dm::testing::Generated g;
  if (d.next_setup < d.setup.size()) {
    g = d.setup[d.next_setup++];
  } else {
    d.gen->advance_clock();
    g = d.gen->next(state);
  }
  scope_new_ids(g.command, id);
  ++decided_;
  auto decided = dm::decide(state, g.command, d.gen->now());
  if (!decided.ok() || decided->empty()) return;
  ++accepted_;
  pipeline.submit(log, to_append(id, state.version(), *decided, actor_of(g.command), d.gen->now()));
  for (const dm::Event& e : *decided) {
    dm::apply(state, e);
    d.gen->learn(e);
  }
}

void Workload::run(eventstore::EventLog& log, int commands) {
  Pipeline pipeline;
  for (int i = 0; i < commands; ++i) {
    Doctor& d = doctors_[static_cast<std::size_t>(rng_.below(static_cast<int>(doctors_.size())))];
    decide_one(d, log, pipeline);
  }
  pipeline.drain();
}

dm::Instant Workload::now_of(const std::string& doctor_id) const {
  for (const Doctor& d : doctors_) {
    if (d.gen->setup().doctor_id == doctor_id) return d.gen->now();
  }
  return {};
}

dm::Instant Workload::latest() const {
  dm::Instant out{};
  for (const Doctor& d : doctors_)
    out = std::max(out, d.gen->now());
  return out;
}

}  // namespace docket::projections::testing
