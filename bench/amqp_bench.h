// The AMQP part of the benchmark: sluice's RabbitMQ source against
// the broker's own consume rate, on one throwaway broker.
//
//   1. N protobuf messages of the factory example's three types
//      (factory_messages.h), encoded once;
//   2. a private broker (scripts/rabbitmq-node.sh, rabbit_node.h);
//   3. `rounds` rounds (3 by default), each timing both consumers on the
//      same N messages, one after the other; odd rounds run the plain
//      consumer first, even rounds sluice first, so neither always inherits
//      the other's leftovers (the broker compacting its message store). Each
//      consumer's turn:
//      a. publish: the N messages, persistent (delivery mode 2), with
//         publisher confirms (at most kConfirmWindow unconfirmed), into its
//         durable queue (`bench_plain`, `bench_sluice`);
//      b. the plain consumer: rabbitmq-c in this process, prefetch 500 (the
//         source's default), basic.consume, touching each body (summing the
//         lengths), basic.ack with multiple every 250 deliveries or when
//         nothing more is buffered. Timed from basic.consume to the last
//         ack: the broker's own consume rate;
//      c. sluice: `sluice serve` as a child on a config made of
//         examples/factory/sluice.yaml (its three event types, flattening
//         OrderCreated by its lines) with its source pointed at
//         `bench_sluice` (prefetch 500, type_from header:type), an embedded
//         SQLite warehouse in a fresh data folder (sluice-K/, removed after
//         a good round unless `keep`) and the HTTP listener on a free port
//         (for /metrics). Timed from the fork until (i) sluice_amqp_acked_total
//         reaches N: consume → landed, and (ii) the final tables hold every
//         row: consume → landed → merged (sluice_loader_rows_total ≥ N and
//         sluice_merge_lag_rows 0, then confirmed by counting the final
//         tables' rows read-only; the time is when that count began);
//   4. checks, every round: the final tables' rows and sums equal what the
//      generator made, nothing in sluice_load_errors or sluice_merge_errors,
//      nothing rejected or redelivered, both queues and the dead-letter queue
//      empty, `serve` exits 0 after SIGTERM;
//   5. the broker stopped; its files removed unless `keep` or a check failed.
// sync() runs before each timed phase, so none pays for another's writeback.
//
// Why rounds: the broker's own CPU per message moves by a fifth from one
// phase to the next on this 2-core machine, in either direction, and each
// consumer's rate follows it. One plain phase and one sluice phase make a
// ratio that swings ±15 points; the goal is judged on the median of the
// rounds' ratios, each round's two phases taken side by side.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "factory_messages.h"

namespace sluice::bench {

inline constexpr double kAmqpRatioGoal = 0.80;  // the median over the rounds of sluice merged rate / plain consumer rate

struct AmqpBenchInput {
  std::string sluice;               // the binary to measure
  std::string node_script;          // scripts/rabbitmq-node.sh
  std::string example_dir;          // examples/factory: sluice.yaml and proto/
  std::filesystem::path dir;        // broker/ and sluice/ go here
  std::filesystem::path logs_dir;
  int64_t messages = 0;
  uint64_t seed = 1;
  bool keep = false;
  // Both consumers' prefetch: the source's default unless a run asks
  // otherwise (--amqp-prefetch, to see how the window limits sluice).
  uint16_t prefetch = 500;
  int rounds = 3;  // --amqp-rounds
};

// One timed phase. cpu: the work's own (the bench for publishing and the
// plain consumer, sluice for sluice); broker: the broker's VM meanwhile;
// other: cores busy with neither (from /proc/stat).
struct AmqpPhase {
  double wall_seconds = 0;
  double cpu_seconds = 0;
  double broker_cpu_seconds = 0;
  double other_cores = 0;
};

// One round: both consumers on the same N messages.
struct AmqpRound {
  int number = 0;  // from 1
  int64_t messages = 0;
  bool sluice_first = false;

  AmqpPhase publish_plain, publish_sluice, plain;
  // sluice, from the fork: all acknowledged, all merged. `sluice` is the
  // phase up to all merged (cpu: sluice's own until then).
  double acked_seconds = 0;
  AmqpPhase sluice;
  int64_t sluice_peak_rss_kib = 0;      // VmHWM when all was merged
  double sluice_total_cpu_seconds = 0;  // until it exited, stop included
  double sluice_stop_seconds = 0;       // SIGTERM to exit

  double plain_rate() const;
  double acked_rate() const;
  double merged_rate() const;
  double ratio() const;  // merged_rate / plain_rate
  // The broker's CPU per message while each consumer ran, in µs: a slow
  // broker phase shows here.
  double plain_broker_us() const;
  double sluice_broker_us() const;
};

struct AmqpBenchResult {
  std::string broker;  // "RabbitMQ 3.10.8, Erlang …"
  int64_t messages = 0;
  uint16_t prefetch = 0;
  uint64_t body_bytes = 0;
  FactoryExpected expected;
  double generate_seconds = 0;
  std::vector<AmqpRound> rounds;

  std::vector<std::string> checks;    // what was verified, for the report
  std::vector<std::string> problems;  // checks that failed
  bool correct() const { return problems.empty(); }

  // The goal's figure: the median of the rounds' ratios (of an even number,
  // the mean of the middle two).
  double median_ratio() const;
  // The round whose ratio is the median (the lower middle one of an even
  // number), for the rates quoted beside it.
  const AmqpRound& median_round() const;
  // Cores busy with neither the broker nor the measured work, the most of
  // any phase: the noise warning.
  double busiest_other_cores() const;
};

// Runs it all and prints a line per phase. An error (the broker does not
// start, sluice fails or stalls) leaves the broker stopped and its files in
// place; a failed check is not an error: it is in `problems`.
Result<AmqpBenchResult> RunAmqpBench(const AmqpBenchInput& in);

// The AMQP rows of the summary.
void SayAmqpSummary(const AmqpBenchResult& r);

}  // namespace sluice::bench
