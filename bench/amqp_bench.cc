#include "amqp_bench.h"

#include <amqp.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <thread>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/config.h"
#include "phase_meter.h"
#include "proc_cpu.h"
#include "rabbit_node.h"
#include "serve_child.h"
#include "report.h"
#include "sources/amqp/amqp_connection.h"
#include "warehouse/sqlite/sqlite_warehouse.h"
#include "stopwatch.h"

namespace fs = std::filesystem;

namespace sluice::bench {
namespace {

constexpr const char* kPlainQueue = "bench_plain";
constexpr const char* kSluiceQueue = "bench_sluice";
constexpr int kAckEvery = 250;             // the plain consumer's ack batch
constexpr uint64_t kConfirmWindow = 4096;  // published, not yet confirmed: wait down to half of it at this
constexpr auto kConnectTimeout = std::chrono::seconds(30);
constexpr auto kConfirmTimeout = std::chrono::seconds(120);
constexpr auto kPollInterval = std::chrono::milliseconds(50);
constexpr double kProgressEvery = 10;  // seconds between progress lines while sluice runs

// ---------------------------------------------------------------- publishing

// Publishes every message into `queue` (declared durable), persistent, with
// publisher confirms. Returns once the broker has confirmed them all.
Status Publish(const std::string& url, const std::string& queue, const FactoryMessages& messages) {
  ASSIGN_OR_RETURN(std::unique_ptr<AmqpConnection> c, AmqpConnection::Open(url, kConnectTimeout, 0));
  ASSIGN_OR_RETURN(const uint32_t waiting, c->EnsureQueue(queue));
  if (waiting != 0) return Status::Internal(fmt::format("queue '{}' already holds {} messages", queue, waiting));
  RETURN_IF_ERROR(c->ConfirmSelect());
  OutgoingMessage m;
  m.persistent = true;
  for (size_t i = 0; i < messages.size(); ++i) {
    m.body = messages.body(i);
    m.type = FactoryTypeName(messages.type(i));
    RETURN_IF_ERROR(c->Publish("", queue, m, /*mandatory=*/false));
    if (c->unconfirmed() >= kConfirmWindow)
      RETURN_IF_ERROR(c->WaitConfirms(kConfirmWindow / 2, std::chrono::steady_clock::now() + kConfirmTimeout));
  }
  return c->WaitConfirms(0, std::chrono::steady_clock::now() + kConfirmTimeout);
}

// The broker's CPU, this process's and the machine's around one phase run
// in this process.
class InProcessPhase {
 public:
  explicit InProcessPhase(const RabbitNode& node) : node_(node), broker_start_(node.CpuSeconds()) {}
  AmqpPhase Stop() const {
    const PhaseStats s = meter_.Stop();
    AmqpPhase p;
    p.wall_seconds = s.wall_seconds;
    p.cpu_seconds = s.cpu_seconds;
    p.broker_cpu_seconds = node_.CpuSeconds() - broker_start_;
    if (p.wall_seconds > 0) p.other_cores = std::max(0.0, s.other_cores - p.broker_cpu_seconds / p.wall_seconds);
    return p;
  }

 private:
  const RabbitNode& node_;
  const double broker_start_;
  PhaseMeter meter_;
};

// ---------------------------------------------------------------- the plain consumer

struct PlainConsumed {
  int64_t messages = 0;
  uint64_t bytes = 0;
  uint32_t left_in_queue = 0;
};

// Consumes `n` messages from `queue` as a plain rabbitmq-c consumer would,
// and times it (`phase`: from basic.consume to the last basic.ack).
Result<PlainConsumed> PlainConsume(const std::string& url, const std::string& queue, int64_t n, uint16_t prefetch,
                                   const RabbitNode& node, AmqpPhase* phase) {
  ASSIGN_OR_RETURN(std::unique_ptr<AmqpConnection> c, AmqpConnection::Open(url, kConnectTimeout, 0));
  RETURN_IF_ERROR(c->Qos(prefetch));
  amqp_connection_state_t conn = c->state();
  PlainConsumed got;
  std::optional<InProcessPhase> timed;
  timed.emplace(node);
  RETURN_IF_ERROR(c->Consume(queue));
  uint64_t last_tag = 0;
  int unacked = 0;
  while (got.messages < n) {
    amqp_maybe_release_buffers(conn);
    amqp_envelope_t envelope;
    timeval tv{30, 0};
    const amqp_rpc_reply_t reply = amqp_consume_message(conn, &envelope, &tv, 0);
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT)
        return Status::Internal(fmt::format("the plain consumer got nothing for 30 s after {} of {} messages",
                                            got.messages, n));
      return c->Check(reply, "consuming (plain consumer)");
    }
    got.bytes += envelope.message.body.len;  // touch the body
    ++got.messages;
    last_tag = envelope.delivery_tag;
    amqp_destroy_envelope(&envelope);
    if (++unacked >= std::min<int>(kAckEvery, prefetch / 2 + 1) || (!amqp_data_in_buffer(conn) && !amqp_frames_enqueued(conn))) {
      RETURN_IF_ERROR(c->Ack(last_tag, /*multiple=*/true));
      unacked = 0;
    }
  }
  if (unacked > 0) RETURN_IF_ERROR(c->Ack(last_tag, /*multiple=*/true));
  *phase = timed->Stop();
  // A synchronous call after the acks: the broker has processed them.
  ASSIGN_OR_RETURN(got.left_in_queue, c->EnsureQueue(queue));
  return got;
}

