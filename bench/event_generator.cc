#include "event_generator.h"

#include <array>
#include <iterator>

#include <fmt/format.h>

namespace sluice::bench {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
// 2026-11-20T00:00:00Z: the day of the example files.
constexpr int64_t kFirstEventUs = 1'795'132'800 * kMicrosPerSecond;

constexpr std::array<const char*, 16> kOperatorNames = {
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
    "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil"};
constexpr int kOperators = 48;
constexpr std::array<const char*, 5> kCollections = {"Ledger", "Suspense", "Chargeback", "Fees", "Interest"};
constexpr std::array<const char*, 7> kReasons = {"Provisional credit", "Final credit", "Chargeback",
                                                  "Reversal", "Fee waiver", "Merchant refund", "Write-off"};
constexpr std::array<const char*, 3> kExecutionMethods = {"Manual", "Automatic", "Scheduled"};
constexpr std::array<int, 5> kOffsetsMin = {-300, -240, 0, 60, 330};

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t state) : state_(state) {}
  uint64_t Next() { return Mix(state_ += 0x9e3779b97f4a7c15ULL); }
  int64_t Below(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }

 private:
  uint64_t state_;
};

// Howard Hinnant's civil_from_days.
void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int64_t>(yoe) + era * 400 + (*month <= 2);
}

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second, micros;
};

Civil ToCivil(int64_t us) {
  int64_t days = us / kMicrosPerDay, rem = us % kMicrosPerDay;
  if (rem < 0) rem += kMicrosPerDay, --days;
  Civil c{};
  CivilFromDays(days, &c.year, &c.month, &c.day);
  const int64_t secs = rem / kMicrosPerSecond;
  c.hour = static_cast<unsigned>(secs / 3600);
  c.minute = static_cast<unsigned>(secs / 60 % 60);
  c.second = static_cast<unsigned>(secs % 60);
  c.micros = static_cast<unsigned>(rem % kMicrosPerSecond);
  return c;
}

// ISO 8601 as applications send it: "2026-11-20T09:05:00.250-05:00"; the
// fraction only when there is one, in milliseconds; Z for UTC unless
// `numeric_utc`.
void AppendIso(int64_t utc_us, int offset_min, bool numeric_utc, std::string* out) {
  const Civil c = ToCivil(utc_us + offset_min * 60 * kMicrosPerSecond);
  auto it = std::back_inserter(*out);
  fmt::format_to(it, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second);
  if (c.micros != 0) fmt::format_to(it, ".{:03}", c.micros / 1000);
  if (offset_min == 0 && !numeric_utc) {
    out->push_back('Z');
  } else {
    const int a = offset_min < 0 ? -offset_min : offset_min;
    fmt::format_to(it, "{}{:02}:{:02}", offset_min < 0 ? '-' : '+', a / 60, a % 60);
  }
}

// The warehouse's form: "2026-11-20 14:05:00.250000", UTC.
void AppendWarehouseTimestamp(int64_t utc_us, std::string* out) {
  const Civil c = ToCivil(utc_us);
  fmt::format_to(std::back_inserter(*out), "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}", c.year, c.month, c.day,
                 c.hour, c.minute, c.second, c.micros);
}

void AppendOperator(int index, std::string* out) {
  out->append("op.").append(kOperatorNames[static_cast<size_t>(index) % kOperatorNames.size()]);
  if (index >= static_cast<int>(kOperatorNames.size()))
    fmt::format_to(std::back_inserter(*out), "{}", index / static_cast<int>(kOperatorNames.size()));
}

void AppendAmount(const AccountingEntry& e, std::string* out) {
  const int64_t whole = e.amount_cents / 100, cents = e.amount_cents % 100;
  auto it = std::back_inserter(*out);
  switch (e.amount_style) {
    case 0: fmt::format_to(it, "\"{}.{:02}\"", whole, cents); break;
    case 1:  // shortest number: 5, 20.5, 20.05
      if (cents == 0) fmt::format_to(it, "{}", whole);
      else if (cents % 10 == 0) fmt::format_to(it, "{}.{}", whole, cents / 10);
      else fmt::format_to(it, "{}.{:02}", whole, cents);
      break;
    default: fmt::format_to(it, "{}.{:02}", whole, cents); break;
  }
}

}  // namespace

