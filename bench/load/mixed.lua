-- wrk script for bench/load/load_test.sh: cycles through the request paths listed (one per line) in the file
-- named by the first script argument, each wrk thread starting at a different line, and prints one
-- machine-readable RESULT line (latencies in microseconds) when the run ends.
local paths = {}
local next_index = 1

function init(args)
  local f = assert(io.open(args[1], "r"))
  for line in f:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  f:close()
  next_index = ((thread_id or 0) * 7) % #paths + 1
end

function setup(thread)
  thread_count = (thread_count or 0) + 1
  thread:set("thread_id", thread_count - 1)
end

function request()
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d status_errors=%d connect_errors=%d read_errors=%d write_errors=%d " ..
    "timeouts=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%.1f\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
