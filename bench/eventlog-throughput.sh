#!/usr/bin/env bash
# Ingest -> aggregate throughput through the in-process event log and through Kafka, in one run
# (com.m0club.bench.eventlog.EventLogThroughputDriver):
#
#   bench/eventlog-throughput.sh [EVENTS] [BATCH]     (defaults 300000 events, batches of 1000)
#
# Builds m0-bench if needed, starts a single-node KRaft broker in its own JVM (the Kafka adapter's test fixture) on
# ports chosen at run time, prints both figures as a table and stops the broker.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ ! -d m0-bench/target/lib || ! -f m0-bench/target/classes/com/m0club/bench/eventlog/EventLogThroughputDriver.class ]]; then
  echo "eventlog-throughput: building m0-bench (./m0 build -q -pl m0-bench -am)" >&2
  ./m0 build -q -pl m0-bench -am >&2
fi
JAVA_HOME="$(./m0 java 2>/dev/null | head -1)"
exec "$JAVA_HOME/bin/java" ${M0_JAVA_OPTS:-} -cp "$ROOT/m0-bench/target/classes:$ROOT/m0-bench/target/lib/*" \
  com.m0club.bench.eventlog.EventLogThroughputDriver "$@"
