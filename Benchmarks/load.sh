#!/usr/bin/env bash
# HTTP load on loopback: `volltext serve` (release build) over the okfn-de index,
# driven by wrk with a mix of real queries, for 1 and 64 connections, first
# while nothing else runs and then while `volltext index --rebuild` rewrites
# the index in a loop in another process; once as served (recent results
# cached until the index changes) and once with --no-result-cache, so every
# request runs the whole search. Prints requests/s, p50/p99 latency and failed
# requests (any non-2xx or socket error). Needs wrk (Debian package).
#
#   Benchmarks/load.sh [SECONDS]   (default 15 per run)
#
# VOLLTEXT_BIN=path runs another build of volltext (an older commit's, for a
# before-and-after in the same session) instead of building this tree's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-15}"
shared="${VOLLTEXT_SHARED:-$here/../../shared}"
work="${WORK:-/tmp/volltext-load}"
port="${PORT:-8765}"
mkdir -p "$work"
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 69; }
volltext="${VOLLTEXT_BIN:-}"
if [ -z "$volltext" ]; then
    (cd "$here/.." && swift build -c release --product volltext >/dev/null)
    volltext="$here/../.build/release/volltext"
fi
db="$work/okfn.sqlite"
rm -f "$db" "$db-wal" "$db-shm"
"$volltext" index "$shared/corpus/okfn-de" --db "$db" >/dev/null
server=""
reindexer=""
trap 'kill ${server:-} ${reindexer:-} 2>/dev/null || true' EXIT

start_server() {  # start_server [FLAGS…]
    [ -n "$server" ] && { kill "$server"; wait "$server" 2>/dev/null || true; }
    "$volltext" serve --db "$db" --port "$port" "$@" >> "$work/serve.log" 2>&1 &
    server=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
}

run() {  # run LABEL CONNECTIONS
    local result
    result=$(wrk -t "$([ "$2" -gt 1 ] && echo 2 || echo 1)" -c "$2" -d "${seconds}s" --latency \
        -s "$here/Scripts/queries.lua" "http://127.0.0.1:$port" | grep RESULT)
    printf '%-22s %3d connections  %s\n' "$1" "$2" "${result#RESULT }"
}

start_reindexing() {
    # As a cron job would run it: at lower CPU priority than the server.
    ( while true; do nice -n 10 "$volltext" index "$shared/corpus/okfn-de" --db "$db" --rebuild >/dev/null 2>&1 || exit 1; done ) &
    reindexer=$!
    sleep 0.5
}

: > "$work/serve.log"
for mode in cached uncached; do
    if [ "$mode" = cached ]; then start_server; else start_server --no-result-cache; fi
    run "$mode, idle" 1
    run "$mode, idle" 64
    start_reindexing
    run "$mode, reindexing" 1
    run "$mode, reindexing" 64
    kill "$reindexer" 2>/dev/null || true
    wait "$reindexer" 2>/dev/null || true
    reindexer=""
done
echo "server log lines with errors: $(grep -ci 'error' "$work/serve.log" || true)"
