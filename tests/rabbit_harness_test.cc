// The RabbitMQ test infrastructure, without sluice: the fixture's broker
// serves AMQP on loopback to guest, the test client's messages come back with
// their body, type, headers and persistence, confirms make thousands of
// publishes quick and countable, broker errors name what failed and leave the
// client usable, and a persistent message in a durable queue survives a
// broker restart (on a broker of the test's own).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "rabbit_harness.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// Deletes the queue when the test ends, pass or fail.
class ScopedQueue {
 public:
  ScopedQueue(AmqpTestClient& client, std::string name, bool durable = true) : client_(client), name_(std::move(name)) {
    client_.DeclareQueue(name_, durable);
  }
  ~ScopedQueue() {
    try {
      if (!client_.connected()) client_.Reconnect();
      client_.DeleteQueue(name_);
    } catch (const std::exception&) {
      // The test's own assertions say what went wrong.
    }
  }
  const std::string& name() const { return name_; }

 private:
  AmqpTestClient& client_;
  std::string name_;
};

TEST(RabbitBroker, TheFixtureBrokerServesAmqpOnLoopbackToGuest) {
  ASSERT_TRUE(RabbitBroker::Available()) << "run through CTest: the fixture `rabbitmq` starts the broker";
  const RabbitBroker broker;
  EXPECT_THAT(broker.url(), MatchesRegex("amqp://guest:guest@127\\.0\\.0\\.1:[0-9]+/%2f"));
  EXPECT_EQ(broker.url(), "amqp://guest:guest@127.0.0.1:" + std::to_string(broker.port()) + "/%2f");
  EXPECT_TRUE(broker.Running());
  AmqpTestClient client(broker.url());
  EXPECT_TRUE(client.connected());
  // No management plugin: the broker runs with an empty plugin list.
  const RunResult plugins = broker.Ctl({"status"});
  ASSERT_EQ(plugins.exit_code, 0) << plugins.Describe();
  EXPECT_THAT(plugins.out, HasSubstr("sluice-test-" + std::to_string(broker.port()) + "@localhost"));
  EXPECT_THAT(plugins.out, ::testing::Not(HasSubstr("rabbitmq_management")));
}

TEST(RabbitBroker, WithoutTheFixtureATestFailsNamingTheVariable) {
  const char* saved = std::getenv("SLUICE_TEST_RABBITMQ_DIR");
  const std::string value = saved ? saved : "";
  ::unsetenv("SLUICE_TEST_RABBITMQ_DIR");
  EXPECT_FALSE(RabbitBroker::Available());
  EXPECT_THAT([] { RabbitBroker broker; },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("$SLUICE_TEST_RABBITMQ_DIR is not set")));
  EXPECT_THAT([] { RabbitBroker broker("/nonexistent/rabbitmq-node"); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("/nonexistent/rabbitmq-node/url does not exist")));
  if (saved) ::setenv("SLUICE_TEST_RABBITMQ_DIR", value.c_str(), 1);
}

TEST(RabbitHarness, UniqueQueueNamesNameTheTestAndNeverRepeat) {
  const std::string a = UniqueQueueName(), b = UniqueQueueName("dlq");
  EXPECT_THAT(a, HasSubstr("RabbitHarness.UniqueQueueNamesNameTheTestAndNeverRepeat"));
  EXPECT_THAT(a, HasSubstr("." + std::to_string(::getpid()) + "."));
  EXPECT_NE(a, b);
  EXPECT_THAT(b, ::testing::EndsWith(".dlq"));
}

