// sluice exceptions add|list|remove, sluice exclusions add|list|remove:
// corrections of single events, audited in sluice_exceptions and
// sluice_exclusions (warehouse/correction_store.h).
#include <fstream>
#include <iostream>

#include "base/text.h"
#include "cli/command.h"
#include "cli/query_output.h"
#include "corrections/corrected_event.h"
#include "corrections/event_finder.h"
#include "corrections/json_set.h"
#include "merge/corrections.h"
#include "merge/event_id.h"
#include "merge/merge_run.h"

namespace sluice {
namespace {

struct CorrectionOptions {
  CorrectionKind kind = CorrectionKind::kException;
  std::string action;  // add, list, remove
  std::string type;
  std::vector<std::string> id_values;
  std::vector<std::string> sets;
  std::string file;
  std::string reason;
  std::string by;
  bool all = false;
  bool no_merge = false;
  std::string format = "table";
};

const char* Noun(CorrectionKind kind) { return kind == CorrectionKind::kException ? "exception" : "exclusion"; }

// Lines of --file, with their numbers; blank lines are skipped.
Result<std::vector<std::pair<int64_t, std::string>>> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(fmt::format("cannot open --file '{}'", path));
  std::vector<std::pair<int64_t, std::string>> lines;
  std::string line;
  for (int64_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) lines.emplace_back(n, line);
  }
  return lines;
}

// Each --id's event, with every --set applied to its current form (the
// exception in force, else its first delivery).
Result<std::vector<CorrectedEvent>> EventsFromSets(Warehouse* warehouse, const std::string& data_dir,
                                                   const EventSpec& event, const std::vector<std::string>& ids,
                                                   const std::vector<std::string>& sets) {
  std::vector<JsonAssignment> assignments;
  for (const auto& s : sets) {
    ASSIGN_OR_RETURN(JsonAssignment a, ParseJsonAssignment(s));
    assignments.push_back(std::move(a));
  }
  ASSIGN_OR_RETURN(FoundEvents found, FindEvents(warehouse, data_dir, event, {ids.begin(), ids.end()}));
  std::vector<CorrectedEvent> events;
  for (const auto& id : ids) {
    // A backfill keeps its place in arrival order.
    ASSIGN_OR_RETURN(auto current, warehouse->corrections().Exception(event, id));
    if (!current) {
      const auto it = found.by_id.find(id);
      if (it == found.by_id.end())
        return Status::NotFound(fmt::format("no {} event has id {} (searched {} rows of its history); to add an event that "
                                            "never arrived, use --file",
                                            event.name, id, found.staging_rows));
      current = CorrectedEvent{id, it->second.first_payload, std::nullopt};
    }
    std::string payload = current->payload;
    for (const auto& a : assignments) {
      ASSIGN_OR_RETURN(payload, SetJsonPath(payload, a.path, a.value));
    }
    ASSIGN_OR_RETURN(std::string corrected_id, CheckCorrectedEvent(event, payload));
    if (corrected_id != id)
      return Status::InvalidArgument(fmt::format("--set changes the id of event {} to {}; exclude the event and add "
                                                 "the corrected one with --file instead",
                                                 id, corrected_id));
    events.push_back({id, std::move(payload), current->arrived_after});
  }
  return events;
}

// Whole corrected events; those not delivered are backfills, which arrive now
// (or keep the place of the backfill they replace).
Result<std::vector<CorrectedEvent>> EventsFromFile(Warehouse* warehouse, const std::string& data_dir,
                                                   const EventSpec& event, const std::string& path) {
  ASSIGN_OR_RETURN(auto lines, ReadLines(path));
  std::vector<CorrectedEvent> events;
  for (auto& [number, line] : lines) {
    auto id = CheckCorrectedEvent(event, line);
    if (!id.ok()) return Status::InvalidArgument(fmt::format("{}:{}: {}", path, number, id.status().message()));
    events.push_back({std::move(*id), std::move(line), std::nullopt});
  }
  if (events.empty()) return Status::InvalidArgument(fmt::format("--file '{}' has no events", path));
  std::unordered_set<std::string> ids;
  for (const auto& e : events) ids.insert(e.id);
  ASSIGN_OR_RETURN(FoundEvents found, FindEvents(warehouse, data_dir, event, ids));
  ASSIGN_OR_RETURN(const int64_t now, warehouse->ArrivalNow(event));
  for (auto& e : events) {
    if (found.by_id.count(e.id)) continue;
    ASSIGN_OR_RETURN(auto previous, warehouse->corrections().Exception(event, e.id));
    e.arrived_after = previous && previous->arrived_after ? *previous->arrived_after : now;
  }
  return events;
}

