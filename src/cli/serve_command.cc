// sluice serve: the collector. HTTP in, landing, load and merge, until SIGTERM/SIGINT.
//
// Start order: warehouse (schema) → landing (recovery seals what a crash
// left) → pipeline (loads it) → task scheduler → AMQP sources → HTTP (only
// now accepts). Stop order is the reverse, so that every acknowledged event
// is loaded and merged before exit: HTTP stops accepting (503) and finishes
// in-flight requests → AMQP sources take no more deliveries and ack those
// that land → landing lands what is queued and seals every open file → the
// pipeline loads and merges everything → exit 0.
#include <pthread.h>
#include <signal.h>

#include <iostream>

#include "base/log.h"
#include "base/metrics.h"
#include "cli/command.h"
#include "landing/landing_writer.h"
#include "server/pipeline.h"
#include "sources/amqp/amqp_source.h"
#include "sources/http/http_source.h"
#include "tasks/alerter.h"
#include "tasks/scheduler.h"

namespace sluice {
namespace {

int RunServe(const GlobalOptions& global) {
  // Every thread started from here on inherits this mask, so the signals
  // reach only the sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  int exit_code = kExitOk;
  auto session = OpenSession(global, &exit_code);
  if (!session) return exit_code;
  const Config& config = session->config;
  auto log = Log("serve");

  MetricsRegistry metrics;
  Env* env = Env::Default();
  LandingWriter landing(env, config.landing, LandingFoldersOf(config), &metrics);
  auto recovered = landing.Start();
  if (!recovered.ok()) return ReportError(recovered.status().WithContext("recovering the landing zone"));
  if (recovered->files_sealed > 0)
    log->info("recovery sealed {} open files left by the last run", recovered->files_sealed);

  Pipeline pipeline(config, env, session->warehouse.get(), &landing, &metrics);
  landing.SetSealedListener([&pipeline] { pipeline.Wake(); });
  pipeline.Start();

  // Tasks record their runs through a warehouse connection of their own (the
  // pipeline's belongs to its thread); each attempt opens another.
  auto task_warehouse = OpenWarehouse(config.warehouse, config.data_dir);
  if (!task_warehouse.ok()) {
    landing.Stop();
    pipeline.DrainAndStop();
    return ReportError(task_warehouse.status().WithContext("opening the warehouse for tasks"));
  }
  std::unique_ptr<Alerter> alerter;
  if (!config.alerts.webhook.empty() || !config.alerts.email_to.empty())
    alerter = std::make_unique<Alerter>(config.alerts, env, &metrics);
  Scheduler scheduler(
      TasksOf(config), &(*task_warehouse)->tasks(),
      [&config, env](const TaskSpec& task, int64_t now) { return RunTaskOnce(env, config, task, now); },
      alerter ? Scheduler::SendAlert([&alerter](Alert alert) { alerter->Send(std::move(alert)); })
              : Scheduler::SendAlert(),
      env, &metrics);
  scheduler.Start();

  std::vector<std::unique_ptr<AmqpSource>> amqp;
  auto stop_amqp = [&amqp] {
    for (auto& source : amqp) source->Stop();
  };
  for (const AmqpSourceConfig& source : config.amqp_sources) {
    amqp.push_back(std::make_unique<AmqpSource>(
        source, config.catalog, config.http.max_event,
        [&config] { return OpenWarehouse(config.warehouse, config.data_dir); }, &landing, &metrics));
    if (Status st = amqp.back()->Start(); !st.ok()) {
      stop_amqp();
      scheduler.Stop();
      landing.Stop();
      pipeline.DrainAndStop();
      return ReportError(st, st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kNotFound
                                 ? kExitUsage
                                 : kExitFailure);
    }
  }

  HttpSource http(config.http, config.catalog, &landing, &metrics);
  if (Status st = http.Start(); !st.ok()) {
    stop_amqp();
    scheduler.Stop();
    landing.Stop();
    pipeline.DrainAndStop();
    return ReportError(st, st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure);
  }
  const bool tls = !config.http.tls_cert.empty();
  std::cout << fmt::format("sluice serve: listening on {}://{}:{}", tls ? "https" : "http",
                           config.http.host.find(':') != std::string::npos ? "[" + config.http.host + "]"
                                                                           : config.http.host,
                           http.port())
            << std::endl;

  int signal = 0;
  sigwait(&signals, &signal);
  log->info("{} received: stopping (new requests get 503; queued events are landed, loaded and merged; "
            "AMQP deliveries being landed are acknowledged, the rest stay in their queues)",
            signal == SIGTERM ? "SIGTERM" : "SIGINT");
  http.StopAccepting();
  scheduler.Stop();  // no new runs; running attempts finish
  http.Stop();
  stop_amqp();
  landing.Stop();
  pipeline.DrainAndStop();
  log->info("stopped");
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("serve", "take events over HTTP and from AMQP sources, land them durably, load and merge continuously");
  cmd->callback([&global, runner] { *runner = [&global] { return RunServe(global); }; });
}

}  // namespace sluice
