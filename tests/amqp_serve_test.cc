// `sluice serve` consuming RabbitMQ queues, end to end: a real
// broker (the CTest fixture's), the real `sluice publish amqp` CLI or the
// test's own AMQP client as the publisher, a real `sluice serve` process,
// and the final tables, sluice_load_errors, the dead-letter queue and
// /metrics read back. Runs against SQLite and PostgreSQL warehouses.
//
// Every test uses queues no other test uses (UniqueQueueName), so tests run
// in parallel on the one broker, and removes them when it ends.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "amqp_serve_harness.h"
#include "cli_harness.h"
#include "rabbit_harness.h"
#include "serve_harness.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr auto kDeadline = 90s;  // CI has 2 cores shared by two tests

// The scheduling policy of each of process `pid`'s threads whose name starts
// with `prefix` (Linux caps names at 15 characters).
std::vector<int> ThreadPolicies(pid_t pid, const std::string& prefix) {
  std::vector<int> policies;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind(prefix, 0) == 0) policies.push_back(sched_getscheduler(std::stoi(task.path().filename())));
  }
  return policies;
}

// The factory example's three tables, as the tests compare them.
constexpr const char* kCardsSql =
    "SELECT card_id, name, set_code, rarity, list_price, created_at FROM cards ORDER BY card_id";
constexpr const char* kOrdersSql =
    "SELECT order_id, customer_id, currency, line_card_id, quantity, unit_price_cents, created_at FROM orders "
    "ORDER BY order_id, line_card_id";
constexpr const char* kBatchesSql =
    "SELECT batch_id, card_id, quantity_planned, quantity_produced, quantity_defective, status, started_at, "
    "updated_at FROM manufacturing_batches ORDER BY batch_id";

// ---------------------------------------------------------------------------
// 1. The factory example: protobuf from the README's publisher to the tables.

TEST(AmqpServe, TheFactoryExampleLandsItsThreeFeedsInTheirTablesWithTheNewestBatchVersion) {
  SourceQueueOnSharedBroker q(QueueDeclaration::kBySluice);
  auto& [broker, queue, cleanup, client] = q;
  FactoryWorkspace ws(q);
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();

  // As the README does it (examples/factory/publish-samples.sh).
  for (const auto& [type, file] : std::vector<std::pair<std::string, std::string>>{
           {"CardCatalogCreated", "cards.ndjson"},
           {"OrderCreated", "orders.ndjson"},
           {"ManufacturingBatch", "manufacturing.ndjson"}}) {
    const RunResult published = ws.Sluice({"publish", "amqp", "--type", type, FactoryMessages(file)});
    ASSERT_RUN_OK(published);
    EXPECT_THAT(published.out, HasSubstr("confirmed")) << published.Describe();
  }

  const std::vector<std::string> cards = {
      "C-001|Ember Drake|DRK|RARE|1299|2026-11-01 09:00:00.000000",
      "C-002|Tidal Sprite|DRK|COMMON|49|2026-11-01 09:05:00.000000",
      "C-003|Iron Colossus|DRK|MYTHIC|4999|2026-11-01 09:10:00.000000",
  };
  const std::vector<std::string> orders = {
      "O-1001|U-7|EUR|C-001|2|1299|2026-11-02 10:00:00.000000",
      "O-1001|U-7|EUR|C-002|10|49|2026-11-02 10:00:00.000000",
      "O-1002|U-9|EUR|C-003|1|4999|2026-11-02 11:30:00.000000",
  };
  // B-78's quantity_produced is 0 in the .proto sense (not sent): it prints
  // as 0, not NULL. B-77 arrives twice; its COMPLETED version is newer.
  const std::vector<std::string> batches = {
      "B-77|C-001|500|488|12|COMPLETED|2026-11-01 06:00:00.000000|2026-11-01 14:00:00.000000",
      "B-78|C-003|100|0|0|STARTED|2026-11-01 07:00:00.000000|2026-11-01 07:00:00.000000",
  };
  EXPECT_TRUE(PollUntil(
      [&] {
        return RowsOr(ws, kCardsSql) == cards && RowsOr(ws, kOrdersSql) == orders &&
               RowsOr(ws, kBatchesSql) == batches && SourceMetrics(server.port(), "factory_bus").acked == 8;
      },
      kDeadline))
      << server.process().Stderr();
  EXPECT_EQ(RowsOr(ws, kCardsSql), cards);
  EXPECT_EQ(RowsOr(ws, kOrdersSql), orders);
  EXPECT_EQ(RowsOr(ws, kBatchesSql), batches);
  // Both versions of B-77 arrived (and the newest won), not only the last.
  EXPECT_EQ(CountOr(ws, "SELECT count(*) FROM manufacturing_batches_stg"), 3);
  // Landed as the protobuf JSON mapping with original field names.
  const auto payloads = RowsOr(ws, "SELECT payload FROM cards_stg");
  ASSERT_EQ(payloads.size(), 3u);
  EXPECT_THAT(payloads, ::testing::Contains(HasSubstr("\"list_price_cents\":\"1299\"")));
  EXPECT_EQ(CountOr(ws, "SELECT count(*) FROM sluice_load_errors"), 0);

  const AmqpSourceMetrics m = SourceMetrics(server.port(), "factory_bus");
  EXPECT_EQ(m.delivered, 8) << m.Describe();
  EXPECT_EQ(m.acked, 8) << m.Describe();
  EXPECT_EQ(m.redelivered, 0) << m.Describe();
  for (const auto& [reason, n] : m.rejected) EXPECT_EQ(n, 0) << reason << ": " << m.Describe();
  EXPECT_EQ(m.state(), "consuming") << m.Describe();
  EXPECT_EQ(m.states.at("consuming"), 1) << m.Describe();

  // The consumer runs as a batch thread (its wake-ups do not preempt a
  // broker on the same host); the landing threads, which HTTP shares, do not.
  EXPECT_EQ(ThreadPolicies(server.process().pid(), "amqp:"), std::vector<int>{SCHED_BATCH});
  EXPECT_EQ(ThreadPolicies(server.process().pid(), "land-flush"), std::vector<int>{SCHED_OTHER});

  EXPECT_EQ(client.MessageCount(queue), 0u);
  EXPECT_EQ(Stop(server), 0) << server.process().Stderr();
  EXPECT_EQ(client.MessageCount(queue), 0u) << "deliveries were left unacknowledged";
}

