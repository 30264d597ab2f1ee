-- What every service bench script shares: one client number per wrk thread (each thread holds one
-- connection, so a thread is one bot), the bearer token, and the summary line the bench reads.
local M = {}
local threads = {}
local counter = 0

M.token = os.getenv("WORKSTEAL_BENCH_TOKEN") or "bench-token"
M.headers = { ["authorization"] = "Bearer " .. M.token, ["content-type"] = "application/json" }

function M.setup(thread)
  thread:set("client", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

-- One JSON line: requests, seconds, latency quantiles in microseconds, answers other than 200, socket errors.
function M.done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do failed = failed + (t:get("failed") or 0) end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%f,"p50us":%d,"p99us":%d,"maxus":%d,"failed":%d,"socketErrors":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99), latency.max,
    failed, e.connect + e.read + e.write + e.timeout))
end

return M