// Exclusions by file: a line is an event (its id is read from it) or an id.
Result<std::vector<std::string>> IdsFromFile(const EventSpec& event, const std::string& path) {
  ASSIGN_OR_RETURN(auto lines, ReadLines(path));
  std::vector<std::string> ids;
  PayloadExtractor extractor(WithIdColumns(event));
  for (const auto& [number, line] : lines) {
    if (line.front() != '{') {
      ids.push_back(line);
      continue;
    }
    const std::string padded = Padded(line);
    Status st = extractor.Extract(padded.data(), line.size(), padded.size());
    auto id = st.ok() ? ReadEventId(extractor, event) : std::nullopt;
    if (!id)
      return Status::InvalidArgument(fmt::format("{}:{}: {}", path, number,
                                                 st.ok() ? "the event has no id" : st.message()));
    ids.push_back(std::move(*id));
  }
  if (ids.empty()) return Status::InvalidArgument(fmt::format("--file '{}' has no ids", path));
  return ids;
}

// Ids that name no event: neither delivered nor added as an exception.
Status CheckIdsKnown(Warehouse* warehouse, const std::string& data_dir, const EventSpec& event,
                     const std::vector<std::string>& ids) {
  ASSIGN_OR_RETURN(FoundEvents found, FindEvents(warehouse, data_dir, event, {ids.begin(), ids.end()}));
  ASSIGN_OR_RETURN(auto excepted, warehouse->corrections().InForce(event, CorrectionKind::kException));
  std::vector<std::string> unknown;
  for (const auto& id : ids)
    if (!found.by_id.count(id) && !excepted.count(id)) unknown.push_back(id);
  if (unknown.empty()) return Status::Ok();
  return Status::NotFound(fmt::format("no {} event has id {} (searched {} rows of its history and the exceptions)",
                                      event.name, Join(unknown, ", "), found.staging_rows));
}

int MergeNow(Session* session, const EventSpec& event) {
  auto counts = RunMerge(session->warehouse.get(), event, SessionMergeOptions(*session));
  if (!counts.ok()) return ReportError(counts.status().WithContext(fmt::format("merging {}", event.name)));
  std::cout << MergeSummary(event, *counts) << "\n";
  return kExitOk;
}

int List(Session* session, const CorrectionOptions& o) {
  if (!o.type.empty() && !FindEventOrReport(session->config.catalog, o.type)) return kExitUsage;
  auto out = MakeQueryOutput(o.format, &std::cout);
  if (!out.ok()) return ReportError(out.status(), kExitUsage);
  Status st = session->warehouse->corrections().List(o.kind, o.type, o.all, out->get());
  (*out)->Finish();
  return st.ok() ? kExitOk : ReportError(st);
}

int Change(Session* session, const CorrectionOptions& o) {
  const EventSpec* event = FindEventOrReport(session->config.catalog, o.type);
  if (!event) return kExitUsage;
  if (event->id.empty())
    return ReportError(Status::InvalidArgument(fmt::format("{} has no id: in the catalog; corrections name events by "
                                                           "id (add `id: PATH` to events.{} in the config)",
                                                           event->name, event->name)),
                       kExitUsage);
  if (o.id_values.empty() == o.file.empty() || (o.action == "remove" && !o.file.empty()))
    return ReportError(Status::InvalidArgument(o.action == "remove" ? "give the events to remove with --id"
                                                                    : "give the events with either --id or --file"),
                       kExitUsage);
  if (o.action == "add" && o.reason.empty())
    return ReportError(Status::InvalidArgument("--reason is required: say why, for the audit trail"), kExitUsage);
  if (o.kind == CorrectionKind::kException && o.action == "add" && o.file.empty() && o.sets.empty())
    return ReportError(Status::InvalidArgument("give the corrections with --set PATH=JSON, or whole events with --file"),
                       kExitUsage);
  if (!o.sets.empty() && (o.kind != CorrectionKind::kException || o.action != "add" || !o.file.empty()))
    return ReportError(Status::InvalidArgument("--set goes with `exceptions add --id`"), kExitUsage);

  Warehouse* warehouse = session->warehouse.get();
  CorrectionStore& store = warehouse->corrections();
  const CorrectionNote note{o.by.empty() ? OsUser() : o.by, o.reason};
  std::vector<std::string> ids;
  if (!o.id_values.empty()) {
    auto parsed = IdsFromValues(*event, o.id_values);
    if (!parsed.ok()) return ReportError(parsed.status(), kExitUsage);
    ids = std::move(*parsed);
  }
  Status st;
  std::string done;
  if (o.action == "remove") {
    st = store.Remove(*event, o.kind, ids, note);
    done = fmt::format("{}: removed {} {}{}", event->name, ids.size(), Noun(o.kind), ids.size() == 1 ? "" : "s");
  } else if (o.kind == CorrectionKind::kException) {
    const std::string& data_dir = session->config.data_dir;
    auto events = o.file.empty() ? EventsFromSets(warehouse, data_dir, *event, ids, o.sets)
                                 : EventsFromFile(warehouse, data_dir, *event, o.file);
    st = events.status();
    if (st.ok()) st = store.AddExceptions(*event, *events, note);
    if (st.ok())
      done = fmt::format("{}: added {} exception{}", event->name, events->size(), events->size() == 1 ? "" : "s");
  } else {
    if (!o.file.empty()) {
      auto from_file = IdsFromFile(*event, o.file);
      if (!from_file.ok()) return ReportError(from_file.status());
      ids = std::move(*from_file);
    }
    st = CheckIdsKnown(warehouse, session->config.data_dir, *event, ids);
    if (st.ok()) {
      std::vector<Exclusion> exclusions;
      for (const auto& id : ids) exclusions.push_back({id, std::nullopt, "", note.reason});
      auto added = store.AddExclusions(*event, exclusions, note.by);
      st = added.status();
      if (st.ok())
        done = fmt::format("{}: excluded {} event{} ({} already excluded)", event->name, *added, *added == 1 ? "" : "s",
                           static_cast<int64_t>(ids.size()) - *added);
    }
  }
  if (!st.ok()) return ReportError(st, st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure);
  std::cout << done << "\n";
  if (o.no_merge) {
    std::cout << fmt::format("{}: takes effect at the next merge of {}\n", event->name, event->name);
    return kExitOk;
  }
  return MergeNow(session, *event);
}

