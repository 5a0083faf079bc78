#include "cli/command.h"

#include <pwd.h>
#include <unistd.h>

#include <iostream>

namespace sluice {

int ReportError(const Status& status, int exit_code) {
  std::cerr << "error: " << status.message() << "\n";
  return exit_code;
}

std::unique_ptr<Session> OpenSession(const GlobalOptions& global, int* exit_code) {
  auto config = LoadConfig(ResolveConfigPath(global.config_path));
  if (!config.ok()) {
    *exit_code = ReportError(config.status(), kExitUsage);
    return nullptr;
  }
  auto session = std::make_unique<Session>();
  session->config = std::move(config).value();
  auto warehouse = OpenWarehouse(session->config.warehouse, session->config.data_dir);
  if (!warehouse.ok()) {
    // InvalidArgument: the warehouse section cannot work (no DSN, say).
    *exit_code = ReportError(warehouse.status(), warehouse.status().code() == StatusCode::kInvalidArgument
                                                     ? kExitUsage
                                                     : kExitFailure);
    return nullptr;
  }
  session->warehouse = std::move(warehouse).value();
  if (Status st = session->warehouse->Prepare(session->config.catalog); !st.ok()) {
    *exit_code = ReportError(st, st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure);
    return nullptr;
  }
  return session;
}

std::string OsUser() {
  if (const passwd* pw = getpwuid(geteuid())) return pw->pw_name;
  if (const char* user = std::getenv("USER")) return user;
  return std::to_string(geteuid());
}

const EventSpec* FindEventOrReport(const Catalog& catalog, const std::string& name) {
  if (const EventSpec* e = catalog.Find(name)) return e;
  std::string known;
  for (const auto& e : catalog.events) known += (known.empty() ? "" : ", ") + e.name;
  ReportError(Status::InvalidArgument(fmt::format("unknown event type '{}' (the catalog has: {})", name,
                                                  known.empty() ? "none" : known)));
  return nullptr;
}

}  // namespace sluice
