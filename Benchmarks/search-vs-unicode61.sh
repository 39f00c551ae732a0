#!/usr/bin/env bash
# Search latency on the synthetic 50k-post site: the same query mix against
# Volltext's index and against one built with SQLite's unicode61 tokenizer,
# single-threaded, with snippets and facets. Builds the indexes with
# index-benchmark if they are missing.
#
#   Benchmarks/search-vs-unicode61.sh [POSTS] [ROUNDS]   (default: 50000 5)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
size="${1:-50000}"
rounds="${2:-5}"
work="${WORK:-/tmp/volltext-bench}"
mkdir -p "$work"
(cd "$here" && for product in make-site index-benchmark search-benchmark; do swift build -c release --product "$product" >/dev/null; done)
bin="$here/.build/release"
site="$work/site-$size"
[ -d "$site" ] || "$bin/make-site" "$size" "$site" >/dev/null
for tokenizer in german unicode61; do
    index="$work/search-$size-$tokenizer.sqlite"
    [ -f "$index" ] || "$bin/index-benchmark" build "$site" "$index" "$tokenizer" >/dev/null
done
for round in 1 2 3; do
    for tokenizer in german unicode61; do
        echo "$tokenizer $("$bin/search-benchmark" "$work/search-$size-$tokenizer.sqlite" "$rounds")"
    done
done