// ---------------------------------------------------------------- sluice serve as a child

// A kB figure from /proc/PID/status (VmHWM, VmRSS); 0 when unknown.
int64_t ProcStatusKib(pid_t pid, const char* field) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0) return std::atoll(line.c_str() + prefix.size());
  return 0;
}

// GET http://127.0.0.1:port/path; the body, or an error.
Result<std::string> HttpGet(int port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError(fmt::format("socket: {}", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int e = errno;
    ::close(fd);
    return Status::Unavailable(fmt::format("connect to 127.0.0.1:{}: {}", port, std::strerror(e)));
  }
  const std::string request =
      fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", path, port);
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return Status::Unavailable("cannot send the request for " + path);
  }
  std::string raw;
  char buf[65536];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  const size_t head_end = raw.find("\r\n\r\n");
  if (raw.compare(0, 12, "HTTP/1.1 200") != 0 || head_end == std::string::npos)
    return Status::Unavailable(fmt::format("GET {}: {}", path, raw.substr(0, raw.find("\r\n"))));
  return raw.substr(head_end + 4);
}

// The sum of a metric's samples (all labels) in Prometheus text; -1 when absent.
double MetricSum(const std::string& text, std::string_view name) {
  double sum = 0;
  bool found = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.size() <= name.size() || line.compare(0, name.size(), name) != 0) continue;
    const char next = line[name.size()];
    if (next != '{' && next != ' ') continue;
    const size_t space = line.rfind(' ');
    sum += std::strtod(std::string(line.substr(space + 1)).c_str(), nullptr);
    found = true;
  }
  return found ? sum : -1;
}

struct Metrics {
  double delivered = 0, redelivered = 0, acked = 0, rejected = 0, loaded = 0, lag = 0, merged = 0,
         merge_rejected = 0, load_bad = 0;
};

Result<Metrics> ReadMetrics(int port) {
  ASSIGN_OR_RETURN(std::string text, HttpGet(port, "/metrics"));
  Metrics m;
  m.delivered = MetricSum(text, "sluice_amqp_delivered_total");
  m.redelivered = MetricSum(text, "sluice_amqp_redelivered_total");
  m.acked = MetricSum(text, "sluice_amqp_acked_total");
  m.rejected = MetricSum(text, "sluice_amqp_rejected_total");
  m.loaded = MetricSum(text, "sluice_loader_rows_total");
  m.lag = MetricSum(text, "sluice_merge_lag_rows");
  m.merged = MetricSum(text, "sluice_merge_rows_total");
  m.merge_rejected = MetricSum(text, "sluice_merge_rejected_total");
  m.load_bad = MetricSum(text, "sluice_loader_bad_lines_total");
  if (m.acked < 0 || m.loaded < 0 || m.lag < 0)
    return Status::Internal("/metrics lacks sluice_amqp_acked_total, sluice_loader_rows_total or "
                            "sluice_merge_lag_rows");
  return m;
}

// ---------------------------------------------------------------- the warehouse, read-only

