#!/usr/bin/env bash
# Index throughput and peak memory: Volltext's German tokenizer against
# SQLite's built-in `unicode61 remove_diacritics 2` on the same synthetic
# sites (the same reading and Markdown extraction, only the tokenizer differs),
# and against the bare reference: SQLite alone inserting the same posts'
# already extracted text with unicode61 (no reading, no parsing: `bare`).
# Alternated, median of ROUNDS runs each; then a no-op reindex and a one-post
# change on the Volltext index. Ratios are also given as the median of each
# round's pair (the runs of a round are back to back, so they see the same
# machine load), in wall and in CPU time.
#
#   Benchmarks/index-vs-unicode61.sh [SIZES] [ROUNDS]   (default: "10000 50000" 3)
#
# Sites are generated from ../shared/corpus/okfn-de into $WORK (default
# /tmp/volltext-bench), never into the repository.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sizes="${1:-10000 50000}"
rounds="${2:-3}"
work="${WORK:-/tmp/volltext-bench}"
mkdir -p "$work"
(cd "$here" && swift build -c release --product make-site >/dev/null && swift build -c release --product index-benchmark >/dev/null)
bin="$here/.build/release"

# median FILE KEY: the median of KEY over the JSON lines of FILE.
median() { python3 -c "import json,sys,statistics; print(statistics.median_low(json.loads(l)['$2'] for l in open('$1')))"; }
field() { python3 -c "import json,sys; print(json.loads(sys.stdin.read())['$1'])"; }

for size in $sizes; do
    site="$work/site-$size"
    [ -d "$site" ] || "$bin/make-site" "$size" "$site" >/dev/null
    : > "$work/german-$size.txt"; : > "$work/unicode61-$size.txt"; : > "$work/bare-$size.txt"
    for round in $(seq "$rounds"); do
        # Rotate which goes first, so that none always meets a cold file cache.
        case $((round % 3)) in
            1) order="german unicode61 bare" ;; 2) order="unicode61 bare german" ;; *) order="bare german unicode61" ;;
        esac
        for tokenizer in $order; do
            if [ "$tokenizer" = bare ]; then
                "$bin/index-benchmark" bare "$site" "$work/index-$size-bare.sqlite" >> "$work/bare-$size.txt"
            else
                "$bin/index-benchmark" build "$site" "$work/index-$size-$tokenizer.sqlite" "$tokenizer" >> "$work/$tokenizer-$size.txt"
            fi
        done
    done
    for tokenizer in german unicode61 bare; do
        results="$work/$tokenizer-$size.txt"
        s=$(median "$results" seconds); peak=$(median "$results" peak_mb)
        pps=$(median "$results" posts_per_s); mbs=$(median "$results" mb_per_s)
        printf '%6d posts  %-9s full build %7.2f s  %6.0f posts/s  %5.2f MB/s  peak %4.0f MB\n' "$size" "$tokenizer" "$s" "$pps" "$mbs" "$peak"
        eval "seconds_$tokenizer=$s"
    done
    python3 -c "print('%6d posts  german/unicode61 build time: %.2fx, german build / bare insert: %.2fx' % ($size, $seconds_german / $seconds_unicode61, $seconds_german / $seconds_bare))"
    python3 - "$work/german-$size.txt" "$work/unicode61-$size.txt" "$work/bare-$size.txt" "$size" <<'EOF'
import json, statistics, sys
german, reference, bare = ([json.loads(line) for line in open(path)] for path in sys.argv[1:4])
for against, label in ((reference, "german/unicode61"), (bare, "german/bare")):
    for key, name in (("seconds", "wall"), ("cpu_seconds", "CPU")):
        ratios = [g[key] / r[key] for g, r in zip(german, against)]
        print("%6s posts  paired %-16s %-4s ratio: median %.2fx of %s" % (
            sys.argv[4], label, name, statistics.median(ratios), " ".join("%.2f" % x for x in ratios)))
EOF
    : > "$work/noop-$size.txt"
    for round in $(seq "$rounds"); do "$bin/index-benchmark" noop "$site" "$work/index-$size-german.sqlite" >> "$work/noop-$size.txt"; done
    noop=$(median "$work/noop-$size.txt" seconds)
    python3 -c "print('%6d posts  no-op reindex %.2f s = %.1f%% of a full build' % ($size, $noop, 100 * $noop / $seconds_german))"
    change=$("$bin/index-benchmark" change-one "$site" "$work/index-$size-german.sqlite")
    echo "$size posts  one changed post: $(echo "$change" | field seconds) s, updated $(echo "$change" | field updated), unchanged $(echo "$change" | field unchanged)"
done
