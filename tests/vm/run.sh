#!/bin/bash
# tests/vm/run.sh - `make test-vm`: run the guest tests (tests/vm/guest/test_*.sh|py) in the
# IPVS test VM and print one closing line "N passed, N failed[, N skipped]".
#
#   tests/vm/run.sh [test_name ...]        (default: every guest test)
#
# Steps: fetch the kernel and busybox once (setup.sh, cached in $VM_WORK), pack the initramfs
# when its inputs changed (build-initramfs.sh), then boot VM_JOBS VMs in parallel, each running
# a share of the tests (balanced by tests/vm/durations) through guest/runner.sh. The VM sees
# the host's / read-only and this repo read-write at its own path, so it runs the freshly built
# $BUILD/tandemd as it is.
# A test with no result line (VM timeout, panic) counts as failed.
#
# Environment: BUILD (build), VM_WORK (/var/tmp/tandem-vm), VM_JOBS (2), VM_TEST_TIMEOUT
# (seconds per guest test, 180), VM_VERBOSE=1 (print every guest log, not only failures).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-build}
export VM_WORK=${VM_WORK:-/var/tmp/tandem-vm}
VM_JOBS=${VM_JOBS:-2}
VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-180}
VM_VERBOSE=${VM_VERBOSE:-0}
cd "$REPO"

summary() { # passed failed skipped
	local line="$1 passed, $2 failed"
	[ "$3" -gt 0 ] && line+=", $3 skipped"
	echo "$line"
}

mkdir -p "$VM_WORK"
# Other checkouts on this machine may share $VM_WORK: build under an exclusive lock, then keep
# a shared one while our VMs read the kernel and initramfs.
exec 9>"$VM_WORK/.lock"
flock -w 900 9 || { echo "vm: cannot lock $VM_WORK"; summary 0 1 0; exit 1; }
if ! "$HERE/setup.sh" > "$VM_WORK/setup.log" 2>&1; then
	cat "$VM_WORK/setup.log"; echo "vm: setup failed"; summary 0 1 0; exit 1
fi
if ! "$HERE/build-initramfs.sh" > "$VM_WORK/build.log" 2>&1; then
	cat "$VM_WORK/build.log"; echo "vm: initramfs build failed"; summary 0 1 0; exit 1
fi
flock -s 9

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=()
	for f in tests/vm/guest/test_*.sh tests/vm/guest/test_*.py; do
		[ -e "$f" ] && tests+=("$(basename "$f")")
	done
fi
[ ${#tests[@]} -gt 0 ] || { echo "vm: no guest tests"; summary 0 0 0; exit 0; }
for t in "${tests[@]}"; do
	[ -f "tests/vm/guest/$t" ] || { echo "vm: no such guest test: $t"; summary 0 1 0; exit 1; }
done

jobs=$VM_JOBS
[ "$jobs" -gt ${#tests[@]} ] && jobs=${#tests[@]}
[ "$jobs" -lt 1 ] && jobs=1
# Shards balanced by each test's usual duration (tests/vm/durations: "name seconds", from a
# CI run; 20 s for a test not listed): longest first, each to the shard with the least so far.
declare -a shard_tests shard_secs
for ((s = 0; s < jobs; s++)); do shard_secs[$s]=0; done
while read -r secs t; do
	best=0
	for ((s = 1; s < jobs; s++)); do
		[ "${shard_secs[$s]}" -lt "${shard_secs[$best]}" ] && best=$s
	done
	shard_tests[$best]="${shard_tests[$best]:-} $t"
	shard_secs[$best]=$((shard_secs[$best] + secs))
done < <(for t in "${tests[@]}"; do
		secs=$(awk -v t="$t" '$1 == t {print $2; exit}' "$HERE/durations" 2>/dev/null)
		echo "${secs:-20} $t"
	done | sort -k1,1nr -k2)

t0=$(date +%s)
pids=()
for ((s = 0; s < jobs; s++)); do
	out=$BUILD/vm/shard-$s
	rm -rf "$out"; mkdir -p "$out"
	list=(${shard_tests[$s]})
	n=${#list[@]}
	args=$(IFS=,; echo "$BUILD,$VM_TEST_TIMEOUT,${list[*]}")
	TEST=$REPO/tests/vm/guest/runner.sh ARGS=$args SHARE=$REPO OUT=$out HOSTROOT=1 \
		TIMEOUT=$((90 + n * (VM_TEST_TIMEOUT + 15))) QUIET=1 LOG=$REPO/$out/console.log \
		"$HERE/run-vm.sh" 2> "$out/run-vm.err" &
	pids[$s]=$!
done
for ((s = 0; s < jobs; s++)); do
	wait "${pids[$s]}"
	echo $? > "$BUILD/vm/shard-$s/rc"
done

pass=0 fail=0 skip=0
for ((s = 0; s < jobs; s++)); do
	out=$BUILD/vm/shard-$s
	rc=$(cat "$out/rc")
	if [ "$rc" = 125 ]; then
		echo "vm: shard $s: $(cat "$out/run-vm.err")"
		echo "--- last console lines:"; tr -d '\r' < "$out/console.log" | tail -25
	fi
	for t in ${shard_tests[$s]}; do
		v=$(awk -v t="$t" '$2 == t {print $1 " " $3; exit}' "$out/results" 2>/dev/null)
		verdict=${v%% *}
		case $verdict in
		PASS) pass=$((pass + 1)); echo "vm: PASS $t (${v#* }s)" ;;
		SKIP) skip=$((skip + 1)); echo "vm: SKIP $t" ;;
		FAIL) fail=$((fail + 1)); echo "vm: FAIL $t (${v#* }s)" ;;
		*)    fail=$((fail + 1)); verdict=FAIL; echo "vm: FAIL $t (no result: VM exit $rc)" ;;
		esac
		if [ "$verdict" = FAIL ] || [ "$VM_VERBOSE" = 1 ]; then
			# the guest's output for this test, from its "=== name" line to its verdict
			tr -d '\r' < "$out/console.log" | awk -v t="$t" '$0 == "=== " t {p=1} p {print "    " $0} p && index($0, "=== ") == 1 && index($0, " " t " (") {exit}'
		fi
	done
done
echo "vm: ${#tests[@]} tests in $jobs VM(s), $(( $(date +%s) - t0 ))s; logs in $BUILD/vm/"
summary $pass $fail $skip
[ $fail -eq 0 ]
