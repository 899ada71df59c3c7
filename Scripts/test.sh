#!/usr/bin/env bash
# The README's test command: set up, build (warnings are errors), check layering, run every test.
# Extra arguments go to `swift test` (e.g. --filter XMLTests).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
Scripts/check-layering.sh
swift build --build-tests
set +e
swift test --skip-build "$@" > .build/test-output.txt 2>&1
status=$?
set -e
# Print everything but the per-test "started"/"passed" chatter; failures and the closing line stay.
grep -vE '^(◇ Test|◇ Suite|✔ Test [^r]|✔ Test r[^u]|✔ Suite|↳ )' .build/test-output.txt || true
exit $status