TEST(AmqpTestClient, PublishedMessagesComeBackWithTheirBodyTypeHeadersAndPersistence) {
  const RabbitBroker broker;
  AmqpTestClient client(broker.url());
  const ScopedQueue queue(client, UniqueQueueName());

  AmqpTestClient::Properties accounting;
  accounting.type = "Accounting";
  accounting.headers = {{"tenant", "t-1"}, {"source", "billing"}, {"empty", ""}, {"unicode", "Zürich €"}};
  accounting.message_id = "evt-1";
  accounting.content_type = "application/json";
  client.Publish("", queue.name(), R"({"EventItemId":"1"})", accounting);
  AmqpTestClient::Properties transient;
  transient.type = "Ping";
  transient.persistent = false;
  client.Publish("", queue.name(), "", transient);
  const std::string binary("\0\x01\xff{", 4);
  client.Publish("", queue.name(), binary);  // no type, no headers

  auto first = client.Get(queue.name());
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->body, R"({"EventItemId":"1"})");
  EXPECT_EQ(first->type, "Accounting");
  EXPECT_THAT(first->headers, UnorderedElementsAre(Pair("tenant", "t-1"), Pair("source", "billing"),
                                                   Pair("empty", ""), Pair("unicode", "Zürich €")));
  EXPECT_EQ(first->message_id, "evt-1");
  EXPECT_EQ(first->content_type, "application/json");
  EXPECT_TRUE(first->persistent);
  EXPECT_FALSE(first->redelivered);
  EXPECT_EQ(first->exchange, "");
  EXPECT_EQ(first->routing_key, queue.name());
  EXPECT_EQ(first->messages_left, 2u);

  auto second = client.Get(queue.name());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->body, "");
  EXPECT_EQ(second->type, "Ping");
  EXPECT_TRUE(second->headers.empty());
  EXPECT_FALSE(second->persistent);

  auto third = client.Get(queue.name());
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->body, binary);
  EXPECT_EQ(third->type, "");
  EXPECT_TRUE(third->persistent);
  EXPECT_EQ(third->messages_left, 0u);

  // Get acknowledged them: nothing comes back, not even after reconnecting.
  EXPECT_FALSE(client.Get(queue.name()).has_value());
  client.Reconnect();
  EXPECT_FALSE(client.Get(queue.name()).has_value());
}

TEST(AmqpTestClient, ABatchOfThousandsIsConfirmedAndCountedAndComesBackInOrder) {
  const RabbitBroker broker;
  AmqpTestClient client(broker.url());
  const ScopedQueue queue(client, UniqueQueueName());
  EXPECT_EQ(client.MessageCount(queue.name()), 0u);

  constexpr int kMessages = 10000;
  std::vector<AmqpTestClient::Message> batch;
  for (int i = 0; i < kMessages; ++i) {
    AmqpTestClient::Message m;
    m.routing_key = queue.name();
    m.body = fmt::format(R"({{"n":{}}})", i);
    m.properties.type = "Counter";
    m.properties.headers = {{"n", std::to_string(i)}};
    batch.push_back(std::move(m));
  }
  const auto began = std::chrono::steady_clock::now();
  client.PublishBatch(batch);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
  std::cout << kMessages << " persistent messages published and confirmed in " << took.count() << " ms\n";
  // Every publish was confirmed, so every message is in the queue now: no polling.
  EXPECT_EQ(client.MessageCount(queue.name()), static_cast<uint32_t>(kMessages));

  for (int i = 0; i < 3; ++i) {
    auto m = client.Get(queue.name());
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->body, fmt::format(R"({{"n":{}}})", i));
    EXPECT_EQ(m->headers.at("n"), std::to_string(i));
  }
  EXPECT_EQ(client.MessageCount(queue.name()), static_cast<uint32_t>(kMessages - 3));
  EXPECT_EQ(client.PurgeQueue(queue.name()), static_cast<uint32_t>(kMessages - 3));
  EXPECT_EQ(client.MessageCount(queue.name()), 0u);
}

TEST(AmqpTestClient, ATopicExchangeRoutesToTheBoundQueue) {
  const RabbitBroker broker;
  AmqpTestClient client(broker.url());
  const ScopedQueue queue(client, UniqueQueueName());
  const std::string exchange = UniqueQueueName("exchange");
  client.DeclareExchange(exchange, "topic");
  client.BindQueue(queue.name(), exchange, "events.#");
  client.Publish(exchange, "events.accounting.created", "{}");
  auto m = client.Get(queue.name());
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->exchange, exchange);
  EXPECT_EQ(m->routing_key, "events.accounting.created");
  // Mandatory: a message no queue takes fails the publish instead of vanishing.
  EXPECT_THAT([&] { client.Publish(exchange, "other.key", "{}"); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("312 NO_ROUTE")));
  client.DeleteExchange(exchange);
}

