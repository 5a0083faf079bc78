#include "sources/amqp/message_decoder.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testing/files.h"
#include "testing/json_corpus.h"
#include "testing/temp_dir.h"

namespace sluice {
namespace {
namespace fs = std::filesystem;

// A catalog of two types and one source of each format; the .proto file is
// written beside the config.
class MessageDecoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteFile(dir_ / "orders.proto", R"(syntax = "proto3";
package shop;
message OrderCreated { string order_id = 1; string tenant = 2; int32 quantity = 3; }
message Refund { string order_id = 1; }
)");
  }

  // Parses the catalog plus `source_yaml` (the body of sources.s.amqp).
  void Configure(const std::string& source_yaml, size_t max_event = 1 << 20) {
    const std::string yaml = R"(events:
  Order:
    key: id
    version: q
    tenant: tenant
    columns:
      id: {path: order_id, type: string}
      q: {path: quantity, type: int}
  Ping:
    columns:
      x: {path: x, type: int}
sources:
  s:
    amqp:
)" + source_yaml;
    auto config = ParseConfig(yaml, (dir_ / "sluice.yaml").string());
    ASSERT_TRUE(config.ok()) << config.status().message();
    config_ = std::move(*config);
    auto decoder = MessageDecoder::Create(config_.amqp_sources.at(0), config_.catalog, max_event);
    ASSERT_TRUE(decoder.ok()) << decoder.status().message();
    decoder_ = std::move(*decoder);
  }

  std::optional<Rejection> Decode(const AmqpMessage& m) {
    event_ = nullptr;
    return decoder_->Decode(m, &event_, &events_);
  }

  const testing::TempDir tmp_;
  const fs::path dir_ = tmp_.path();
  Config config_;
  std::unique_ptr<MessageDecoder> decoder_;
  const EventSpec* event_ = nullptr;
  IncomingEvents events_;
};

constexpr const char* kProtobufSource = R"(      queue: q
      format: protobuf
      proto: {files: [orders.proto]}
      types: {OrderCreated: Order}
)";

std::string OrderBytes(const std::string& id, const std::string& tenant, int quantity) {
  // Fields 1 and 2 (length-delimited), 3 (varint); short values only.
  std::string b;
  b += '\x0a';
  b += static_cast<char>(id.size());
  b += id;
  b += '\x12';
  b += static_cast<char>(tenant.size());
  b += tenant;
  b += '\x18';
  b += static_cast<char>(quantity);
  return b;
}

TEST_F(MessageDecoderTest, AProtobufMessageLandsAsJsonOfItsMappedTypeWithItsTenant) {
  Configure(kProtobufSource);
  const std::string body = OrderBytes("O-1", "T7", 3);
  ASSERT_FALSE(Decode({body, "q", "OrderCreated", std::nullopt}));
  ASSERT_NE(event_, nullptr);
  EXPECT_EQ(event_->name, "Order");
  const auto list = events_.List();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].line, R"({"order_id":"O-1","tenant":"T7","quantity":3})");
  EXPECT_EQ(list[0].tenant, "T7");
}

TEST_F(MessageDecoderTest, AProtobufMessageWhoseJsonIsOverMaxEventIsInvalid) {
  Configure(kProtobufSource, /*max_event=*/44);
  ASSERT_FALSE(Decode({OrderBytes("O-1", "T", 1), "q", "OrderCreated", std::nullopt}));
  EXPECT_EQ(events_.List().at(0).line.size(), 44u) << "exactly at the limit";
  auto big = Decode({OrderBytes("O-1234567890", "T", 1), "q", "OrderCreated", std::nullopt});
  ASSERT_TRUE(big);
  EXPECT_EQ(big->reason, rejection::kInvalid);
  EXPECT_NE(big->message.find("over http.max_event (44 bytes"), std::string::npos) << big->message;
  EXPECT_TRUE(events_.empty());
}

TEST_F(MessageDecoderTest, TheTypeHeaderWinsOverTheTypeProperty) {
  Configure(kProtobufSource);
  const std::string body = OrderBytes("O-1", "T7", 3);
  EXPECT_FALSE(Decode({body, "q", "Refund", std::string_view("OrderCreated")}));
  auto rejected = Decode({body, "q", "OrderCreated", std::string_view("Refund")});
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->reason, rejection::kUnknownType) << "Refund is declared, but types does not list it";
  EXPECT_EQ(rejected->type_name, "Refund");
}

TEST_F(MessageDecoderTest, PoisonMessagesAreRejectedWithTheirReason) {
  Configure(kProtobufSource);
  auto none = Decode({OrderBytes("O", "T", 1), "q", "", std::nullopt});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->reason, rejection::kNoType);
  EXPECT_NE(none->message.find("no 'type' header and no type property"), std::string::npos) << none->message;
  auto garbage = Decode({std::string("\xff\xff\xff", 3), "q", "OrderCreated", std::nullopt});
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->reason, rejection::kUndecodable);
  auto wrong = Decode({std::string("\x20\x01", 2), "q", "OrderCreated", std::nullopt});  // field 4: not an order
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->reason, rejection::kUndecodable);
  EXPECT_NE(wrong->message.find("field numbers 4"), std::string::npos) << wrong->message;
  EXPECT_TRUE(events_.empty());
}

