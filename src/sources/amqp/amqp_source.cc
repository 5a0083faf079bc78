#include "sources/amqp/amqp_source.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdlib>

#include "base/log.h"
#include "base/thread_name.h"
#include "base/thread_policy.h"

#include <cerrno>
#include <cstring>

namespace sluice {
namespace {
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr int kHeartbeatSeconds = 15;  // a silent network drop is noticed within two of these
constexpr auto kPausedHeartbeat = std::chrono::seconds(5);  // well within kHeartbeatSeconds
constexpr auto kIdleWait = std::chrono::milliseconds(100);  // the longest one wait lasts (heartbeats, Stop)
constexpr auto kStopWait = std::chrono::seconds(30);         // Stop waits this long for landings in flight
constexpr auto kFirstRetry = std::chrono::milliseconds(500);
constexpr auto kMaxRetry = std::chrono::seconds(10);
constexpr size_t kMaxGatheredBytes = 8u << 20;  // hand a gathering over at this size even if more is buffered

const char* StateName(AmqpSource::State s) {
  switch (s) {
    case AmqpSource::State::kConnecting: return "connecting";
    case AmqpSource::State::kConsuming: return "consuming";
    case AmqpSource::State::kPaused: return "paused";
    case AmqpSource::State::kDisconnected: return "disconnected";
    case AmqpSource::State::kStopped: return "stopped";
  }
  return "unknown";
}

std::chrono::milliseconds RetryDelay(int failures) {
  return std::min<std::chrono::milliseconds>(kMaxRetry, kFirstRetry * (1 << std::min(failures - 1, 5)));
}
}  // namespace

AmqpSource::AmqpSource(const AmqpSourceConfig& source, const Catalog& catalog, size_t max_event,
                       WarehouseOpener open_warehouse, EventLander* lander, MetricsRegistry* metrics)
    : source_(source),
      catalog_(catalog),
      max_event_(max_event),
      open_warehouse_(std::move(open_warehouse)),
      lander_(lander),
      max_gathered_(std::max(1, source.prefetch / 4)),
      delivered_(metrics->GetCounter("sluice_amqp_delivered_total", "AMQP deliveries received",
                                     {{"source", source.name}})),
      redelivered_(metrics->GetCounter("sluice_amqp_redelivered_total",
                                       "AMQP deliveries the broker flagged as redelivered", {{"source", source.name}})),
      acked_(metrics->GetCounter("sluice_amqp_acked_total", "AMQP deliveries acknowledged after landing",
                                 {{"source", source.name}})),
      reconnects_(metrics->GetCounter("sluice_amqp_reconnects_total", "AMQP connections lost and opened again",
                                      {{"source", source.name}})) {
  for (State s : {State::kConnecting, State::kConsuming, State::kPaused, State::kDisconnected, State::kStopped})
    state_gauges_[s] = &metrics->GetGauge("sluice_amqp_consumer_state", "1 for the AMQP consumer's current state",
                                          {{"source", source.name}, {"state", StateName(s)}});
  for (const char* reason :
       {rejection::kNoType, rejection::kUnknownType, rejection::kUndecodable, rejection::kInvalid})
    rejected_[reason] = &metrics->GetCounter("sluice_amqp_rejected_total", "AMQP deliveries dead-lettered",
                                             {{"source", source.name}, {"reason", reason}});
  SetState(State::kDisconnected);
}

AmqpSource::~AmqpSource() {
  Stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Status AmqpSource::Start() {
  url_ = source_.url;
  if (url_.empty()) {
    if (const char* env = std::getenv("SLUICE_AMQP_URL"); env && *env) url_ = env;
  }
  if (url_.empty())
    return Status::InvalidArgument(
        fmt::format("source '{}': no url (set sources.{}.amqp.url or $SLUICE_AMQP_URL)", source_.name, source_.name));
  RETURN_IF_ERROR(CheckAmqpUrl(url_).WithContext(fmt::format("source '{}'", source_.name)));
  ASSIGN_OR_RETURN(decoder_, MessageDecoder::Create(source_, catalog_, max_event_));
  dead_letters_ = std::make_unique<DeadLetters>(source_, url_, open_warehouse_);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) return Status::Internal(fmt::format("eventfd: {}", std::strerror(errno)));
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void AmqpSource::Stop() {
  stopping_ = true;
  Wake();
  if (thread_.joinable()) thread_.join();
}

void AmqpSource::Wake() {
  if (wake_fd_ < 0) return;
  const uint64_t one = 1;
  if (::write(wake_fd_, &one, sizeof one) < 0 && errno != EAGAIN)
    Log("amqp")->error("source '{}': cannot wake the consumer: {}", source_.name, std::strerror(errno));
}

void AmqpSource::WaitForWork(bool broker, std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {broker ? connection_->fd() : -1, POLLIN, 0}};
  if (::poll(fds, 2, static_cast<int>(timeout.count())) > 0 && (fds[0].revents & POLLIN)) {
    uint64_t count;
    [[maybe_unused]] const ssize_t n = ::read(wake_fd_, &count, sizeof count);  // resets it
  }
}

void AmqpSource::SetState(State s) {
  for (auto& [state, gauge] : state_gauges_) gauge->Set(state == s ? 1 : 0);
}

void AmqpSource::Run() {
  NameThisThread("amqp:" + source_.name);
  auto log = Log("amqp");
  // The broker writes to the socket in small pieces and each one wakes this
  // thread. Woken as a normal thread, it preempts whatever runs on that
  // core, often the broker's own scheduler when both share a host, and reads
  // a few deliveries per wake-up. As a batch thread it waits for the running
  // thread's turn to end and reads more per wake-up: side by side on the
  // same broker, sluice used a fifth to a quarter less CPU per message and
  // consumed 8-16 % faster (docs/performance.md, "A batch thread for the
  // consumer").
  if (!ScheduleThisThreadAsBatch())
    log->debug("source '{}': cannot run the consumer as a batch thread: {}", source_.name, std::strerror(errno));
  int failures = 0;
  while (!stopping_) {
    reached_consuming_ = false;
    const Status st = Consume();
    connection_.reset();  // politely when it can: the broker requeues what was not acked
    gathered_.clear();    // never handed to the lander; they come back from the queue
    gathered_bytes_ = 0;
    gathered_count_ = 0;
    if (stopping_) break;
    if (reached_consuming_) {
      failures = 0;
      reconnects_.Add();
    }
    ++failures;
    SetState(State::kDisconnected);
    const auto delay = RetryDelay(failures);
    log->warn("source '{}': {}; reconnecting in {} ms (unacknowledged messages stay in the queue)", source_.name,
              st.message(), delay.count());
    const auto until = std::chrono::steady_clock::now() + delay;
    while (!stopping_ && std::chrono::steady_clock::now() < until) WaitForWork(/*broker=*/false, kIdleWait);
  }
  SetState(State::kStopped);
}

Status AmqpSource::Consume() {
  SetState(State::kConnecting);
  ASSIGN_OR_RETURN(connection_, AmqpConnection::Open(url_, kConnectTimeout, kHeartbeatSeconds));
  ++connection_number_;
  tracker_.Reset();
  resume_at_ = {};
  landing_failures_ = 0;
  ASSIGN_OR_RETURN(const uint32_t waiting, connection_->EnsureQueue(source_.queue));
  RETURN_IF_ERROR(dead_letters_->Prepare());
  RETURN_IF_ERROR(connection_->Qos(static_cast<uint16_t>(source_.prefetch)));
  RETURN_IF_ERROR(connection_->Consume(source_.queue));
  reached_consuming_ = true;
  SetState(State::kConsuming);
  Log("amqp")->info("source '{}': consuming queue '{}' on {} ({} messages waiting)", source_.name, source_.queue,
                    connection_->where(), waiting);
  while (!stopping_) {
    RETURN_IF_ERROR(AckLanded());
    if (!lander_->Ready() || std::chrono::steady_clock::now() < resume_at_) {
      // Take nothing more for now; what is landing still completes and is acked.
      RETURN_IF_ERROR(Pause());
      continue;
    }
    SetState(State::kConsuming);
    // Take the deliveries already here, then hand them over together: the
    // fewer landings, the fewer wake-ups and syscalls per message. At most a
    // quarter of the prefetch window at a time, so that the broker keeps
    // sending while a gathering is being synced.
    while (gathered_count_ < max_gathered_ && gathered_bytes_ < kMaxGatheredBytes) {
      ASSIGN_OR_RETURN(const bool received, Receive());
      if (!received) break;
    }
    if (!gathered_.empty()) {
      // While the landing zone is over its backlog, a gathering waits here
      // (paused above) rather than being refused and sent back to the broker.
      if (lander_->Ready()) LandGathered();
      continue;
    }
    // Nothing here: sleep until the broker sends more or a landing completes.
    WaitForWork(/*broker=*/true, kIdleWait);
  }
  // Stopping: land what is gathered and acknowledge what lands in time
  // (and what was dead-lettered). The rest is redelivered.
  LandGathered();
  const auto deadline = std::chrono::steady_clock::now() + kStopWait;
  while (true) {
    if (Status st = AckLanded(); !st.ok()) return Status::Ok();
    if (lands_in_flight_ == 0 || std::chrono::steady_clock::now() >= deadline) return Status::Ok();
    if (Status st = Pause(); !st.ok()) return Status::Ok();
  }
}

Status AmqpSource::Pause() {
  if (!stopping_) SetState(State::kPaused);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_heartbeat_ >= kPausedHeartbeat) {
    RETURN_IF_ERROR(connection_->Heartbeat());
    last_heartbeat_ = now;
  }
  WaitForWork(/*broker=*/false, kIdleWait);
  return Status::Ok();
}

