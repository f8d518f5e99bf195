#!/usr/bin/env bash
# Starts `docket serve` on 127.0.0.1 in a temporary data directory, seeds the bench doctors,
# runs wrk on distinct slots (book.lua) and on one slot (contended.lua), then the availability
# query over 1 and 7 days (availability.lua) once the read models are ready, then stops the
# server with SIGTERM.
#   bench/http/run.sh [path/to/docket] [threads] [connections] [duration]
set -euo pipefail
cd "$(dirname "$0")/../.."

DOCKET=${1:-build/http/app/docket}
THREADS=${2:-2}
CONNECTIONS=${3:-32}
DURATION=${4:-10s}
DOCTORS=${DOCKET_DOCTORS:-32}

DATA=$(mktemp -d /tmp/docket-bench-XXXXXX)
OUT="$DATA/serve.out"
export DOCKET_JWT_SECRET="bench-secret-$RANDOM$RANDOM"
"$DOCKET" serve --data "$DATA/data" --host 127.0.0.1 --port 0 >"$OUT" 2>"$DATA/serve.log" &
PID=$!
cleanup() {
  kill -TERM "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

PORT=""
for _ in $(seq 1 300); do
  PORT=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$OUT" | head -1)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { echo "docket serve did not start"; cat "$DATA/serve.log"; exit 1; }
URL="http://127.0.0.1:$PORT"

ADMIN=$("$DOCKET" token --sub bench-admin --role admin --ttl 3600)
DESK=$("$DOCKET" token --sub bench-desk --role receptionist --ttl 3600)
for i in $(seq 0 $((DOCTORS - 1))); do
  curl -sf -o /dev/null -X POST "$URL/v1/doctors" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' \
    -d "{\"id\":\"bench-$i\",\"name\":\"Bench $i\",\"specialty\":\"gp\",\"timezone\":\"UTC\",\"consultation_fee\":10}"
  curl -sf -o /dev/null -X PUT "$URL/v1/doctors/bench-$i/schedule" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' \
    -d '{"rules":[{"weekdays":[1,2,3,4,5,6,7],"start":"00:00","end":"24:00","slot_minutes":5,"capacity":1}]}'
  curl -sf -o /dev/null -X PUT "$URL/v1/doctors/bench-$i/settings" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' -d '{"max_advance_days":1825}'
done

export DOCKET_TOKEN=$DESK DOCKET_DOCTORS=$DOCTORS
echo "== distinct slots: wrk -t$THREADS -c$CONNECTIONS -d$DURATION book.lua ($DOCTORS doctors)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/http/book.lua "$URL"
echo "== one slot: wrk -t$THREADS -c$CONNECTIONS -d$DURATION contended.lua"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/http/contended.lua "$URL"
curl -s "$URL/metrics" | grep -E '^docket_(appends_total|appended_events_total|append_in_flight_total)' || true
# The read models catch up with the bookings before the queries are measured.
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz")" = 200 ] && break
  sleep 0.1
done
for days in 1 7; do
  echo "== availability, $days day(s): wrk -t$THREADS -c$CONNECTIONS -d$DURATION availability.lua"
  DOCKET_DAYS=$days wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -s bench/http/availability.lua "$URL"
done
curl -s "$URL/metrics" | grep -E '^docket_projection_' || true
