#include "sources/amqp/amqp_connection.h"

#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <vector>

#include <fmt/format.h>

namespace sluice {
namespace {
constexpr amqp_channel_t kChannel = 1;
constexpr int kFrameMax = 131072;
constexpr uint16_t kNotFound = 404;

amqp_bytes_t Bytes(std::string_view s) { return {s.size(), const_cast<char*>(s.data())}; }

timeval ToTimeval(std::chrono::microseconds d) {
  if (d.count() < 0) d = std::chrono::microseconds(0);
  return {static_cast<time_t>(d.count() / 1'000'000), static_cast<suseconds_t>(d.count() % 1'000'000)};
}

// The reply code and text of a channel.close or connection.close.
std::string CloseReason(const amqp_rpc_reply_t& reply, uint16_t* code) {
  *code = 0;
  if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    auto* m = static_cast<amqp_channel_close_t*>(reply.reply.decoded);
    *code = m->reply_code;
    return fmt::format("the broker closed the channel: {} {}", m->reply_code, BytesView(m->reply_text));
  }
  if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
    auto* m = static_cast<amqp_connection_close_t*>(reply.reply.decoded);
    *code = m->reply_code;
    return fmt::format("the broker closed the connection: {} {}", m->reply_code, BytesView(m->reply_text));
  }
  return fmt::format("unexpected method 0x{:08x} from the broker", reply.reply.id);
}
}  // namespace

std::string_view BytesView(amqp_bytes_t b) {
  return b.len == 0 ? std::string_view() : std::string_view(static_cast<const char*>(b.bytes), b.len);
}

std::optional<std::string_view> HeaderString(const amqp_table_t& table, std::string_view key) {
  for (int i = 0; i < table.num_entries; ++i) {
    const amqp_table_entry_t& e = table.entries[i];
    if (BytesView(e.key) != key) continue;
    if (e.value.kind == AMQP_FIELD_KIND_UTF8 || e.value.kind == AMQP_FIELD_KIND_BYTES)
      return BytesView(e.value.value.bytes);
    return std::nullopt;
  }
  return std::nullopt;
}

Status CheckAmqpUrl(const std::string& url) {
  std::vector<char> mutable_url(url.begin(), url.end());
  mutable_url.push_back('\0');
  amqp_connection_info info;
  if (url.empty()) return Status::InvalidArgument("no AMQP url");
  // The url is not repeated: it may hold a password.
  if (amqp_parse_url(mutable_url.data(), &info) != AMQP_STATUS_OK)
    return Status::InvalidArgument("the AMQP url is not amqp://user:password@host:port/vhost (%2f for the vhost /)");
  return Status::Ok();
}

Result<std::unique_ptr<AmqpConnection>> AmqpConnection::Open(const std::string& url,
                                                             std::chrono::milliseconds timeout,
                                                             int heartbeat_seconds) {
  std::vector<char> mutable_url(url.begin(), url.end());
  mutable_url.push_back('\0');
  amqp_connection_info info;
  if (url.empty() || amqp_parse_url(mutable_url.data(), &info) != AMQP_STATUS_OK)
    return CheckAmqpUrl(url);
  std::unique_ptr<AmqpConnection> c(new AmqpConnection());
  c->where_ = std::string_view(info.vhost) == "/" ? fmt::format("{}:{}", info.host, info.port)
                                                  : fmt::format("{}:{} (vhost {})", info.host, info.port, info.vhost);
  c->conn_ = amqp_new_connection();
  if (c->conn_ == nullptr) return Status::Internal("cannot allocate an AMQP connection");
  amqp_socket_t* socket = amqp_tcp_socket_new(c->conn_);
  if (socket == nullptr) return Status::Internal("cannot allocate an AMQP socket");
  timeval tv = ToTimeval(timeout);
  amqp_set_handshake_timeout(c->conn_, &tv);
  amqp_set_rpc_timeout(c->conn_, &tv);
  if (int rc = amqp_socket_open_noblock(socket, info.host, info.port, &tv); rc != AMQP_STATUS_OK)
    return Status::Unavailable(fmt::format("cannot connect to {}: {}", c->where_, amqp_error_string2(rc)));
  RETURN_IF_ERROR(c->Check(amqp_login(c->conn_, info.vhost, 0, kFrameMax, heartbeat_seconds,
                                      AMQP_SASL_METHOD_PLAIN, info.user, info.password),
                           "logging in"));
  amqp_channel_open(c->conn_, kChannel);
  RETURN_IF_ERROR(c->Check(amqp_get_rpc_reply(c->conn_), "opening a channel"));
  c->channel_open_ = true;
  return c;
}