Result<bool> AmqpSource::Receive() {
  amqp_connection_state_t conn = connection_->state();
  amqp_maybe_release_buffers(conn);
  amqp_envelope_t envelope;
  timeval tv{0, 0};  // only what is here already
  const amqp_rpc_reply_t reply = amqp_consume_message(conn, &envelope, &tv, 0);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
    const Status st = HandleDelivery(&envelope);
    amqp_destroy_envelope(&envelope);
    RETURN_IF_ERROR(st);
    return true;
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) return false;
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
    // Not a delivery: read the frame that is waiting.
    amqp_frame_t frame;
    RETURN_IF_ERROR(connection_->CheckCode(amqp_simple_wait_frame(conn, &frame), "reading from the broker"));
    if (frame.frame_type != AMQP_FRAME_METHOD) return true;
    switch (frame.payload.method.id) {
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD: {
        amqp_rpc_reply_t closed{};
        closed.reply_type = AMQP_RESPONSE_SERVER_EXCEPTION;
        closed.reply = frame.payload.method;
        return connection_->Check(closed, "consuming");
      }
      case AMQP_BASIC_CANCEL_METHOD:
        return connection_->Broke(Status::Unavailable(
            fmt::format("the broker cancelled the consumer of queue '{}' (was it deleted?)", source_.queue)));
      default:
        return true;
    }
  }
  return connection_->Check(reply, "consuming");
}

