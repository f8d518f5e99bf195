// The Kafka backend under the shared EventLog contract, on librdkafka's mock cluster.
//
// One partition: the contract's ReopenedLogHasEverythingAndContinuesTheChain asserts that an
// append's position covers the head before it, i.e. one global order. A partitioned Kafka log has
// none (a commit's position is its offset + 1 on its own partition), so that case cannot hold
// across partitions. kafka_log_test.cpp covers reading, paging, subscribing and reopening across
// several partitions.

#include "tests/eventstore/kafka_mock_cluster.hpp"
#include "tests/eventstore/log_factory.hpp"

namespace docket::eventstore::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Kafka, EventLogContract,
                         ::testing::Values(ContractBackend{
                             "Kafka", [] { return std::make_unique<KafkaLogFactory>(1); }}),
                         backend_name);

}  // namespace
}  // namespace docket::eventstore::testing
