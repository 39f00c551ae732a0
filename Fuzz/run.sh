#!/usr/bin/env bash
# Builds the libFuzzer targets with AddressSanitizer and runs each for SECONDS
# (default 600), seeded from the real posts in ../shared/corpus.
#   Fuzz/run.sh 600            all three targets
#   Fuzz/run.sh 60 FuzzQuery   one of them
# Findings (crash-*, timeout-*, oom-*) land in Fuzz/findings/TARGET/. Leak checks are off: Foundation keeps
# a few one-time allocations, and TOMLKit 0.6.0 never frees a parsed table (see HugoSite.readConfig).
set -eu
cd "$(dirname "$0")"
seconds=${1:-600}
targets=${2:-"FuzzAnalyzer FuzzSiteReader FuzzQuery"}
shared=${VOLLTEXT_SHARED:-../../shared}
# SwiftPM's --sanitize instruments the root package's targets only; the same
# flags through -Xswiftc instrument every module, so the Volltext modules (a
# dependency here) get ASan checks and libFuzzer's coverage counters, and the
# fuzzers steer by what they reach in the library code.
flags=(--scratch-path .build-fuzz -c release --sanitize=fuzzer --sanitize=address
       -Xswiftc -sanitize=address -Xswiftc -sanitize=fuzzer)
swift build "${flags[@]}" 2>&1 | tail -1
bin=$(swift build "${flags[@]}" --show-bin-path)
run() {
    local target=$1 corpus=corpus/$1 findings=findings/$1
    mkdir -p "$corpus" "$findings"
    if [ -z "$(ls -A "$corpus")" ] && [ -d "$shared/corpus" ]; then
        case $target in
            FuzzQuery) # titles and first lines of real posts make realistic queries
                find "$shared/corpus" -name '*.md' -o -name '*.markdown' | head -400 | while read -r f; do
                    grep -m1 '^title:' "$f" | cut -c8- > "$corpus/$(basename "$f").q" || true; done ;;
            *) find "$shared/corpus" \( -name '*.md' -o -name '*.markdown' \) -size -64k | head -600 | while read -r f; do
                    cp "$f" "$corpus/$(echo "$f" | md5sum | cut -c1-16)"; done ;;
        esac
    fi
    echo "== $target for ${seconds}s"
    ASAN_OPTIONS=detect_leaks=0 "$bin/$target" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -detect_leaks=0 \
        -artifact_prefix="$findings/" -print_final_stats=1 2>&1 | grep -E '^(#[0-9]+[[:space:]]+DONE|stat::|==[0-9]+==ERROR|SUMMARY|Done)' || true
    ls "$findings" | head
}
# One process each, side by side: each gets its time, whatever the others do.
for target in $targets; do run "$target" > "findings-$target.log" 2>&1 & done
wait
cat findings-*.log
