-- Phase 2 (and the nginx ceiling): one Accounting event per request, with a
-- unique EventItemId per request (thread id + counter spliced into a template).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local template = read_file(os.getenv("SINGLE_BODY"))
local pre, post = template:match("^(.-)@ID@(.*)$")
assert(pre, "SINGLE_BODY must contain @ID@")
local n = 0
local prefix = "S"

function init(args)
  prefix = "S" .. tostring(tid or 0) .. "-"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  return wrk.format("POST", "/v1/events/Accounting", nil, pre .. prefix .. n .. post)
end
