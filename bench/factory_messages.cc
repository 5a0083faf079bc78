#include "factory_messages.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>

#include <memory>
#include <random>

#include <fmt/format.h>

#include "sources/amqp/proto_schema.h"

namespace sluice::bench {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr int64_t kEpoch = 1793491200;  // 2026-11-01T00:00:00Z
constexpr int kCatalogCards = 5000;     // the cards orders and batches refer to
constexpr size_t kMaxOpenBatches = 2000;
const char* const kCurrencies[] = {"EUR", "USD", "GBP"};
const char* const kSets[] = {"DRK", "LUM", "TID", "FRG"};
const char* const kRarities[] = {"COMMON", "UNCOMMON", "RARE", "MYTHIC"};

// One message type's descriptor, its fields by name, and a scratch message.
class Filler {
 public:
  Filler(const Descriptor* d, google::protobuf::DynamicMessageFactory* factory)
      : d_(d), factory_(factory), message_(factory->GetPrototype(d)->New()) {}

  Status Check(std::initializer_list<const char*> names) const {
    for (const char* n : names)
      if (d_->FindFieldByName(n) == nullptr)
        return Status::InvalidArgument(fmt::format("{} has no field '{}'", d_->full_name(), n));
    return Status::Ok();
  }
  Message* Start() {
    message_->Clear();
    return message_.get();
  }
  void Encode(std::string* out) { message_->AppendToString(out); }

  // Setters on `m` (the scratch message or one nested in it).
  static const FieldDescriptor* F(const Message& m, const char* name) {
    return m.GetDescriptor()->FindFieldByName(name);
  }
  static void Str(Message* m, const char* name, const std::string& v) {
    m->GetReflection()->SetString(m, F(*m, name), v);
  }
  static void I64(Message* m, const char* name, int64_t v) { m->GetReflection()->SetInt64(m, F(*m, name), v); }
  static void I32(Message* m, const char* name, int32_t v) { m->GetReflection()->SetInt32(m, F(*m, name), v); }
  static void Enum(Message* m, const char* name, const char* value) {
    const FieldDescriptor* f = F(*m, name);
    m->GetReflection()->SetEnum(m, f, f->enum_type()->FindValueByName(value));
  }
  // A google.protobuf.Timestamp at `tick` (10 ms each) after kEpoch.
  void Time(Message* m, const char* name, int64_t tick) {
    Message* ts = m->GetReflection()->MutableMessage(m, F(*m, name), factory_);
    I64(ts, "seconds", kEpoch + tick / 100);
    I32(ts, "nanos", static_cast<int32_t>(tick % 100) * 10'000'000);
  }
  Message* AddLine(Message* m, const char* name) { return m->GetReflection()->AddMessage(m, F(*m, name), factory_); }

 private:
  const Descriptor* d_;
  google::protobuf::DynamicMessageFactory* factory_;
  std::unique_ptr<Message> message_;
};

struct OpenBatch {
  int64_t id;
  int card;
  int planned;
  int64_t started;  // tick
  int stage;        // versions sent so far - 1
};

}  // namespace

const char* FactoryTypeName(FactoryType t) {
  switch (t) {
    case FactoryType::kCard: return "CardCatalogCreated";
    case FactoryType::kOrder: return "OrderCreated";
    case FactoryType::kBatch: return "ManufacturingBatch";
  }
  return "";
}

