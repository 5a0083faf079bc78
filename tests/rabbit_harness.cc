#include "rabbit_harness.h"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <gtest/gtest.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

namespace sluice::testing {

namespace {

constexpr amqp_channel_t kChannel = 1;
// Unconfirmed publishes PublishBatch allows before it reads confirms.
constexpr size_t kMaxUnconfirmed = 4096;

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

amqp_bytes_t Bytes(const std::string& s) {
  amqp_bytes_t b;
  b.len = s.size();
  b.bytes = const_cast<char*>(s.data());
  return b;
}

std::string Str(amqp_bytes_t b) { return b.len == 0 ? std::string() : std::string(static_cast<const char*>(b.bytes), b.len); }

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv;
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

std::string FixtureDir() {
  const char* dir = std::getenv("SLUICE_TEST_RABBITMQ_DIR");
  if (dir == nullptr || *dir == '\0')
    throw std::runtime_error(
        "$SLUICE_TEST_RABBITMQ_DIR is not set: this test needs the RabbitMQ broker of the CTest fixture `rabbitmq`. "
        "Run it through CTest (its sluice_test() needs NEEDS_RABBITMQ), or start a broker with "
        "scripts/rabbitmq-node.sh start DIR and set SLUICE_TEST_RABBITMQ_DIR=DIR");
  return dir;
}

// A field value as text, when it has one (see Received::headers).
std::optional<std::string> FieldText(const amqp_field_value_t& v) {
  switch (v.kind) {
    case AMQP_FIELD_KIND_UTF8:
    case AMQP_FIELD_KIND_BYTES:
      return Str(v.value.bytes);
    case AMQP_FIELD_KIND_BOOLEAN:
      return v.value.boolean ? "true" : "false";
    case AMQP_FIELD_KIND_I8:
      return std::to_string(v.value.i8);
    case AMQP_FIELD_KIND_U8:
      return std::to_string(v.value.u8);
    case AMQP_FIELD_KIND_I16:
      return std::to_string(v.value.i16);
    case AMQP_FIELD_KIND_U16:
      return std::to_string(v.value.u16);
    case AMQP_FIELD_KIND_I32:
      return std::to_string(v.value.i32);
    case AMQP_FIELD_KIND_U32:
      return std::to_string(v.value.u32);
    case AMQP_FIELD_KIND_I64:
      return std::to_string(v.value.i64);
    case AMQP_FIELD_KIND_U64:
    case AMQP_FIELD_KIND_TIMESTAMP:
      return std::to_string(v.value.u64);
    case AMQP_FIELD_KIND_F32:
      return fmt::format("{}", v.value.f32);
    case AMQP_FIELD_KIND_F64:
      return fmt::format("{}", v.value.f64);
    default:  // tables, arrays, decimals, void
      return std::nullopt;
  }
}

// String-valued table entries pointing into `source` (which must outlive the table).
struct StringTable {
  explicit StringTable(const std::map<std::string, std::string>& source) {
    entries.reserve(source.size());
    for (const auto& [key, value] : source) {
      amqp_table_entry_t e;
      e.key = Bytes(key);
      e.value.kind = AMQP_FIELD_KIND_UTF8;
      e.value.value.bytes = Bytes(value);
      entries.push_back(e);
    }
    table.num_entries = static_cast<int>(entries.size());
    table.entries = entries.empty() ? nullptr : entries.data();
  }
  std::vector<amqp_table_entry_t> entries;
  amqp_table_t table;
};

}  // namespace

std::string RabbitNodeScript() { return SourceDir() + "/scripts/rabbitmq-node.sh"; }

RabbitBroker::RabbitBroker() { Attach(FixtureDir()); }

RabbitBroker::RabbitBroker(const std::string& dir) { Attach(dir); }

bool RabbitBroker::Available() {
  const char* dir = std::getenv("SLUICE_TEST_RABBITMQ_DIR");
  return dir != nullptr && *dir != '\0' && FileSize(std::string(dir) + "/url") >= 0;
}

void RabbitBroker::Attach(const std::string& dir) {
  const std::string url_path = dir + "/url";
  if (FileSize(url_path) < 0)
    throw std::runtime_error(fmt::format(
        "{} does not exist: no RabbitMQ broker was started in {} (for the CTest fixture `rabbitmq`: did "
        "rabbitmq_node_start fail?)",
        url_path, dir));
  dir_ = dir;
  url_ = Trim(ReadFile(url_path));
  port_ = std::stoi(Trim(ReadFile(dir + "/port")));
}

void RabbitBroker::RunScript(const std::string& command) const {
  RunOptions options;
  options.timeout = std::chrono::seconds(180);
  const RunResult r = RunProcess({RabbitNodeScript(), command, dir_}, options);
  if (r.exit_code != 0)
    throw std::runtime_error(fmt::format("scripts/rabbitmq-node.sh {} {}: {}", command, dir_, r.Describe()));
}

void RabbitBroker::Down() const { RunScript("down"); }
void RabbitBroker::Up() const { RunScript("up"); }
void RabbitBroker::Restart() const { RunScript("restart"); }

bool RabbitBroker::Running() const { return RunProcess({RabbitNodeScript(), "status", dir_}).exit_code == 0; }

RunResult RabbitBroker::Ctl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {RabbitNodeScript(), "ctl", dir_};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv);
}

