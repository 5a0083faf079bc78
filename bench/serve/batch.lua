-- Phase 1: POST a pre-built NDJSON body of 1,000 Accounting events per request.
-- The body is fixed (built once by run.sh): every request re-sends the same
-- 1,000 EventItemIds, which the merge dedupes. Fixed so the client costs nothing.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

wrk.method = "POST"
wrk.path = "/v1/events/Accounting"
wrk.headers["Content-Type"] = "application/x-ndjson"
wrk.body = read_file(os.getenv("BATCH_BODY"))
