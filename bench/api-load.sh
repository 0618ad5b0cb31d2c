#!/usr/bin/env bash
# Load test of the API's read path against a static-file baseline, in one run (issue 6, item 6).
#
#   bench/api-load.sh [SECONDS] [CONNECTIONS]        (defaults 10 and 8)
#
# Installs wrk and nginx from Debian if they are missing (idempotent: apt-get only when a binary is absent), builds
# m0-app if it is stale, starts `./m0 dev` on a fresh temporary data directory with free loopback ports, waits until
# a market has a served value, saves the JSON of that market's /v1/markets/{id}/latest to a file and serves it with
# nginx on another free loopback port, then runs wrk (2 threads, CONNECTIONS connections, SECONDS each) against:
#   nginx   the same JSON as a static file (the baseline of this machine, this run)
#   latest  GET /v1/markets/{id}/latest
#   markets GET /v1/markets
# and prints a table: req/s, p50, p99, non-2xx, and req/s as a share of nginx, with the machine's CPU and kernel.
# Everything is stopped and the temporary directories are deleted at the end (API_LOAD_KEEP=1 keeps them).
# Loopback only. Exit code 0 when every run completed, 1 otherwise, 2 on bad usage.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_EACH="${1:-10}"
CONNECTIONS="${2:-8}"
if ! [[ "$SECONDS_EACH" =~ ^[1-9][0-9]*$ && "$CONNECTIONS" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: bench/api-load.sh [SECONDS] [CONNECTIONS]   (positive integers)" >&2
  exit 2
fi
PG_PORT=54329
log() { echo "api-load: $*" >&2; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p i
  for ((i = 0; i < 50; i++)); do
    p=$((20000 + RANDOM % 30000))
    if ! port_in_use "$p"; then echo "$p"; return 0; fi
  done
  log "no free port found in 50 tries"
  return 1
}

# ------------------------------------------------------------------ tools (Debian packages, only when missing)
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need+=(nginx-light)
if ((${#need[@]})); then
  log "installing ${need[*]} from Debian"
  SUDO=""; [[ "$(id -u)" == 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 \
    || { [[ " ${need[*]} " == *" nginx-light "* ]] && DEBIAN_FRONTEND=noninteractive \
         $SUDO apt-get install -y -qq --no-install-recommends nginx >&2; }
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

# ------------------------------------------------------------------ build and start m0 dev
APP_JAR="$ROOT/m0-app/target/m0-app.jar"
if [[ ! -f "$APP_JAR" ]] || [[ -n "$(find "$ROOT" -path '*/target' -prune -o -path '*/.git' -prune -o \
    \( -name '*.java' -o -name 'pom.xml' \) -newer "$APP_JAR" -print -quit)" ]]; then
  log "building m0-app"
  "$ROOT/m0" build -q -pl m0-app -am >&2
fi
# The embedded PostgreSQL of `m0 dev` always listens on 127.0.0.1:$PG_PORT. When another m0 dev holds it, the run
# uses a fresh database on the machine's PostgreSQL at 127.0.0.1:5432 instead (user postgres, dropped at the end).
for ((i = 0; i < 50; i++)); do port_in_use "$PG_PORT" || break; sleep 0.2; done
PG_ENV=()
DB_NAME=""
if port_in_use "$PG_PORT"; then
  if port_in_use 5432 && command -v createdb >/dev/null 2>&1; then
    DB_NAME="m0_apiload_$$"
    createdb -h 127.0.0.1 -U postgres "$DB_NAME"
    PG_ENV=("M0_POSTGRES_URL=jdbc:postgresql://127.0.0.1:5432/$DB_NAME?user=postgres")
    log "port $PG_PORT is taken (another m0 dev): using database $DB_NAME on 127.0.0.1:5432"
  else
    log "port $PG_PORT is taken: another m0 dev is running"; exit 1
  fi
fi
API_PORT=$(free_port); ADMIN_PORT=$(free_port); NGINX_PORT=$(free_port)
WORK="$(mktemp -d /tmp/m0-apiload.XXXXXX)"
mkdir -p "$WORK/data" "$WORK/www" "$WORK/nginx"
chmod 755 "$WORK" "$WORK/www" # nginx's workers run as another user when started by root
env "${PG_ENV[@]}" M0_DATA_DIR="$WORK/data" M0_API_PORT="$API_PORT" M0_ADMIN_PORT="$ADMIN_PORT" M0_LOG_FORMAT=text \
  "$ROOT/m0" dev >"$WORK/m0.log" 2>&1 &
PID=$!
NGINX_PID=""
cleanup() {
  kill -TERM "$PID" 2>/dev/null || true
  [[ -n "$NGINX_PID" ]] && kill -TERM "$NGINX_PID" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$PID" 2>/dev/null || true
  [[ -n "$DB_NAME" ]] && dropdb -h 127.0.0.1 -U postgres --if-exists "$DB_NAME" 2>/dev/null || true
  if [[ "${API_LOAD_KEEP:-0}" != 1 ]]; then rm -rf "$WORK"; else log "kept $WORK"; fi
}
trap cleanup EXIT
log "./m0 dev (pid $PID) api :$API_PORT admin :$ADMIN_PORT, data $WORK/data"

API="http://127.0.0.1:$API_PORT"
MARKET=""
for ((i = 0; i < 900; i++)); do
  kill -0 "$PID" 2>/dev/null || { log "m0 dev exited; log: $WORK/m0.log"; tail -20 "$WORK/m0.log" >&2; exit 1; }
  MARKET="$(curl -fsS "$API/v1/markets" 2>/dev/null | python3 -c '
import json, sys
for m in json.load(sys.stdin)["markets"]:
    if m.get("latest"):
        print(m["id"]); break' 2>/dev/null || true)"
  [[ -n "$MARKET" ]] && break
  sleep 0.2
done
[[ -n "$MARKET" ]] || { log "no served value after 180 s"; exit 1; }
curl -fsS "$API/v1/markets/$MARKET/latest" -o "$WORK/www/latest.json"
chmod 644 "$WORK/www/latest.json"
log "market $MARKET: latest is $(wc -c <"$WORK/www/latest.json") bytes"

# ------------------------------------------------------------------ nginx on the same JSON
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  types { application/json json; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    etag on;
  }
}
CONF
"$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" >&2 &
NGINX_PID=$!
for ((i = 0; i < 50; i++)); do port_in_use "$NGINX_PORT" && break; sleep 0.1; done
if ! cmp -s <(curl -fsS "http://127.0.0.1:$NGINX_PORT/latest.json") "$WORK/www/latest.json"; then
  log "nginx does not serve the captured JSON; see $WORK/nginx/error.log"; cat "$WORK/nginx/error.log" >&2; exit 1
fi

# ------------------------------------------------------------------ wrk
declare -A RPS P50 P99 ERR
run() { # name url
  local out
  out="$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency "$2" 2>&1)"
  echo "$out" >"$WORK/wrk-$1.txt"
  RPS[$1]="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")"
  P50[$1]="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  P99[$1]="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  ERR[$1]="$(awk '/Non-2xx/ {print $NF}' <<<"$out")"; ERR[$1]="${ERR[$1]:-0}"
  log "$1: ${RPS[$1]} req/s p50 ${P50[$1]} p99 ${P99[$1]} non-2xx ${ERR[$1]}"
}
run warmup "$API/v1/markets/$MARKET/latest" >/dev/null
run nginx "http://127.0.0.1:$NGINX_PORT/latest.json"
run latest "$API/v1/markets/$MARKET/latest"
run markets "$API/v1/markets"

CPU="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
echo "machine: $CPU, $(nproc) cores, $(uname -sr); wrk -t2 -c$CONNECTIONS -d${SECONDS_EACH}s, $(date -u +%FT%TZ)"
printf '%-8s %-40s %10s %9s %9s %8s %9s\n' target path "req/s" p50 p99 non-2xx "of nginx"
for t in nginx latest markets; do
  case $t in
    nginx) path="/latest.json (nginx, same bytes)" ;;
    latest) path="/v1/markets/$MARKET/latest" ;;
    markets) path="/v1/markets" ;;
  esac
  share="$(awk -v a="${RPS[$t]:-0}" -v b="${RPS[nginx]:-0}" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "-" }')"
  printf '%-8s %-40s %10s %9s %9s %8s %9s\n' "$t" "$path" "${RPS[$t]:--}" "${P50[$t]:--}" "${P99[$t]:--}" \
    "${ERR[$t]}" "$share"
done
[[ -n "${RPS[nginx]:-}" && -n "${RPS[latest]:-}" && -n "${RPS[markets]:-}" ]]
