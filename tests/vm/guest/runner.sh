#!/bin/sh
# tests/vm/guest/runner.sh - runs inside the test VM, chrooted into the host's read-only /,
# with the repo mounted read-write at its host path ($tdm_share, set by init).
#
#   runner.sh BUILD PER_TEST_TIMEOUT test_a.sh test_b.py ...
#
# Each test runs in a fresh process with a timeout: test_*.sh with bash, test_*.py with
# Debian's pytest. Exit 0 = pass, 77 = skipped, anything else = fail. Between tests every
# network namespace, extra link and IPVS service is removed so tests cannot see each other.
# One line per test goes to $TDM_OUT/results ("PASS|FAIL|SKIP name seconds"), which the host
# (tests/vm/run.sh) reads; the runner exits non-zero if any test failed.
REPO=${tdm_share:?no share}
BUILD=${1:?build dir}
TMO=${2:?timeout}
shift 2
cd "$REPO" || exit 2
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
TANDEMD=$REPO/$BUILD/tandemd
TANDEMCTL=$REPO/$BUILD/tandemctl
# guest pytest files can `from tandem import *` (the integration fixtures, Tandemd, ...)
PYTHONPATH=$REPO/tests/integration
export PATH REPO BUILD TANDEMD TANDEMCTL PYTHONPATH
RES=${TDM_OUT:-/tmp}/results
: > "$RES"
now() { cut -d' ' -f1 /proc/uptime; }

cleanup() {
	for n in $(ip netns list | cut -d' ' -f1); do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	for l in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
		[ "$l" = lo ] || ip link del "$l" 2>/dev/null
	done
	ipvsadm -C 2>/dev/null
	ipvsadm --stop-daemon master 2>/dev/null
	ipvsadm --stop-daemon backup 2>/dev/null
}

fails=0
for t in "$@"; do
	echo "=== $t"
	t0=$(now)
	case $t in
	*.py) timeout -k 5 "$TMO" /usr/bin/python3 -m pytest -q -p no:cacheprovider "tests/vm/guest/$t" ;;
	*)    timeout -k 5 "$TMO" bash "tests/vm/guest/$t" ;;
	esac
	rc=$?
	secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}')
	case $rc in
	0)  verdict=PASS ;;
	77) verdict=SKIP ;;
	124|137) verdict=FAIL; echo "=== $t timed out after ${TMO}s" ;;
	*)  verdict=FAIL ;;
	esac
	[ $verdict = FAIL ] && fails=$((fails + 1))
	echo "=== $verdict $t (${secs}s, rc $rc)"
	echo "$verdict $t $secs" >> "$RES"
	cleanup
done
sync
[ $fails -eq 0 ]
