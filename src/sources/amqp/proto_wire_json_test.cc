#include "sources/amqp/proto_wire_json.h"

#include <gtest/gtest.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>

#include "sources/amqp/proto_json.h"
#include "sources/amqp/proto_schema.h"
#include "testing/files.h"
#include "testing/temp_dir.h"

namespace sluice {
namespace {
namespace fs = std::filesystem;
namespace pb = google::protobuf;
using FD = pb::FieldDescriptor;

constexpr const char* kProto3 = R"(syntax = "proto3";
package w;
import "google/protobuf/timestamp.proto";
import "google/protobuf/any.proto";
enum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; }
message Inner { string s = 1; repeated Inner children = 2; int64 n = 3; }
message All {
  int32 i32 = 1; sint32 s32 = 2; uint32 u32 = 3; fixed32 f32 = 4; sfixed32 sf32 = 5;
  int64 i64 = 6; sint64 s64 = 7; uint64 u64 = 8; fixed64 f64 = 9; sfixed64 sf64 = 10;
  double d = 11; float f = 12; bool b = 13; string s = 14; bytes by = 15; Color color = 16;
  repeated int32 ri32 = 17; repeated sint64 rs64 = 18; repeated double rd = 19; repeated fixed32 rf32 = 20;
  repeated bool rb = 21; repeated string rs = 22; repeated bytes rby = 23; repeated Color colors = 24;
  Inner inner = 25; repeated Inner inners = 26;
  google.protobuf.Timestamp ts = 27; repeated google.protobuf.Timestamp tss = 28;
  optional int32 maybe = 29; optional string maybe_s = 30;
  repeated float rf = 31;
}
message WithMap { map<string, int32> m = 1; }
message WithOneof { oneof c { string a = 1; int32 b = 2; } }
message WithAny { google.protobuf.Any any = 1; }
message Far { int32 a = 1; string far = 536870911; }
)";

constexpr const char* kProto2 = R"(syntax = "proto2";
package w2;
enum Size { SMALL = 1; LARGE = 2; }
message Two {
  optional int32 a = 1 [default = 7]; optional string b = 2 [default = "x"]; optional Size size = 3;
  repeated int32 unpacked = 4; repeated int32 packed = 5 [packed = true]; repeated Size sizes = 6;
}
message WithRequired { required int32 a = 1; }
)";

class ProtoWireJsonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path dir = dir_.path();
    testing::WriteFile(dir / "w.proto", kProto3);
    testing::WriteFile(dir / "w2.proto", kProto2);
    auto schema = ProtoSchema::Load({(dir / "w.proto").string(), (dir / "w2.proto").string()}, {dir.string()});
    ASSERT_TRUE(schema.ok()) << schema.status().message();
    schema_ = std::move(*schema);
    all_ = *schema_->Find("w.All");
    two_ = *schema_->Find("w2.Two");
    factory_ = std::make_unique<pb::DynamicMessageFactory>(all_->file()->pool());
  }

  // What the reflection path writes for these bytes; nullopt if they do not parse.
  std::optional<std::string> ByReflection(const pb::Descriptor* type, const std::string& bytes) {
    std::unique_ptr<pb::Message> m(factory_->GetPrototype(type)->New());
    if (!m->ParsePartialFromString(bytes)) return std::nullopt;
    std::string json;
    WriteProtoJson(*m, &json);
    return json;
  }
  // Both paths agree, and the wire path handled it.
  void ExpectSame(const pb::Descriptor* type, const std::string& bytes) {
    std::string fast = "prefix:";
    ASSERT_TRUE(wire_.Write(type, bytes, &fast)) << "bytes of size " << bytes.size();
    const auto slow = ByReflection(type, bytes);
    ASSERT_TRUE(slow.has_value());
    EXPECT_EQ(fast, "prefix:" + *slow);
  }
  // The wire path declines and leaves the output as it was.
  void ExpectDeclined(const pb::Descriptor* type, const std::string& bytes) {
    std::string out = "kept";
    EXPECT_FALSE(wire_.Write(type, bytes, &out));
    EXPECT_EQ(out, "kept");
  }

  static std::string Varint(uint64_t v) {
    std::string s;
    while (v >= 0x80) {
      s.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    s.push_back(static_cast<char>(v));
    return s;
  }
  static std::string Tag(int number, int wire) { return Varint(static_cast<uint64_t>(number) << 3 | wire); }
  static std::string Delimited(int number, const std::string& payload) {
    return Tag(number, 2) + Varint(payload.size()) + payload;
  }

  void Randomize(pb::Message* m, std::mt19937_64* rng, int depth);

  testing::TempDir dir_;
  std::unique_ptr<ProtoSchema> schema_;
  std::unique_ptr<pb::DynamicMessageFactory> factory_;
  const pb::Descriptor* all_ = nullptr;
  const pb::Descriptor* two_ = nullptr;
  ProtoWireJson wire_;
};

