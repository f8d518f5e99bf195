// The Kafka backend under the shared EventLog contract, on librdkafka's mock cluster.
//
// Twice: on a topic of 4 partitions, where streams spread over partitions that have no order
// between them (the way Docket runs), and on a topic of 1 partition, where the log has one total
// order like the embedded one (a cheap run that keeps order-dependent slips from hiding behind
// interleaving). kafka_log_test.cpp covers what only the Kafka log promises.

#include "tests/eventstore/kafka_mock_cluster.hpp"
#include "tests/eventstore/log_factory.hpp"

namespace docket::eventstore::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(
    Kafka, EventLogContract,
    ::testing::Values(
        ContractBackend{"Kafka4Partitions", [] { return std::make_unique<KafkaLogFactory>(4); }},
        ContractBackend{"Kafka1Partition", [] { return std::make_unique<KafkaLogFactory>(1); }}),
    backend_name);

}  // namespace
}  // namespace docket::eventstore::testing
