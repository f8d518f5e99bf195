#include <atomic>

#include "eventstore/embedded_store.hpp"

namespace docket::eventstore::embedded {
namespace {

class EmbeddedSubscription final : public Subscription {
 public:
  EmbeddedSubscription(std::shared_ptr<Store> store, std::uint64_t from)
      : store_(std::move(store)), position_(from) {}
  ~EmbeddedSubscription() override { close(); }

  Result<std::vector<Commit>> next(std::chrono::milliseconds max_wait,
                                   std::size_t max_commits) override {
    const auto deadline = std::chrono::steady_clock::now() + max_wait;
    while (true) {
      {
        std::unique_lock lock(store_->mutex);
        // The predicate reads the head through the same mutex the writer publishes under, so a
        // commit published between the check and the wait still wakes us.
        store_->appended.wait_until(lock, deadline, [&] {
          return closed_.load() || store_->closed || head_locked() > position_;
        });
        if (closed_.load() || store_->closed) {
          return fail(Error{errc::closed, "the subscription is closed"});
        }
        if (head_locked() <= position_) return std::vector<Commit>{};
      }
      auto batch = store_->read_all(position_, max_commits == 0 ? 1 : max_commits);
      if (!batch) return fail(std::move(batch).error());
      position_ = batch->next.at(0);
      if (!batch->commits.empty()) return std::move(batch->commits);
      // Only the tail of a commit that the start position pointed into: look again.
    }
  }

  Position position() const override { return Position({position_}); }

  void close() override {
    {
      std::lock_guard lock(store_->mutex);
      closed_.store(true);
    }
    store_->appended.notify_all();
  }

 private:
  // Precondition: store_->mutex is held.
  std::uint64_t head_locked() const { return store_->head_unlocked(); }

  std::shared_ptr<Store> store_;
  std::uint64_t position_;
  std::atomic<bool> closed_{false};
};

}  // namespace

std::unique_ptr<Subscription> make_subscription(std::shared_ptr<Store> store, std::uint64_t from) {
  return std::make_unique<EmbeddedSubscription>(std::move(store), from);
}

}  // namespace docket::eventstore::embedded