class ReadOnlyDb {
 public:
  static Result<std::unique_ptr<ReadOnlyDb>> Open(const std::string& path) {
    std::unique_ptr<ReadOnlyDb> db(new ReadOnlyDb());
    const std::string uri = "file:" + path + "?mode=ro";
    if (sqlite3_open_v2(uri.c_str(), &db->db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) != SQLITE_OK)
      return Status::IOError(fmt::format("cannot open {} read-only: {}", path, sqlite3_errmsg(db->db_)));
    sqlite3_busy_timeout(db->db_, 10000);
    return db;
  }
  ~ReadOnlyDb() { sqlite3_close(db_); }
  // The integers of the first row of `sql` (NULL as 0), in one read transaction.
  Result<std::vector<int64_t>> Row(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      return Status::Internal(fmt::format("{}: {}", sql, sqlite3_errmsg(db_)));
    std::vector<int64_t> row;
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) row.push_back(sqlite3_column_int64(stmt, i));
    const std::string error = sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW) return Status::Internal(fmt::format("{}: {}", sql, error));
    return row;
  }

 private:
  ReadOnlyDb() = default;
  sqlite3* db_ = nullptr;
};

struct Tables {
  std::string cards, orders, batches;
};

std::string Q(const std::string& ident) { return "\"" + ident + "\""; }

// ---------------------------------------------------------------- the config

// The example's config with its source pointed at the broker's queue, the
// data folder in `data_dir` (embedded SQLite) and HTTP on a free port.
Status WriteSluiceConfig(const AmqpBenchInput& in, const std::string& url, const fs::path& data_dir,
                         const fs::path& out_path) {
  const fs::path example = fs::path(in.example_dir) / "sluice.yaml";
  try {
    YAML::Node root = YAML::LoadFile(example.string());
    root["data_dir"] = data_dir.string();
    root.remove("warehouse");  // the default: SQLite in data_dir
    // The example's dbt project (rebuilt on merge) is not what this part
    // measures; the models part times on_merge rebuilds.
    root.remove("models");
    root["http"]["listen"] = "127.0.0.1:0";
    YAML::Node sources = root["sources"];
    if (!sources || !sources.IsMap() || sources.size() != 1)
      return Status::InvalidArgument(fmt::format("{}: expected exactly one source", example.string()));
    YAML::Node amqp = sources.begin()->second["amqp"];
    if (!amqp) return Status::InvalidArgument(fmt::format("{}: its source is not amqp", example.string()));
    amqp["url"] = url;
    amqp["queue"] = kSluiceQueue;
    amqp["prefetch"] = static_cast<int>(in.prefetch);
    amqp["type_from"] = "header:type";
    YAML::Node files = amqp["proto"]["files"];
    YAML::Node absolute(YAML::NodeType::Sequence);
    for (const auto& f : files) absolute.push_back((fs::path(in.example_dir) / f.as<std::string>()).string());
    amqp["proto"]["files"] = absolute;
    std::ofstream out(out_path);
    out << root << "\n";
    if (!out) return Status::IOError(fmt::format("cannot write {}", out_path.string()));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(fmt::format("{}: {}", example.string(), e.what()));
  }
  return Status::Ok();
}

std::vector<std::string> ProtoFiles(const std::string& example_dir) {
  std::vector<std::string> files;
  for (const char* f : {"cards.proto", "orders.proto", "manufacturing.proto"})
    files.push_back((fs::path(example_dir) / "proto" / f).string());
  return files;
}

void SayAmqpPhase(std::string_view name, const AmqpPhase& p, const std::string& extra) {
  Say(fmt::format("  {:<16} wall {:8.2f} s   cpu {:7.2f} s   broker cpu {:7.2f} s   other load {:4.2f} cores   {}",
                  name, p.wall_seconds, p.cpu_seconds, p.broker_cpu_seconds, p.other_cores, extra));
}

std::string Thousands(double v) {
  std::string digits = fmt::format("{:.0f}", v);
  std::string out;
  const size_t first = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  out = digits.substr(0, first);
  for (size_t i = first; i < digits.size(); i += 3) out += " " + digits.substr(i, 3);
  return out;
}

double MicrosPerMessage(double seconds, int64_t messages) {
  return seconds * 1e6 / static_cast<double>(std::max<int64_t>(1, messages));
}

// ---------------------------------------------------------------- the run

struct Run {
  const AmqpBenchInput& in;
  AmqpBenchResult r;
  std::string prefix;  // "round K: " for the checks