AmqpConnection::~AmqpConnection() {
  if (conn_ == nullptr) return;
  if (!broken_) {
    if (channel_open_) amqp_channel_close(conn_, kChannel, AMQP_REPLY_SUCCESS);
    amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
  }
  amqp_destroy_connection(conn_);
}

int AmqpConnection::fd() const { return amqp_get_sockfd(conn_); }

Status AmqpConnection::Check(amqp_rpc_reply_t reply, std::string_view what) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return Status::Ok();
    case AMQP_RESPONSE_NONE:
      return Broke(Status::Unavailable(fmt::format("{} on {}: no reply from the broker", what, where_)));
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return Broke(Status::Unavailable(
          fmt::format("{} on {}: {}", what, where_, amqp_error_string2(reply.library_error))));
    case AMQP_RESPONSE_SERVER_EXCEPTION: {
      uint16_t code = 0;
      const std::string why = CloseReason(reply, &code);
      // A refusal (access, a queue declared otherwise) is the user's to fix;
      // the rest may pass with a reconnect.
      const bool refused = code == 403 || code == 406 || code == 530;
      return Broke(refused ? Status::InvalidArgument(fmt::format("{} on {}: {}", what, where_, why))
                           : Status::Unavailable(fmt::format("{} on {}: {}", what, where_, why)));
    }
  }
  return Broke(Status::Internal(fmt::format("{}: unknown reply type", what)));
}

Status AmqpConnection::CheckCode(int code, std::string_view what) {
  if (code == AMQP_STATUS_OK) return Status::Ok();
  return Broke(Status::Unavailable(fmt::format("{} on {}: {}", what, where_, amqp_error_string2(code))));
}

Result<uint32_t> AmqpConnection::EnsureQueue(const std::string& queue) {
  auto* ok = amqp_queue_declare(conn_, kChannel, Bytes(queue), /*passive=*/1, 0, 0, 0, amqp_empty_table);
  amqp_rpc_reply_t reply = amqp_get_rpc_reply(conn_);
  if (ok != nullptr) return ok->message_count;
  uint16_t code = 0;
  if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION) CloseReason(reply, &code);
  if (code != kNotFound || reply.reply.id != AMQP_CHANNEL_CLOSE_METHOD)
    return Check(reply, fmt::format("looking up queue '{}'", queue));
  // The broker closed the channel over the 404: confirm, reopen, declare.
  amqp_channel_close_ok_t close_ok{};
  RETURN_IF_ERROR(CheckCode(amqp_send_method(conn_, kChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &close_ok),
                            "closing the channel"));
  amqp_channel_open(conn_, kChannel);
  RETURN_IF_ERROR(Check(amqp_get_rpc_reply(conn_), "reopening the channel"));
  ok = amqp_queue_declare(conn_, kChannel, Bytes(queue), 0, /*durable=*/1, 0, /*auto_delete=*/0, amqp_empty_table);
  RETURN_IF_ERROR(Check(amqp_get_rpc_reply(conn_), fmt::format("declaring queue '{}'", queue)));
  return ok->message_count;
}

Status AmqpConnection::DeclareExchange(const std::string& exchange, const char* kind) {
  amqp_exchange_declare(conn_, kChannel, Bytes(exchange), amqp_cstring_bytes(kind), 0, /*durable=*/1,
                        /*auto_delete=*/0, /*internal=*/0, amqp_empty_table);
  return Check(amqp_get_rpc_reply(conn_), fmt::format("declaring exchange '{}'", exchange));
}

Status AmqpConnection::Bind(const std::string& queue, const std::string& exchange, const std::string& routing_key) {
  amqp_queue_bind(conn_, kChannel, Bytes(queue), Bytes(exchange), Bytes(routing_key), amqp_empty_table);
  return Check(amqp_get_rpc_reply(conn_), fmt::format("binding queue '{}' to exchange '{}'", queue, exchange));
}

Status AmqpConnection::Qos(uint16_t prefetch) {
  amqp_basic_qos(conn_, kChannel, 0, prefetch, 0);
  return Check(amqp_get_rpc_reply(conn_), "setting the prefetch");
}