Status AmqpSource::HandleDelivery(amqp_envelope_t* envelope) {
  delivered_.Add();
  if (envelope->redelivered) redelivered_.Add();
  const uint64_t tag = envelope->delivery_tag;
  tracker_.Delivered(tag);
  const amqp_basic_properties_t& props = envelope->message.properties;
  AmqpMessage message;
  message.body = BytesView(envelope->message.body);
  message.routing_key = BytesView(envelope->routing_key);
  if (props._flags & AMQP_BASIC_TYPE_FLAG) message.type_property = BytesView(props.type);
  if ((props._flags & AMQP_BASIC_HEADERS_FLAG) && source_.type_from.kind == TypeFrom::Kind::kHeader)
    message.type_header = HeaderString(props.headers, source_.type_from.header);

  const EventSpec* event = nullptr;
  if (auto rejected = decoder_->Decode(message, &event, &decoded_)) {
    Log("amqp")->warn("source '{}': dead-lettering a message ({}): {}", source_.name, rejected->reason,
                      rejected->message);
    RETURN_IF_ERROR(dead_letters_->Send(message, *rejected, tag));
    rejected_.at(rejected->reason)->Add();
    tracker_.Settled(tag);
    return Status::Ok();
  }
  Gathering& g = gathered_[event];
  g.events.Append(decoded_);
  g.tags.push_back(tag);
  gathered_bytes_ += decoded_.text().size();
  ++gathered_count_;
  return Status::Ok();
}

void AmqpSource::LandGathered() {
  for (auto& [event, g] : gathered_) {
    ++lands_in_flight_;
    lander_->Land(*event, std::move(g.events),
                  [this, connection = connection_number_, tags = std::move(g.tags)](const Status& st) mutable {
                    {
                      std::lock_guard<std::mutex> lock(mu_);
                      landed_.push_back({connection, std::move(tags), st});
                    }
                    Wake();
                  });
  }
  gathered_.clear();
  gathered_bytes_ = 0;
  gathered_count_ = 0;
}

Status AmqpSource::AckLanded() {
  std::vector<Landed> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    done.swap(landed_);
  }
  for (Landed& l : done) {
    --lands_in_flight_;
    if (l.connection != connection_number_) continue;  // that channel is gone; the broker redelivers them
    if (l.status.ok()) {
      landing_failures_ = 0;
      for (uint64_t tag : l.tags) tracker_.Settled(tag);
      continue;
    }
    const auto delay = RetryDelay(++landing_failures_);
    resume_at_ = std::chrono::steady_clock::now() + delay;
    Log("amqp")->warn("source '{}': {} deliveries could not land ({}); they go back to the queue, and consuming "
                      "pauses for {} ms",
                      source_.name, l.tags.size(), l.status.message(), delay.count());
    for (uint64_t tag : l.tags) {
      RETURN_IF_ERROR(connection_->Requeue(tag));
      tracker_.Released(tag);
    }
  }
  size_t count = 0;
  if (const uint64_t up_to = tracker_.TakeAckable(&count); up_to > 0) {
    RETURN_IF_ERROR(connection_->Ack(up_to, /*multiple=*/true));
    acked_.Add(static_cast<int64_t>(count));
  }
  return Status::Ok();
}

}  // namespace sluice
