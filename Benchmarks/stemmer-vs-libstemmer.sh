#!/usr/bin/env bash
# Stemmer speed, side by side in one run: Volltext's Swift stemmer against the
# Snowball C library (Debian's libstemmer-dev, an older German algorithm: compare
# speed only) on the same word list, each the median of several rounds,
# alternated so that machine noise hits both alike. Needs gcc and libstemmer-dev.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="${VOLLTEXT_SHARED:-$here/../../shared}"
words="$shared/stemmer/snowball-german/voc.txt"
[ -f "$words" ] || { echo "no word list at $words (set VOLLTEXT_SHARED)" >&2; exit 66; }
[ -f /usr/include/libstemmer.h ] || { echo "needs libstemmer-dev: apt-get install -y libstemmer-dev" >&2; exit 69; }

build="$here/.build/stemmer-comparison"
mkdir -p "$build"
gcc -O2 -o "$build/libstemmer-throughput" "$here/Scripts/libstemmer-throughput.c" -lstemmer
(cd "$here" && swift build -c release --product throughput >/dev/null)
swift_bin="$here/.build/release/throughput"

for round in 1 2 3; do
    VOLLTEXT_SHARED="$shared" "$swift_bin" stem 7
    "$build/libstemmer-throughput" "$words" 7
done