  void Check(bool ok, std::string what) {
    if (ok) r.checks.push_back(prefix + what);
    else r.problems.push_back(prefix + what);
  }

  // One round (3 in amqp_bench.h): each consumer's publish and turn, in the
  // round's order.
  Status OnBroker(RabbitNode& node, const FactoryMessages& messages, AmqpRound& round) {
    prefix = fmt::format("round {}: ", round.number);
    Say(fmt::format("  round {} of {}: {} first", round.number, in.rounds,
                    round.sluice_first ? "sluice" : "the plain consumer"));
    if (round.sluice_first) {
      RETURN_IF_ERROR(SluiceTurn(node, messages, round));
      return PlainTurn(node, messages, round);
    }
    RETURN_IF_ERROR(PlainTurn(node, messages, round));
    return SluiceTurn(node, messages, round);
  }

  Status PublishInto(RabbitNode& node, const std::string& queue, const FactoryMessages& messages, AmqpPhase* phase) {
    ::sync();
    InProcessPhase timed(node);
    RETURN_IF_ERROR(Publish(node.url(), queue, messages));
    *phase = timed.Stop();
    SayAmqpPhase("publish (" + queue + ")", *phase,
                 fmt::format("{:.0f} msg/s, persistent, confirmed", Rate(r.messages, phase->wall_seconds)));
    return Status::Ok();
  }

  Status PlainTurn(RabbitNode& node, const FactoryMessages& messages, AmqpRound& round) {
    const int64_t n = r.messages;
    RETURN_IF_ERROR(PublishInto(node, kPlainQueue, messages, &round.publish_plain));
    ::sync();
    ASSIGN_OR_RETURN(PlainConsumed plain, PlainConsume(node.url(), kPlainQueue, n, in.prefetch, node, &round.plain));
    SayAmqpPhase("plain consumer", round.plain,
                 fmt::format("{:.0f} msg/s (prefetch {}, multiple ack every {})", round.plain_rate(), in.prefetch,
                             std::min<int>(kAckEvery, in.prefetch / 2 + 1)));
    Check(plain.messages == n && plain.bytes == messages.bytes(),
          fmt::format("plain consumer: {} messages, {} body bytes (published {}, {})", plain.messages, plain.bytes, n,
                      messages.bytes()));
    Check(plain.left_in_queue == 0, fmt::format("queue {} empty after the plain consumer ({} left)", kPlainQueue,
                                                plain.left_in_queue));
    return Status::Ok();
  }

  Status SluiceTurn(RabbitNode& node, const FactoryMessages& messages, AmqpRound& round) {
    RETURN_IF_ERROR(PublishInto(node, kSluiceQueue, messages, &round.publish_sluice));
    const fs::path sluice_dir = in.dir / fmt::format("sluice-{}", round.number);
    const size_t problems_before = r.problems.size();
    RETURN_IF_ERROR(RunSluice(node, sluice_dir, round));
    // A good round's landed files and warehouse (about 1 KB a message) go,
    // so that rounds do not add up on disk.
    if (!in.keep && r.problems.size() == problems_before) {
      std::error_code ec;
      fs::remove_all(sluice_dir, ec);
    }
    return Status::Ok();
  }