// ---------------------------------------------------------------------------
// 2. JSON messages: the type from a header or the routing key.

TEST(AmqpServe, JsonMessagesTypedByAHeaderOrTheRoutingKeyLandWithTheirValues) {
  // by_header is declared before serve does, so that the first publish has a queue.
  SourceQueueOnSharedBroker q(QueueDeclaration::kByTheTest, "header");
  auto& [broker, by_header, cleanup, client] = q;
  const std::string by_key = UniqueQueueName("key");
  const std::string exchange = UniqueQueueName("x");
  cleanup.SourceQueue(by_key);
  cleanup.Exchange(exchange);

  // The routing key carries the type, so messages come through an exchange.
  client.DeclareExchange(exchange, "topic");
  client.DeclareQueue(by_key);
  client.BindQueue(by_key, exchange, "#");

  Workspace ws(fmt::format(R"(data_dir: data
http:
  listen: 127.0.0.1:0
sources:
  by_header:
    amqp:
      url: {}
      queue: {}
      type_from: header:kind
      format: json
      types: {{card.created: CardCatalog, order.created: Order, batch.updated: ManufacturingBatch}}
  by_key:
    amqp:
      url: {}
      queue: {}
      prefetch: 10
      type_from: routing_key
      types: {{factory.orders: Order}}
)",
                           broker.url(), by_header, broker.url(), by_key) +
               FactoryEventsYaml());
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();

  const auto kind = [](const std::string& k) {
    AmqpTestClient::Properties p;
    p.headers = {{"kind", k}};
    return p;
  };
  // int64 fields as strings (the protobuf JSON mapping does that), one past
  // 2^53 so that a trip through a double would show; timestamps with an
  // offset and a fraction.
  client.Publish("", by_header,
                 R"({"card_id":"C-101","name":"Zürich Wyrm","set_code":"ZRH","rarity":"RARE",)"
                 R"("list_price_cents":"9007199254740993","created_at":"2026-11-03T10:15:30.25+01:00"})",
                 kind("card.created"));
  client.Publish("", by_header,
                 R"({"order_id":"O-2001","customer_id":"U-1","currency":"USD","created_at":"2026-11-03T12:00:00Z",)"
                 R"("lines":[{"card_id":"C-101","quantity":3,"unit_price_cents":"150"},)"
                 R"({"card_id":"C-201","quantity":1,"unit_price_cents":"75"}]})",
                 kind("order.created"));
  client.Publish("", by_header,
                 R"({"batch_id":"B-201","card_id":"C-101","quantity_planned":10,"quantity_produced":9,)"
                 R"("quantity_defective":1,"status":"COMPLETED","started_at":"2026-11-03T08:00:00Z",)"
                 R"("updated_at":"2026-11-03T09:00:00.000001Z"})",
                 kind("batch.updated"));
  // header:kind does not fall back to the type property (only header:type does).
  AmqpTestClient::Properties type_property_only;
  type_property_only.type = "card.created";
  client.Publish("", by_header, R"({"card_id":"C-999","created_at":"2026-11-03T00:00:00Z"})", type_property_only);

  // By routing key: an event type's own name (not in types), a mapped name
  // whose body is an array (two events in one message), and a batch whose
  // quantity_produced is missing (JSON: NULL, unlike protobuf).
  client.Publish(exchange, "CardCatalog",
                 R"({"card_id":"C-201","name":"Moss Golem","set_code":"GRV","rarity":"UNCOMMON",)"
                 R"("list_price_cents":250,"created_at":"2026-11-04T00:00:00Z"})");
  client.Publish(exchange, "factory.orders",
                 R"([{"order_id":"O-3001","customer_id":"U-2","currency":"GBP","created_at":"2026-11-04T01:00:00Z",)"
                 R"("lines":[{"card_id":"C-201","quantity":4,"unit_price_cents":"250"}]},)"
                 R"({"order_id":"O-3002","customer_id":"U-3","currency":"GBP","created_at":"2026-11-04T02:00:00Z",)"
                 R"("lines":[{"card_id":"C-101","quantity":1,"unit_price_cents":"999"}]}])");
  client.Publish(exchange, "ManufacturingBatch",
                 R"({"batch_id":"B-301","card_id":"C-201","quantity_planned":40,"status":"STARTED",)"
                 R"("started_at":"2026-11-04T03:00:00Z","updated_at":"2026-11-04T03:00:00Z"})");

  const std::vector<std::string> cards = {
      "C-101|Zürich Wyrm|ZRH|RARE|9007199254740993|2026-11-03 09:15:30.250000",
      "C-201|Moss Golem|GRV|UNCOMMON|250|2026-11-04 00:00:00.000000",
  };
  const std::vector<std::string> orders = {
      "O-2001|U-1|USD|C-101|3|150|2026-11-03 12:00:00.000000",
      "O-2001|U-1|USD|C-201|1|75|2026-11-03 12:00:00.000000",
      "O-3001|U-2|GBP|C-201|4|250|2026-11-04 01:00:00.000000",
      "O-3002|U-3|GBP|C-101|1|999|2026-11-04 02:00:00.000000",
  };
  const std::vector<std::string> batches = {
      "B-201|C-101|10|9|1|COMPLETED|2026-11-03 08:00:00.000000|2026-11-03 09:00:00.000001",
      "B-301|C-201|40|NULL|NULL|STARTED|2026-11-04 03:00:00.000000|2026-11-04 03:00:00.000000",
  };
  EXPECT_TRUE(PollUntil(
      [&] {
        const MetricsScrape scrape = ScrapeMetrics(server.port());
        return RowsOr(ws, kCardsSql) == cards && RowsOr(ws, kOrdersSql) == orders &&
               RowsOr(ws, kBatchesSql) == batches && SourceMetrics(scrape, "by_header").acked == 4 &&
               SourceMetrics(scrape, "by_key").acked == 3;
      },
      kDeadline))
      << server.process().Stderr();
  EXPECT_EQ(RowsOr(ws, kCardsSql), cards);
  EXPECT_EQ(RowsOr(ws, kOrdersSql), orders);
  EXPECT_EQ(RowsOr(ws, kBatchesSql), batches);

  const MetricsScrape scrape = ScrapeMetrics(server.port());
  const AmqpSourceMetrics header = SourceMetrics(scrape, "by_header");
  const AmqpSourceMetrics key = SourceMetrics(scrape, "by_key");
  EXPECT_EQ(header.delivered, 4) << header.Describe();
  EXPECT_EQ(header.rejected.at("no_type"), 1) << header.Describe();
  EXPECT_EQ(header.state(), "consuming") << header.Describe();
  EXPECT_EQ(key.delivered, 3) << key.Describe();
  for (const auto& [reason, n] : key.rejected) EXPECT_EQ(n, 0) << reason << ": " << key.Describe();
  EXPECT_EQ(key.state(), "consuming") << key.Describe();

  // The type-property-only message went to by_header's dead letters.
  const auto dead = Drain(client, by_header + ".dead");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].headers.at("sluice-reason"), "no_type");
  EXPECT_THAT(dead[0].headers.at("sluice-error"), HasSubstr("no 'kind' header"));
  EXPECT_EQ(dead[0].type, "card.created");
  EXPECT_TRUE(Drain(client, by_key + ".dead").empty());
  EXPECT_EQ(RowsOr(ws, "SELECT card_id FROM cards WHERE card_id = 'C-999'"), std::vector<std::string>{});

  EXPECT_EQ(Stop(server), 0) << server.process().Stderr();
  EXPECT_EQ(client.MessageCount(by_header), 0u);
  EXPECT_EQ(client.MessageCount(by_key), 0u);
}

