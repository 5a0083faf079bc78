// The config's sections beside the catalog: tasks, alerts and sources.
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/config_test_util.h"

namespace sluice {
namespace {

TEST(ConfigTasks, TasksAlertsMergeScheduleAndRetentionParse) {
  const Config c = MustParse(std::string(kOrders) + R"(    merge: {every: 5 minutes}
    retention: {staging: 7d, landing: 90d}
tasks:
  daily:
    schedule: "0 * * * *"
    sql: SELECT 1
    retries: 3
    timeout: 10m
  marts:
    after: [daily]
    sql_file: sql/marts.sql
alerts:
  webhook: http://127.0.0.1:9000/hooks/sluice
  email: {to: data-team@example.com, sendmail: bin/fake-sendmail}
)", "conf/sluice.yaml");
  ASSERT_EQ(c.tasks.size(), 2u);
  EXPECT_EQ(c.tasks[0].name, "daily");
  EXPECT_EQ(c.tasks[0].schedule, "0 * * * *");
  EXPECT_EQ(c.tasks[0].retries, 3);
  EXPECT_EQ(c.tasks[0].timeout_micros, 600'000'000);
  EXPECT_EQ(c.tasks[1].after, std::vector<std::string>{"daily"});
  EXPECT_EQ(c.tasks[1].sql_file, "conf/sql/marts.sql");
  EXPECT_EQ(c.alerts.webhook, "http://127.0.0.1:9000/hooks/sluice");
  EXPECT_EQ(c.alerts.email_to, "data-team@example.com");
  EXPECT_EQ(c.alerts.sendmail, "conf/bin/fake-sendmail");
  const EventSpec& e = c.catalog.events[0];
  EXPECT_EQ(e.merge_schedule, "5 minutes");
  EXPECT_EQ(e.staging_retention_micros, int64_t{7} * 86'400'000'000);
  EXPECT_EQ(e.landing_retention_micros, int64_t{90} * 86'400'000'000);
}

TEST(ConfigTasks, ABadScheduleIsReportedAtItsColumn) {
  const auto p = Problems(std::string(kOrders) + "tasks:\n  t:\n    schedule: \"0 10 * * SUNN\"\n    sql: SELECT 1\n");
  // The line of `schedule:`; the value's quote is at column 15 and SUNN is
  // the 10th character of the value, so the file column is 25.
  const int line = static_cast<int>(std::count(kOrders, kOrders + std::strlen(kOrders), '\n')) + 3;
  EXPECT_TRUE(HasProblem(p, line, 25, {"schedule: column 10", "SUNN"}));
}

TEST(ConfigTasks, CyclesUnknownPredecessorsAndMissingSqlAreRefused) {
  const auto p = Problems(std::string(kOrders) + R"(tasks:
  a: {after: [b], sql: SELECT 1}
  b: {after: [c], sql: SELECT 1}
  c: {after: a, sql: SELECT 1}
  d: {after: [nope], sql: SELECT 1}
  e: {schedule: 1h}
  f: {sql: SELECT 1}
  g: {schedule: 1h, sql: x, sql_file: y, retries: -1}
)");
  const std::string all = Join(p);
  EXPECT_NE(all.find("form a cycle: a -> b -> c -> a"), std::string::npos) << all;
  EXPECT_NE(all.find("task 'd' runs after 'nope', which is not a task"), std::string::npos) << all;
  EXPECT_NE(all.find("task 'e' has neither sql nor sql_file"), std::string::npos) << all;
  EXPECT_NE(all.find("task 'f' has neither schedule nor after"), std::string::npos) << all;
  EXPECT_NE(all.find("task 'g' has both sql and sql_file"), std::string::npos) << all;
  EXPECT_NE(all.find("retries of task 'g' must be a whole number from 0 to 100"), std::string::npos) << all;
}

TEST(ConfigTasks, RetentionAndAlertsValuesAreChecked) {
  const auto p = Problems(std::string(kOrders) + R"(    retention: {staging: 7 days, landing: 0s}
alerts:
  webhook: ftp://x
  email: {sendmail: /bin/true}
)");
  const std::string all = Join(p);
  EXPECT_NE(all.find("retention.staging: '7 days' is not a duration"), std::string::npos) << all;
  EXPECT_NE(all.find("retention.landing: must be above 0"), std::string::npos) << all;
  EXPECT_NE(all.find("alerts.webhook: webhook URL 'ftp://x' must be an http:// or https:// URL"), std::string::npos)
      << all;
  EXPECT_NE(all.find("alerts.email needs to:"), std::string::npos) << all;
}

TEST(ConfigSources, AnAmqpSourceParsesWithItsDefaults) {
  const Config c = MustParse(std::string(kOrders) + R"(sources:
  bus:
    amqp:
      url: amqp://sluice:secret@127.0.0.1:5672/%2f
      queue: events
      format: protobuf
      proto: {files: [proto/orders.proto], import_paths: proto}
      types: {OrderCreated: Orders}
  feed:
    amqp: {queue: json_events, type_from: "payload:meta.type", prefetch: 20, dead_letter: {exchange: dlx, queue: ''}}
)", "conf/sluice.yaml");
  ASSERT_EQ(c.amqp_sources.size(), 2u);
  const AmqpSourceConfig& bus = c.amqp_sources[0];
  EXPECT_EQ(bus.name, "bus");
  EXPECT_EQ(bus.url, "amqp://sluice:secret@127.0.0.1:5672/%2f");
  EXPECT_EQ(bus.prefetch, 500);
  EXPECT_EQ(bus.type_from.kind, TypeFrom::Kind::kHeader);
  EXPECT_EQ(bus.type_from.header, "type");
  EXPECT_EQ(bus.proto_files, std::vector<std::string>{"conf/proto/orders.proto"});
  EXPECT_EQ(bus.import_paths, std::vector<std::string>{"conf/proto"});
  EXPECT_EQ(bus.types.at("OrderCreated"), "Orders");
  EXPECT_EQ(bus.dead_letter_exchange, "events.dead");
  EXPECT_EQ(bus.dead_letter_queue, "events.dead");
  EXPECT_TRUE(bus.reject_unknown_fields);
  const AmqpSourceConfig& feed = c.amqp_sources[1];
  EXPECT_EQ(feed.format, "json");
  EXPECT_EQ(feed.prefetch, 20);
  EXPECT_EQ(feed.type_from.kind, TypeFrom::Kind::kPayload);
  EXPECT_EQ(feed.type_from.path, "meta.type");
  EXPECT_EQ(feed.import_paths, std::vector<std::string>{"conf"});  // the config's folder
  EXPECT_EQ(feed.dead_letter_exchange, "dlx");
  EXPECT_EQ(feed.dead_letter_queue, "");  // no queue: the exchange's bindings are the user's
}

TEST(ConfigSources, AmqpMistakesAreReportedWhereTheyAre) {
  const auto p = Problems(std::string(kOrders) + R"(sources:
  a:
    amqp:
      url: amqps://h/
      format: protobuf
      prefetch: 0
      type_from: payload:item.x
  b:
    amqp: {queue: q, url: http://h, types: {X: Nope}, type_from: header, proto: {unknown_fields: keep}}
  c:
    kafka: {}
  d:
    amqp: {queue: q, format: protobuf, proto: {files: x.proto}, types: {X: Orders}, type_from: "payload:t"}
)");
  const std::string all = Join(p);
  EXPECT_NE(all.find("amqps:// (TLS) is not supported yet"), std::string::npos) << all;
  EXPECT_NE(all.find("sources.a.amqp needs a queue"), std::string::npos) << all;
  EXPECT_NE(all.find("prefetch must be a whole number from 1 to 65535"), std::string::npos) << all;
  EXPECT_NE(all.find("type_from: a payload path cannot start with item"), std::string::npos) << all;
  EXPECT_NE(all.find("format protobuf needs proto.files"), std::string::npos) << all;
  EXPECT_NE(all.find("format protobuf needs types"), std::string::npos) << all;
  EXPECT_NE(all.find("url must start with amqp://"), std::string::npos) << all;
  EXPECT_NE(all.find("'X' maps to event type 'Nope', which events: does not declare"), std::string::npos) << all;
  EXPECT_NE(all.find("type_from must be header:NAME, routing_key or payload:PATH, not 'header'"), std::string::npos)
      << all;
  EXPECT_NE(all.find("proto.unknown_fields must be reject or ignore"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown key 'kafka'"), std::string::npos) << all;
  EXPECT_NE(all.find("sources.c needs amqp:"), std::string::npos) << all;
  EXPECT_NE(all.find("type_from: payload:PATH needs format json"), std::string::npos) << all;
}

}  // namespace
}  // namespace sluice
