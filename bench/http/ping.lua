-- wrk script for bench/http_ping_server: one trivial GET on a keep-alive connection per request.
--   wrk -t2 -c32 -d10s -s bench/http/ping.lua http://127.0.0.1:18080
wrk.method = "GET"
wrk.path = "/ping"
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("requests %d, non-2xx %d, socket errors connect %d read %d write %d timeout %d\n",
    summary.requests, errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