// ---------------------------------------------------------------------------
// 3. Poison messages.

std::string Hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

struct Poison {
  std::string name;         // for messages
  std::string body;         // byte for byte
  std::string type;         // the type property it was published with ("" none)
  std::string reason;       // sluice-reason
  std::string error_part;   // a piece of sluice-error
  std::string event_type;   // sluice_load_errors.event_type
  bool binary;              // raw is base64:
};

TEST(AmqpServe, PoisonMessagesGoToTheDeadLetterQueueWithTheirReasonAndTheRestKeepsFlowing) {
  SourceQueueOnSharedBroker q(QueueDeclaration::kBySluice);
  auto& [broker, queue, cleanup, client] = q;
  FactoryWorkspace ws(q);
  Server server(ws);
  ASSERT_GT(server.port(), 0) << server.process().Stderr();

  // (a) garbage: 0x0f is field 1 with wire type 7, which does not exist; a
  // NUL and 0xff make it binary.
  const std::string garbage = std::string("\x0f", 1) + std::string(1, '\0') + "garbage" + "\xff\xfe";
  // (b) a type no one listed, as protobuf-looking bytes (0xac is not UTF-8).
  const std::string unknown = PbBytesField(1, "INV-1") + PbVarintField(2, 300);
  // (c) a ManufacturingBatch labelled OrderCreated: fields 1 and 2 are
  // strings in both messages; 3 (int32 here, a string there), 6 and 8 are
  // not OrderCreated's. `sluice publish --message` encodes it; its bytes are
  // read back from a side queue the CLI sends the same line to.
  const std::string batch_line =
      R"({"batch_id":"B-99","card_id":"C-001","quantity_planned":250,"status":"COMPLETED",)"
      R"("updated_at":"2026-11-01T14:00:00Z"})";
  const std::string side = UniqueQueueName("side");
  cleanup.Queue(side);
  std::string mislabelled;
  {
    client.DeclareQueue(side);
    const std::string file = ws.WriteInput("batch-side.ndjson", batch_line + "\n");
    ASSERT_RUN_OK(ws.Sluice({"publish", "amqp", "--type", "OrderCreated", "--message", "ManufacturingBatch",
                             "--routing-key", side, file}));
    auto sent = client.Get(side);
    ASSERT_TRUE(sent.has_value());
    mislabelled = sent->body;
    // What protobuf must have made of it, fields in number order (the
    // Timestamp's nanos may or may not be written out at 0).
    EXPECT_THAT(mislabelled, StartsWith(PbBytesField(1, "B-99") + PbBytesField(2, "C-001") + PbVarintField(3, 250) +
                                        PbVarintField(6, 2)));
  }
  // (d) no type anywhere; text, so sluice_load_errors keeps it as text.
  const std::string untyped = "this message says nothing about its type";

  const std::vector<Poison> poisons = {
      {"garbage", garbage, "OrderCreated", "undecodable", "factory.orders.OrderCreated", "Order", true},
      {"unknown type", unknown, "InvoiceIssued", "unknown_type", "'InvoiceIssued'", "InvoiceIssued", true},
      {"mislabelled", mislabelled, "OrderCreated", "undecodable",
       "carries field numbers 3, 6, 8 that factory.orders.OrderCreated does not declare", "Order", true},
      {"no type", untyped, "", "no_type", "no 'type' header and no type property", "", false},
  };

  const auto publish = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {"publish", "amqp"};
    argv.insert(argv.end(), args.begin(), args.end());
    const RunResult r = ws.Sluice(argv);
    EXPECT_RUN_OK(r);
  };
  const std::string garbage_file = ws.WriteInput("garbage.bin", garbage);
  const std::string unknown_file = ws.WriteInput("invoice.bin", unknown);
  const std::string batch_file = ws.WriteInput("batch.ndjson", batch_line + "\n");
  const std::string untyped_file = ws.WriteInput("untyped.txt", untyped);
  const std::string late_card = ws.WriteInput(
      "late-card.ndjson",
      R"({"card_id":"C-004","name":"Late Lich","set_code":"DRK","rarity":"UNCOMMON","list_price_cents":300,)"
      R"("created_at":"2026-11-01T09:20:00Z"})"
      "\n");

  publish({"--type", "CardCatalogCreated", FactoryMessages("cards.ndjson")});
  publish({"--raw", "--type", "OrderCreated", garbage_file});                           // (a)
  publish({"--type", "OrderCreated", FactoryMessages("orders.ndjson")});
  publish({"--raw", "--type", "InvoiceIssued", unknown_file});                          // (b)
  publish({"--type", "ManufacturingBatch", FactoryMessages("manufacturing.ndjson")});
  publish({"--type", "OrderCreated", "--message", "ManufacturingBatch", batch_file});  // (c)
  publish({"--raw", untyped_file});                                                     // (d)
  publish({"--type", "CardCatalogCreated", late_card});
  constexpr int kGood = 3 + 2 + 3 + 1;
  constexpr int kPoison = 4;

  // Every good message lands, those after the poison ones too.
  EXPECT_TRUE(PollUntil(
      [&] {
        return CountOr(ws, "cards") == 4 && CountOr(ws, "orders") == 3 && CountOr(ws, "manufacturing_batches") == 2 &&
               SourceMetrics(server.port(), "factory_bus").acked == kGood + kPoison;
      },
      kDeadline))
      << server.process().Stderr();
  EXPECT_EQ(RowsOr(ws, "SELECT card_id FROM cards ORDER BY card_id"),
            (std::vector<std::string>{"C-001", "C-002", "C-003", "C-004"}));
  EXPECT_EQ(RowsOr(ws, "SELECT DISTINCT order_id FROM orders ORDER BY order_id"),
            (std::vector<std::string>{"O-1001", "O-1002"}));
  // The mislabelled batch did not land as an order (its batch_id as order_id).
  EXPECT_EQ(CountOr(ws, "SELECT count(*) FROM orders WHERE order_id = 'B-99'"), 0);
  EXPECT_EQ(CountOr(ws, "SELECT count(*) FROM orders_stg"), 2);

  const AmqpSourceMetrics m = SourceMetrics(server.port(), "factory_bus");
  EXPECT_EQ(m.delivered, kGood + kPoison) << m.Describe();
  EXPECT_EQ(m.acked, kGood + kPoison) << m.Describe();
  EXPECT_EQ(m.rejected.at("undecodable"), 2) << m.Describe();
  EXPECT_EQ(m.rejected.at("unknown_type"), 1) << m.Describe();
  EXPECT_EQ(m.rejected.at("no_type"), 1) << m.Describe();
  EXPECT_EQ(m.rejected.at("invalid"), 0) << m.Describe();
  EXPECT_EQ(m.state(), "consuming") << m.Describe();

  // The source queue is empty, and nothing was left unacknowledged: after
  // the connection closes, nothing comes back.
  EXPECT_TRUE(PollUntil([&] { return client.MessageCount(queue) == 0; }, 10s)) << client.MessageCount(queue);
  EXPECT_EQ(Stop(server), 0) << server.process().Stderr();
  EXPECT_EQ(client.MessageCount(queue), 0u) << "unacknowledged deliveries went back to the queue";

  // sluice_load_errors: one row per poison message, recorded before its ack.
  std::map<std::string, std::vector<std::string>> errors_by_raw;  // raw -> event_type, file, landed_as, error
  for (const Row& r : ws.Query("SELECT raw, event_type, file, landed_as, error FROM sluice_load_errors")) {
    ASSERT_EQ(r.size(), 5u);
    errors_by_raw[r[0].text] = {r[1].text, r[2].text, r[3].is_null() ? "NULL" : r[3].text, r[4].text};
  }
  EXPECT_EQ(CountOr(ws, "sluice_load_errors"), kPoison);

  // The dead-letter queue: exactly the poison messages, bodies untouched.
  const auto dead = Drain(client, queue + ".dead");
  EXPECT_EQ(dead.size(), poisons.size());
  for (const Poison& p : poisons) {
    SCOPED_TRACE(p.name);
    const AmqpReceived* copy = nullptr;
    for (const auto& d : dead)
      if (d.body == p.body) copy = &d;
    if (copy == nullptr) {
      std::string bodies;
      for (const auto& d : dead) bodies += "\n  " + Hex(d.body) + " (" + d.headers.at("sluice-reason") + ")";
      FAIL() << "no dead letter with the body of the " << p.name << " message, " << Hex(p.body) << "; they are:"
             << bodies;
    }
    EXPECT_EQ(copy->type, p.type);
    EXPECT_TRUE(copy->persistent);
    EXPECT_EQ(copy->headers.count("sluice-reason") ? copy->headers.at("sluice-reason") : "<none>", p.reason);
    const std::string error = copy->headers.count("sluice-error") ? copy->headers.at("sluice-error") : "";
    EXPECT_THAT(error, HasSubstr(p.error_part));
    EXPECT_EQ(copy->headers.count("sluice-source") ? copy->headers.at("sluice-source") : "", "factory_bus");
    EXPECT_EQ(copy->headers.count("sluice-queue") ? copy->headers.at("sluice-queue") : "", queue);
    if (p.type.empty()) {
      EXPECT_EQ(copy->headers.count("sluice-type"), 0u);
    } else {
      EXPECT_EQ(copy->headers.count("sluice-type") ? copy->headers.at("sluice-type") : "", p.type);
    }

    const std::string raw = p.binary ? "base64:" + Base64(p.body) : p.body;
    ASSERT_EQ(errors_by_raw.count(raw), 1u) << "no sluice_load_errors row with raw " << raw;
    const auto& row = errors_by_raw.at(raw);
    EXPECT_EQ(row[0], p.event_type);
    EXPECT_EQ(row[1], "amqp:factory_bus/" + queue);
    EXPECT_EQ(row[2], "NULL");
    EXPECT_EQ(row[3], p.reason + ": " + error);
  }
}

