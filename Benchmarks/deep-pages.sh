#!/usr/bin/env bash
# Deep pages on the synthetic site: broad queries (tens of thousands of
# matches) by date and by relevance at offsets 0 to 10,000, single-threaded,
# median per offset; offset 0 is the reference measured in the same run.
#
#   Benchmarks/deep-pages.sh [POSTS] [ROUNDS]   (default: 50000 5)
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
index="$work/search-$size-german.sqlite"
[ -f "$index" ] || "$bin/index-benchmark" build "$site" "$index" german >/dev/null
for run in 1 2 3; do
    echo "run $run"
    VOLLTEXT_DEEP=1 "$bin/search-benchmark" "$index" "$rounds"
done