PrivateRabbitBroker::PrivateRabbitBroker() : RabbitBroker(NotStarted{}), parent_("sluice-rabbitmq") {
  const std::string dir = parent_.path() + "/node";
  RunOptions options;
  options.timeout = std::chrono::seconds(180);
  const RunResult r = RunProcess({RabbitNodeScript(), "start", dir}, options);
  if (r.exit_code != 0) {
    RunProcess({RabbitNodeScript(), "stop", dir}, options);
    throw std::runtime_error("cannot start a RabbitMQ broker: " + r.Describe());
  }
  Attach(dir);
}

PrivateRabbitBroker::~PrivateRabbitBroker() {
  RunOptions options;
  options.timeout = std::chrono::seconds(180);
  RunProcess({RabbitNodeScript(), "stop", dir()}, options);
}

std::string UniqueQueueName(std::string_view tag) {
  static std::atomic<int> counter{0};
  std::string test = "no-test";
  if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info(); info != nullptr)
    test = fmt::format("{}.{}", info->test_suite_name(), info->name());
  std::string name = fmt::format("sluice-test.{}.{}.{}", test, ::getpid(), counter++);
  if (!tag.empty()) name += fmt::format(".{}", tag);
  // A short string in AMQP: at most 255 bytes; keep the unique end.
  if (name.size() > 200) name = name.substr(name.size() - 200);
  return name;
}

AmqpTestClient::~AmqpTestClient() { Close(); }

void AmqpTestClient::Connect(const std::string& url) {
  Close();
  url_ = url;
  std::vector<char> buffer(url.begin(), url.end());
  buffer.push_back('\0');
  amqp_connection_info info;
  amqp_default_connection_info(&info);
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK)
    throw std::runtime_error(fmt::format("AMQP URL '{}' is not valid", url));
  if (info.ssl) throw std::runtime_error(fmt::format("AMQP URL '{}': the test client does not speak TLS", url));
  const std::string where = fmt::format("{}:{} (vhost '{}', user '{}')", info.host, info.port, info.vhost, info.user);
  conn_ = amqp_new_connection();
  if (conn_ == nullptr) throw std::runtime_error("amqp_new_connection: out of memory");
  amqp_socket_t* socket = amqp_tcp_socket_new(conn_);
  if (socket == nullptr) {
    Drop();
    throw std::runtime_error("amqp_tcp_socket_new: out of memory");
  }
  const timeval tv = ToTimeval(timeout_);
  if (const int rc = amqp_socket_open_noblock(socket, info.host, info.port, &tv); rc != AMQP_STATUS_OK) {
    Drop();
    throw std::runtime_error(fmt::format("AMQP connect to {}: {}", where, amqp_error_string2(rc)));
  }
  amqp_set_handshake_timeout(conn_, &tv);
  amqp_set_rpc_timeout(conn_, &tv);
  // Heartbeats off: rabbitmq-c only sends them inside its own calls, so an
  // idle test client would be dropped.
  const amqp_rpc_reply_t login = amqp_login(conn_, info.vhost, 0, AMQP_DEFAULT_FRAME_SIZE, /*heartbeat=*/0,
                                            AMQP_SASL_METHOD_PLAIN, info.user, info.password);
  if (login.reply_type != AMQP_RESPONSE_NORMAL) Fail("AMQP login to " + where, login);
  OpenChannel();
}

