#include "corrections/corrected_event.h"

#include "base/text.h"
#include "merge/corrections.h"
#include "merge/event_id.h"
#include "merge/row_caster.h"

namespace sluice {

Result<std::string> CheckCorrectedEvent(const EventSpec& event, std::string_view payload) {
  PayloadExtractor extractor(WithIdColumns(event));
  const std::string padded = Padded(payload);
  if (Status st = extractor.Extract(padded.data(), payload.size(), padded.size()); !st.ok())
    return Status::InvalidArgument(st.message());
  const auto id = ReadEventId(extractor, event);
  if (!id) {
    std::vector<std::string> paths;
    for (const auto& p : event.id) paths.push_back(p.text);
    return Status::InvalidArgument(fmt::format("the event has no id (its {} id path{} {} missing or null)",
                                               event.name, paths.size() == 1 ? "" : "s", Join(paths, ", ")));
  }
  RowCaster caster(event);
  std::vector<Value> row(event.columns.size());
  std::string arena;
  std::vector<MergeError> errors;
  for (size_t r = 0; r < extractor.rows(); ++r) caster.Cast(extractor, r, 0, &row, &arena, &errors);
  if (!errors.empty()) {
    std::vector<std::string> reasons;
    for (const auto& e : errors)
      reasons.push_back(fmt::format("{}{}: {}{}", e.column, e.item_index ? fmt::format(" (element {})", *e.item_index) : "",
                                    e.error, e.value ? fmt::format(" (value {})", *e.value) : ""));
    return Status::InvalidArgument(fmt::format("event {} would be rejected by the merge: {}", *id, Join(reasons, "; ")));
  }
  return *id;
}

}  // namespace sluice
