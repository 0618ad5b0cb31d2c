#!/usr/bin/env bash
# Quote-to-reveal latency of the walking skeleton, measured in process (com.m0club.bench.dev.QuoteToRevealDriver):
#
#   bench/quote-to-reveal.sh [MINUTES] [driver options]     (default 3 minutes; --help lists the options)
#
# Builds m0-bench and what it depends on (the whole oracle) if needed, then runs the driver on m0-bench's runtime
# classpath from the repository root. The driver starts every role of `m0 dev` in its own JVM on a fresh temporary
# data directory and ephemeral loopback ports (its embedded PostgreSQL too, so it does not collide with a running
# `m0 dev`), measures for MINUTES after a 20 s warmup, drains 40 s, prints the tables and deletes the data directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MINUTES=3
if [[ $# -gt 0 && "$1" != -* ]]; then
  MINUTES="$1"
  shift
fi
cd "$ROOT"
if [[ ! -d m0-bench/target/lib || ! -d m0-bench/target/classes/com/m0club/bench/dev ]] || [[ -n "$(find "$ROOT" \
    -path "$ROOT/.m0" -prune -o -path '*/target' -prune -o -path '*/.git' -prune -o \
    \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
    -newer m0-bench/target/classes/com/m0club/bench/dev -print -quit)" ]]; then
  echo "quote-to-reveal: building m0-bench (./m0 build -q -pl m0-bench -am)" >&2
  ./m0 build -q -pl m0-bench -am >&2
  touch m0-bench/target/classes/com/m0club/bench/dev
fi
JAVA_HOME="$(./m0 java 2>/dev/null | head -1)"
exec "$JAVA_HOME/bin/java" ${M0_JAVA_OPTS:-} -cp "m0-bench/target/classes:m0-bench/target/lib/*" \
  com.m0club.bench.dev.QuoteToRevealDriver --minutes "$MINUTES" "$@"