void AmqpTestClient::Reconnect() {
  if (url_.empty()) throw std::runtime_error("AmqpTestClient::Reconnect: never connected");
  const std::string url = url_;
  Connect(url);
}

void AmqpTestClient::Close() {
  if (conn_ == nullptr) return;
  // Errors do not matter here: the connection is gone either way.
  amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
  Drop();
}

void AmqpTestClient::Drop() {
  if (conn_ != nullptr) amqp_destroy_connection(conn_);
  conn_ = nullptr;
  unconfirmed_.clear();
  next_publish_tag_ = 1;
}

void AmqpTestClient::RequireConnected(const std::string& what) const {
  if (conn_ == nullptr)
    throw std::runtime_error(fmt::format(
        "{}: the AMQP test client is not connected (Connect first; after the connection broke or the broker "
        "restarted, Reconnect)",
        what));
}

void AmqpTestClient::OpenChannel() {
  amqp_channel_open(conn_, kChannel);
  if (const amqp_rpc_reply_t r = amqp_get_rpc_reply(conn_); r.reply_type != AMQP_RESPONSE_NORMAL)
    Fail("channel.open", r);
  amqp_confirm_select(conn_, kChannel);
  if (const amqp_rpc_reply_t r = amqp_get_rpc_reply(conn_); r.reply_type != AMQP_RESPONSE_NORMAL)
    Fail("confirm.select", r);
  unconfirmed_.clear();
  next_publish_tag_ = 1;
}

std::string AmqpTestClient::Recover(const amqp_rpc_reply_t_& reply, int* code) {
  if (code != nullptr) *code = 0;
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return "no error";
    case AMQP_RESPONSE_NONE:
      Drop();
      return "no reply from the library (AMQP_RESPONSE_NONE)";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION: {
      // A timeout or a broken socket: rabbitmq-c cannot go on with this connection.
      std::string text = amqp_error_string2(reply.library_error);
      Drop();
      return text + " (the connection is closed)";
    }
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      break;
  }
  if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    const auto* m = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
    if (code != nullptr) *code = m->reply_code;
    const std::string text = Str(m->reply_text);
    amqp_channel_close_ok_t close_ok;
    close_ok.dummy = 0;
    if (amqp_send_method(conn_, kChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &close_ok) != AMQP_STATUS_OK) {
      Drop();
      return text;
    }
    if (reopening_channel_) {
      Drop();
      return text + " (while reopening the channel; the connection is closed)";
    }
    reopening_channel_ = true;
    try {
      OpenChannel();
    } catch (const std::exception& e) {
      reopening_channel_ = false;
      return fmt::format("{} (and reopening the channel failed: {})", text, e.what());
    }
    reopening_channel_ = false;
    return text;
  }
  if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
    const auto* m = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
    if (code != nullptr) *code = m->reply_code;
    const std::string text = Str(m->reply_text);
    amqp_connection_close_ok_t close_ok;
    close_ok.dummy = 0;
    amqp_send_method(conn_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &close_ok);
    Drop();
    return text + " (the broker closed the connection)";
  }
  return fmt::format("unexpected method 0x{:08x} from the broker", reply.reply.id);
}

void AmqpTestClient::Fail(const std::string& what, const amqp_rpc_reply_t_& reply) {
  const std::string text = Recover(reply);
  throw std::runtime_error(fmt::format("{}: {}", what, text));
}

