#!/usr/bin/env bash
# Measures the walking skeleton as a developer runs it: `./m0 dev` from a fresh data directory.
#
#   bench/dev-run.sh [MINUTES]        (default 3)
#
# Builds m0-app first if the jar is missing or older than the sources (and reports how long that took), then starts
# `./m0 dev` in the background with a fresh temporary M0_DATA_DIR and free loopback ports for the API and the admin
# listener, and until MINUTES have passed since the launch:
#   - polls the admin /metrics every 200 ms for the first revealed bundle (m0_ledger_reveals_total > 0) and the
#     first finalized epoch (m0_ledger_finalized_epochs_total > 0 or m0_reconciler_events_total{type=
#     "epoch_finalized"} > 0),
#   - samples the java process's VmRSS (/proc/<pid>/status) and jvm_memory_used_bytes / _committed_bytes
#     {area="heap"} every second;
# and just before stopping reads the peak RSS (VmHWM), the JVM's CPU time and the PSS of the embedded PostgreSQL.
# Then it sends SIGTERM, checks the process exits cleanly (within 30 s, exit 143 = terminated by SIGTERM after the
# shutdown hook ran, the embedded PostgreSQL stopped, no server left on its data directory), prints a summary and
# deletes the data directory (DEV_RUN_KEEP=1 keeps it and the log).
#
# The embedded PostgreSQL of `m0 dev` always listens on 127.0.0.1:54329 (NodeOptions has no setting for it), so two
# runs cannot overlap: the script waits up to 60 s for that port to be free and gives up otherwise. Loopback only.
# Exit code: 0 if a bundle was revealed and the process stopped cleanly, 1 otherwise, 2 on bad usage.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MINUTES="${1:-3}"
if ! [[ "$MINUTES" =~ ^[0-9]+([.][0-9]+)?$ ]] || [[ "$MINUTES" =~ ^0+([.]0*)?$ ]]; then
  echo "usage: bench/dev-run.sh [MINUTES]   (MINUTES: a positive number, got '$MINUTES')" >&2
  exit 2
fi
RUN_MS=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60000 }')
PG_PORT=54329
APP_JAR="$ROOT/m0-app/target/m0-app.jar"

now_ms() { date +%s%3N; }
log() { echo "dev-run: $*" >&2; }

port_in_use() {
  # True if something listens on 127.0.0.1:$1 (a connect succeeds).
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local p i
  for ((i = 0; i < 50; i++)); do
    p=$((20000 + RANDOM % 30000))
    if ! port_in_use "$p"; then
      echo "$p"
      return 0
    fi
  done
  echo "dev-run: no free port found in 50 tries" >&2
  return 1
}

