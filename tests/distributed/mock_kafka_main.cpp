// docket_mock_kafka: librdkafka's mock cluster (the real Kafka protocol on loopback ports) as a
// process of its own, so that several `docket` processes can share one cluster in tests and
// benchmarks without a broker installation.
//
//   docket_mock_kafka [--brokers N] [--topic NAME] [--partitions N] [--replication N]
//                     [--max-seconds N]
//
// Creates the topic (the mock cluster does not implement CreateTopics), prints
// "bootstrap=<host:port,...>" on stdout, and keeps the cluster up until stdin reaches end of file
// or --max-seconds pass (default 600), whichever comes first.

#include <librdkafka/rdkafka.h>
// rdkafka_mock.h needs rdkafka.h first.
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int arg_int(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  }
  return fallback;
}

std::string arg_text(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int brokers = arg_int(argc, argv, "--brokers", 3);
  const int partitions = arg_int(argc, argv, "--partitions", 12);
  const int replication = arg_int(argc, argv, "--replication", brokers);
  const int max_seconds = arg_int(argc, argv, "--max-seconds", 600);
  const std::string topic = arg_text(argc, argv, "--topic", "docket.events");

  std::array<char, 256> reason{};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", reason.data(), reason.size());
  // The cluster hangs off a client handle that is otherwise unused.
  rd_kafka_t* owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason.data(), reason.size());
  if (owner == nullptr) {
    std::fprintf(stderr, "docket_mock_kafka: %s\n", reason.data());
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(owner, brokers);
  if (cluster == nullptr) {
    std::fprintf(stderr, "docket_mock_kafka: rd_kafka_mock_cluster_new failed\n");
    rd_kafka_destroy(owner);
    return 1;
  }
  const auto created = rd_kafka_mock_topic_create(cluster, topic.c_str(), partitions, replication);
  if (created != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "docket_mock_kafka: creating %s: %s\n", topic.c_str(),
                 rd_kafka_err2str(created));
  }
  std::printf("bootstrap=%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  std::fflush(stdout);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(max_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{STDIN_FILENO, POLLIN, 0};
    if (::poll(&p, 1, 500) <= 0) continue;
    char buf[64];
    if (::read(STDIN_FILENO, buf, sizeof buf) <= 0) break;  // end of file: the parent is done
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(owner);
  return 0;
}