std::optional<uint32_t> AmqpTestClient::PassiveDeclare(const std::string& name, const std::string& what) {
  RequireConnected(what);
  amqp_maybe_release_buffers(conn_);
  const amqp_queue_declare_ok_t* ok = amqp_queue_declare(conn_, kChannel, Bytes(name), /*passive=*/1, /*durable=*/0,
                                                         /*exclusive=*/0, /*auto_delete=*/0, amqp_empty_table);
  if (ok != nullptr) return ok->message_count;
  const amqp_rpc_reply_t r = amqp_get_rpc_reply(conn_);
  int code = 0;
  const std::string text = Recover(r, &code);
  if (code == AMQP_NOT_FOUND) return std::nullopt;
  throw std::runtime_error(fmt::format("{}: {}", what, text));
}

void AmqpTestClient::DeclareQueue(const std::string& name, bool durable,
                                  const std::map<std::string, std::string>& arguments) {
  const std::string what = fmt::format("queue.declare of queue '{}'", name);
  RequireConnected(what);
  amqp_maybe_release_buffers(conn_);
  const StringTable args(arguments);
  if (amqp_queue_declare(conn_, kChannel, Bytes(name), /*passive=*/0, durable, /*exclusive=*/0, /*auto_delete=*/0,
                         args.table) == nullptr)
    Fail(what, amqp_get_rpc_reply(conn_));
}

void AmqpTestClient::DeleteQueue(const std::string& name) {
  const std::string what = fmt::format("queue.delete of queue '{}'", name);
  RequireConnected(what);
  amqp_maybe_release_buffers(conn_);
  if (amqp_queue_delete(conn_, kChannel, Bytes(name), /*if_unused=*/0, /*if_empty=*/0) == nullptr)
    Fail(what, amqp_get_rpc_reply(conn_));
}

uint32_t AmqpTestClient::PurgeQueue(const std::string& name) {
  const std::string what = fmt::format("queue.purge of queue '{}'", name);
  RequireConnected(what);
  amqp_maybe_release_buffers(conn_);
  const amqp_queue_purge_ok_t* ok = amqp_queue_purge(conn_, kChannel, Bytes(name));
  if (ok == nullptr) Fail(what, amqp_get_rpc_reply(conn_));
  return ok->message_count;
}

uint32_t AmqpTestClient::MessageCount(const std::string& queue) {
  const std::string what = fmt::format("queue.declare (passive) of queue '{}'", queue);
  const std::optional<uint32_t> count = PassiveDeclare(queue, what);
  if (!count) throw std::runtime_error(fmt::format("{}: NOT_FOUND - the queue does not exist", what));
  return *count;
}

bool AmqpTestClient::QueueExists(const std::string& name) {
  return PassiveDeclare(name, fmt::format("queue.declare (passive) of queue '{}'", name)).has_value();
}

void AmqpTestClient::DeclareExchange(const std::string& name, const std::string& type) {
  const std::string what = fmt::format("exchange.declare of {} exchange '{}'", type, name);
  RequireConnected(what);
  amqp_maybe_release_buffers(conn_);
  if (amqp_exchange_declare(conn_, kChannel, Bytes(name), Bytes(type), /*passive=*/0, /*durable=*/1,
                            /*auto_delete=*/0, /*internal=*/0, amqp_empty_table) == nullptr)
    Fail(what, amqp_get_rpc_reply(conn_));
}

void AmqpTestClient::DeleteExchange(const std::string& name) {
  const std::string what = fmt::format("exchange.delete of exchange '{}'", name);
  RequireConnected(what);
  amqp_maybe_release_buffers(conn_);
  if (amqp_exchange_delete(conn_, kChannel, Bytes(name), /*if_unused=*/0) == nullptr)
    Fail(what, amqp_get_rpc_reply(conn_));
}

void AmqpTestClient::BindQueue(const std::string& queue, const std::string& exchange, const std::string& binding_key) {
  const std::string what = fmt::format("queue.bind of queue '{}' to exchange '{}' with '{}'", queue, exchange,
                                       binding_key);
  RequireConnected(what);
  amqp_maybe_release_buffers(conn_);
  if (amqp_queue_bind(conn_, kChannel, Bytes(queue), Bytes(exchange), Bytes(binding_key), amqp_empty_table) ==
      nullptr)
    Fail(what, amqp_get_rpc_reply(conn_));
}

