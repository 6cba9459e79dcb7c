-- wrk: prints one machine-readable REPORT line for scripts/bench.sh. Errors are socket errors, timeouts and
-- HTTP answers >= 400 (wrk counts those itself; no response() hook, which would slow wrk down).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("REPORT %d %.1f %.2f %.2f %.2f %.2f %d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.timeout + e.status))
end