void ProtoWireJsonTest::Randomize(pb::Message* m, std::mt19937_64* rng, int depth) {
  const pb::Reflection* r = m->GetReflection();
  const pb::Descriptor* d = m->GetDescriptor();
  auto pick = [&](int n) { return static_cast<int>((*rng)() % static_cast<uint64_t>(n)); };
  const std::vector<std::string> texts = {"", "a", "order \"7\"\\ a\nb\tc", "été", "日本", std::string("\x01\x1f", 2)};
  const std::vector<double> doubles = {0.0, -1.5, 3.141592653589793, 1e300, -2.5e-308, 0.1,
                                       std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                       std::numeric_limits<double>::quiet_NaN()};
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    const int count = f->is_repeated() ? pick(4) : (pick(10) < 7 ? 1 : 0);
    for (int k = 0; k < count; ++k) {
      const bool rep = f->is_repeated();
      const uint64_t raw = (*rng)();
      switch (f->cpp_type()) {
        case FD::CPPTYPE_INT32: {
          const auto v = pick(2) ? static_cast<int32_t>(raw) : static_cast<int32_t>(raw % 100) - 50;
          rep ? r->AddInt32(m, f, v) : r->SetInt32(m, f, v);
          break;
        }
        case FD::CPPTYPE_INT64: {
          const auto v = pick(2) ? static_cast<int64_t>(raw) : static_cast<int64_t>(raw % 1000) - 500;
          rep ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
          break;
        }
        case FD::CPPTYPE_UINT32: rep ? r->AddUInt32(m, f, static_cast<uint32_t>(raw)) : r->SetUInt32(m, f, static_cast<uint32_t>(raw)); break;
        case FD::CPPTYPE_UINT64: rep ? r->AddUInt64(m, f, raw) : r->SetUInt64(m, f, raw); break;
        case FD::CPPTYPE_DOUBLE: {
          const double v = doubles[static_cast<size_t>(pick(static_cast<int>(doubles.size())))];
          rep ? r->AddDouble(m, f, v) : r->SetDouble(m, f, v);
          break;
        }
        case FD::CPPTYPE_FLOAT: {
          const auto v = static_cast<float>(doubles[static_cast<size_t>(pick(static_cast<int>(doubles.size())))]);
          rep ? r->AddFloat(m, f, v) : r->SetFloat(m, f, v);
          break;
        }
        case FD::CPPTYPE_BOOL: rep ? r->AddBool(m, f, raw & 1) : r->SetBool(m, f, raw & 1); break;
        case FD::CPPTYPE_ENUM: {
          const pb::EnumDescriptor* e = f->enum_type();
          const bool open = e->file()->syntax() == pb::FileDescriptor::SYNTAX_PROTO3;
          const int number = open && pick(5) == 0 ? 40 + pick(5) : e->value(pick(e->value_count()))->number();
          rep ? r->AddEnumValue(m, f, number) : r->SetEnumValue(m, f, number);
          break;
        }
        case FD::CPPTYPE_STRING: {
          std::string v = texts[static_cast<size_t>(pick(static_cast<int>(texts.size())))];
          if (f->type() == FD::TYPE_BYTES) v += std::string("\xff\x00\x80", 3);
          rep ? r->AddString(m, f, v) : r->SetString(m, f, v);
          break;
        }
        case FD::CPPTYPE_MESSAGE: {
          if (depth >= 3) break;
          pb::Message* sub = rep ? r->AddMessage(m, f, factory_.get()) : r->MutableMessage(m, f, factory_.get());
          if (f->message_type()->full_name() == "google.protobuf.Timestamp") {
            const pb::Descriptor* t = f->message_type();
            const int32_t nanos[] = {0, 500'000'000, 123'000, 123'456'789};
            sub->GetReflection()->SetInt64(sub, t->field(0), static_cast<int64_t>(raw % 4'000'000'000));
            sub->GetReflection()->SetInt32(sub, t->field(1), nanos[pick(4)]);
          } else {
            Randomize(sub, rng, depth + 1);
          }
          break;
        }
      }
    }
  }
}

TEST_F(ProtoWireJsonTest, RandomMessagesOfEveryShapeComeOutAsTheReflectionPathWritesThem) {
  std::mt19937_64 rng(7);
  for (const pb::Descriptor* type : {all_, two_}) {
    for (int n = 0; n < 1500; ++n) {
      std::unique_ptr<pb::Message> m(factory_->GetPrototype(type)->New());
      Randomize(m.get(), &rng, 0);
      std::string bytes;
      ASSERT_TRUE(m->SerializePartialToString(&bytes));
      SCOPED_TRACE(m->ShortDebugString());
      ExpectSame(type, bytes);
      if (HasFailure()) return;
    }
  }
}

TEST_F(ProtoWireJsonTest, AnEmptyMessagePrintsEveryFieldWithoutPresenceAtItsDefault) {
  ExpectSame(all_, "");
  ExpectSame(two_, "");  // proto2: every singular field has presence
  std::string json;
  ASSERT_TRUE(wire_.Write(all_, "", &json));
  EXPECT_NE(json.find(R"("i64":"0")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("color":"COLOR_UNSPECIFIED")"), std::string::npos) << json;
  EXPECT_EQ(json.find("maybe"), std::string::npos) << json;
}

TEST_F(ProtoWireJsonTest, WireFormsProtobufAcceptsGiveTheSameText) {
  // Unpacked values of a proto3 repeated field (packed is its default).
  ExpectSame(all_, Tag(17, 0) + Varint(5) + Tag(17, 0) + Varint(6));
  // Packed values of a proto2 field declared unpacked, and the reverse.
  ExpectSame(two_, Delimited(4, Varint(1) + Varint(300)) + Tag(5, 0) + Varint(9));
  // A singular scalar sent twice: the last wins.
  ExpectSame(all_, Tag(1, 0) + Varint(1) + Tag(1, 0) + Varint(2));
  // Fields in reverse order, a negative int32 as ten bytes, a sint32.
  ExpectSame(all_, Tag(2, 0) + Varint(3) + Tag(1, 0) + Varint(static_cast<uint64_t>(int64_t{-5})));
  // A proto3 enum number the enum does not declare stays a number.
  ExpectSame(all_, Tag(16, 0) + Varint(99));
  // Timestamps, with the nanos before the seconds.
  ExpectSame(all_, Delimited(27, Tag(2, 0) + Varint(5000000) + Tag(1, 0) + Varint(1767225600)));
}

TEST_F(ProtoWireJsonTest, MessagesItCannotVouchForAreLeftToTheReflectionPath) {
  ExpectDeclined(all_, Tag(99, 0) + Varint(1));                   // a field the type does not declare
  ExpectDeclined(all_, Tag(1, 1) + std::string(8, '\0'));         // int32 sent as fixed64
  ExpectDeclined(all_, Tag(14, 2) + Varint(10) + "short");        // truncated
  ExpectDeclined(all_, Tag(1, 0) + "\xff");                        // a varint that never ends
  ExpectDeclined(all_, Delimited(14, "\xc3\x28"));                 // a string that is not UTF-8
  ExpectDeclined(all_, Delimited(25, Tag(1, 2) + Varint(1) + "a") + Delimited(25, Tag(3, 0) + Varint(1)));
  ExpectDeclined(two_, Tag(3, 0) + Varint(5));                     // a closed enum's unknown number
  ExpectDeclined(all_, Tag(1, 3));                                 // a group
  ExpectDeclined(all_, Tag(0, 0) + Varint(1));                     // field number 0
  // Each of these is what the reflection path then decides about: the
  // unknown field parses there (and is rejected or ignored by the source).
  EXPECT_TRUE(ByReflection(all_, Tag(99, 0) + Varint(1)).has_value());
  EXPECT_FALSE(ByReflection(all_, Tag(14, 2) + Varint(10) + "short").has_value());
}

TEST_F(ProtoWireJsonTest, FieldNumbersUpToTheLargestAllowedAreFound) {
  const pb::Descriptor* far = *schema_->Find("w.Far");
  ExpectSame(far, Tag(536870911, 2) + Varint(3) + "abc" + Tag(1, 0) + Varint(4));
  ExpectDeclined(far, Tag(536870910, 0) + Varint(1));
  ExpectDeclined(far, Tag(2, 0) + Varint(1));
}

TEST_F(ProtoWireJsonTest, SupportsOnlyTheShapesItWritesItself) {
  EXPECT_TRUE(ProtoWireJson::Supports(all_));
  EXPECT_TRUE(ProtoWireJson::Supports(two_));
  EXPECT_FALSE(ProtoWireJson::Supports(*schema_->Find("w.WithMap")));
  EXPECT_FALSE(ProtoWireJson::Supports(*schema_->Find("w.WithOneof")));
  EXPECT_FALSE(ProtoWireJson::Supports(*schema_->Find("w.WithAny")));
  EXPECT_FALSE(ProtoWireJson::Supports(*schema_->Find("w2.WithRequired")));
}

TEST_F(ProtoWireJsonTest, TheFactoryExampleTypesTakeTheWirePath) {
  const char* source = std::getenv("SLUICE_SOURCE_DIR");
  ASSERT_NE(source, nullptr) << "run it through ctest, which sets $SLUICE_SOURCE_DIR";
  const fs::path proto = fs::path(source) / "examples/factory/proto";
  auto schema = ProtoSchema::Load({(proto / "cards.proto").string(), (proto / "orders.proto").string(),
                                   (proto / "manufacturing.proto").string()},
                                  {});
  ASSERT_TRUE(schema.ok()) << schema.status().message();
  for (const char* name : {"CardCatalogCreated", "OrderCreated", "ManufacturingBatch"}) {
    auto type = (*schema)->Find(name);
    ASSERT_TRUE(type.ok()) << name;
    EXPECT_TRUE(ProtoWireJson::Supports(*type)) << name;
  }
}

}  // namespace
}  // namespace sluice
