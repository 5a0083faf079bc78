#include "server/server.h"

#include <pthread.h>
#include <signal.h>

#include <fmt/format.h>

#include "base/log.h"
#include "landing/landing_writer.h"
#include "server/models_refresher.h"
#include "server/pipeline.h"
#include "sources/amqp/amqp_source.h"
#include "sources/http/http_source.h"
#include "tasks/alerter.h"
#include "tasks/scheduler.h"
#include "tasks/task_runner.h"
#include "warehouse/backend.h"

namespace sluice {

Server::Server(const Config& config, Env* env) : config_(config), env_(env) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  Status st = StartComponents();
  if (!st.ok()) stack_.StopAll();
  return st;
}

Status Server::StartComponents() {
  auto log = Log("serve");
  RETURN_IF_ERROR(stack_.Start("the warehouse", [&]() -> Status {
    ASSIGN_OR_RETURN(warehouse_, OpenWarehouse(config_.warehouse, config_.data_dir));
    return warehouse_->Prepare(config_.catalog);
  }));
  landing_ = std::make_unique<LandingWriter>(env_, config_.landing, LandingFoldersOf(config_), &metrics_);
  RETURN_IF_ERROR(stack_.Start("landing recovery", [&]() -> Status {
    auto recovered = landing_->Recover();
    // A file missing or unreadable here is the disk's problem, not the config's.
    if (!recovered.ok())
      return Status::IOError(std::string(recovered.status().WithContext("recovering the landing zone").message()));
    if (recovered->files_sealed > 0)
      log->info("recovery sealed {} open files left by the last run", recovered->files_sealed);
    return Status::Ok();
  }));
  pipeline_ = std::make_unique<Pipeline>(env_, config_.catalog, config_.landing, LandingFoldersOf(config_),
                                         warehouse_.get(), landing_.get(), &metrics_);
  landing_->SetSealedListener([this] { pipeline_->Wake(); });
  RETURN_IF_ERROR(stack_.Start(
      "the pipeline", [&] { pipeline_->Start(); return Status::Ok(); }, [this] { pipeline_->DrainAndStop(); }));
  RETURN_IF_ERROR(stack_.Start(
      "the landing writer", [&] { landing_->Start(); return Status::Ok(); }, [this] { landing_->Stop(); }));
  RETURN_IF_ERROR(stack_.Start("the task scheduler", [this] { return StartTasks(); }, [this] { scheduler_->Stop(); }));
  if (config_.models.on_merge && !config_.models.project_dir.empty()) {
    models_ = std::make_unique<ModelsRefresher>(
        config_, env_, [this] { return OpenWarehouse(config_.warehouse, config_.data_dir); }, &metrics_);
    RETURN_IF_ERROR(stack_.Start("models on_merge", [this] { return models_->Start(); }, [this] { models_->Stop(); }));
  }
  RETURN_IF_ERROR(StartAmqpSources());
  http_ = std::make_unique<HttpSource>(config_.http, config_.catalog, landing_.get(), &metrics_);
  return stack_.Start("HTTP", [this] { return http_->Start(); }, [this] {
    http_->StopAccepting();
    http_->Stop();
  });
}

Status Server::StartTasks() {
  // Tasks record their runs through a warehouse connection of their own (the
  // pipeline's belongs to its thread); each attempt opens another.
  auto warehouse = OpenWarehouse(config_.warehouse, config_.data_dir);
  if (!warehouse.ok()) return warehouse.status().WithContext("opening the warehouse for tasks");
  task_warehouse_ = std::move(warehouse).value();
  if (!config_.alerts.webhook.empty() || !config_.alerts.email_to.empty())
    alerter_ = std::make_unique<Alerter>(config_.alerts, env_, &metrics_);
  scheduler_ = std::make_unique<Scheduler>(
      TasksOf(config_), &task_warehouse_->tasks(),
      [this](const TaskSpec& task, int64_t now) { return RunTaskOnce(env_, config_, task, now); },
      alerter_ ? Scheduler::SendAlert([this](Alert alert) { alerter_->Send(std::move(alert)); })
               : Scheduler::SendAlert(),
      env_, &metrics_);
  scheduler_->Start();
  return Status::Ok();
}

Status Server::StartAmqpSources() {
  for (const AmqpSourceConfig& source : config_.amqp_sources) {
    amqp_.push_back(std::make_unique<AmqpSource>(
        source, config_.catalog, config_.http.max_event,
        [this] { return OpenWarehouse(config_.warehouse, config_.data_dir); }, landing_.get(), &metrics_));
    AmqpSource* started = amqp_.back().get();
    // A .proto file or message that is not there is the config's to fix.
    const auto start = [started]() -> Status {
      Status st = started->Start();
      return st.code() == StatusCode::kNotFound ? Status::InvalidArgument(std::string(st.message())) : st;
    };
    RETURN_IF_ERROR(stack_.Start(fmt::format("AMQP source {}", source.name), start, [started] { started->Stop(); }));
  }
  return Status::Ok();
}

void Server::Stop() { stack_.StopAll(); }

std::string Server::address() const {
  const HttpConfig& http = config_.http;
  const bool tls = !http.tls_cert.empty();
  const bool ipv6 = http.host.find(':') != std::string::npos;
  return fmt::format("{}://{}:{}", tls ? "https" : "http", ipv6 ? "[" + http.host + "]" : http.host,
                     http_ ? http_->port() : http.port);
}

Status ServeUntilSignalled(const Config& config, Env* env, std::ostream& out) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Server server(config, env);
  RETURN_IF_ERROR(server.Start());
  out << "sluice serve: listening on " << server.address() << std::endl;
  int signal = 0;
  sigwait(&signals, &signal);
  auto log = Log("serve");
  log->info("{} received: stopping (new requests get 503; queued events are landed, loaded and merged; "
            "AMQP deliveries being landed are acknowledged, the rest stay in their queues)",
            signal == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Stop();
  log->info("stopped");
  return Status::Ok();
}

}  // namespace sluice
