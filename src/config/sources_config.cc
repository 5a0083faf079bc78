#include "config/sources_config.h"

#include <filesystem>

#include "catalog/path.h"

namespace sluice {
namespace {
namespace fs = std::filesystem;

constexpr int kMaxPrefetch = 65535;  // basic.qos prefetch-count is a 16-bit field

std::string Resolve(const std::string& base_dir, const std::string& path) {
  return fs::path(path).is_absolute() ? path : (fs::path(base_dir) / path).string();
}

// A scalar or a list of scalars → paths resolved against the config's folder.
void ParsePathList(const YAML::Node& n, std::string_view what, const std::string& base_dir,
                   std::vector<std::string>* out, Problems* problems) {
  if (n.IsScalar()) {
    out->push_back(Resolve(base_dir, n.Scalar()));
    return;
  }
  if (!n.IsSequence()) {
    problems->Add(n.Mark(), fmt::format("{} must be a list of paths", what));
    return;
  }
  for (const auto& item : n)
    if (IsScalar(item, what, problems)) out->push_back(Resolve(base_dir, item.Scalar()));
}

void ParseTypeFrom(const YAML::Node& n, TypeFrom* out, Problems* problems) {
  if (!IsScalar(n, "type_from", problems)) return;
  const std::string text = n.Scalar();
  if (text == "routing_key") {
    out->kind = TypeFrom::Kind::kRoutingKey;
  } else if (text.starts_with("header:") && text.size() > 7) {
    out->kind = TypeFrom::Kind::kHeader;
    out->header = text.substr(7);
  } else if (text.starts_with("payload:") && text.size() > 8) {
    auto path = ParsePath(text.substr(8));
    if (!path.ok() || path->relative_to_item) {
      problems->Add(n.Mark(), fmt::format("type_from: {}", path.ok() ? "a payload path cannot start with item"
                                                                      : path.status().message()));
      return;
    }
    out->kind = TypeFrom::Kind::kPayload;
    out->path = text.substr(8);
  } else {
    problems->Add(n.Mark(), fmt::format("type_from must be header:NAME, routing_key or payload:PATH, not '{}'", text));
  }
}

void ParseAmqp(const std::string& name, const YAML::Node& n, const std::string& base_dir, const Catalog& catalog,
               AmqpSourceConfig* s, Problems* problems) {
  s->name = name;
  if (!n.IsMap()) {
    problems->Add(n.Mark(), "amqp must be a map (url, queue, prefetch, type_from, format, proto, types, dead_letter)");
    return;
  }
  CheckKeys(n, {"url", "queue", "prefetch", "type_from", "format", "proto", "types", "dead_letter"},
            fmt::format("sources.{}.amqp", name), problems);
  if (const auto u = n["url"]; u && IsScalar(u, "url", problems)) {
    s->url = u.Scalar();
    if (s->url.starts_with("amqps://"))
      problems->Add(u.Mark(), "amqps:// (TLS) is not supported yet: use amqp:// on a trusted network or a TLS tunnel");
    else if (!s->url.starts_with("amqp://"))
      problems->Add(u.Mark(), "url must start with amqp://");
  }
  if (const auto q = n["queue"]; q && IsScalar(q, "queue", problems)) s->queue = q.Scalar();
  if (s->queue.empty()) problems->Add(n.Mark(), fmt::format("sources.{}.amqp needs a queue", name));
  if (const auto p = n["prefetch"]; p && IsScalar(p, "prefetch", problems)) {
    try {
      s->prefetch = p.as<int>();
    } catch (const YAML::Exception&) {
      s->prefetch = -1;
    }
    if (s->prefetch < 1 || s->prefetch > kMaxPrefetch)
      problems->Add(p.Mark(), fmt::format("prefetch must be a whole number from 1 to {}", kMaxPrefetch));
  }
  if (const auto t = n["type_from"]) ParseTypeFrom(t, &s->type_from, problems);
  if (const auto f = n["format"]; f && IsScalar(f, "format", problems)) {
    s->format = f.Scalar();
    if (s->format != "json" && s->format != "protobuf")
      problems->Add(f.Mark(), fmt::format("format must be json or protobuf, not '{}'", s->format));
  }
  if (const auto p = n["proto"]) {
    if (!p.IsMap()) {
      problems->Add(p.Mark(), "proto must be a map ({files: [...], import_paths: [...], unknown_fields: reject})");
    } else {
      CheckKeys(p, {"files", "import_paths", "unknown_fields"}, "proto", problems);
      if (const auto files = p["files"]) ParsePathList(files, "proto.files", base_dir, &s->proto_files, problems);
      if (const auto dirs = p["import_paths"])
        ParsePathList(dirs, "proto.import_paths", base_dir, &s->import_paths, problems);
      if (const auto u = p["unknown_fields"]; u && IsScalar(u, "proto.unknown_fields", problems)) {
        if (u.Scalar() != "reject" && u.Scalar() != "ignore")
          problems->Add(u.Mark(), "proto.unknown_fields must be reject or ignore");
        s->reject_unknown_fields = u.Scalar() != "ignore";
      }
    }
  }
  if (s->import_paths.empty()) s->import_paths.push_back(base_dir);
  if (const auto t = n["types"]) {
    if (!t.IsMap()) {
      problems->Add(t.Mark(), "types must be a map of message type to event type");
    } else {
      for (const auto& kv : t) {
        if (!IsScalar(kv.second, "types", problems)) continue;
        const std::string event = kv.second.Scalar();
        if (catalog.Find(event) == nullptr)
          problems->Add(kv.second.Mark(), fmt::format("types: '{}' maps to event type '{}', which events: does not declare",
                                                      kv.first.Scalar(), event));
        s->types[kv.first.Scalar()] = event;
      }
    }
  }
  if (s->format == "protobuf") {
    if (s->proto_files.empty())
      problems->Add(n.Mark(), fmt::format("sources.{}.amqp: format protobuf needs proto.files", name));
    if (s->types.empty())
      problems->Add(n.Mark(), fmt::format("sources.{}.amqp: format protobuf needs types (message → event type)", name));
    if (s->type_from.kind == TypeFrom::Kind::kPayload)
      problems->Add(n.Mark(), "type_from: payload:PATH needs format json (a protobuf message's type must be known "
                              "before it can be decoded)");
  }
  s->dead_letter_exchange = s->dead_letter_queue = s->queue + ".dead";
  if (const auto d = n["dead_letter"]) {
    if (!d.IsMap()) {
      problems->Add(d.Mark(), "dead_letter must be a map ({exchange, queue})");
    } else {
      CheckKeys(d, {"exchange", "queue"}, "dead_letter", problems);
      if (const auto e = d["exchange"]; e && IsScalar(e, "dead_letter.exchange", problems))
        s->dead_letter_exchange = e.Scalar();
      if (const auto q = d["queue"]; q && IsScalar(q, "dead_letter.queue", problems)) s->dead_letter_queue = q.Scalar();
      if (s->dead_letter_exchange.empty())
        problems->Add(d.Mark(), "dead_letter.exchange cannot be empty (the default exchange cannot be declared)");
    }
  }
}

}  // namespace

void ParseSources(const YAML::Node& node, const std::string& base_dir, const Catalog& catalog,
                  std::vector<AmqpSourceConfig>* amqp, Problems* problems) {
  if (!node.IsMap()) {
    problems->Add(node.Mark(), "sources must be a map of source name to its definition ({amqp: {...}})");
    return;
  }
  for (const auto& kv : node) {
    const std::string name = kv.first.Scalar();
    if (!kv.second.IsMap()) {
      problems->Add(kv.second.Mark(), fmt::format("sources.{} must be a map with one kind of source (amqp)", name));
      continue;
    }
    CheckKeys(kv.second, {"amqp"}, fmt::format("sources.{}", name), problems);
    const auto a = kv.second["amqp"];
    if (!a) {
      problems->Add(kv.second.Mark(), fmt::format("sources.{} needs amqp: (the only kind of source so far)", name));
      continue;
    }
    AmqpSourceConfig source;
    ParseAmqp(name, a, base_dir, catalog, &source, problems);
    amqp->push_back(std::move(source));
  }
}

}  // namespace sluice