// ---------------------------------------------------------------------------
// 4. What serve refuses at start.

// Runs `sluice serve`, which must refuse to start: exit code 2 within 60 s,
// never listening. What it printed is for the test's own checks.
RunResult ServeRefusingToStart(const Workspace& ws) {
  RunOptions options;
  options.timeout = 60s;
  RunResult r = ws.Sluice({"serve"}, options);
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_FALSE(r.timed_out) << r.Describe();
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("listening on"))) << r.Describe();
  return r;
}

TEST(AmqpServe, RefusesToStartWhenAProtoFileHasASyntaxErrorNamingFileLineAndColumn) {
  SourceQueueOnSharedBroker q(QueueDeclaration::kBySluice);
  FactoryWorkspace ws(q);
  // Line 6, column 17 (the ";"): the field number is missing.
  WriteFile(ws.dir() + "/proto/cards.proto",
            "syntax = \"proto3\";\n"
            "package factory.cards;\n"
            "\n"
            "message CardCatalogCreated {\n"
            "  string card_id = 1;\n"
            "  string name = ;\n"
            "}\n");
  const RunResult r = ServeRefusingToStart(ws);
  EXPECT_THAT(r.err, HasSubstr("proto/cards.proto:6:17:")) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("factory_bus")) << r.Describe();
}

TEST(AmqpServe, RefusesToStartWhenTypesNamesAMessageTheProtoFilesDoNotDeclare) {
  SourceQueueOnSharedBroker q(QueueDeclaration::kBySluice);
  auto& [broker, queue, cleanup, client] = q;
  std::string yaml = FactoryConfigYaml(broker.url(), queue);
  const std::string types = "types: {CardCatalogCreated: CardCatalog, OrderCreated: Order,";
  ASSERT_NE(yaml.find(types), std::string::npos);
  yaml.replace(yaml.find(types), types.size(), "types: {CardCatalogCreated: CardCatalog, OrderCreatedX: Order,");
  FactoryWorkspace ws(yaml);
  const RunResult r = ServeRefusingToStart(ws);
  EXPECT_THAT(r.err, HasSubstr("source 'factory_bus'")) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("no message 'OrderCreatedX' in the proto files")) << r.Describe();
  // It never got as far as the broker: no queue was declared.
  EXPECT_FALSE(client.QueueExists(queue));
}

}  // namespace
}  // namespace sluice::testing
