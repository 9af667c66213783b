#!/bin/bash
# tests/run-unit.sh - run cmocka test binaries and sum their results.
#
#   tests/run-unit.sh BIN...        (make test-unit passes build/tests/test_*)
#
# Per binary it reads cmocka's closing lines "[  PASSED  ] N test(s)." and
# "[  FAILED  ] N test(s)". A binary that crashes, times out (UNIT_TIMEOUT s, 120) or prints no
# summary counts its unfinished tests (at least one) as failed. Last line:
# "N passed, N failed". Exit status non-zero if anything failed.
set -uo pipefail
UNIT_TIMEOUT=${UNIT_TIMEOUT:-120}
unset CMOCKA_MESSAGE_OUTPUT CMOCKA_XML_FILE   # plain stdout format, which we parse
total_pass=0 total_fail=0
for bin in "$@"; do
	[ -x "$bin" ] || { echo "unit: $bin: missing"; total_fail=$((total_fail + 1)); continue; }
	out=$(timeout -k 5 "$UNIT_TIMEOUT" "$bin" 2>&1)
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*/\1/p' <<<"$out" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s).*/\1/p' <<<"$out" | tail -1)
	ran=$(sed -n 's/^\[==========\] Running \([0-9][0-9]*\) test(s)\..*/\1/p' <<<"$out" | head -1)
	ok=$(grep -c '^\[       OK \]' <<<"$out")
	if [ -z "$p" ] && [ -z "$f" ]; then
		# no summary: crashed or hung part-way; what did not report OK failed
		p=$ok
		f=$(( ${ran:-0} - ok ))
		[ "$f" -lt 1 ] && f=1
	fi
	p=${p:-0}; f=${f:-0}
	# a non-zero exit with nothing counted as failed is still a failure (e.g. a crash in
	# teardown after the summary, or an ASan report at exit)
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	if [ "$f" -gt 0 ]; then
		echo "$out"
		case $rc in 124|137) why="timed out after ${UNIT_TIMEOUT}s" ;; *) why="exit $rc" ;; esac
		echo "unit: FAIL $(basename "$bin"): $p passed, $f failed ($why)"
	else
		echo "unit: ok   $(basename "$bin"): $p passed"
	fi
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