int RunCorrections(const GlobalOptions& global, const CorrectionOptions& o) {
  int exit_code = kExitOk;
  auto session = OpenSession(global, &exit_code);
  if (!session) return exit_code;
  return o.action == "list" ? List(session.get(), o) : Change(session.get(), o);
}

void AddCorrectionCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner, CorrectionKind kind) {
  const bool exception = kind == CorrectionKind::kException;
  auto* cmd = app.add_subcommand(exception ? "exceptions" : "exclusions",
                                 exception ? "corrected copies of events, which replace the originals"
                                           : "events removed from the final tables");
  cmd->require_subcommand(1);
  auto o = std::make_shared<CorrectionOptions>();
  o->kind = kind;
  const auto on = [=, &global](const char* action) {
    return [=, &global] {
      o->action = action;
      *runner = [=, &global] { return RunCorrections(global, *o); };
    };
  };
  auto* add = cmd->add_subcommand("add", exception ? "store corrected events (a replacement, or a backfill)"
                                                   : "exclude events");
  add->add_option("TYPE", o->type, "the event type")->required();
  add->add_option("--id", o->id_values, "the event's id values, in the order of the catalog's id: paths")
      ->expected(1, -1);
  if (exception)
    add->add_option("--set", o->sets, "PATH=JSON: a field of the event to set, e.g. Status='\"Failed\"'")
        ->expected(1, -1);
  add->add_option("--file", o->file,
                  exception ? "an NDJSON file of whole corrected events" : "a file of events or ids, one per line");
  add->add_option("--reason", o->reason, "why (required)");
  add->add_option("--by", o->by, "who (default: the OS user)");
  add->add_flag("--no-merge", o->no_merge, "do not merge the type now; the change waits for its next merge");
  add->callback(on("add"));

  auto* list = cmd->add_subcommand("list", exception ? "list exceptions" : "list exclusions");
  list->add_option("TYPE", o->type, "only this event type");
  list->add_flag("--all", o->all, "include removed ones, with who removed them and why");
  list->add_option("--format", o->format, "table, csv, json or ndjson")->default_val("table");
  list->callback(on("list"));

  auto* remove = cmd->add_subcommand("remove", exception ? "end exceptions (the originals come back)"
                                                         : "end exclusions (the events come back)");
  remove->add_option("TYPE", o->type, "the event type")->required();
  remove->add_option("--id", o->id_values, "the event's id values")->expected(1, -1);
  remove->add_option("--reason", o->reason, "why");
  remove->add_option("--by", o->by, "who (default: the OS user)");
  remove->add_flag("--no-merge", o->no_merge, "do not merge the type now");
  remove->callback(on("remove"));
}

}  // namespace

void AddCorrectionsCommands(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  AddCorrectionCommand(app, global, runner, CorrectionKind::kException);
  AddCorrectionCommand(app, global, runner, CorrectionKind::kExclusion);
}

}  // namespace sluice
