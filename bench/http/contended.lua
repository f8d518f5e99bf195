-- wrk script: every request books the same capacity-1 slot. One 201, then 409 slot_taken for
-- the rest: this measures how fast the aggregate refuses (each refusal still waits until
-- everything it was decided on is durable).
--   DOCKET_TOKEN=<receptionist token> wrk -t2 -c32 -d10s -s bench/http/contended.lua URL

local token = os.getenv("DOCKET_TOKEN") or error("DOCKET_TOKEN is not set")
local start = os.date("!%Y-%m-%dT%H:%M:%SZ", (math.floor(os.time() / 86400) + 2) * 86400)
local counter = 0

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"doctor_id":"bench-0","start":"%s","consultation_type":"in_person","patient_id":"c-%d"}',
    start, counter)
  return wrk.format(nil, "/v1/appointments", nil, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("requests %d, non-2xx %d (409 expected), socket errors %d\n",
    summary.requests, errors.status, errors.connect + errors.read + errors.write + errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%s %.2f ms\n", p, latency:percentile(p) / 1000.0))
  end
end
