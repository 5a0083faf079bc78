// `sluice serve`: the collector as one process. HTTP and AMQP in, landing,
// load and merge, tasks on their schedules, until SIGTERM or SIGINT.
//
// The components start in this order, and stop in the reverse order on
// every path (component_stack.h):
//   warehouse (schema) → landing recovery (seals what a crash left) →
//   pipeline (loads and merges it) → landing writer → task scheduler →
//   models on_merge (when configured) → AMQP sources → HTTP (only now accepts).
// So stopping is: HTTP stops accepting (503) and finishes its requests →
// the AMQP sources take no more deliveries and acknowledge those that land →
// the models refresher stops between two nodes → the scheduler starts no
// new run and waits for the running ones → the
// landing writer lands what is queued and seals every open file → the
// pipeline loads and merges everything → exit. Every acknowledged event is
// loaded and merged before the process ends (DESIGN.md guarantee 2).
//
// Each component is given its section of the config. Readiness: /readyz
// answers 200 once HTTP accepts and the landing zone is under its backlog
// limit, 503 while stopping.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/metrics.h"
#include "base/status.h"
#include "config/config.h"
#include "server/component_stack.h"

namespace sluice {

class Alerter;
class AmqpSource;
class HttpSource;
class LandingWriter;
class ModelsRefresher;
class Pipeline;
class Scheduler;
class Warehouse;

class Server {
 public:
  // `config` and `env` outlive the server.
  Server(const Config& config, Env* env);
  ~Server();  // stops what runs
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Starts every component in order. On failure, stops those already
  // started (in reverse) and returns why: InvalidArgument when the
  // configuration is at fault, another code when something else is (the
  // warehouse is down, the landing zone cannot be read).
  Status Start();
  // Stops the started components in the reverse order. Idempotent.
  void Stop();
  // Where HTTP listens, e.g. "http://127.0.0.1:8080"; once started.
  std::string address() const;

 private:
  Status StartComponents();
  Status StartTasks();
  Status StartAmqpSources();

  const Config& config_;
  Env* const env_;
  MetricsRegistry metrics_;
  std::unique_ptr<Warehouse> warehouse_;       // the pipeline's
  std::unique_ptr<Warehouse> task_warehouse_;  // the scheduler's records
  std::unique_ptr<LandingWriter> landing_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<Alerter> alerter_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<ModelsRefresher> models_;  // with models.on_merge
  std::vector<std::unique_ptr<AmqpSource>> amqp_;
  std::unique_ptr<HttpSource> http_;
  ComponentStack stack_;  // last: it stops the components before they are destroyed
};

// Runs a Server until SIGINT or SIGTERM. The signals are blocked first, so
// every thread the server starts inherits the mask and only this one
// receives them. Writes "sluice serve: listening on ADDRESS" to `out` once
// ready (scripts and tests wait for that line). Returns why it could not
// start; Ok after a clean stop.
Status ServeUntilSignalled(const Config& config, Env* env, std::ostream& out);

}  // namespace sluice
