#!/usr/bin/env bash
# The test suite under AddressSanitizer and ThreadSanitizer, each in a build
# folder of its own. Leak checking is off: the leaks LSan reports are in
# XCTest and TOMLKit's parsed tables, outside Volltext's code; any memory error
# or data race fails the run.
#
#   Scripts/sanitizers.sh [address|thread]…   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
for sanitizer in "${@:-address thread}"; do
    for one in $sanitizer; do
        echo "== $one"
        ASAN_OPTIONS=detect_leaks=0 TSAN_OPTIONS=halt_on_error=1 \
            swift test --sanitize="$one" --scratch-path ".build-$one"
    done
done