# ------------------------------------------------------------------ build (same staleness rule as ./m0)
app_is_stale() {
  [[ ! -f "$APP_JAR" ]] || [[ -n "$(find "$ROOT" -path "$ROOT/.m0" -prune -o -path '*/target' -prune \
    -o -path '*/.git' -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
    -newer "$APP_JAR" -print -quit)" ]]
}
BUILD_MS=-1
if app_is_stale; then
  log "m0-app.jar missing or older than the sources: ./m0 build -q -pl m0-app -am"
  b0=$(now_ms)
  "$ROOT/m0" build -q -pl m0-app -am >&2
  BUILD_MS=$(($(now_ms) - b0))
  log "built in ${BUILD_MS} ms"
  # A source outside m0-app's build (another module's test, a benchmark) leaves the jar unchanged and Maven does not
  # rewrite it; ./m0 dev would then rebuild inside the measured launch. The jar is current: say so.
  if app_is_stale; then touch "$APP_JAR"; fi
fi

# ------------------------------------------------------------------ ports and data dir
for ((i = 0; i < 300; i++)); do
  port_in_use "$PG_PORT" || break
  ((i == 0)) && log "port $PG_PORT (embedded PostgreSQL of m0 dev) is taken; waiting up to 60 s"
  sleep 0.2
done
if port_in_use "$PG_PORT"; then
  log "port $PG_PORT is still taken: another m0 dev is running; stop it or run later"
  exit 1
fi
API_PORT=$(free_port)
ADMIN_PORT=$(free_port)
while [[ "$ADMIN_PORT" == "$API_PORT" ]]; do ADMIN_PORT=$(free_port); done
DATA_DIR="$(mktemp -d /tmp/m0-devrun.XXXXXX)"
LOG="$DATA_DIR.log"
SAMPLES="$DATA_DIR.samples.tsv"
METRICS_URL="http://127.0.0.1:$ADMIN_PORT/metrics"

# ------------------------------------------------------------------ launch
cd "$ROOT"
T0=$(now_ms)
LAUNCH_SECOND=$(date -u +%S.%3N)
M0_DATA_DIR="$DATA_DIR" M0_API_PORT="$API_PORT" M0_ADMIN_PORT="$ADMIN_PORT" M0_LOG_FORMAT=text \
  "$ROOT/m0" dev >"$LOG" 2>&1 &
PID=$!   # ./m0 execs java, so this is the JVM's pid once it starts
log "launched ./m0 dev (pid $PID) at second :$LAUNCH_SECOND of the minute; data $DATA_DIR, api :$API_PORT," \
  "admin :$ADMIN_PORT, running ${MINUTES} min"

stop() {
  # SIGTERM, then wait up to 30 s; sets EXIT_CODE and STOP_MS.
  local s0 i
  s0=$(now_ms)
  kill -TERM "$PID" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$PID" 2>/dev/null; then
    log "pid $PID still running 30 s after SIGTERM: SIGKILL"
    kill -KILL "$PID" 2>/dev/null || true
  fi
  set +e
  wait "$PID"
  EXIT_CODE=$?
  set -e
  STOP_MS=$(($(now_ms) - s0))
}
trap 'kill -TERM "$PID" 2>/dev/null || true' INT TERM

metric() {
  # metric FILE REGEX: the value of the first sample line matching ^REGEX (0 if none).
  awk -v re="^$2" '$0 ~ re { print $NF + 0; found = 1; exit } END { if (!found) print 0 }' "$1"
}
metric_positive() {
  # metric_positive FILE REGEX: true if that metric's value is > 0.
  awk -v v="$(metric "$1" "$2")" 'BEGIN { exit !(v > 0) }'
}

T_ADMIN=-1
T_REVEALED=-1
T_SERVED=-1
T_FINALIZED=-1
T_FINALIZED_RECONCILED=-1
DIED=0
printf 't_ms\trss_kb\theap_used_bytes\theap_committed_bytes\n' >"$SAMPLES"
SCRAPE="$DATA_DIR.scrape"
next_sample=0
iterations=$((RUN_MS / 200 + 50))
for ((i = 0; i < iterations; i++)); do
  t=$(($(now_ms) - T0))
  ((t >= RUN_MS)) && break
  if ! kill -0 "$PID" 2>/dev/null; then
    DIED=1
    log "the process exited on its own after ${t} ms; see $LOG"
    break
  fi
  if curl -s --max-time 1 -o "$SCRAPE" "$METRICS_URL" 2>/dev/null; then
    t=$(($(now_ms) - T0))
    ((T_ADMIN < 0)) && T_ADMIN=$t
    if ((T_REVEALED < 0)) && metric_positive "$SCRAPE" 'm0_ledger_reveals_total '; then
      T_REVEALED=$t
    fi
    if ((T_SERVED < 0)) && metric_positive "$SCRAPE" 'm0_reconciler_events_total[{][^}]*type="revealed"'; then
      T_SERVED=$t
    fi
    if ((T_FINALIZED < 0)) && metric_positive "$SCRAPE" 'm0_ledger_finalized_epochs_total '; then
      T_FINALIZED=$t
    fi
    if ((T_FINALIZED_RECONCILED < 0)) \
        && metric_positive "$SCRAPE" 'm0_reconciler_events_total[{][^}]*type="epoch_finalized"'; then
      T_FINALIZED_RECONCILED=$t
      ((T_FINALIZED < 0)) && T_FINALIZED=$t
    fi
  fi
  if ((t >= next_sample)) && [[ "$(cat "/proc/$PID/comm" 2>/dev/null)" == "java" ]]; then
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status" 2>/dev/null || echo "")
    heap=""
    committed=""
    if [[ -s "$SCRAPE" ]] && ((T_ADMIN >= 0)); then
      heap=$(metric "$SCRAPE" 'jvm_memory_used_bytes[{]area="heap"')
      committed=$(metric "$SCRAPE" 'jvm_memory_committed_bytes[{]area="heap"')
    fi
    [[ -n "$rss" ]] && printf '%d\t%s\t%s\t%s\n' "$t" "$rss" "${heap:-}" "${committed:-}" >>"$SAMPLES"
    next_sample=$((next_sample + 1000))
  fi
  sleep 0.2
done

# Peak RSS, the embedded PostgreSQL's memory and final counters just before stopping.
HWM_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$PID/status" 2>/dev/null || echo "?")
PG_MAIN=$(pgrep -f -- "$DATA_DIR/postgres" || true)   # the postmaster; its children are the backends
PG_PIDS="$PG_MAIN"
for p in $PG_MAIN; do PG_PIDS="$PG_PIDS $(pgrep -P "$p" || true)"; done
PG_COUNT=0
PG_RSS_KB=0
PG_PSS_KB=0
for p in $PG_PIDS; do
  r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
  q=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
  PG_COUNT=$((PG_COUNT + 1))
  PG_RSS_KB=$((PG_RSS_KB + ${r:-0}))
  PG_PSS_KB=$((PG_PSS_KB + ${q:-0}))
done
JAVA_PSS_KB=$(awk '/^Pss:/ { print $2 }' "/proc/$PID/smaps_rollup" 2>/dev/null || echo "?")
# CPU time of the JVM so far (utime + stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks).
CPU_S=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.1f", ($12 + $13) / hz }' "/proc/$PID/stat" \
  2>/dev/null || echo "?")
CPU_AT_MS=$(($(now_ms) - T0))
REVEALS=$( [[ -s "$SCRAPE" ]] && metric "$SCRAPE" 'm0_ledger_reveals_total ' || echo 0)
FINALIZED=$( [[ -s "$SCRAPE" ]] && metric "$SCRAPE" 'm0_ledger_finalized_epochs_total ' || echo 0)
ITEMS=$( [[ -s "$SCRAPE" ]] && metric "$SCRAPE" 'm0_reconciler_events_total[{][^}]*type="item_accepted"' || echo 0)
stop

# ------------------------------------------------------------------ checks and summary
CLEAN=1
if ((DIED == 1)); then CLEAN=0; fi
if [[ "$EXIT_CODE" != "143" && "$EXIT_CODE" != "0" ]]; then CLEAN=0; fi
grep -q "m0 stopping" "$LOG" || CLEAN=0
PG_STOPPED=0
grep -q "embedded PostgreSQL on port $PG_PORT stopped" "$LOG" && PG_STOPPED=1
((PG_STOPPED == 1)) || CLEAN=0
LEFTOVER=$(pgrep -f -- "$DATA_DIR" || true)
[[ -z "$LEFTOVER" ]] || CLEAN=0
port_in_use "$PG_PORT" && CLEAN=0
ERRORS=$(grep -c -E " (ERROR|WARN) " "$LOG" || true)
STARTED_LINE=$(grep -o "m0 started in [0-9]* ms" "$LOG" | head -1 || true)
PG_LINE=$(grep -o "embedded PostgreSQL [0-9.]* ready in [0-9]* ms ([^)]*)" "$LOG" | head -1 || true)

fmt() { if (($1 < 0)); then echo "not within the run"; else awk -v v="$1" 'BEGIN { printf "%.1f s", v / 1000 }'; fi; }

stats() {
  # stats COLUMN [FROM_MS] [DIVISOR UNIT]: min / median / max of a samples column (each value / DIVISOR, printed with
  # UNIT), rows with t >= FROM_MS.
  awk -F'\t' -v c="$1" -v from="${2:-0}" -v div="${3:-1}" -v unit="${4:-}" 'NR > 1 && $1 >= from && $c != "" {
      v[n++] = $c / div
    }
    END {
      if (n == 0) { print "no samples"; exit }
      asort(v)
      printf "min %.0f%s, median %.0f%s, max %.0f%s (n=%d)", v[1], unit, v[int((n + 1) / 2)], unit, v[n], unit, n
    }' "$SAMPLES"
}
mib_stats() { stats "$1" "$2" 1048576 " MiB"; }
STEADY_FROM=$((RUN_MS > 120000 ? RUN_MS - 60000 : RUN_MS / 2))

