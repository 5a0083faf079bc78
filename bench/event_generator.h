// Synthetic Accounting events for the benchmark (examples/accounting).
//
// The stream is a pure function of (seed, count): the same options always
// give the same events in the same order, so the NDJSON files and the
// already-cast rows of the SQLite ceiling can be produced in separate passes.
//
// Each event carries 1-3 entries in EntryList (2 on average). About
// `resend_percent` of the events re-send an earlier EventItemId with a newer
// EventDateTime and new values: those become updates of the final table.
// EventDateTime grows with the event's position, so a re-send is always the
// newer version and every final row's winner is known in advance.
//
// Values look like examples/accounting/events/*.ndjson: amounts as JSON
// strings ("10.50") and numbers (20.5, 5), timestamps with milliseconds and
// Z or ±HH:MM offsets. Every value is valid, so nothing is rejected and both
// the SQL baseline and sluice must end with the same rows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::bench {

struct GeneratorOptions {
  int64_t events = 1'000'000;
  uint64_t seed = 1;
  int resend_percent = 5;
};

struct AccountingEntry {
  int number = 1;                 // EntryIdentifier "ENT-<number>"
  int64_t performed_on_us = 0;    // UTC microseconds
  int64_t executed_on_us = 0;
  int executed_offset_min = 0;    // the offset ExecutedOn is written with
  int performed_by = 0;           // index into the operator names
  int executed_by = 0;
  int collection = 0;
  bool debit = true;
  int64_t amount_cents = 0;
  int amount_style = 0;           // 0: "12.50" (string), 1: 12.5 (number), 2: 12.50 (number as written)
  int reason = 0;
};

struct AccountingEvent {
  int64_t index = 0;              // position in the stream
  int64_t item = 0;               // EventItemId "ITEM-<item>"
  int version = 1;                // 1 for the first send of the item
  int tenant = 0;
  int client = 0;
  int64_t claim = 0;
  int64_t dispute = 0;
  int execution_method = 0;
  int step = 0;
  int64_t event_datetime_us = 0;  // UTC microseconds
  std::vector<AccountingEntry> entries;
};

class EventGenerator {
 public:
  explicit EventGenerator(const GeneratorOptions& options);

  // Fills *event with the next event; false when `events` have been made.
  bool Next(AccountingEvent* event);

  int64_t distinct_items() const { return next_item_; }
  int64_t entries_made() const { return entries_made_; }
  // Distinct (EventItemId, EntryIdentifier) keys so far: the final table's
  // row count once everything is merged.
  int64_t distinct_keys() const { return distinct_keys_; }

 private:
  GeneratorOptions options_;
  int64_t next_index_ = 0;
  int64_t next_item_ = 0;
  int64_t entries_made_ = 0;
  int64_t distinct_keys_ = 0;
  std::vector<uint8_t> item_versions_;  // sends so far, per item
};

// Appends the event as one NDJSON line (with its '\n').
void AppendNdjson(const AccountingEvent& event, std::string* out);

// The final table's columns as sluice casts them: text in the warehouse's
// forms (timestamps as UTC "YYYY-MM-DD HH:MM:SS.ffffff"), amount as a double.
enum class FinalField : int {
  kTenantId,
  kClientId,
  kEntryIdentifier,
  kClaimId,
  kDisputeId,
  kPerformedOn,
  kPerformedByOperatorId,
  kExecutedOn,
  kExecutedByOperatorId,
  kCollectionName,
  kDebitCredit,
  kReason,
  kExecutionMethod,
  kStepIdentifier,
  kEventDateTime,
  kEventIdentifier,
  kEventItemId,
  kAmount,  // the only non-text field; last
};
inline constexpr int kTextFields = static_cast<int>(FinalField::kAmount);

// The final-table column a field fills (examples/accounting/sluice.yaml), e.g.
// "performedbyoperatorid"; -1 from FieldForColumn for an unknown column.
const char* ColumnOfField(FinalField field);
int FieldForColumn(const std::string& column);

// Already-cast final rows, one per entry, in arrival order; text cells are
// packed back to back so millions of rows take a few hundred MB.
class CastRows {
 public:
  void Append(const AccountingEvent& event);
  void Reserve(size_t rows);
  size_t rows() const { return amounts_.size(); }
  std::string_view Text(size_t row, int field) const {
    const size_t cell = row * kTextFields + static_cast<size_t>(field);
    const uint64_t begin = cell == 0 ? 0 : ends_[cell - 1];
    return std::string_view(text_).substr(begin, ends_[cell] - begin);
  }
  double Amount(size_t row) const { return amounts_[row]; }

 private:
  void Add(std::string_view text);
  std::string text_;
  std::vector<uint64_t> ends_;  // end offset of each text cell
  std::vector<double> amounts_;
};

}  // namespace sluice::bench
