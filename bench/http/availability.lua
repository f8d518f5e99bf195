-- wrk script: the availability query, served from the read models, every connection on
-- keep-alive.
--   DOCKET_TOKEN=<any token> DOCKET_DOCTORS=32 DOCKET_DAYS=7 \
--   wrk -t2 -c32 -d10s -s bench/http/availability.lua http://127.0.0.1:PORT
-- Walks the doctors bench-0 .. bench-(N-1) round-robin (bench/http/run.sh seeds them: every day
-- 00:00-24:00 UTC in 5-minute slots, so one day is 288 slots) and asks for DOCKET_DAYS local days
-- starting the day after tomorrow, where book.lua's bookings are.

local token = os.getenv("DOCKET_TOKEN") or error("DOCKET_TOKEN is not set")
local doctors = tonumber(os.getenv("DOCKET_DOCTORS") or "32")
local days = tonumber(os.getenv("DOCKET_DAYS") or "7")
local first = (math.floor(os.time() / 86400) + 2) * 86400
local from = os.date("!%Y-%m-%d", first)
local to = os.date("!%Y-%m-%d", first + (days - 1) * 86400)

local paths = {}
for i = 0, doctors - 1 do
  paths[i] = string.format("/v1/doctors/bench-%d/availability?from=%s&to=%s", i, from, to)
end

local next_id = 0
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function init(args)
  counter = thread_id
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  local doctor = counter % doctors
  counter = counter + 1
  return wrk.format("GET", paths[doctor])
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("requests %d, non-2xx %d, socket errors connect %d read %d write %d timeout %d\n",
    summary.requests, errors.status, errors.connect, errors.read, errors.write, errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%s %.2f ms\n", p, latency:percentile(p) / 1000.0))
  end
end
