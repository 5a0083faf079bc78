#include "sources/amqp/proto_schema.h"

#include <gtest/gtest.h>
#include <google/protobuf/descriptor.h>

#include <filesystem>

#include "testing/files.h"
#include "testing/temp_dir.h"

namespace sluice {
namespace {
namespace fs = std::filesystem;

class ProtoSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write("common/money.proto", R"(syntax = "proto3";
package shop.common;
message Money { string currency = 1; int64 cents = 2; }
)");
    Write("orders.proto", R"(syntax = "proto3";
package shop;
import "common/money.proto";
import "google/protobuf/timestamp.proto";
enum Status { STATUS_UNSPECIFIED = 0; OPEN = 1; SHIPPED = 2; }
message Line { string sku = 1; int32 quantity = 2; shop.common.Money price = 3; }
message OrderCreated {
  string order_id = 1;
  Status status = 2;
  repeated Line lines = 3;
  google.protobuf.Timestamp created_at = 4;
  int64 total_cents = 5;
  bool gift = 6;
  bytes note = 7;
}
message Other { int64 order_id = 1; }
)");
    Write("legacy.proto", R"(syntax = "proto2";
package legacy;
message Line { required string sku = 1; optional int32 quantity = 2; }
)");
  }
  void Write(const std::string& name, const std::string& text) { testing::WriteFile(dir_ / name, text); }
  std::string Path(const std::string& name) { return (dir_ / name).string(); }

  std::unique_ptr<ProtoSchema> Load(std::vector<std::string> files) {
    for (auto& f : files) f = Path(f);
    auto schema = ProtoSchema::Load(files, {dir_.string()});
    EXPECT_TRUE(schema.ok()) << schema.status().message();
    return schema.ok() ? std::move(*schema) : nullptr;
  }

  const testing::TempDir tmp_;
  const fs::path dir_ = tmp_.path();
};

TEST_F(ProtoSchemaTest, DecodesToJsonWithOriginalNamesAndEveryScalar) {
  auto schema = Load({"orders.proto"});
  ASSERT_TRUE(schema);
  auto type = schema->Find("OrderCreated");
  ASSERT_TRUE(type.ok()) << type.status().message();
  std::string bytes;
  ASSERT_TRUE(schema
                  ->FromJson(*type,
                             R"({"orderId": "O-1", "status": "SHIPPED", "lines": [{"sku": "A", "quantity": 2,
                                 "price": {"currency": "EUR", "cents": 1299}}], "created_at": "2026-11-02T10:00:00Z",
                                 "total_cents": 9007199254740993})",
                             &bytes)
                  .ok());
  std::string json;
  ASSERT_TRUE(schema->ToJson(*type, bytes, true, &json).ok());
  // One line; int64 as strings (the protobuf JSON mapping), enums by name,
  // defaults printed; field order is the converter's.
  EXPECT_EQ(json.find('\n'), std::string::npos);
  for (const char* piece :
       {R"("order_id":"O-1")", R"("status":"SHIPPED")",
        R"("lines":[{"sku":"A","quantity":2,"price":{"currency":"EUR","cents":"1299"}}])",
        R"("created_at":"2026-11-02T10:00:00Z")", R"("total_cents":"9007199254740993")", R"("gift":false)",
        R"("note":"")"})
    EXPECT_NE(json.find(piece), std::string::npos) << piece << " in " << json;
}

TEST_F(ProtoSchemaTest, FindsMessagesByFullNameAndByAnUnambiguousSimpleName) {
  auto schema = Load({"orders.proto", "legacy.proto"});
  ASSERT_TRUE(schema);
  EXPECT_TRUE(schema->Find("shop.OrderCreated").ok());
  EXPECT_TRUE(schema->Find("OrderCreated").ok());
  EXPECT_TRUE(schema->Find("shop.common.Money").ok()) << "imported files' messages too";
  EXPECT_TRUE(schema->Find("legacy.Line").ok());
  auto ambiguous = schema->Find("Line");  // shop.Line and legacy.Line
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_NE(ambiguous.status().message().find("use its full name"), std::string::npos);
  EXPECT_FALSE(schema->Find("Nope").ok());
}

TEST_F(ProtoSchemaTest, BytesOfAnotherMessageAreRefusedForTheirUnknownFields) {
  auto schema = Load({"orders.proto"});
  ASSERT_TRUE(schema);
  const auto* order = *schema->Find("OrderCreated");
  const auto* other = *schema->Find("Other");
  std::string bytes;
  ASSERT_TRUE(schema->FromJson(other, R"({"order_id": 77})", &bytes).ok());
  std::string json;
  Status st = schema->ToJson(order, bytes, /*reject_unknown_fields=*/true, &json);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("carries field numbers 1 that shop.OrderCreated does not declare"), std::string::npos)
      << st.message();
  EXPECT_TRUE(schema->ToJson(order, bytes, /*reject_unknown_fields=*/false, &json).ok())
      << "proto.unknown_fields: ignore drops them";
  EXPECT_EQ(json.find("77"), std::string::npos) << json;
}

TEST_F(ProtoSchemaTest, UnknownFieldsInsideNestedMessagesAreFoundToo) {
  auto schema = Load({"orders.proto"});
  ASSERT_TRUE(schema);
  const auto* order = *schema->Find("OrderCreated");
  // lines[0] (field 3, length-delimited) holding field 9 (varint 1).
  const std::string bytes = std::string("\x1a\x02\x48\x01", 4);
  std::string json;
  Status st = schema->ToJson(order, bytes, true, &json);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("field numbers 9"), std::string::npos) << st.message();
}

TEST_F(ProtoSchemaTest, GarbageAndMissingRequiredFieldsAreRefused) {
  auto schema = Load({"orders.proto", "legacy.proto"});
  ASSERT_TRUE(schema);
  std::string json;
  Status garbage = schema->ToJson(*schema->Find("OrderCreated"), std::string("\xff\xff\xff\xff\x0f", 5), true, &json);
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.message().find("not a valid protobuf shop.OrderCreated message"), std::string::npos);
  Status missing = schema->ToJson(*schema->Find("legacy.Line"), std::string("\x10\x05", 2), true, &json);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("missing required fields: sku"), std::string::npos) << missing.message();
}

TEST_F(ProtoSchemaTest, CompileErrorsNameTheFileLineAndColumn) {
  Write("broken.proto", "syntax = \"proto3\";\nmessage X {\n  strin name = 1;\n}\n");
  auto schema = ProtoSchema::Load({Path("broken.proto")}, {dir_.string()});
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.status().message().find("broken.proto:3:3"), std::string::npos) << schema.status().message();
  auto missing = ProtoSchema::Load({Path("nope.proto")}, {dir_.string()});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope.proto' does not exist"), std::string::npos);
}

}  // namespace
}  // namespace sluice
