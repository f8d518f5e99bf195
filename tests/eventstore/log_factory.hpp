#pragma once
// The contract every EventLog backend passes, as a value-parameterized GoogleTest suite.
//
// contract_test.cpp defines the cases (TEST_P(EventLogContract, ...)). Each backend instantiates
// them from its own file with a factory maker, e.g.
//
//   INSTANTIATE_TEST_SUITE_P(Kafka, EventLogContract,
//                            ::testing::Values(docket::eventstore::testing::ContractBackend{
//                                "Kafka", [] { return std::make_unique<KafkaLogFactory>(); }}),
//                            docket::eventstore::testing::backend_name);
//
// Every case gets a fresh factory, i.e. a fresh, empty log.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "eventstore/event_log.hpp"

namespace docket::eventstore::testing {

// Opens one log: the first open() creates it empty; later calls, after the previous instance was
// closed (and destroyed), reopen the same log with everything it holds.
class LogFactory {
 public:
  virtual ~LogFactory() = default;
  // The open log, or null after reporting why through ADD_FAILURE.
  virtual std::unique_ptr<EventLog> open() = 0;
  // How long a subscription may take to see a commit that was just acknowledged; generous for
  // backends that poll a broker.
  virtual std::chrono::milliseconds live_timeout() const { return std::chrono::seconds(10); }
};

struct ContractBackend {
  std::string name;  // "Embedded", "Kafka": letters and digits only (it is part of test names)
  std::function<std::unique_ptr<LogFactory>()> make;
};

inline void PrintTo(const ContractBackend& backend, std::ostream* os) {
  *os << backend.name;
}

inline std::string backend_name(const ::testing::TestParamInfo<ContractBackend>& info) {
  return info.param.name;
}

// The fixture: a fresh factory and an open log per case.
class EventLogContract : public ::testing::TestWithParam<ContractBackend> {
 protected:
  void SetUp() override {
    factory_ = GetParam().make();
    ASSERT_NE(factory_, nullptr);
    log_ = factory_->open();
    ASSERT_NE(log_, nullptr);
  }
  void TearDown() override {
    if (log_) log_->close();
    log_.reset();
    factory_.reset();
  }
  // Closes the current log and opens the same one again.
  void reopen() {
    log_->close();
    log_.reset();
    log_ = factory_->open();
    ASSERT_NE(log_, nullptr);
  }

  std::unique_ptr<LogFactory> factory_;
  std::unique_ptr<EventLog> log_;
};

}  // namespace docket::eventstore::testing