cat <<EOF

=== m0 dev walking skeleton: ${MINUTES} min run ===
machine:               $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), \
$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), load avg at end $(cut -d' ' -f1-3 /proc/loadavg)
jdk:                   $("$ROOT/m0" java 2>&1 | sed -n 3p)
build before launch:   $( ((BUILD_MS < 0)) && echo "not needed (jar up to date)" || fmt "$BUILD_MS")
launched at:           second :$LAUNCH_SECOND of the UTC minute (epochs are 60 s windows aligned to the minute)
node start (log):      ${STARTED_LINE:-?}; ${PG_LINE:-?}
admin /metrics up:     $(fmt "$T_ADMIN") after launch
first revealed bundle: $(fmt "$T_REVEALED") after launch (ledger; in the read model $(fmt "$T_SERVED"))
first finalized epoch: $(fmt "$T_FINALIZED") after launch (reconciled $(fmt "$T_FINALIZED_RECONCILED"))
at the end:            $REVEALS bundles revealed, $ITEMS items accepted, $FINALIZED epochs finalized
java RSS (VmRSS, kB):  all run: $(stats 2); last minute: $(stats 2 "$STEADY_FROM"); peak VmHWM $HWM_KB kB; \
PSS at end $JAVA_PSS_KB kB
embedded PostgreSQL:   $PG_COUNT processes at the end: RSS sum $PG_RSS_KB kB, PSS sum $PG_PSS_KB kB (PSS splits shared pages)
heap used:             all run: $(mib_stats 3 0); last minute: $(mib_stats 3 "$STEADY_FROM")
heap committed:        last minute: $(mib_stats 4 "$STEADY_FROM")
java CPU time:         ${CPU_S} s in $(fmt "$CPU_AT_MS") of wall time \
($(awk -v c="$CPU_S" -v w="$CPU_AT_MS" 'BEGIN { printf "%.0f%%", 100 * c * 1000 / w }') of one core on average)
stop:                  SIGTERM -> exit code $EXIT_CODE in ${STOP_MS} ms; embedded PostgreSQL stopped: \
$( ((PG_STOPPED == 1)) && echo yes || echo NO); leftover processes: ${LEFTOVER:-none}
log:                   $ERRORS WARN/ERROR lines; clean stop: $( ((CLEAN == 1)) && echo yes || echo NO)
EOF
if ((ERRORS > 0)); then
  echo "first WARN/ERROR lines:"
  grep -E " (ERROR|WARN) " "$LOG" | head -n 5 | cut -c1-300
fi

if [[ "${DEV_RUN_KEEP:-}" == "1" ]]; then
  log "kept $DATA_DIR, $LOG and $SAMPLES"
else
  rm -rf "$DATA_DIR"
  rm -f "$SCRAPE" "$SAMPLES"
  if ((CLEAN == 1)); then rm -f "$LOG"; else log "kept the log of the unclean run: $LOG"; fi
fi
((T_REVEALED >= 0 && CLEAN == 1))
