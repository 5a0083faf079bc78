// sluice keys new NAME [--types A,B]
//
// Prints a fresh API key once — 64 hex digits (32 bytes from OpenSSL's
// RAND_bytes) — and the auth.keys entry that admits it. sluice.yaml holds
// only the key's SHA-256, so the key cannot be shown again. Needs no config.
#include <iostream>
#include <regex>

#include <fmt/ranges.h>

#include "cli/command.h"
#include "sources/http/api_keys.h"

namespace sluice {
namespace {

// A YAML flow scalar: plain when that is unambiguous, else double-quoted.
std::string YamlScalar(const std::string& text) {
  static const std::regex kPlain("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  if (std::regex_match(text, kPlain)) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

int RunKeysNew(const std::string& name, const std::vector<std::string>& types) {
  if (name.empty()) return ReportError(Status::InvalidArgument("the key needs a name"), kExitUsage);
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f)
      return ReportError(Status::InvalidArgument("the key name has a control character"), kExitUsage);
  }
  static const std::regex kEventName("[A-Za-z0-9_-]+");
  for (const auto& type : types) {
    if (!std::regex_match(type, kEventName)) {
      return ReportError(
          Status::InvalidArgument(fmt::format("'{}' is not an event type name (letters, digits, _ and -)", type)),
          kExitUsage);
    }
  }
  auto key = NewApiKey();
  if (!key.ok()) return ReportError(key.status());

  std::string entry = fmt::format("- {{name: {}, sha256: {}", YamlScalar(name), Sha256Hex(*key));
  if (!types.empty()) entry += fmt::format(", types: [{}]", fmt::join(types, ", "));
  entry += "}";
  std::cout << "key: " << *key << "\n"
            << "\n"
            << "Give the key to the client now: sluice keeps only its hash and cannot show it again.\n"
            << "Clients send it as `Authorization: Bearer KEY` or `X-API-Key: KEY`.\n"
            << "Add this entry under auth.keys in sluice.yaml:\n"
            << "\n"
            << "  " << entry << "\n";
  return kExitOk;
}

}  // namespace

void AddKeysCommand(CLI::App& app, const GlobalOptions& /*global*/, CommandRunner* runner) {
  auto* keys = app.add_subcommand("keys", "manage API keys for the HTTP source");
  keys->require_subcommand(1);
  auto* create = keys->add_subcommand("new", "print a new API key and the auth.keys entry that admits it");
  auto name = std::make_shared<std::string>();
  auto types = std::make_shared<std::vector<std::string>>();
  create->add_option("NAME", *name, "the key's name, e.g. the client that will use it")->required();
  create->add_option("--types", *types, "event types the key may post, comma-separated (default: all)")
      ->delimiter(',');
  create->callback([=] { *runner = [=] { return RunKeysNew(*name, *types); }; });
}

}  // namespace sluice
