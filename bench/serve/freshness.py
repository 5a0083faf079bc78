#!/usr/bin/env python3
"""Freshness under a steady load (bench/serve, phase 3). Stdlib only.

Posts NDJSON batches of BATCH Accounting events RATE/BATCH times a second
(paced, from a few threads with one keep-alive connection each), every event
with a unique EventItemId. For one sampled id per batch it records when the
202 came back, and a poller reads the warehouse (SQLite, read-only) every
50 ms to see when the id's row appears. Freshness = visible - 202.

Prints one line: RESULT key=value ...
"""
import argparse, http.client, json, sqlite3, statistics, sys, threading, time

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--db", required=True)
p.add_argument("--template", required=True, help="one NDJSON event with @ID@ for EventItemId")
p.add_argument("--rate", type=int, default=20000, help="events/s")
p.add_argument("--batch", type=int, default=100)
p.add_argument("--seconds", type=float, default=30)
p.add_argument("--senders", type=int, default=4)
p.add_argument("--wait", type=float, default=60, help="max seconds to wait for the last rows after sending")
a = p.parse_args()

template = open(a.template, encoding="utf-8").read().strip()
pre, post = template.split("@ID@")
run = "F%d" % int(time.time())
batches_per_s = a.rate / a.batch
total_batches = int(a.seconds * batches_per_s)

lock = threading.Lock()
acked = {}          # sampled id -> time of 202
seen = {}           # sampled id -> time first visible
stats = {"ok": 0, "non202": 0, "errors": 0, "late": 0}
t0 = time.monotonic() + 0.2


def sender(k):
    conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
    for b in range(k, total_batches, a.senders):
        due = t0 + b / batches_per_s
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        elif now - due > 0.05:
            stats["late"] += 1
        ids = ["%s-%d-%d" % (run, b, i) for i in range(a.batch)]
        body = "\n".join(pre + i + post for i in ids).encode()
        try:
            conn.request("POST", "/v1/events/Accounting", body,
                         {"Content-Type": "application/x-ndjson"})
            r = conn.getresponse()
            r.read()
            t = time.monotonic()
        except Exception:
            stats["errors"] += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
            continue
        with lock:
            if r.status == 202:
                stats["ok"] += 1
                acked[ids[b % a.batch]] = t    # one sampled id per batch
            else:
                stats["non202"] += 1
    conn.close()


senders_done = threading.Event()


def poller():
    db = None
    deadline = None
    while True:
        if senders_done.is_set() and deadline is None:
            deadline = time.monotonic() + a.wait
        with lock:
            pending = [i for i in acked if i not in seen]
        if deadline is not None and (not pending or time.monotonic() > deadline):
            return
        try:
            if db is None:
                db = sqlite3.connect("file:%s?mode=ro" % a.db, uri=True, timeout=1)
            found = []
            for c in range(0, len(pending), 500):
                chunk = pending[c:c + 500]
                q = "SELECT DISTINCT eventitemid FROM accounting WHERE eventitemid IN (%s)" % ",".join("?" * len(chunk))
                found += [row[0] for row in db.execute(q, chunk)]
            t = time.monotonic()
            with lock:
                for i in found:
                    seen.setdefault(i, t)
        except sqlite3.Error:
            db = None     # not created yet, or busy: try again next tick
        time.sleep(0.05)


ts = [threading.Thread(target=sender, args=(k,)) for k in range(a.senders)]
pt = threading.Thread(target=poller)
pt.start()
start = time.monotonic()
for t in ts:
    t.start()
for t in ts:
    t.join()
send_s = time.monotonic() - start
senders_done.set()
pt.join()

lat = sorted(seen[i] - acked[i] for i in seen if i in acked)
def pct(q):
    if not lat:
        return float("nan")
    return lat[min(len(lat) - 1, int(round(q / 100 * (len(lat) - 1))))]
print("RESULT sent_events_per_s=%.0f ok202=%d non202=%d errors=%d late_batches=%d samples=%d visible=%d "
      "p50_s=%.3f p99_s=%.3f max_s=%.3f" % (
          stats["ok"] * a.batch / send_s, stats["ok"], stats["non202"], stats["errors"], stats["late"],
          len(acked), len(lat), pct(50), pct(99), lat[-1] if lat else float("nan")))
