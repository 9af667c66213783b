#!/bin/bash
# tests/run-integration.sh - run the pytest suites (Debian's python3 + python3-pytest).
#
#   tests/run-integration.sh [DIR...]      (default tests/integration)
#
# Each test gets a time limit (TEST_TIMEOUT s, 120) through pytest-timeout when it is
# installed. "No tests collected" (pytest exit 5) is not a failure. The tests find the
# binaries in $BUILD (build). Last line: "N passed, N failed[, N skipped]"; errors count as
# failed. Exit status non-zero if anything failed.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
cd "$REPO"
export BUILD=${BUILD:-build}
TEST_TIMEOUT=${TEST_TIMEOUT:-120}
PY=/usr/bin/python3
[ $# -eq 0 ] && set -- tests/integration

opts=(-q -rfEs -p no:cacheprovider --durations=15)
if "$PY" -c 'import pytest_timeout' 2>/dev/null; then
	opts+=(--timeout="$TEST_TIMEOUT")
fi

pass=0 fail=0 skip=0 status=0
for dir in "$@"; do
	if [ ! -d "$dir" ] || [ -z "$(find "$dir" -name 'test_*.py' -print -quit)" ]; then
		echo "integration: no tests in $dir"
		continue
	fi
	log=$(mktemp)
	"$PY" -m pytest "${opts[@]}" "$dir" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	# pytest's closing line, e.g. "3 passed, 1 failed, 2 skipped, 1 error in 4.56s"
	last=$(grep -E '^(=+ )?[0-9]+ [a-z]+.* in [0-9.]+s' "$log" | tail -1)
	rm -f "$log"
	num() { sed -n "s/.*\b\([0-9][0-9]*\) $1.*/\1/p" <<<"$last" | head -1; }
	p=$(num passed); f=$(num failed); s=$(num skipped); e=$(num error); xp=$(num xpassed)
	p=${p:-0}; f=${f:-0}; s=${s:-0}; e=${e:-0}
	f=$((f + e))
	case $rc in
	0|1) ;;
	5) echo "integration: $dir: no tests collected" ;;
	*) [ "$f" -eq 0 ] && f=1; echo "integration: pytest exited $rc on $dir" ;;
	esac
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	[ "$f" -gt 0 ] && status=1
done
line="$pass passed, $fail failed"
[ "$skip" -gt 0 ] && line+=", $skip skipped"
echo "$line"
exit $status