void AmqpTestClient::Publish(const std::string& exchange, const std::string& routing_key, const std::string& body,
                             const Properties& properties) {
  PublishBatch({Message{exchange, routing_key, body, properties}});
}

void AmqpTestClient::PublishOne(const Message& message) {
  const Properties& p = message.properties;
  amqp_basic_properties_t props;
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
  props.delivery_mode = p.persistent ? AMQP_DELIVERY_PERSISTENT : AMQP_DELIVERY_NONPERSISTENT;
  if (!p.type.empty()) {
    props._flags |= AMQP_BASIC_TYPE_FLAG;
    props.type = Bytes(p.type);
  }
  if (!p.message_id.empty()) {
    props._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
    props.message_id = Bytes(p.message_id);
  }
  if (!p.content_type.empty()) {
    props._flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
    props.content_type = Bytes(p.content_type);
  }
  const StringTable headers(p.headers);
  if (!p.headers.empty()) {
    props._flags |= AMQP_BASIC_HEADERS_FLAG;
    props.headers = headers.table;
  }
  const int rc = amqp_basic_publish(conn_, kChannel, Bytes(message.exchange), Bytes(message.routing_key), mandatory_,
                                    /*immediate=*/0, &props, Bytes(message.body));
  if (rc != AMQP_STATUS_OK) {
    const std::string text = amqp_error_string2(rc);
    // A message that cannot be encoded leaves the connection as it was; anything else broke it.
    if (rc != AMQP_STATUS_BAD_AMQP_DATA && rc != AMQP_STATUS_TABLE_TOO_BIG) Drop();
    throw std::runtime_error(fmt::format("basic.publish to exchange '{}' with routing key '{}': {}", message.exchange,
                                         message.routing_key, text));
  }
  unconfirmed_.insert(next_publish_tag_++);
}

void AmqpTestClient::PublishBatch(const std::vector<Message>& messages) {
  if (messages.empty()) return;
  const std::string what =
      messages.size() == 1
          ? fmt::format("publishing to exchange '{}' with routing key '{}'", messages[0].exchange,
                        messages[0].routing_key)
          : fmt::format("publishing {} messages (the first to exchange '{}' with routing key '{}')", messages.size(),
                        messages[0].exchange, messages[0].routing_key);
  RequireConnected(what);
  amqp_maybe_release_buffers(conn_);
  publish_failures_.clear();
  for (const Message& m : messages) {
    PublishOne(m);
    if (unconfirmed_.size() >= kMaxUnconfirmed) AwaitConfirms(kMaxUnconfirmed / 2, what);
  }
  AwaitConfirms(0, what);
  if (!publish_failures_.empty()) {
    std::string list;
    for (size_t i = 0; i < publish_failures_.size() && i < 5; ++i) list += "\n  " + publish_failures_[i];
    if (publish_failures_.size() > 5) list += fmt::format("\n  … and {} more", publish_failures_.size() - 5);
    throw std::runtime_error(fmt::format("{}: {} of {} messages failed:{}", what, publish_failures_.size(),
                                         messages.size(), list));
  }
}