EventGenerator::EventGenerator(const GeneratorOptions& options) : options_(options) {
  item_versions_.reserve(static_cast<size_t>(options.events));
}

bool EventGenerator::Next(AccountingEvent* event) {
  if (next_index_ >= options_.events) return false;
  const int64_t index = next_index_++;
  Rng rng(Mix(options_.seed) ^ Mix(static_cast<uint64_t>(index) * 2 + 1));
  event->index = index;
  if (next_item_ > 0 && rng.Below(100) < options_.resend_percent) {
    event->item = rng.Below(next_item_);
    uint8_t& versions = item_versions_[static_cast<size_t>(event->item)];
    if (versions < 255) ++versions;
    event->version = versions;
  } else {
    event->item = next_item_++;
    item_versions_.push_back(1);
    event->version = 1;
  }
  // What belongs to the item stays the same across its versions.
  Rng item_rng(Mix(options_.seed + 0x51u) ^ Mix(static_cast<uint64_t>(event->item) * 2));
  event->tenant = static_cast<int>(item_rng.Below(8)) + 1;
  event->client = static_cast<int>(item_rng.Below(50));
  event->claim = 1'000'000 + event->item;
  event->dispute = 2'000'000 + event->item;
  const int64_t draw = item_rng.Below(4);  // 1, 2, 2, 3 entries: 2 on average
  const int entry_count = draw == 0 ? 1 : draw == 3 ? 3 : 2;

  event->execution_method = static_cast<int>(rng.Below(static_cast<int64_t>(kExecutionMethods.size())));
  event->step = static_cast<int>(rng.Below(10));
  // One event a second in arrival order, so a later send is a newer version.
  const int64_t millis = rng.Below(4) == 0 ? 0 : rng.Below(1000);
  event->event_datetime_us = kFirstEventUs + index * kMicrosPerSecond + millis * 1000;

  event->entries.resize(static_cast<size_t>(entry_count));
  for (int n = 0; n < entry_count; ++n) {
    AccountingEntry& e = event->entries[static_cast<size_t>(n)];
    e.number = n + 1;
    e.performed_on_us = event->event_datetime_us - rng.Below(86'400) * kMicrosPerSecond - rng.Below(1000) * 1000;
    e.executed_on_us = e.performed_on_us - rng.Below(3'600) * kMicrosPerSecond;
    e.executed_offset_min = kOffsetsMin[static_cast<size_t>(rng.Below(static_cast<int64_t>(kOffsetsMin.size())))];
    e.performed_by = static_cast<int>(rng.Below(kOperators));
    e.executed_by = static_cast<int>(rng.Below(kOperators));
    e.collection = static_cast<int>(rng.Below(static_cast<int64_t>(kCollections.size())));
    e.debit = rng.Below(2) == 0;
    e.amount_cents = 1 + rng.Below(rng.Below(10) == 0 ? 9'999'999 : 100'000);
    e.amount_style = static_cast<int>(rng.Below(3));
    e.reason = static_cast<int>(rng.Below(static_cast<int64_t>(kReasons.size())));
  }
  entries_made_ += entry_count;
  if (event->version == 1) distinct_keys_ += entry_count;
  return true;
}

void AppendNdjson(const AccountingEvent& ev, std::string* out) {
  auto it = std::back_inserter(*out);
  fmt::format_to(it,
                 "{{\"TenantId\": \"T{:03}\", \"ClientId\": \"CLIENT-{:02}\", \"ClaimId\": \"CLM-{}\", "
                 "\"DisputeId\": \"DSP-{}\", \"ExecutionMethod\": \"{}\", \"StepIdentifier\": \"STEP-{}\", "
                 "\"EventDateTime\": \"",
                 ev.tenant, ev.client, ev.claim, ev.dispute,
                 kExecutionMethods[static_cast<size_t>(ev.execution_method)], ev.step);
  AppendIso(ev.event_datetime_us, 0, false, out);
  fmt::format_to(it,
                 "\", \"EventIdentifier\": \"EVT-{:08}-{:02}\", \"EventItemId\": \"ITEM-{:08}\", "
                 "\"EntryList\": [",
                 ev.index, ev.version, ev.item);
  for (size_t i = 0; i < ev.entries.size(); ++i) {
    const AccountingEntry& e = ev.entries[i];
    fmt::format_to(it, "{}{{\"EntryIdentifier\": \"ENT-{}\", \"PerformedOn\": \"", i ? ", " : "", e.number);
    AppendIso(e.performed_on_us, 0, false, out);
    out->append("\", \"PerformedByOperatorID\": \"");
    AppendOperator(e.performed_by, out);
    out->append("\", \"ExecutedOn\": \"");
    AppendIso(e.executed_on_us, e.executed_offset_min, true, out);
    out->append("\", \"ExecutedByOperatorID\": \"");
    AppendOperator(e.executed_by, out);
    fmt::format_to(it, "\", \"CollectionName\": \"{}\", \"DebitCredit\": \"{}\", \"Amount\": ",
                   kCollections[static_cast<size_t>(e.collection)], e.debit ? "Debit" : "Credit");
    AppendAmount(e, out);
    fmt::format_to(it, ", \"Reason\": \"{}\"}}", kReasons[static_cast<size_t>(e.reason)]);
  }
  out->append("]}\n");
}

namespace {
constexpr std::array<const char*, kTextFields + 1> kColumns = {
    "tenantid",       "clientid",        "entryidentifier", "claimid",        "disputeid",
    "performedon",    "performedbyoperatorid", "executedon", "executedbyoperatorid", "collectionname",
    "debitcredit",    "reason",          "executionmethod", "stepidentifier", "eventdatetime",
    "eventidentifier", "eventitemid",    "amount"};
}  // namespace

const char* ColumnOfField(FinalField field) { return kColumns[static_cast<size_t>(field)]; }

int FieldForColumn(const std::string& column) {
  for (size_t i = 0; i < kColumns.size(); ++i)
    if (column == kColumns[i]) return static_cast<int>(i);
  return -1;
}

void CastRows::Add(std::string_view text) {
  text_.append(text);
  ends_.push_back(text_.size());
}

void CastRows::Reserve(size_t rows) {
  text_.reserve(rows * 230);  // the generated cells take about 215 bytes a row
  ends_.reserve(rows * kTextFields);
  amounts_.reserve(rows);
}

void CastRows::Append(const AccountingEvent& ev) {
  std::string cell;
  const auto formatted = [&](auto append) {
    cell.clear();
    append(std::back_inserter(cell));
    Add(cell);
  };
  for (const AccountingEntry& e : ev.entries) {
    // In FinalField order.
    formatted([&](auto it) { fmt::format_to(it, "T{:03}", ev.tenant); });
    formatted([&](auto it) { fmt::format_to(it, "CLIENT-{:02}", ev.client); });
    formatted([&](auto it) { fmt::format_to(it, "ENT-{}", e.number); });
    formatted([&](auto it) { fmt::format_to(it, "CLM-{}", ev.claim); });
    formatted([&](auto it) { fmt::format_to(it, "DSP-{}", ev.dispute); });
    formatted([&](auto) { AppendWarehouseTimestamp(e.performed_on_us, &cell); });
    formatted([&](auto) { AppendOperator(e.performed_by, &cell); });
    formatted([&](auto) { AppendWarehouseTimestamp(e.executed_on_us, &cell); });
    formatted([&](auto) { AppendOperator(e.executed_by, &cell); });
    Add(kCollections[static_cast<size_t>(e.collection)]);
    Add(e.debit ? "Debit" : "Credit");
    Add(kReasons[static_cast<size_t>(e.reason)]);
    Add(kExecutionMethods[static_cast<size_t>(ev.execution_method)]);
    formatted([&](auto it) { fmt::format_to(it, "STEP-{}", ev.step); });
    formatted([&](auto) { AppendWarehouseTimestamp(ev.event_datetime_us, &cell); });
    formatted([&](auto it) { fmt::format_to(it, "EVT-{:08}-{:02}", ev.index, ev.version); });
    formatted([&](auto it) { fmt::format_to(it, "ITEM-{:08}", ev.item); });
    amounts_.push_back(static_cast<double>(e.amount_cents) / 100.0);
  }
}

}  // namespace sluice::bench