  Status RunSluice(RabbitNode& node, const fs::path& sluice_dir, AmqpRound& round) {
    const int64_t n = r.messages;
    std::error_code ec;
    fs::create_directories(sluice_dir, ec);
    if (ec) return Status::IOError(fmt::format("cannot create {}: {}", sluice_dir.string(), ec.message()));
    const fs::path config_path = sluice_dir / "sluice.yaml";
    RETURN_IF_ERROR(WriteSluiceConfig(in, node.url(), sluice_dir / "data", config_path));
    ASSIGN_OR_RETURN(Config config, LoadConfig(config_path.string()));
    Tables t;
    for (auto [name, table] : {std::pair{"CardCatalog", &t.cards}, std::pair{"Order", &t.orders},
                               std::pair{"ManufacturingBatch", &t.batches}}) {
      const EventSpec* e = config.catalog.Find(name);
      if (e == nullptr) return Status::InvalidArgument(fmt::format("{} has no event type {}", in.example_dir, name));
      *table = e->table;
    }
    const FactoryExpected& x = r.expected;
    const std::string count_sql = fmt::format("SELECT (SELECT count(*) FROM {}), (SELECT count(*) FROM {}), "
                                              "(SELECT count(*) FROM {})",
                                              Q(t.cards), Q(t.orders), Q(t.batches));
    const std::vector<int64_t> want_counts = {x.cards, x.order_lines, x.batches};

    ::sync();
    const std::string log = (in.logs_dir / fmt::format("amqp-sluice-serve-{}.log", round.number)).string();
    const double broker_start = node.CpuSeconds();
    PhaseMeter meter;
    Stopwatch clock;
    ASSIGN_OR_RETURN(std::unique_ptr<ServeChild> serve,
                     ServeChild::Start({in.sluice, "-c", config_path.string(), "serve"}, sluice_dir.string(), log));
    const auto died = [&](std::string_view when) {
      return Status::Internal(fmt::format("`sluice serve` exited with {} {}; its log ({}):\n{}", serve->exit_code(),
                                          when, log, serve->LogTail()));
    };
    // Its port, from "sluice serve: listening on http://127.0.0.1:PORT".
    int port = 0;
    const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
    while (port == 0) {
      std::ifstream lf(log);
      std::string line;
      std::smatch m;
      while (std::getline(lf, line))
        if (std::regex_search(line, m, listening)) port = std::stoi(m[1]);
      if (port != 0) break;
      if (serve->Exited()) return died("before listening");
      if (clock.Seconds() > 120) return Status::Internal("`sluice serve` did not listen within 120 s; log " + log);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Say(fmt::format("  sluice serve pid {}, metrics on http://127.0.0.1:{}/metrics, data in {}", serve->pid(), port,
                    (sluice_dir / "data").string()));

    // Poll until all acknowledged, then all merged.
    const double deadline = 300 + static_cast<double>(n) / 1000.0;  // 1M: 1 300 s; far beyond any sane run
    std::optional<double> acked_at, merged_at;
    double next_progress = kProgressEvery;
    std::unique_ptr<ReadOnlyDb> db;
    Metrics m;
    while (!merged_at) {
      if (serve->Exited()) return died("before all was merged");
      const double now = clock.Seconds();
      if (now > deadline)
        return Status::Internal(fmt::format("sluice had not merged everything after {:.0f} s: acked {:.0f}, loaded "
                                            "{:.0f}, merge lag {:.0f} of {} messages; log {}",
                                            now, m.acked, m.loaded, m.lag, n, log));
      auto read = ReadMetrics(port);
      if (!read.ok()) return read.status().WithContext("reading sluice's /metrics");
      m = *read;
      if (!acked_at && m.acked >= static_cast<double>(n)) {
        acked_at = clock.Seconds();
        Say(fmt::format("  all {} acknowledged after {:.2f} s ({:.0f} msg/s); loaded so far {:.0f}", n, *acked_at,
                        Rate(n, *acked_at), m.loaded));
      }
      if (acked_at && m.loaded >= static_cast<double>(n) && m.lag == 0) {
        if (!db) {
          ASSIGN_OR_RETURN(db, ReadOnlyDb::Open(SqliteWarehouse::PathIn(config.data_dir)));
        }
        const double counted_at = clock.Seconds();  // the count reads a snapshot taken after this
        ASSIGN_OR_RETURN(std::vector<int64_t> counts, db->Row(count_sql));
        if (counts == want_counts) merged_at = counted_at;
      }
      if (!merged_at && now >= next_progress) {
        Say(fmt::format("  … {:5.1f} s: delivered {:>9}, acked {:>9}, loaded {:>9}, merged rows {:>9}, merge lag {:.0f}",
                        now, Thousands(m.delivered), Thousands(m.acked), Thousands(m.loaded), Thousands(m.merged),
                        m.lag));
        next_progress += kProgressEvery;
      }
      if (!merged_at) std::this_thread::sleep_for(kPollInterval);
    }
    // The figures at "all merged".
    const double sluice_cpu = TreeCpuSeconds(serve->pid());
    round.sluice_peak_rss_kib = ProcStatusKib(serve->pid(), "VmHWM");
    const double broker_cpu = node.CpuSeconds() - broker_start;
    const PhaseStats s = meter.StopForChild(sluice_cpu);
    round.acked_seconds = *acked_at;
    round.sluice.wall_seconds = *merged_at;
    round.sluice.cpu_seconds = sluice_cpu;
    round.sluice.broker_cpu_seconds = broker_cpu;
    if (s.wall_seconds > 0) round.sluice.other_cores = std::max(0.0, s.other_cores - broker_cpu / s.wall_seconds);
    SayAmqpPhase("sluice merged", round.sluice,
                 fmt::format("{:.0f} msg/s; acked after {:.2f} s ({:.0f} msg/s); peak RSS {}", round.merged_rate(),
                             round.acked_seconds, round.acked_rate(), Mib(round.sluice_peak_rss_kib)));

    // The checks.
    ASSIGN_OR_RETURN(m, ReadMetrics(port));
    Check(m.delivered == static_cast<double>(n) && m.acked == static_cast<double>(n),
          fmt::format("sluice: {:.0f} delivered and {:.0f} acknowledged of {} published", m.delivered, m.acked, n));
    Check(m.redelivered == 0 && m.rejected == 0,
          fmt::format("sluice: {:.0f} redelivered, {:.0f} dead-lettered", m.redelivered, m.rejected));
    Check(m.loaded == static_cast<double>(n) && m.load_bad == 0,
          fmt::format("sluice: {:.0f} staging rows loaded (one per message), {:.0f} bad lines", m.loaded, m.load_bad));
    ASSIGN_OR_RETURN(std::vector<int64_t> counts, db->Row(count_sql));
    Check(counts == want_counts,
          fmt::format("final rows: {} {} of {}, {} {} of {} (order lines), {} {} of {} (one per batch)", t.cards,
                      counts[0], x.cards, t.orders, counts[1], x.order_lines, t.batches, counts[2], x.batches));
    ASSIGN_OR_RETURN(
        std::vector<int64_t> sums,
        db->Row(fmt::format("SELECT (SELECT sum(list_price) FROM {}), (SELECT sum(quantity) FROM {}), "
                            "(SELECT sum(quantity_produced) FROM {}), (SELECT count(*) FROM {} WHERE status = "
                            "'COMPLETED'), (SELECT count(DISTINCT order_id) FROM {})",
                            Q(t.cards), Q(t.orders), Q(t.batches), Q(t.batches), Q(t.orders))));
    Check(sums == std::vector<int64_t>{x.list_price, x.order_quantity, x.batches_produced, x.batches_completed,
                                       x.orders},
          fmt::format("final values: sum(list_price) {} of {}, sum(quantity) {} of {}, the newest batch versions' "
                      "sum(quantity_produced) {} of {} and COMPLETED {} of {}, distinct orders {} of {}",
                      sums[0], x.list_price, sums[1], x.order_quantity, sums[2], x.batches_produced, sums[3],
                      x.batches_completed, sums[4], x.orders));
    ASSIGN_OR_RETURN(std::vector<int64_t> errors,
                     db->Row("SELECT (SELECT count(*) FROM sluice_load_errors), "
                             "(SELECT count(*) FROM sluice_merge_errors)"));
    Check(errors[0] == 0 && errors[1] == 0 && m.merge_rejected == 0,
          fmt::format("sluice_load_errors {} rows, sluice_merge_errors {} rows", errors[0], errors[1]));
    db.reset();
    {
      ASSIGN_OR_RETURN(std::unique_ptr<AmqpConnection> c, AmqpConnection::Open(node.url(), kConnectTimeout, 0));
      ASSIGN_OR_RETURN(const uint32_t left, c->EnsureQueue(kSluiceQueue));
      ASSIGN_OR_RETURN(const uint32_t dead, c->EnsureQueue(std::string(kSluiceQueue) + ".dead"));
      Check(left == 0 && dead == 0, fmt::format("queue {} empty after sluice ({} left), {}.dead empty ({})",
                                                kSluiceQueue, left, kSluiceQueue, dead));
    }

    // serve stops cleanly.
    Stopwatch stop;
    ::kill(serve->pid(), SIGTERM);
    RETURN_IF_ERROR(serve->Wait());
    round.sluice_stop_seconds = stop.Seconds();
    round.sluice_total_cpu_seconds = serve->cpu_seconds();
    Check(serve->exit_code() == 0, fmt::format("sluice serve exited {} after SIGTERM (in {:.2f} s)",
                                               serve->exit_code(), round.sluice_stop_seconds));
    return Status::Ok();
  }
};

}  // namespace

