// What an alert says: the webhook's JSON and the email, from the same facts.
//
// Pure functions (no I/O, no clock): the caller passes the host name and,
// for the email, the time it is written.
//
// Webhook JSON, one object, fields always present:
//   {"event": "task_failed" | "task_recovered", "task": NAME, "run_id": N,
//    "error": TEXT ("" for a recovery), "scheduled_for": ISO | null,
//    "finished": ISO | null, "attempts": N, "host": HOSTNAME, "text": LINE}
// ISO is "2026-11-24T10:00:00.000000Z" (UTC, microseconds); null when the
// time is unknown (0). "text" is a one-line summary, so chat webhooks that
// show a "text" field (Slack, Mattermost, Rocket.Chat) work unchanged.
// Text that is not valid UTF-8 has its bad bytes replaced by U+FFFD, so the
// body is always valid JSON.
//
// Email: RFC 5322 headers (From: sluice@HOST, To, Subject "[sluice] task
// NAME failed" / "… recovered", Date, Message-ID, MIME 1.0 text/plain
// UTF-8, Auto-Submitted: auto-generated) with LF line ends (sendmail's input
// convention), and a plain-text body with the same facts. Header values
// have control characters replaced by spaces (no header injection); body
// lines are cut below the 998-byte line limit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tasks/alerter.h"

namespace sluice {

// "task_failed" or "task_recovered".
std::string_view AlertEventName(Alert::Kind kind);
// "[sluice] task NAME failed" / "[sluice] task NAME recovered".
std::string AlertSubject(const Alert& alert);
// "2026-11-24T10:00:00.000000Z".
std::string IsoTimestamp(int64_t micros);
// "Tue, 24 Nov 2026 10:00:00 +0000" (RFC 5322 date-time, English names whatever the locale).
std::string EmailDate(int64_t micros);

std::string AlertJson(const Alert& alert, std::string_view host);
std::string AlertEmail(const Alert& alert, std::string_view host, std::string_view to, int64_t now_micros);


}  // namespace sluice
