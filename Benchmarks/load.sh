#!/usr/bin/env bash
# HTTP load on loopback: `volltext serve` (release build) over the okfn-de index,
# driven by wrk with a mix of real queries, for 1 and 64 connections, first
# while nothing else runs and then while `volltext index --rebuild` rewrites
# the index in a loop in another process. Prints requests/s, p50/p99 latency
# and failed requests (any non-2xx or socket error). Needs wrk (Debian package).
#
#   Benchmarks/load.sh [SECONDS]   (default 15 per run)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-15}"
shared="${VOLLTEXT_SHARED:-$here/../../shared}"
work="${WORK:-/tmp/volltext-load}"
port="${PORT:-8765}"
mkdir -p "$work"
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 69; }
(cd "$here/.." && swift build -c release --product volltext >/dev/null)
volltext="$here/../.build/release/volltext"
db="$work/okfn.sqlite"
rm -f "$db" "$db-wal" "$db-shm"
"$volltext" index "$shared/corpus/okfn-de" --db "$db" >/dev/null
"$volltext" serve --db "$db" --port "$port" > "$work/serve.log" 2>&1 &
server=$!
reindexer=""
trap 'kill $server ${reindexer:-} 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done

run() {  # run LABEL CONNECTIONS
    local result
    result=$(wrk -t "$([ "$2" -gt 1 ] && echo 2 || echo 1)" -c "$2" -d "${seconds}s" --latency \
        -s "$here/Scripts/queries.lua" "http://127.0.0.1:$port" | grep RESULT)
    printf '%-22s %3d connections  %s\n' "$1" "$2" "${result#RESULT }"
}

run "idle" 1
run "idle" 64
( while true; do "$volltext" index "$shared/corpus/okfn-de" --db "$db" --rebuild >/dev/null 2>&1 || exit 1; done ) &
reindexer=$!
sleep 0.5
run "during reindex" 1
run "during reindex" 64
kill "$reindexer" 2>/dev/null || true
echo "server log lines with errors: $(grep -ci 'error' "$work/serve.log" || true)"