double AmqpRound::plain_rate() const { return Rate(messages, plain.wall_seconds); }
double AmqpRound::acked_rate() const { return Rate(messages, acked_seconds); }
double AmqpRound::merged_rate() const { return Rate(messages, sluice.wall_seconds); }
double AmqpRound::ratio() const { return plain_rate() > 0 ? merged_rate() / plain_rate() : 0; }
double AmqpRound::plain_broker_us() const { return MicrosPerMessage(plain.broker_cpu_seconds, messages); }
double AmqpRound::sluice_broker_us() const { return MicrosPerMessage(sluice.broker_cpu_seconds, messages); }

namespace {
// The rounds' indices by ratio, lowest first.
std::vector<size_t> ByRatio(const std::vector<AmqpRound>& rounds) {
  std::vector<size_t> order(rounds.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rounds[a].ratio() < rounds[b].ratio(); });
  return order;
}
}  // namespace

double AmqpBenchResult::median_ratio() const {
  if (rounds.empty()) return 0;
  const std::vector<size_t> order = ByRatio(rounds);
  const size_t mid = order.size() / 2;
  if (order.size() % 2 == 1) return rounds[order[mid]].ratio();
  return (rounds[order[mid - 1]].ratio() + rounds[order[mid]].ratio()) / 2;
}

