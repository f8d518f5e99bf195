-- wrk script: durable bookings on distinct slots, every connection on keep-alive.
--   DOCKET_TOKEN=<receptionist token> DOCKET_DOCTORS=32 \
--   wrk -t2 -c32 -d10s -s bench/http/book.lua http://127.0.0.1:PORT
-- The doctors bench-0 .. bench-(N-1) work every day 00:00-24:00 UTC in 5-minute slots of
-- capacity 1 (bench/http/run.sh seeds them). Each wrk thread owns its own range of slots and
-- walks the doctors round-robin, so no two requests ever ask for the same slot and every 201
-- is one durable booking. Patients are distinct too (no patient_conflict).

local token = os.getenv("DOCKET_TOKEN") or error("DOCKET_TOKEN is not set")
local doctors = tonumber(os.getenv("DOCKET_DOCTORS") or "32")
-- Added to every slot number, so that several wrk runs at once book distinct slots.
local slot_offset = tonumber(os.getenv("DOCKET_SLOT_OFFSET") or "0")
-- First slot: the start of the day after tomorrow, as seconds since the epoch (UTC midnight).
local base = (math.floor(os.time() / 86400) + 2) * 86400

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  local doctor = counter % doctors
  -- 200,000 slots (about 694 days of 5-minute slots) per thread and doctor.
  local slot = slot_offset + thread_id * 200000 + math.floor(counter / doctors)
  counter = counter + 1
  local start = os.date("!%Y-%m-%dT%H:%M:%SZ", base + slot * 300)
  local body = string.format(
    '{"doctor_id":"bench-%d","start":"%s","consultation_type":"in_person","patient_id":"p-%d-%d-%d"}',
    doctor, start, slot_offset, thread_id, counter)
  return wrk.format(nil, "/v1/appointments", nil, body)
end

statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("requests %d, non-2xx %d, socket errors connect %d read %d write %d timeout %d\n",
    summary.requests, errors.status, errors.connect, errors.read, errors.write, errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%s %.2f ms\n", p, latency:percentile(p) / 1000.0))
  end
end
