#include "tasks/alert_message.h"

#include "base/utf8.h"

#include <atomic>

#include <fmt/format.h>

#include "base/clock.h"

namespace sluice {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
// RFC 5322 allows 998 bytes a line; stay clear of it.
constexpr size_t kMaxBodyLine = 900;



std::string JsonTime(int64_t micros) { return micros == 0 ? "null" : JsonQuote(IsoTimestamp(micros)); }

std::string BodyTime(int64_t micros) { return micros == 0 ? "unknown" : IsoTimestamp(micros); }

// A header value on one line: CR, LF and other controls become spaces, so
// nothing in a task name or an address can start a header of its own.
std::string HeaderValue(std::string_view text) {
  std::string out = ValidUtf8(text);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return out;
}

// Appends `text` as body lines: CRLF and CR become LF, controls other than
// tab become spaces, and lines longer than kMaxBodyLine are cut at a
// character boundary.
void AppendBodyText(std::string_view text, std::string* out) {
  const std::string valid = ValidUtf8(text);
  size_t line_length = 0;
  for (size_t i = 0; i < valid.size(); ++i) {
    char c = valid[i];
    if (c == '\r') {
      if (i + 1 < valid.size() && valid[i + 1] == '\n') continue;
      c = '\n';
    }
    if (c == '\n') {
      out->push_back('\n');
      line_length = 0;
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    // A new character (not a continuation byte) may start a new line.
    if (line_length >= kMaxBodyLine && (u & 0xC0) != 0x80) {
      out->push_back('\n');
      line_length = 0;
    }
    out->push_back((u < 0x20 && c != '\t') || u == 0x7f ? ' ' : c);
    ++line_length;
  }
}

std::string_view Verb(Alert::Kind kind) { return kind == Alert::Kind::kFailure ? "failed" : "recovered"; }

// "Task NAME failed after 3 attempts." / "Task NAME recovered: run 43 succeeded after an earlier failure."
std::string Summary(const Alert& alert) {
  if (alert.kind == Alert::Kind::kRecovery)
    return fmt::format("Task {} recovered: run {} succeeded after an earlier failure.", alert.task, alert.run_id);
  return fmt::format("Task {} failed after {} attempt{}.", alert.task, alert.attempts, alert.attempts == 1 ? "" : "s");
}

}  // namespace


std::string_view AlertEventName(Alert::Kind kind) {
  return kind == Alert::Kind::kFailure ? "task_failed" : "task_recovered";
}

std::string AlertSubject(const Alert& alert) {
  return HeaderValue(fmt::format("[sluice] task {} {}", alert.task, Verb(alert.kind)));
}

std::string IsoTimestamp(int64_t micros) {
  std::string out = FormatTimestamp(micros);  // "YYYY-MM-DD HH:MM:SS.ffffff"
  out[10] = 'T';
  out.push_back('Z');
  return out;
}

std::string EmailDate(int64_t micros) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t days, rem;
  SplitDays(micros, &days, &rem);
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  const int64_t weekday = ((days % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday
  const int64_t secs = rem / 1'000'000;
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays[weekday], day, kMonths[month - 1], year,
                     secs / 3600, secs / 60 % 60, secs % 60);
}

std::string AlertJson(const Alert& alert, std::string_view host) {
  std::string text = fmt::format("[sluice] task {} {} on {}", alert.task, Verb(alert.kind), host);
  if (alert.kind == Alert::Kind::kFailure && !alert.error.empty()) text += ": " + alert.error;
  return fmt::format(
      R"({{"event":"{}","task":{},"run_id":{},"error":{},)"
      R"("scheduled_for":{},"finished":{},"attempts":{},"host":{},"text":{}}})",
      AlertEventName(alert.kind), JsonQuote(alert.task), alert.run_id, JsonQuote(alert.error),
      JsonTime(alert.scheduled_for_micros), JsonTime(alert.finished_micros), alert.attempts, JsonQuote(host),
      JsonQuote(text));
}

std::string AlertEmail(const Alert& alert, std::string_view host, std::string_view to, int64_t now_micros) {
  static std::atomic<uint64_t> sequence{0};
  const std::string safe_host = HeaderValue(host);
  std::string out;
  out += fmt::format("From: sluice@{}\n", safe_host);
  out += fmt::format("To: {}\n", HeaderValue(to));
  out += fmt::format("Subject: {}\n", AlertSubject(alert));
  out += fmt::format("Date: {}\n", EmailDate(now_micros));
  out += fmt::format("Message-ID: <sluice.{}.{}.{}.{}@{}>\n", AlertEventName(alert.kind), alert.run_id, now_micros,
                     sequence.fetch_add(1), safe_host);
  out += "MIME-Version: 1.0\n";
  out += "Content-Type: text/plain; charset=utf-8\n";
  out += "Content-Transfer-Encoding: 8bit\n";
  out += "Auto-Submitted: auto-generated\n";  // RFC 3834: no vacation auto-replies
  out += fmt::format("X-Sluice-Event: {}\n", AlertEventName(alert.kind));
  out += fmt::format("X-Sluice-Task: {}\n", HeaderValue(alert.task));
  out += "\n";

  std::string body = Summary(alert) + "\n\n";
  body += fmt::format("Task:          {}\n", alert.task);
  body += fmt::format("Run id:        {}\n", alert.run_id);
  body += fmt::format("Scheduled for: {}\n", BodyTime(alert.scheduled_for_micros));
  body += fmt::format("Finished:      {}\n", BodyTime(alert.finished_micros));
  body += fmt::format("Attempts:      {}\n", alert.attempts);
  body += fmt::format("Host:          {}\n", host);
  if (alert.kind == Alert::Kind::kFailure) body += fmt::format("\nError:\n{}\n", alert.error);
  body += fmt::format("\nEarlier runs: sluice tasks history {}\n", alert.task);
  AppendBodyText(body, &out);
  return out;
}

}  // namespace sluice