TEST(AmqpTestClient, BrokerErrorsNameWhatFailedAndLeaveTheClientUsable) {
  const RabbitBroker broker;
  AmqpTestClient client(broker.url());
  const std::string missing = UniqueQueueName("missing");

  EXPECT_FALSE(client.QueueExists(missing));
  EXPECT_THAT([&] { client.MessageCount(missing); },
              ::testing::ThrowsMessage<std::runtime_error>(
                  HasSubstr("queue.declare (passive) of queue '" + missing + "': NOT_FOUND")));
  EXPECT_THAT([&] { client.Get(missing); },
              ::testing::ThrowsMessage<std::runtime_error>(
                  HasSubstr("basic.get from queue '" + missing + "': NOT_FOUND - no queue '" + missing + "'")));
  EXPECT_THAT([&] { client.Publish("no-such-exchange-" + missing, "k", "{}"); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("NOT_FOUND - no exchange")));
  EXPECT_THAT([&] { client.Publish("", missing, "{}"); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("NO_ROUTE")));
  // Redeclaring a durable queue as transient: PRECONDITION_FAILED.
  const ScopedQueue queue(client, UniqueQueueName());
  EXPECT_THAT([&] { client.DeclareQueue(queue.name(), /*durable=*/false); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("PRECONDITION_FAILED")));
  EXPECT_TRUE(client.connected());

  // After each channel error the client goes on.
  EXPECT_TRUE(client.QueueExists(queue.name()));
  client.Publish("", queue.name(), "still works");
  EXPECT_EQ(client.MessageCount(queue.name()), 1u);
  EXPECT_EQ(client.Get(queue.name())->body, "still works");
  client.DeleteQueue(missing);  // a missing queue is no error
}

TEST(AmqpTestClient, ConnectingToAPortWithoutABrokerFailsNamingIt) {
  AmqpTestClient client;
  client.set_timeout(std::chrono::seconds(5));
  // Port 1 on loopback: nothing listens there.
  EXPECT_THAT([&] { client.Connect("amqp://guest:guest@127.0.0.1:1/%2f"); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("AMQP connect to 127.0.0.1:1")));
  EXPECT_FALSE(client.connected());
  EXPECT_THAT([&] { client.MessageCount("q"); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("not connected")));
  EXPECT_THAT([&] { client.Connect("http://example.com/"); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("is not valid")));
  const RabbitBroker broker;
  EXPECT_THAT([&] { client.Connect("amqp://guest:wrong@127.0.0.1:" + std::to_string(broker.port()) + "/%2f"); },
              ::testing::ThrowsMessage<std::runtime_error>(HasSubstr("AMQP login to 127.0.0.1")));
}

// On a broker of the test's own: restarting the fixture's would break the
// tests running beside this one.
TEST(PrivateRabbitBroker, APersistentMessageInADurableQueueSurvivesARestart) {
  PrivateRabbitBroker broker;
  ASSERT_TRUE(broker.Running());
  AmqpTestClient client(broker.url());
  const std::string durable = UniqueQueueName("durable"), transient = UniqueQueueName("transient");
  client.DeclareQueue(durable, /*durable=*/true);
  client.DeclareQueue(transient, /*durable=*/false);
  AmqpTestClient::Properties props;
  props.type = "Accounting";
  props.headers = {{"tenant", "t-7"}};
  client.Publish("", durable, "kept", props);
  AmqpTestClient::Properties not_persistent = props;
  not_persistent.persistent = false;
  client.Publish("", durable, "lost: not persistent", not_persistent);
  client.Publish("", transient, "lost: transient queue", props);
  EXPECT_EQ(client.MessageCount(durable), 2u);

  const auto began = std::chrono::steady_clock::now();
  broker.Restart();
  std::cout << "broker restarted in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count()
            << " ms\n";
  EXPECT_TRUE(broker.Running());
  // The connection did not survive; the client says so and connects again.
  EXPECT_THROW(client.MessageCount(durable), std::runtime_error);
  EXPECT_FALSE(client.connected());
  client.Reconnect();
  EXPECT_EQ(client.MessageCount(durable), 1u);
  EXPECT_FALSE(client.QueueExists(transient));
  auto m = client.Get(durable);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->body, "kept");
  EXPECT_EQ(m->type, "Accounting");
  EXPECT_THAT(m->headers, UnorderedElementsAre(Pair("tenant", "t-7")));
  EXPECT_TRUE(m->persistent);

  // An outage: down, nobody can connect; up, on the same port.
  client.Publish("", durable, "kept too", props);
  broker.Down();
  EXPECT_FALSE(broker.Running());
  AmqpTestClient during;
  during.set_timeout(std::chrono::seconds(5));
  EXPECT_THROW(during.Connect(broker.url()), std::runtime_error);
  broker.Up();
  EXPECT_TRUE(broker.Running());
  during.Connect(broker.url());
  EXPECT_EQ(during.Get(durable)->body, "kept too");
}

}  // namespace
}  // namespace sluice::testing
