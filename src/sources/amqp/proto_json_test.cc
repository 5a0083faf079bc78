#include "sources/amqp/proto_json.h"

#include <gtest/gtest.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

#include <filesystem>

#include "sources/amqp/proto_schema.h"
#include "testing/files.h"
#include "testing/temp_dir.h"

namespace sluice {
namespace {
namespace fs = std::filesystem;
namespace pb = google::protobuf;

constexpr const char* kProto = R"(syntax = "proto3";
package t;
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/any.proto";
enum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; }
message Inner { string s = 1; repeated Inner children = 2; }
message All {
  int32 i32 = 1; sint32 s32 = 2; uint32 u32 = 3; fixed32 f32 = 4;
  int64 i64 = 5; sint64 s64 = 6; uint64 u64 = 7; sfixed64 sf64 = 8;
  double d = 9; float f = 10; bool b = 11; string s = 12; bytes by = 13;
  Color color = 14; repeated Color colors = 15;
  Inner inner = 16; repeated Inner inners = 17;
  map<string, int64> counts = 18; map<int32, Inner> by_id = 19; map<bool, string> flags = 20;
  google.protobuf.Timestamp ts = 21; google.protobuf.Duration dur = 22;
  google.protobuf.Int64Value wrapped_i64 = 23; google.protobuf.StringValue wrapped_s = 24;
  google.protobuf.Struct st = 25; google.protobuf.Value val = 26; google.protobuf.ListValue list = 27;
  google.protobuf.Empty empty = 28;
  optional int32 maybe = 29;
  oneof choice { string name = 30; int64 number = 31; }
  repeated double ds = 32;
}
message WithAny { google.protobuf.Any any = 1; }
)";

class ProtoJsonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteFile(dir_ / "t.proto", kProto);
    auto schema = ProtoSchema::Load({(dir_ / "t.proto").string()}, {dir_.string()});
    ASSERT_TRUE(schema.ok()) << schema.status().message();
    schema_ = std::move(*schema);
    all_ = *schema_->Find("t.All");
  }

  // JSON in (as a producer would write it) → bytes → our JSON out.
  std::string RoundTrip(const std::string& json_in, const pb::Descriptor* type = nullptr) {
    std::string bytes, json;
    Status st = schema_->FromJson(type ? type : all_, json_in, &bytes);
    EXPECT_TRUE(st.ok()) << st.message();
    st = schema_->ToJson(type ? type : all_, bytes, true, &json);
    EXPECT_TRUE(st.ok()) << st.message();
    return json;
  }

  const testing::TempDir tmp_;
  const fs::path dir_ = tmp_.path();
  std::unique_ptr<ProtoSchema> schema_;
  const pb::Descriptor* all_ = nullptr;
};

TEST_F(ProtoJsonTest, EveryScalarKindIsPrintedByTheJsonMapping) {
  const std::string json = RoundTrip(R"({"i32": -5, "s32": -6, "u32": 7, "f32": 8, "i64": "-9007199254740993",
      "s64": "-2", "u64": "18446744073709551615", "sf64": "3", "d": 0.1, "f": 1.5, "b": true,
      "s": "a\"b\\c\n\u0001é", "by": "AAEC/w==", "color": "GREEN", "colors": ["RED", 2]})");
  for (const char* piece :
       {R"("i32":-5)", R"("s32":-6)", R"("u32":7)", R"("f32":8)", R"("i64":"-9007199254740993")", R"("s64":"-2")",
        R"("u64":"18446744073709551615")", R"("sf64":"3")", R"("d":0.1)", R"("f":1.5)", R"("b":true)",
        R"("s":"a\"b\\c\n\u0001é")", R"("by":"AAEC/w==")", R"("color":"GREEN")", R"("colors":["RED","GREEN"])"})
    EXPECT_NE(json.find(piece), std::string::npos) << piece << " in " << json;
}

