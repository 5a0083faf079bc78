// sluice publish amqp [FILE]: sends sample messages to a source's queue, as
// the services of the example would (examples/factory). Each line of FILE
// (NDJSON; "-" or none: standard input) is one message: with format
// protobuf it is encoded as the --type message of the source's .proto
// files, with json checked to be JSON and sent as it is; --raw sends the
// whole file as one message, bytes untouched (for trying poison messages).
// Every line is checked before the first is sent, and each is published persistent with
// publisher confirms: when the command exits 0, the broker has them all.
//
// The type travels where the source's type_from looks for it: the type
// property (header:type), a header, or the routing key. By default messages
// go through the default exchange straight to the source's queue.
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <simdjson.h>

#include "cli/command.h"
#include "sources/amqp/amqp_connection.h"
#include "sources/amqp/proto_schema.h"

namespace sluice {
namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kConfirmTimeout = std::chrono::seconds(60);
constexpr uint64_t kConfirmWindow = 1000;  // published, not yet confirmed

struct PublishOptions {
  std::string file = "-";
  std::string source;
  std::string url;
  std::string type;
  std::string message;  // protobuf: encode as this message instead of --type
  std::string exchange;
  std::string routing_key;
  std::string format;
  std::vector<std::string> headers;
  bool raw = false;
};

Result<std::string> ReadInput(const std::string& file) {
  if (file == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("cannot read '{}'", file));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Result<const AmqpSourceConfig*> ChooseSource(const Config& config, const std::string& name) {
  if (config.amqp_sources.empty()) return Status::InvalidArgument("the config declares no sources (sources.<name>.amqp)");
  for (const auto& s : config.amqp_sources)
    if (s.name == name) return &s;
  if (name.empty() && config.amqp_sources.size() == 1) return &config.amqp_sources.front();
  std::string names;
  for (const auto& s : config.amqp_sources) names += (names.empty() ? "" : ", ") + s.name;
  return Status::InvalidArgument(name.empty() ? fmt::format("several sources: choose one with --source ({})", names)
                                              : fmt::format("no source '{}' (the config has {})", name, names));
}

// The bodies to send: one per line, encoded as the source expects.
Result<std::vector<std::string>> Bodies(const PublishOptions& o, const AmqpSourceConfig& source,
                                        const std::string& input) {
  if (o.raw) return std::vector<std::string>{input};
  const std::string format = o.format.empty() ? source.format : o.format;
  std::unique_ptr<ProtoSchema> schema;
  const google::protobuf::Descriptor* message = nullptr;
  if (format == "protobuf") {
    const std::string& name = o.message.empty() ? o.type : o.message;
    if (name.empty()) return Status::InvalidArgument("format protobuf needs --type (the message to encode)");
    ASSIGN_OR_RETURN(schema, ProtoSchema::Load(source.proto_files, source.import_paths));
    ASSIGN_OR_RETURN(message, schema->Find(name));
  }
  std::vector<std::string> bodies;
  std::istringstream lines(input);
  std::string line;
  simdjson::dom::parser parser;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::string where = fmt::format("{}:{}", o.file == "-" ? "stdin" : o.file, number);
    if (!schema) {
      simdjson::dom::element ignored;
      if (auto code = parser.parse(line).get(ignored))
        return Status::InvalidArgument(fmt::format("{}: invalid JSON: {}", where, simdjson::error_message(code)));
      bodies.push_back(line);
      continue;
    }
    std::string bytes;
    if (Status st = schema->FromJson(message, line, &bytes); !st.ok()) return st.WithContext(where);
    bodies.push_back(std::move(bytes));
  }
  return bodies;
}

int RunPublish(const GlobalOptions& global, const PublishOptions& o) {
  auto config = LoadConfig(ResolveConfigPath(global.config_path));
  if (!config.ok()) return ReportError(config.status(), kExitUsage);
  auto source = ChooseSource(*config, o.source);
  if (!source.ok()) return ReportError(source.status(), kExitUsage);
  const AmqpSourceConfig& s = **source;
  if (!o.format.empty() && o.format != "json" && o.format != "protobuf")
    return ReportError(Status::InvalidArgument("--format must be json or protobuf"), kExitUsage);

  OutgoingMessage message;
  message.type = o.type;
  for (const auto& h : o.headers) {
    const size_t eq = h.find('=');
    if (eq == std::string::npos || eq == 0)
      return ReportError(Status::InvalidArgument(fmt::format("--header '{}' is not NAME=VALUE", h)), kExitUsage);
    message.headers[h.substr(0, eq)] = h.substr(eq + 1);
  }
  if (s.type_from.kind == TypeFrom::Kind::kHeader && s.type_from.header != "type" && !o.type.empty())
    message.headers.emplace(s.type_from.header, o.type);
  std::string routing_key = o.routing_key;
  if (routing_key.empty() && s.type_from.kind == TypeFrom::Kind::kRoutingKey) {
    // The routing key must carry the type, so it cannot also name the queue.
    if (o.exchange.empty())
      return ReportError(Status::InvalidArgument(fmt::format(
                             "source '{}' reads the type from the routing key: publish through an exchange bound "
                             "to queue '{}' (--exchange), or give --routing-key",
                             s.name, s.queue)),
                         kExitUsage);
    routing_key = o.type;
  }
  if (routing_key.empty()) routing_key = s.queue;

  auto input = ReadInput(o.file);
  if (!input.ok()) return ReportError(input.status(), kExitUsage);
  auto bodies = Bodies(o, s, *input);
  if (!bodies.ok()) return ReportError(bodies.status(), kExitUsage);

  std::string url = o.url.empty() ? s.url : o.url;
  if (const char* env = std::getenv("SLUICE_AMQP_URL"); url.empty() && env != nullptr) url = env;
  if (url.empty())
    return ReportError(Status::InvalidArgument(fmt::format(
                           "no AMQP url: give --url, set sources.{}.amqp.url or $SLUICE_AMQP_URL", s.name)),
                       kExitUsage);
  auto connection = AmqpConnection::Open(url, kConnectTimeout, /*heartbeat_seconds=*/0);
  if (!connection.ok()) return ReportError(connection.status());
  AmqpConnection& c = **connection;
  if (o.exchange.empty()) {
    if (auto queue = c.EnsureQueue(s.queue); !queue.ok()) return ReportError(queue.status());
  }
  if (Status st = c.ConfirmSelect(); !st.ok()) return ReportError(st);
  for (const std::string& body : *bodies) {
    message.body = body;
    Status st = c.Publish(o.exchange, routing_key, message, /*mandatory=*/true);
    if (st.ok()) st = c.WaitConfirms(kConfirmWindow, std::chrono::steady_clock::now() + kConfirmTimeout);
    if (!st.ok()) return ReportError(st);
  }
  if (Status st = c.WaitConfirms(0, std::chrono::steady_clock::now() + kConfirmTimeout); !st.ok())
    return ReportError(st);
  std::cout << fmt::format("published {} message{}{} to {} (routing key '{}') on {}, confirmed\n", bodies->size(),
                           bodies->size() == 1 ? "" : "s",
                           o.type.empty() ? "" : " of type " + o.type,
                           o.exchange.empty() ? "the default exchange" : "exchange '" + o.exchange + "'",
                           routing_key, c.where());
  return kExitOk;
}

}  // namespace

void AddPublishCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("publish", "send sample messages to a source (for trying a config out)");
  cmd->require_subcommand(1);
  auto o = std::make_shared<PublishOptions>();
  auto* amqp = cmd->add_subcommand("amqp", "publish NDJSON lines (or a raw file) to an AMQP source's queue");
  amqp->add_option("FILE", o->file, "NDJSON, one message per line; - for standard input (the default)");
  amqp->add_option("--source", o->source, "the sources.<name> to publish to (default: the only one)");
  amqp->add_option("--url", o->url, "the broker (default: the source's url, else $SLUICE_AMQP_URL)");
  amqp->add_option("--type", o->type, "the message type (protobuf: the message to encode each line as)");
  amqp->add_option("--message", o->message,
                   "protobuf: encode as this message, but still label it --type (to try a mislabelled one)");
  amqp->add_option("--exchange", o->exchange, "publish to this exchange (default: the default exchange)");
  amqp->add_option("--routing-key", o->routing_key,
                   "default: the source's queue, or with --exchange and type_from routing_key, --type");
  amqp->add_option("--format", o->format, "json or protobuf (default: the source's)");
  amqp->add_option("--header", o->headers, "NAME=VALUE, a header on every message (repeatable)");
  amqp->add_flag("--raw", o->raw, "send FILE's bytes as one message, unconverted");
  amqp->callback([o, &global, runner] { *runner = [o, &global] { return RunPublish(global, *o); }; });
}

}  // namespace sluice
