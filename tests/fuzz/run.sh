#!/bin/bash
# tests/fuzz/run.sh - build and run the libFuzzer targets tests/fuzz/fuzz_*.c.
#
#   tests/fuzz/run.sh smoke            build all, run each for FUZZ_TIME s (12) on its corpus
#   tests/fuzz/run.sh build            build only
#   tests/fuzz/run.sh run NAME SECS    one target for SECS seconds (longer runs, benchmarks)
#
# Build: the project's sources (every .c of lib/ director/ vrrp/ healthcheck/ sync/ snmp/
# except *_main.c, through the Makefile's libtandem.a target) with clang and
# -fsanitize=fuzzer-no-link,address,undefined into $FUZZ_BUILD (build-fuzz); each target is
# linked with -fsanitize=fuzzer,address,undefined. The project's warning flags are kept but
# not -Werror (gcc's build is the warning gate; clang differs in details).
# Run: seeds from tests/fuzz/corpus/<name>/ (read-only, in git), new inputs go to
# tests/fuzz/corpus-run/<name>/ (ignored), crash reproducers to $FUZZ_BUILD/artifacts/.
# Targets run FUZZ_JOBS (2) at a time. A crash, leak, timeout or OOM fails that target.
# Last line: "N passed, N failed" (one per target).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
cd "$REPO"
MODE=${1:-smoke}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_TIME=${FUZZ_TIME:-12}
FUZZ_JOBS=${FUZZ_JOBS:-2}
CLANG=${CLANG:-clang}
SAN=-fsanitize=address,undefined
unset MAKEFLAGS MFLAGS MAKELEVEL

targets=()
for f in tests/fuzz/fuzz_*.c; do [ -e "$f" ] && targets+=("$(basename "$f" .c)"); done
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz: no targets"
	echo "0 passed, 0 failed"
	exit 0
fi

# Ask make for the project's CFLAGS and LDLIBS (one source of truth: the Makefile).
mkvar() {
	make --no-print-directory -s -f Makefile -f <(printf '_fuzz_print:\n\t@echo $(%s)\n' "$1") _fuzz_print
}
cflags=$(mkvar CFLAGS | sed -e 's/-Werror\b//g' -e 's/-O2\b//g')
ldlibs=$(mkvar LDLIBS)
fcflags="-O1 -g -fno-omit-frame-pointer $SAN -fno-sanitize-recover=undefined $cflags"

build() {
	if ! make --no-print-directory -s -j"$FUZZ_JOBS" BUILD="$FUZZ_BUILD" CC="$CLANG" \
		CFLAGS="$fcflags -fsanitize=fuzzer-no-link" "$FUZZ_BUILD/libtandem.a" 2>&1; then
		echo "fuzz: building the project sources with $CLANG failed"
		return 1
	fi
	local t rc=0
	for t in "${targets[@]}"; do
		if [ ! "$FUZZ_BUILD/$t" -nt "tests/fuzz/$t.c" ] || [ ! "$FUZZ_BUILD/$t" -nt "$FUZZ_BUILD/libtandem.a" ]; then
			# shellcheck disable=SC2086
			$CLANG $fcflags -fsanitize=fuzzer -o "$FUZZ_BUILD/$t" "tests/fuzz/$t.c" \
				"$FUZZ_BUILD/libtandem.a" $ldlibs || { echo "fuzz: building $t failed"; rc=1; }
		fi
	done
	return $rc
}

run_one() { # name seconds
	local t=$1 secs=$2 seeds=tests/fuzz/corpus/$1 work=tests/fuzz/corpus-run/$1
	mkdir -p "$work" "$FUZZ_BUILD/artifacts"
	local dirs=("$work")
	[ -d "$seeds" ] || seeds=tests/fuzz/corpus/${1#fuzz_}   # seed dirs are named without fuzz_
	[ -d "$seeds" ] && dirs+=("$seeds")
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	timeout -k 10 $((secs + 120)) "$FUZZ_BUILD/$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$FUZZ_BUILD/artifacts/$t-" "${dirs[@]}" \
		> "$FUZZ_BUILD/$t.log" 2>&1
}

case $MODE in
build)
	build; exit ;;
run)
	name=${2:?target}; secs=${3:-60}
	build || exit 1
	run_one "$name" "$secs"; rc=$?
	tail -20 "$FUZZ_BUILD/$name.log"
	exit $rc ;;
smoke) ;;
*) echo "usage: $0 smoke|build|run NAME SECS" >&2; exit 2 ;;
esac

mkdir -p "$FUZZ_BUILD"
if ! build; then
	echo "0 passed, ${#targets[@]} failed"
	exit 1
fi
pass=0 fail=0
for ((i = 0; i < ${#targets[@]}; i += FUZZ_JOBS)); do
	batch=("${targets[@]:i:FUZZ_JOBS}")
	pids=()
	for t in "${batch[@]}"; do run_one "$t" "$FUZZ_TIME" & pids+=($!); done
	for j in "${!batch[@]}"; do
		t=${batch[$j]}
		wait "${pids[$j]}"; rc=$?
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$FUZZ_BUILD/$t.log" | tail -1)
		if [ $rc -eq 0 ]; then
			pass=$((pass + 1)); echo "fuzz: ok   $t (${execs:-?} runs in ${FUZZ_TIME}s)"
		else
			fail=$((fail + 1)); echo "fuzz: FAIL $t (exit $rc), log $FUZZ_BUILD/$t.log:"
			grep -E 'ERROR|SUMMARY|runtime error|Test unit written|==[0-9]+==' "$FUZZ_BUILD/$t.log" | head -20
			tail -40 "$FUZZ_BUILD/$t.log"
		fi
	done
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
