#include "sources/amqp/dead_letters.h"

#include <openssl/evp.h>

#include <chrono>

#include "base/clock.h"
#include "base/log.h"
#include "base/utf8.h"

namespace sluice {
namespace {
constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kConfirmTimeout = std::chrono::seconds(30);

// How a body is kept in sluice_load_errors.raw: as text when it is text,
// else "base64:" and its bytes in base64 (protobuf, garbage).
std::string RawText(std::string_view body) {
  if (body.find('\0') == std::string_view::npos && ValidUtf8(body) == body) return std::string(body);
  std::string out(4 * ((body.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(body.data()), static_cast<int>(body.size()));
  out.resize(static_cast<size_t>(n));
  return "base64:" + out;
}
}  // namespace

DeadLetters::DeadLetters(const AmqpSourceConfig& source, std::string url, WarehouseOpener open_warehouse)
    : source_(source), url_(std::move(url)), open_warehouse_(std::move(open_warehouse)) {}

DeadLetters::~DeadLetters() = default;

Status DeadLetters::Connect() {
  if (connection_ && !connection_->broken()) return Status::Ok();
  connection_.reset();
  ASSIGN_OR_RETURN(auto c, AmqpConnection::Open(url_, kConnectTimeout, /*heartbeat_seconds=*/0));
  RETURN_IF_ERROR(c->DeclareExchange(source_.dead_letter_exchange, "fanout"));
  if (!source_.dead_letter_queue.empty()) {
    RETURN_IF_ERROR(c->EnsureQueue(source_.dead_letter_queue).status());
    RETURN_IF_ERROR(c->Bind(source_.dead_letter_queue, source_.dead_letter_exchange, ""));
  }
  RETURN_IF_ERROR(c->ConfirmSelect());
  connection_ = std::move(c);
  return Status::Ok();
}

Status DeadLetters::Prepare() { return Connect().WithContext("preparing the dead-letter exchange"); }

Status DeadLetters::Record(const AmqpMessage& message, const Rejection& why, uint64_t delivery_tag) {
  if (!warehouse_) {
    ASSIGN_OR_RETURN(warehouse_, open_warehouse_());
  }
  const std::string event_type = source_.types.contains(why.type_name) ? source_.types.at(why.type_name)
                                                                         : why.type_name;
  Status recorded = warehouse_->load_errors().RecordRejected(
      {event_type, fmt::format("amqp:{}/{}", source_.name, source_.queue), static_cast<int64_t>(delivery_tag),
       fmt::format("{}: {}", why.reason, why.message), RawText(message.body)});
  if (!recorded.ok()) {
    warehouse_.reset();  // reopened next time
    return recorded.WithContext("recording a rejected message in sluice_load_errors");
  }
  return Status::Ok();
}

Status DeadLetters::Send(const AmqpMessage& message, const Rejection& why, uint64_t delivery_tag) {
  RETURN_IF_ERROR(Record(message, why, delivery_tag));
  RETURN_IF_ERROR(Connect().WithContext("connecting for dead letters"));
  OutgoingMessage copy;
  copy.body = message.body;
  copy.type = message.type_property;
  copy.headers = {{"sluice-reason", why.reason},
                  {"sluice-error", why.message},
                  {"sluice-source", source_.name},
                  {"sluice-queue", source_.queue}};
  if (!why.type_name.empty()) copy.headers["sluice-type"] = why.type_name;
  if (message.type_header) copy.headers[source_.type_from.header] = std::string(*message.type_header);
  // mandatory: a copy that reaches no queue (dead_letter.queue: '' and
  // nothing bound) comes back as an error instead of vanishing.
  Status st = connection_->Publish(source_.dead_letter_exchange, message.routing_key, copy, /*mandatory=*/true);
  if (st.ok()) st = connection_->WaitConfirms(0, std::chrono::steady_clock::now() + kConfirmTimeout);
  if (!st.ok()) {
    connection_.reset();
    return st.WithContext(fmt::format("dead-lettering to exchange '{}'", source_.dead_letter_exchange));
  }
  return Status::Ok();
}

}  // namespace sluice
