#!/bin/bash
# tests/bench/sync/run.sh - bulk resync of 100,000 and 1,000,000 connections in the test VM:
# time until a restarted backup's kernel lists all of them, tandem's relay vs the kernel's
# sync threads alone (which never resync: the backup stays empty). One VM per size (Debian
# 6.1 under qemu TCG, 1 vCPU, MEM MiB (default 3072: with 2048 a 1M run lost 0.4% of the connections in the backup kernel), ip_vs.conn_tab_bits=20). See guest.sh for the method.
#
#   BUILD=build SIZES="100000 1000000" RATE=50000 MEM=2048 tests/bench/sync/run.sh
#
# RATE: entries/s at which the injector feeds the master's relay (and, for the kernel-alone
# part, the master's kernel). Prints the RESULT lines and a table.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO"
BUILD=${BUILD:-build}
SIZES=${SIZES:-100000 1000000}
RATE=${RATE:-50000}
MEM=${MEM:-3072}
export VM_WORK=${VM_WORK:-/var/tmp/tandem-vm}
OUT=$BUILD/bench-sync
mkdir -p "$OUT"
make -s -j2 BUILD="$BUILD" all || exit 1
cc -O2 -g -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -I. -o "$OUT/sync_inject" \
	"$HERE/sync_inject.c" "$BUILD/libtandem.a" || exit 1
# calibration: the relay codec benchmark, same binary on the host and in the VM (TCG factor)
cc -O2 -g -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -I. -o "$OUT/bench_relay_codec" \
	tests/bench/relay_codec/bench_relay_codec.c "$BUILD/libtandem.a" $(pkg-config --libs openssl) || exit 1
host_both=$("$OUT/bench_relay_codec" 1000000 1400 0 | sed -n 's/^both .*: *\([0-9.]*\) M.*/\1/p')
echo "host: relay codec both sides on one core: $host_both M entries/s (CPU time)"
tests/vm/setup.sh > "$VM_WORK/setup.log" 2>&1 || { cat "$VM_WORK/setup.log"; exit 1; }
tests/vm/build-initramfs.sh > "$VM_WORK/build.log" 2>&1 || { cat "$VM_WORK/build.log"; exit 1; }
grep -m1 'model name' /proc/cpuinfo | sed 's/^.*: /host cpu: /'
echo "host load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $SIZES; do
	start=$(date +%s)
	LOG="$OUT/console-$n.log" QUIET=1 HOSTROOT=1 SHARE="$REPO" OUT="$OUT/vm-$n" MEM="$MEM" \
		APPEND="ip_vs.conn_tab_bits=20" TIMEOUT=5400 TEST="$REPO/tests/bench/sync/guest.sh" \
		ARGS="$n,$BUILD,$RATE" tests/vm/run-vm.sh
	rc=$?
	echo "size $n: VM rc $rc, $(( $(date +%s) - start )) s wall, host load $(cut -d' ' -f1-3 /proc/loadavg)"
	grep '^RESULT' "$OUT/vm-$n/guest.log" | tee "$OUT/res-$n"
	[ $rc -eq 0 ] || { grep -v '^RESULT' "$OUT/vm-$n/guest.log" | tail -40; }
done
val() { sed -n "s/^RESULT $1 $2 //p" "$OUT/res-$1" | head -1; }
for n in $SIZES; do
	[ -f "$OUT/res-$n" ] || continue
	vm_both=$(val "$n" vm_codec_both_M)
	[ -n "$vm_both" ] && echo "size $n: relay codec in the VM $vm_both M entries/s vs host $host_both: TCG factor $(awk -v h="$host_both" -v v="$vm_both" 'BEGIN{printf "%.1f", h/v}')"
done
printf '\n| connections | relay: restarted backup has all | master relay serving the resync | CPU a / b sync child | kernel alone: backup has, after |\n'
printf '|---|---|---|---|---|\n'
for n in $SIZES; do
	[ -f "$OUT/res-$n" ] || continue
	rs=$(val "$n" a_resync | /usr/bin/python3 -c 'import json,sys
try:
    d = json.loads(sys.stdin.read() or "null"); print("%s entries in %.2f s" % (d["entries"], d["duration"]))
except Exception:
    print("?")')
	kb=$(val "$n" kernel_b_has_after_s)
	all=$(val "$n" relay_until_b_has_all_s); [ -n "$all" ] && all="$all s" || all="not all: $(val "$n" relay_b_has)"
	printf '| %s | %s | %s | %s s / %s s | %s after %s s |\n' "$n" "$all" \
		"$rs" "$(val "$n" a_sync_cpu_s)" "$(val "$n" b_sync_cpu_s)" "${kb#* }" "${kb%% *}"
done