TEST_F(ProtoJsonTest, DefaultsArePrintedButUnsetFieldsWithPresenceAreNot) {
  const std::string json = RoundTrip("{}");
  EXPECT_EQ(json,
            R"({"i32":0,"s32":0,"u32":0,"f32":0,"i64":"0","s64":"0","u64":"0","sf64":"0","d":0,"f":0,"b":false,)"
            R"("s":"","by":"","color":"COLOR_UNSPECIFIED","colors":[],"inners":[],"counts":{},"by_id":{},)"
            R"("flags":{},"ds":[]})");
  const std::string set = RoundTrip(R"({"maybe": 0, "number": "4", "inner": {}})");
  EXPECT_NE(set.find(R"("maybe":0)"), std::string::npos) << set;
  EXPECT_NE(set.find(R"("number":"4")"), std::string::npos) << set;
  EXPECT_EQ(set.find(R"("name")"), std::string::npos) << "the oneof's other member: " << set;
  EXPECT_NE(set.find(R"("inner":{"s":"","children":[]})"), std::string::npos) << set;
}

TEST_F(ProtoJsonTest, MapsNestedMessagesAndWellKnownTypesLookLikeJson) {
  const std::string json = RoundTrip(R"({"inner": {"s": "x", "children": [{"s": "y"}]},
      "counts": {"a": "1"}, "by_id": {"7": {"s": "z"}}, "flags": {"true": "on"},
      "ts": "2026-11-02T10:00:00.250Z", "dur": "-1.000000001s", "wrapped_i64": "12", "wrapped_s": "w",
      "st": {"k": [1, "two", null, {"n": true}]}, "val": 2.5, "list": [1, "a"], "empty": {},
      "ds": [1e300, -0.0]})");
  for (const char* piece :
       {R"("inner":{"s":"x","children":[{"s":"y","children":[]}]})", R"("counts":{"a":"1"})",
        R"("by_id":{"7":{"s":"z","children":[]}})", R"("flags":{"true":"on"})", R"("ts":"2026-11-02T10:00:00.250Z")",
        R"("dur":"-1.000000001s")", R"("wrapped_i64":"12")", R"("wrapped_s":"w")",
        R"("st":{"k":[1,"two",null,{"n":true}]})", R"("val":2.5)", R"("list":[1,"a"])", R"("empty":{})",
        R"("ds":[1e+300,-0])"})
    EXPECT_NE(json.find(piece), std::string::npos) << piece << " in " << json;
}

TEST_F(ProtoJsonTest, TimestampsBeforeTheEpochAndFractionsPrintAsProtobufDoes) {
  for (const char* ts : {"1969-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
                         "2024-02-29T12:00:00.000001Z"}) {
    const std::string json = RoundTrip(fmt::format(R"({{"ts": "{}"}})", ts));
    EXPECT_NE(json.find(fmt::format(R"("ts":"{}")", ts)), std::string::npos) << json;
  }
}

// What we print, protobuf's own parser reads back into the same message.
TEST_F(ProtoJsonTest, ProtobufReadsWhatWePrintBackIntoTheSameMessage) {
  const std::string in = R"({"i32": 1, "i64": "-7", "d": 3.25, "s": "x", "by": "/w==", "color": "RED",
      "inners": [{"s": "a"}, {"s": "b", "children": [{"s": "c"}]}], "counts": {"k": "5"}, "by_id": {"-3": {}},
      "ts": "2026-01-01T00:00:00Z", "st": {"a": {"b": [false]}}, "maybe": 3, "name": "n", "ds": [0.5]})";
  std::string bytes, json, again;
  ASSERT_TRUE(schema_->FromJson(all_, in, &bytes).ok());
  ASSERT_TRUE(schema_->ToJson(all_, bytes, true, &json).ok());
  ASSERT_TRUE(schema_->FromJson(all_, json, &again).ok()) << json;
  pb::DynamicMessageFactory factory;
  std::unique_ptr<pb::Message> a(factory.GetPrototype(all_)->New()), b(factory.GetPrototype(all_)->New());
  ASSERT_TRUE(a->ParseFromString(bytes));
  ASSERT_TRUE(b->ParseFromString(again));
  EXPECT_EQ(a->DebugString(), b->DebugString());
}

TEST_F(ProtoJsonTest, AnyIsLeftToProtobufsConverter) {
  EXPECT_TRUE(ProtoJsonSupports(all_));
  const pb::Descriptor* with_any = *schema_->Find("t.WithAny");
  EXPECT_FALSE(ProtoJsonSupports(with_any));
  const std::string json =
      RoundTrip(R"({"any": {"@type": "type.googleapis.com/t.Inner", "s": "x"}})", with_any);
  EXPECT_NE(json.find(R"("@type":"type.googleapis.com/t.Inner")"), std::string::npos) << json;
}

}  // namespace
}  // namespace sluice
