-- Shared by batch.lua and single.lua (loaded with dofile).
-- Counts 202 answers and everything else per thread, and prints one
-- machine-readable RESULT line at the end for run.sh.
threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

ok = 0
bad = 0

function response(status, headers, body)
  if status == 202 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    b = b + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d ok202=%d non202=%d duration_us=%d p50_us=%d p99_us=%d sock_errors=%d\n",
    summary.requests, o, b, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout))
end

function read_file(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end