TEST_F(MessageDecoderTest, JsonTypesComeFromTheRoutingKeyAndNameEventsDirectlyWhenNotMapped) {
  Configure("      queue: q\n      type_from: routing_key\n      types: {order.created: Order}\n");
  ASSERT_FALSE(Decode({R"({"order_id": "O-2", "quantity": 1})", "order.created", "", std::nullopt}));
  EXPECT_EQ(event_->name, "Order");
  EXPECT_EQ(events_.List().at(0).line, R"({"order_id":"O-2","quantity":1})") << "minified";
  ASSERT_FALSE(Decode({R"({"x": 1})", "Ping", "", std::nullopt}));
  EXPECT_EQ(event_->name, "Ping");
  auto rejected = Decode({R"({"x": 1})", "Pong", "", std::nullopt});
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->reason, rejection::kUnknownType);
}

TEST_F(MessageDecoderTest, APayloadPathNamesTheType) {
  Configure("      queue: q\n      type_from: payload:meta.kind\n");
  ASSERT_FALSE(Decode({R"({"meta": {"kind": "Ping"}, "x": 1})", "q", "", std::nullopt}));
  EXPECT_EQ(event_->name, "Ping");
  auto none = Decode({R"({"x": 1})", "q", "", std::nullopt});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->reason, rejection::kNoType);
  EXPECT_NE(none->message.find("nothing at meta.kind"), std::string::npos);
  auto garbage = Decode({"\x01\x02", "q", "", std::nullopt});
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->reason, rejection::kUndecodable) << "not JSON at all";
}

TEST_F(MessageDecoderTest, AJsonArrayCarriesSeveralEventsAllOrNone) {
  Configure("      queue: q\n");
  ASSERT_FALSE(Decode({R"([{"x": 1}, {"x": 2}])", "q", "Ping", std::nullopt}));
  EXPECT_EQ(events_.count(), 2u);
  auto rejected = Decode({R"([{"x": 1}, 2])", "q", "Ping", std::nullopt});
  ASSERT_TRUE(rejected);
  EXPECT_NE(rejected->message.find("element 1"), std::string::npos) << rejected->message;
  EXPECT_TRUE(events_.empty());
}

TEST_F(MessageDecoderTest, BadJsonOrANonObjectIsUndecodableAndAnOversizedEventIsInvalid) {
  Configure("      queue: q\n", /*max_event=*/64);
  auto bad = Decode({R"({"x": )", "q", "Ping", std::nullopt});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->reason, rejection::kUndecodable);
  auto scalar = Decode({"42", "q", "Ping", std::nullopt});
  ASSERT_TRUE(scalar);
  EXPECT_EQ(scalar->reason, rejection::kUndecodable);
  auto big = Decode({R"({"x": ")" + std::string(100, 'a') + R"("})", "q", "Ping", std::nullopt});
  ASSERT_TRUE(big);
  EXPECT_EQ(big->reason, rejection::kInvalid);
  EXPECT_NE(big->message.find("http.max_event"), std::string::npos) << big->message;
}

TEST_F(MessageDecoderTest, ATypeMissingFromTheProtoFilesStopsTheSourceFromStarting) {
  testing::WriteFile(dir_ / "sluice.yaml", "");  // Configure's parse is enough; Create must fail
  const std::string yaml = "events:\n  Ping:\n    columns:\n      x: {path: x, type: int}\nsources:\n  s:\n    amqp:\n"
                           "      queue: q\n      format: protobuf\n      proto: {files: [orders.proto]}\n"
                           "      types: {Missing: Ping}\n";
  auto config = ParseConfig(yaml, (dir_ / "sluice.yaml").string());
  ASSERT_TRUE(config.ok()) << config.status().message();
  auto decoder = MessageDecoder::Create(config->amqp_sources.at(0), config->catalog, 1 << 20);
  ASSERT_FALSE(decoder.ok());
  EXPECT_NE(decoder.status().message().find("no message 'Missing'"), std::string::npos)
      << decoder.status().message();
}

// DESIGN.md: every JSON entry point against the conformance corpus. Each
// file is one message: n_ files are rejected, y_ objects land once, and
// nothing crashes.
TEST_F(MessageDecoderTest, ConformanceCorpusNRejectedYObjectsAcceptedNothingCrashes) {
  Configure("      queue: q\n");
  const std::vector<fs::path> files = testing::JsonCorpusFiles();
  ASSERT_GT(files.size(), 300u);
  int y_objects = 0;
  for (const auto& file : files) {
    const std::string name = file.filename().string();
    const std::string content = testing::ReadFile(file.string());
    auto rejected = Decode({content, "q", "Ping", std::nullopt});
    if (name[0] == 'n') {
      EXPECT_TRUE(rejected) << name;
    }
    if (rejected) {
      EXPECT_TRUE(events_.empty()) << name;
    }
    const size_t first = content.find_first_not_of(" \t\r\n");
    if (name[0] == 'y' && first != std::string::npos && content[first] == '{') {
      ++y_objects;
      EXPECT_FALSE(rejected) << name << ": " << (rejected ? rejected->message : "");
      EXPECT_EQ(events_.count(), 1u) << name;
    }
  }
  EXPECT_GT(y_objects, 10);
}

}  // namespace
}  // namespace sluice
