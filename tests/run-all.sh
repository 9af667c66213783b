#!/bin/bash
# tests/run-all.sh - what `make test` runs (after `make deps`): every suite, one closing line.
#
#   build (make all + unit binaries) -> unit -> ASan/UBSan unit (make asan) -> fuzz smoke ->
#   integration (tests/integration, then tests/interop if it has tests) -> VM (tests/vm)
#
# Each suite's output is shown and kept in $BUILD/test-logs/<suite>.log; its own closing line
# "N passed, N failed[, N skipped]" is added up. A suite that fails without counting a failure
# (a build error, a crashed runner) counts as one failure. The last line printed is exactly
# "N passed, N failed" (", N skipped" when some were skipped); exit status 1 if anything failed.
# SKIP_SUITES="asan fuzz vm" leaves suites out (for quick local runs; CI runs all).
# Build dirs: BUILD (build), ASAN_BUILD (build-asan), FUZZ_BUILD (build-fuzz).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
cd "$REPO"
export BUILD=${BUILD:-build}
ASAN_BUILD=${ASAN_BUILD:-build-asan}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
SKIP_SUITES=${SKIP_SUITES:-}
# sub-makes get their settings explicitly, not through the parent make's environment
unset MAKEFLAGS MFLAGS MAKELEVEL
LOGS=$BUILD/test-logs
mkdir -p "$LOGS"
T0=$(date +%s)
P=0 F=0 S=0
report=()

# suite NAME COMMAND... : run, show, log, and add up its closing line
suite() {
	local name=$1 t rc last p f s; shift
	case " $SKIP_SUITES " in *" $name "*) report+=("$name: skipped by SKIP_SUITES"); return 0 ;; esac
	t=$(date +%s)
	echo "==== $name: $*"
	"$@" 2>&1 | tee "$LOGS/$name.log"
	rc=${PIPESTATUS[0]}
	last=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$LOGS/$name.log" | tail -1)
	p=$(sed -n 's/.*\b\([0-9][0-9]*\) passed.*/\1/p' <<<"$last"); p=${p:-0}
	f=$(sed -n 's/.*\b\([0-9][0-9]*\) failed.*/\1/p' <<<"$last"); f=${f:-0}
	s=$(sed -n 's/.*\b\([0-9][0-9]*\) skipped.*/\1/p' <<<"$last"); s=${s:-0}
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	P=$((P + p)); F=$((F + f)); S=$((S + s))
	report+=("$(printf '%-12s %4d passed, %d failed, %d skipped  (%ds, exit %d)' "$name:" "$p" "$f" "$s" $(( $(date +%s) - t )) "$rc")")
	return "$rc"
}

build_all() {
	make --no-print-directory -j"$JOBS" BUILD="$BUILD" all unit-bins || { echo "build failed"; echo "0 passed, 1 failed"; return 1; }
	echo "build ok: $BUILD/tandemd $BUILD/tandemctl, $(ls "$BUILD"/tests/test_* 2>/dev/null | wc -l) unit binaries"
}
unit() { bash tests/run-unit.sh $(ls "$1"/tests/test_* 2>/dev/null | grep -v '\.d$'); }
asan_all() {
	make --no-print-directory -j"$JOBS" ASAN_BUILD="$ASAN_BUILD" asan ||
		{ echo "asan build failed"; echo "0 passed, 1 failed"; return 1; }
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		unit "$ASAN_BUILD"
}

if suite build build_all; then
	suite unit unit "$BUILD"
	suite asan asan_all
	suite fuzz bash tests/fuzz/run.sh smoke
	suite integration bash tests/run-integration.sh tests/integration
	if [ -n "$(find tests/interop -name 'test_*.py' -print -quit 2>/dev/null)" ]; then
		suite interop bash tests/run-integration.sh tests/interop
	fi
	suite vm env BUILD="$BUILD" bash tests/vm/run.sh
fi

echo "==== summary ($(( $(date +%s) - T0 ))s)"
printf '%s\n' "${report[@]}"
line="$P passed, $F failed"
[ "$S" -gt 0 ] && line+=", $S skipped"
echo "$line"
[ "$F" -eq 0 ]