const AmqpRound& AmqpBenchResult::median_round() const {
  const std::vector<size_t> order = ByRatio(rounds);
  return rounds[order[(order.size() - 1) / 2]];
}

double AmqpBenchResult::busiest_other_cores() const {
  double busiest = 0;
  for (const AmqpRound& k : rounds)
    busiest = std::max({busiest, k.publish_plain.other_cores, k.publish_sluice.other_cores, k.plain.other_cores,
                        k.sluice.other_cores});
  return busiest;
}

Result<AmqpBenchResult> RunAmqpBench(const AmqpBenchInput& in) {
  if (in.rounds < 1) return Status::InvalidArgument(fmt::format("--amqp-rounds {}: at least 1", in.rounds));
  Run run{in, {}, {}};
  AmqpBenchResult& r = run.r;
  r.messages = in.messages;
  r.prefetch = in.prefetch;

  // 1. The messages.
  Stopwatch generate;
  auto made = FactoryMessages::Make(in.messages, in.seed, ProtoFiles(in.example_dir));
  if (!made.ok()) return made.status().WithContext("encoding the factory messages");
  const FactoryMessages messages = std::move(*made);
  r.generate_seconds = generate.Seconds();
  r.body_bytes = messages.bytes();
  r.expected = messages.expected();
  const FactoryExpected& x = r.expected;
  Say(fmt::format("  {} messages ({:.1f} MB of protobuf, {:.0f} bytes on average) encoded in {:.1f} s: {} "
                  "OrderCreated ({} lines), {} ManufacturingBatch ({} batches), {} CardCatalogCreated",
                  r.messages, static_cast<double>(r.body_bytes) / 1e6,
                  static_cast<double>(r.body_bytes) / static_cast<double>(std::max<int64_t>(1, r.messages)),
                  r.generate_seconds, x.orders, x.order_lines, x.batch_messages, x.batches, x.cards));

  // 2. The broker.
  const std::string broker_dir = (in.dir / "broker").string();
  auto started = RabbitNode::Start(in.node_script, broker_dir, (in.logs_dir / "rabbitmq-node.log").string());
  if (!started.ok())
    return started.status().WithContext(
        "the AMQP part cannot start its broker (scripts/install-deps.sh installs rabbitmq-server; --no-amqp skips "
        "this part)");
  std::unique_ptr<RabbitNode> node = std::move(*started);
  r.broker = fmt::format("RabbitMQ {} at {}", node->version().empty() ? "?" : node->version(),
                         node->url().substr(node->url().find('@') + 1));
  Say("  " + r.broker + ", data in " + broker_dir);

  // 3–4. On error, ~RabbitNode stops the broker and keeps its files.
  for (int k = 1; k <= in.rounds; ++k) {
    AmqpRound& round = r.rounds.emplace_back();
    round.number = k;
    round.messages = in.messages;
    round.sluice_first = k % 2 == 0;
    RETURN_IF_ERROR(run.OnBroker(*node, messages, round));
    Say(fmt::format("  round {}: sluice merged at {:.0f}% of the plain consumer ({:.0f} of {:.0f} msg/s; the "
                    "broker's CPU per message {:.1f} µs beside sluice, {:.1f} µs beside the plain consumer)",
                    k, round.ratio() * 100, round.merged_rate(), round.plain_rate(), round.sluice_broker_us(),
                    round.plain_broker_us()));
  }

  // 5.
  const bool keep = in.keep || !r.correct();
  RETURN_IF_ERROR(node->Stop(keep));
  if (keep)
    Say(fmt::format("  broker stopped; its files stay in {} (scripts/rabbitmq-node.sh up {} restarts it)", broker_dir,
                    broker_dir));
  for (const auto& c : r.checks) Say("  ok: " + c);
  for (const auto& p : r.problems) Say("  !!!!! FAILED: " + p);
  return r;
}