void AmqpTestClient::AwaitConfirms(size_t max_unconfirmed, const std::string& what) {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  while (unconfirmed_.size() > max_unconfirmed) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      throw std::runtime_error(fmt::format("{}: no confirm from the broker for {} messages within {} ms", what,
                                           unconfirmed_.size(), timeout_.count()));
    const timeval tv = ToTimeval(left);
    amqp_frame_t frame;
    const int rc = amqp_simple_wait_frame_noblock(conn_, &frame, &tv);
    if (rc == AMQP_STATUS_TIMEOUT) continue;
    if (rc != AMQP_STATUS_OK) {
      const size_t pending = unconfirmed_.size();
      Drop();
      throw std::runtime_error(fmt::format("{}: waiting for the broker's confirms of {} messages: {}", what, pending,
                                           amqp_error_string2(rc)));
    }
    // Content frames follow a basic.return; its method frame said enough.
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD:
      case AMQP_BASIC_NACK_METHOD: {
        uint64_t tag;
        bool multiple;
        if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD) {
          const auto* ack = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
          tag = ack->delivery_tag;
          multiple = ack->multiple;
        } else {
          const auto* nack = static_cast<const amqp_basic_nack_t*>(frame.payload.method.decoded);
          tag = nack->delivery_tag;
          multiple = nack->multiple;
          publish_failures_.push_back(fmt::format("nacked by the broker (publish {}{})", tag,
                                                  multiple ? " and the ones before it" : ""));
        }
        if (multiple) {
          unconfirmed_.erase(unconfirmed_.begin(), unconfirmed_.upper_bound(tag));
        } else {
          unconfirmed_.erase(tag);
        }
        break;
      }
      case AMQP_BASIC_RETURN_METHOD: {
        const auto* ret = static_cast<const amqp_basic_return_t*>(frame.payload.method.decoded);
        publish_failures_.push_back(fmt::format("returned by the broker: {} {} (exchange '{}', routing key '{}')",
                                                ret->reply_code, Str(ret->reply_text), Str(ret->exchange),
                                                Str(ret->routing_key)));
        break;
      }
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD: {
        amqp_rpc_reply_t reply;
        reply.reply_type = AMQP_RESPONSE_SERVER_EXCEPTION;
        reply.reply = frame.payload.method;
        reply.library_error = 0;
        Fail(what, reply);
      }
      default:  // connection.blocked and the like: nothing to do
        break;
    }
    amqp_maybe_release_buffers(conn_);
  }
}

std::optional<AmqpTestClient::Received> AmqpTestClient::Get(const std::string& queue) {
  const std::string what = fmt::format("basic.get from queue '{}'", queue);
  RequireConnected(what);
  amqp_maybe_release_buffers(conn_);
  const amqp_rpc_reply_t r = amqp_basic_get(conn_, kChannel, Bytes(queue), /*no_ack=*/0);
  if (r.reply_type != AMQP_RESPONSE_NORMAL) Fail(what, r);
  if (r.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) return std::nullopt;
  if (r.reply.id != AMQP_BASIC_GET_OK_METHOD)
    throw std::runtime_error(fmt::format("{}: unexpected reply method 0x{:08x}", what, r.reply.id));
  // The method lives in the connection's buffers, which reading the content may reuse.
  const auto* ok = static_cast<const amqp_basic_get_ok_t*>(r.reply.decoded);
  Received m;
  m.exchange = Str(ok->exchange);
  m.routing_key = Str(ok->routing_key);
  m.redelivered = ok->redelivered != 0;
  m.messages_left = ok->message_count;
  const uint64_t delivery_tag = ok->delivery_tag;

  amqp_message_t message;
  const amqp_rpc_reply_t read = amqp_read_message(conn_, kChannel, &message, 0);
  if (read.reply_type != AMQP_RESPONSE_NORMAL) Fail(what + ": reading the message", read);
  const amqp_basic_properties_t& p = message.properties;
  if (p._flags & AMQP_BASIC_TYPE_FLAG) m.type = Str(p.type);
  if (p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) m.message_id = Str(p.message_id);
  if (p._flags & AMQP_BASIC_CONTENT_TYPE_FLAG) m.content_type = Str(p.content_type);
  if (p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) m.persistent = p.delivery_mode == AMQP_DELIVERY_PERSISTENT;
  if (p._flags & AMQP_BASIC_HEADERS_FLAG) {
    for (int i = 0; i < p.headers.num_entries; ++i) {
      const amqp_table_entry_t& e = p.headers.entries[i];
      if (std::optional<std::string> text = FieldText(e.value)) m.headers[Str(e.key)] = std::move(*text);
    }
  }
  m.body = Str(message.body);
  amqp_destroy_message(&message);

  if (const int rc = amqp_basic_ack(conn_, kChannel, delivery_tag, /*multiple=*/0); rc != AMQP_STATUS_OK) {
    Drop();
    throw std::runtime_error(fmt::format("{}: basic.ack: {}", what, amqp_error_string2(rc)));
  }
  return m;
}

}  // namespace sluice::testing