Status AmqpConnection::Consume(const std::string& queue) {
  amqp_basic_consume(conn_, kChannel, Bytes(queue), amqp_empty_bytes, /*no_local=*/0, /*no_ack=*/0,
                     /*exclusive=*/0, amqp_empty_table);
  return Check(amqp_get_rpc_reply(conn_), fmt::format("consuming from queue '{}'", queue));
}

Status AmqpConnection::Ack(uint64_t delivery_tag, bool multiple) {
  return CheckCode(amqp_basic_ack(conn_, kChannel, delivery_tag, multiple ? 1 : 0), "acknowledging");
}

Status AmqpConnection::Requeue(uint64_t delivery_tag) {
  return CheckCode(amqp_basic_nack(conn_, kChannel, delivery_tag, /*multiple=*/0, /*requeue=*/1), "requeueing");
}

Status AmqpConnection::Heartbeat() {
  amqp_frame_t frame{};
  frame.frame_type = AMQP_FRAME_HEARTBEAT;
  frame.channel = 0;
  return CheckCode(amqp_send_frame(conn_, &frame), "sending a heartbeat");
}

Status AmqpConnection::ConfirmSelect() {
  amqp_confirm_select(conn_, kChannel);
  return Check(amqp_get_rpc_reply(conn_), "turning on publisher confirms");
}

Status AmqpConnection::Publish(std::string_view exchange, std::string_view routing_key,
                               const OutgoingMessage& message, bool mandatory) {
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
  props.delivery_mode = message.persistent ? 2 : 1;
  if (!message.type.empty()) {
    props._flags |= AMQP_BASIC_TYPE_FLAG;
    props.type = Bytes(message.type);
  }
  std::vector<amqp_table_entry_t> entries;
  if (!message.headers.empty()) {
    entries.reserve(message.headers.size());
    for (const auto& [key, value] : message.headers) {
      amqp_table_entry_t e{};
      e.key = Bytes(key);
      e.value.kind = AMQP_FIELD_KIND_UTF8;
      e.value.value.bytes = Bytes(value);
      entries.push_back(e);
    }
    props._flags |= AMQP_BASIC_HEADERS_FLAG;
    props.headers.num_entries = static_cast<int>(entries.size());
    props.headers.entries = entries.data();
  }
  RETURN_IF_ERROR(CheckCode(amqp_basic_publish(conn_, kChannel, Bytes(exchange), Bytes(routing_key),
                                               mandatory ? 1 : 0, 0, &props, Bytes(message.body)),
                            "publishing"));
  ++published_;
  return Status::Ok();
}

Status AmqpConnection::WaitConfirms(uint64_t max_unconfirmed, std::chrono::steady_clock::time_point deadline) {
  while (published_ - confirmed_ > max_unconfirmed) {
    amqp_frame_t frame;
    timeval tv = ToTimeval(std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now()));
    amqp_maybe_release_buffers(conn_);
    const int rc = amqp_simple_wait_frame_noblock(conn_, &frame, &tv);
    if (rc == AMQP_STATUS_TIMEOUT)
      return Broke(Status::Unavailable(
          fmt::format("{} published messages were not confirmed by {} in time", published_ - confirmed_, where_)));
    RETURN_IF_ERROR(CheckCode(rc, "waiting for publisher confirms"));
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;  // a returned message's header and body
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
        confirmed_ = ack->delivery_tag;  // confirms arrive in order; `multiple` covers the ones before
        break;
      }
      case AMQP_BASIC_NACK_METHOD:
        return Broke(Status::Unavailable(fmt::format("{} refused a published message (basic.nack)", where_)));
      case AMQP_BASIC_RETURN_METHOD: {
        auto* ret = static_cast<amqp_basic_return_t*>(frame.payload.method.decoded);
        return Broke(Status::Unavailable(fmt::format("{} could not route a published message: {} {}", where_,
                                                     ret->reply_code, BytesView(ret->reply_text))));
      }
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD: {
        amqp_rpc_reply_t reply{};
        reply.reply_type = AMQP_RESPONSE_SERVER_EXCEPTION;
        reply.reply = frame.payload.method;
        return Check(reply, "publishing");
      }
      default:
        break;
    }
  }
  return Status::Ok();
}

}  // namespace sluice