Result<FactoryMessages> FactoryMessages::Make(int64_t n, uint64_t seed, const std::vector<std::string>& proto_files) {
  ASSIGN_OR_RETURN(std::unique_ptr<ProtoSchema> schema, ProtoSchema::Load(proto_files, {}));
  ASSIGN_OR_RETURN(const Descriptor* card_type, schema->Find(FactoryTypeName(FactoryType::kCard)));
  ASSIGN_OR_RETURN(const Descriptor* order_type, schema->Find(FactoryTypeName(FactoryType::kOrder)));
  ASSIGN_OR_RETURN(const Descriptor* batch_type, schema->Find(FactoryTypeName(FactoryType::kBatch)));
  google::protobuf::DynamicMessageFactory factory;  // destroyed before the schema that owns the descriptors
  Filler card(card_type, &factory), order(order_type, &factory), batch(batch_type, &factory);
  RETURN_IF_ERROR(card.Check({"card_id", "name", "set_code", "rarity", "list_price_cents", "created_at"}));
  RETURN_IF_ERROR(order.Check({"order_id", "customer_id", "currency", "lines", "created_at"}));
  RETURN_IF_ERROR(batch.Check({"batch_id", "card_id", "quantity_planned", "quantity_produced", "quantity_defective",
                               "status", "started_at", "updated_at"}));

  FactoryMessages out;
  out.ends_.reserve(static_cast<size_t>(n));
  out.types_.reserve(static_cast<size_t>(n));
  out.bytes_.reserve(static_cast<size_t>(n) * 80);
  FactoryExpected& e = out.expected_;
  std::mt19937_64 rng(seed);
  const auto below = [&rng](uint64_t k) { return static_cast<int64_t>(rng() % k); };
  std::vector<OpenBatch> open;
  // The newest version of each batch: produced, completed.
  std::vector<std::pair<int32_t, bool>> newest;

  for (int64_t i = 0; i < n; ++i) {
    const int64_t roll = below(100);
    FactoryType type;
    if (roll < 80) {
      type = FactoryType::kOrder;
      Message* m = order.Start();
      Filler::Str(m, "order_id", fmt::format("O-{:09}", e.orders));
      Filler::Str(m, "customer_id", fmt::format("U-{:06}", below(200000)));
      Filler::Str(m, "currency", kCurrencies[below(3)]);
      const int lines = 1 + static_cast<int>(below(3));
      // Distinct cards: each step moves 1–1 000 places on, so three lines
      // never wrap around the 5 000 cards onto the first.
      int c = static_cast<int>(below(kCatalogCards));
      for (int l = 0; l < lines; ++l) {
        if (l > 0) c = (c + 1 + static_cast<int>(below(1000))) % kCatalogCards;
        Message* line = order.AddLine(m, "lines");
        const int quantity = 1 + static_cast<int>(below(20));
        Filler::Str(line, "card_id", fmt::format("C-{:05}", c));
        Filler::I32(line, "quantity", quantity);
        Filler::I64(line, "unit_price_cents", 25 + below(5000));
        e.order_quantity += quantity;
      }
      order.Time(m, "created_at", i);
      order.Encode(&out.bytes_);
      ++e.orders;
      e.order_lines += lines;
    } else if (roll < 92) {
      type = FactoryType::kBatch;
      Message* m = batch.Start();
      if (!open.empty() && (open.size() >= kMaxOpenBatches || below(2) == 0)) {
        // The next version of an open batch.
        const size_t at = static_cast<size_t>(below(open.size()));
        OpenBatch& b = open[at];
        ++b.stage;
        const bool last = b.stage == 2;
        const bool scrapped = last && below(10) == 0;
        const int produced = last ? (scrapped ? b.planned / 3 : b.planned - static_cast<int>(below(b.planned / 10 + 1)))
                                  : b.planned / 2;
        const int defective = produced / 40;
        Filler::Str(m, "batch_id", fmt::format("B-{:08}", b.id));
        Filler::Str(m, "card_id", fmt::format("C-{:05}", b.card));
        Filler::I32(m, "quantity_planned", b.planned);
        Filler::I32(m, "quantity_produced", produced);
        Filler::I32(m, "quantity_defective", defective);
        Filler::Enum(m, "status", last ? (scrapped ? "SCRAPPED" : "COMPLETED") : "STARTED");
        batch.Time(m, "started_at", b.started);
        batch.Time(m, "updated_at", i);
        newest[static_cast<size_t>(b.id)] = {produced, last && !scrapped};
        if (last) {
          open[at] = open.back();
          open.pop_back();
        }
      } else {
        OpenBatch b{e.batches, static_cast<int>(below(kCatalogCards)), 100 * (1 + static_cast<int>(below(50))), i, 0};
        Filler::Str(m, "batch_id", fmt::format("B-{:08}", b.id));
        Filler::Str(m, "card_id", fmt::format("C-{:05}", b.card));
        Filler::I32(m, "quantity_planned", b.planned);  // produced and defective: 0, not sent (proto3)
        Filler::Enum(m, "status", "STARTED");
        batch.Time(m, "started_at", i);
        batch.Time(m, "updated_at", i);
        open.push_back(b);
        newest.push_back({0, false});
        ++e.batches;
      }
      batch.Encode(&out.bytes_);
      ++e.batch_messages;
    } else {
      type = FactoryType::kCard;
      Message* m = card.Start();
      const int64_t price = 10 + below(10000);
      Filler::Str(m, "card_id", fmt::format("N-{:08}", e.cards));
      Filler::Str(m, "name", fmt::format("Card {} of the bench", e.cards));
      Filler::Str(m, "set_code", kSets[below(4)]);
      Filler::Enum(m, "rarity", kRarities[below(4)]);
      Filler::I64(m, "list_price_cents", price);
      card.Time(m, "created_at", i);
      card.Encode(&out.bytes_);
      ++e.cards;
      e.list_price += price;
    }
    out.ends_.push_back(out.bytes_.size());
    out.types_.push_back(static_cast<uint8_t>(type));
  }
  for (const auto& [produced, completed] : newest) {
    e.batches_produced += produced;
    e.batches_completed += completed ? 1 : 0;
  }
  return out;
}

}  // namespace sluice::bench