void SayAmqpSummary(const AmqpBenchResult& r) {
  const auto per_message = [&](double seconds) { return MicrosPerMessage(seconds, r.messages); };
  const auto row = [&](std::string_view name, const AmqpPhase& p, double rate, const std::string& rss) {
    Say(fmt::format("{:<24}{:9.2f} {:8.2f} {:9.2f}  {:>9.0f} msg/s {:8.1f} {:8.1f} {:>10}  {:6.2f}", name,
                    p.wall_seconds, p.cpu_seconds, p.broker_cpu_seconds, rate, per_message(p.cpu_seconds),
                    per_message(p.broker_cpu_seconds), rss, p.other_cores));
  };
  Say("------------------- AMQP (one RabbitMQ broker, both consumers) ----------");
  Say(fmt::format("{} messages, {:.1f} MB of protobuf: {} OrderCreated ({} order lines), {} ManufacturingBatch ({} "
                  "batches), {} CardCatalogCreated; prefetch {} for both consumers; {} round{}",
                  r.messages, static_cast<double>(r.body_bytes) / 1e6, r.expected.orders, r.expected.order_lines,
                  r.expected.batch_messages, r.expected.batches, r.expected.cards, r.prefetch, r.rounds.size(),
                  r.rounds.size() == 1 ? "" : "s"));
  Say(fmt::format("{:<24}{:>9} {:>8} {:>9}  {:>15} {:>8} {:>8} {:>10}  {:>6}", "", "wall s", "cpu s", "broker s",
                  "rate", "cpu µs", "brkr µs", "peak RSS", "other"));
  for (const AmqpRound& k : r.rounds) {
    const std::string n = fmt::format("{}. ", k.number);
    row(n + "publish (plain)", k.publish_plain, Rate(r.messages, k.publish_plain.wall_seconds), "");
    row(n + "publish (sluice)", k.publish_sluice, Rate(r.messages, k.publish_sluice.wall_seconds), "");
    row(n + "plain consumer", k.plain, k.plain_rate(), "");
    Say(fmt::format("{:<24}{:9.2f} {:>8} {:>9}  {:>9.0f} msg/s", n + "sluice consume→landed", k.acked_seconds, "", "",
                    k.acked_rate()));
    row(n + "sluice …→merged", k.sluice, k.merged_rate(), Mib(k.sluice_peak_rss_kib));
    Say(fmt::format("{:<24}sluice merged {:.0f}%, acked {:.0f}% of the plain consumer ({} first); sluice used "
                    "{:.2f} s of CPU in all, its stop of {:.2f} s included",
                    "", k.ratio() * 100, k.plain_rate() > 0 ? k.acked_rate() / k.plain_rate() * 100 : 0,
                    k.sluice_first ? "sluice" : "plain", k.sluice_total_cpu_seconds, k.sluice_stop_seconds));
  }
  Say("(cpu: the bench's for publishing and the plain consumer, sluice's for sluice (consume, land, load, merge), "
      "until all merged; broker s: RabbitMQ's meanwhile; µs: each per message; other: cores busy with neither)");
  std::string ratios;
  for (const AmqpRound& k : r.rounds) ratios += fmt::format("{}{:.0f}%", ratios.empty() ? "" : ", ", k.ratio() * 100);
  Say(fmt::format("sluice merged / plain consumer, round by round: {}; median {:.0f}%", ratios,
                  r.median_ratio() * 100));
  Say(fmt::format("checks: {} passed, {} failed{}", r.checks.size(), r.problems.size(),
                  r.correct() ? "" : "   <<<<< FAILED CHECKS"));
}

}  // namespace sluice::bench
