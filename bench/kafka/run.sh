#!/usr/bin/env bash
# Booking throughput of command writers on the Kafka log: docket_mock_kafka (librdkafka's mock
# cluster, 3 brokers, in a process of its own) and WRITERS `docket serve --role command`
# processes, all on 127.0.0.1. Seeds the bench doctors through the first writer, then runs one wrk
# per writer at the same time (bench/http/book.lua, distinct slots per wrk) and sums the rates.
# With --role all instead (ROLE=all, WRITERS=1) the same run measures the single-process mode.
#   bench/kafka/run.sh [path/to/docket] [path/to/docket_mock_kafka] [writers] [connections] [duration]
set -euo pipefail
cd "$(dirname "$0")/../.."

DOCKET=${1:-build/dev/app/docket}
MOCK=${2:-build/dev/tests/distributed/docket_mock_kafka}
WRITERS=${3:-1}
CONNECTIONS=${4:-32}
DURATION=${5:-10s}
ROLE=${ROLE:-command}
DOCTORS=${DOCKET_DOCTORS:-32}
PARTITIONS=${PARTITIONS:-12}

DIR=$(mktemp -d /tmp/docket-kafka-bench-XXXXXX)
export DOCKET_JWT_SECRET="bench-secret-$RANDOM$RANDOM"
PIDS=()
mkfifo "$DIR/mock.in"
"$MOCK" --brokers 3 --partitions "$PARTITIONS" --max-seconds 900 <"$DIR/mock.in" >"$DIR/mock.out" &
MOCK_PID=$!
exec 3>"$DIR/mock.in"  # the mock cluster lives until this is closed
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  exec 3>&-
  wait "$MOCK_PID" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT

BOOTSTRAP=""
for _ in $(seq 1 100); do
  BOOTSTRAP=$(sed -n 's/^bootstrap=//p' "$DIR/mock.out" | head -1)
  [ -n "$BOOTSTRAP" ] && break
  sleep 0.1
done
[ -n "$BOOTSTRAP" ] || { echo "docket_mock_kafka did not start"; exit 1; }
LOG="kafka://$BOOTSTRAP?topic=docket.events&partitions=$PARTITIONS&replication=3"

PORTS=()
for w in $(seq 1 "$WRITERS"); do
  "$DOCKET" serve --role "$ROLE" --log "$LOG" --data "$DIR/w$w" --host 127.0.0.1 --port 0 \
    --group-session-timeout-ms 6000 >"$DIR/w$w.out" 2>"$DIR/w$w.log" &
  PIDS+=($!)
done
for w in $(seq 1 "$WRITERS"); do
  PORT=""
  for _ in $(seq 1 300); do
    PORT=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$DIR/w$w.out" | head -1)
    [ -n "$PORT" ] && break
    sleep 0.1
  done
  [ -n "$PORT" ] || { echo "writer $w did not start"; cat "$DIR/w$w.log"; exit 1; }
  PORTS+=("$PORT")
done
URL="http://127.0.0.1:${PORTS[0]}"

ADMIN=$("$DOCKET" token --sub bench-admin --role admin --ttl 3600)
DESK=$("$DOCKET" token --sub bench-desk --role receptionist --ttl 3600)
# Retried until the writer group has settled (its first join takes a few seconds).
put() {
  local method=$1 path=$2 body=$3
  for _ in $(seq 1 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X "$method" "$URL$path" \
      -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d "$body")
    case "$code" in 2*|409) return 0 ;; esac
    sleep 0.2
  done
  echo "seeding $path failed ($code)"; exit 1
}
for i in $(seq 0 $((DOCTORS - 1))); do
  put POST /v1/doctors "{\"id\":\"bench-$i\",\"name\":\"Bench $i\",\"specialty\":\"gp\",\"timezone\":\"UTC\",\"consultation_fee\":10}"
  put PUT "/v1/doctors/bench-$i/schedule" '{"rules":[{"weekdays":[1,2,3,4,5,6,7],"start":"00:00","end":"24:00","slot_minutes":5,"capacity":1}]}'
  put PUT "/v1/doctors/bench-$i/settings" '{"max_advance_days":1825}'
done

echo "== $WRITERS writer(s), role $ROLE, $PARTITIONS partitions, $DOCTORS doctors, wrk -t1 -c$CONNECTIONS -d$DURATION per writer; load: $(cut -d' ' -f1-3 /proc/loadavg)"
export DOCKET_TOKEN=$DESK DOCKET_DOCTORS=$DOCTORS
WRK=()
for w in $(seq 1 "$WRITERS"); do
  DOCKET_SLOT_OFFSET=$(((w - 1) * 250000)) wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency \
    -s bench/http/book.lua "http://127.0.0.1:${PORTS[$((w - 1))]}" >"$DIR/wrk$w.out" &
  WRK+=($!)
done
for pid in "${WRK[@]}"; do wait "$pid"; done
TOTAL=0
for w in $(seq 1 "$WRITERS"); do
  echo "-- writer $w"; grep -E 'Requests/sec|requests|latency p(50|99) ' "$DIR/wrk$w.out"
  RATE=$(sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p' "$DIR/wrk$w.out")
  TOTAL=$(echo "$TOTAL + $RATE" | bc)
done
echo "== total $TOTAL bookings/s; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
