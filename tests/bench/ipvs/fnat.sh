#!/bin/bash
# tests/bench/ipvs/fnat.sh - FULLNAT figures from the test VM (figures, not pass/fail): the
# time and CPU that tandem's nftables table costs for N FNAT real servers (1,000 per service)
# at start, restart, a reload changing one real server, and stop (bench_fnat.c), in a fresh
# network namespace of the VM's kernel. Prints one table.
#
#   BUILD=build SIZES="1000 10000 100000" tests/bench/ipvs/fnat.sh
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO"
BUILD=${BUILD:-build}
SIZES=${SIZES:-1000 10000 100000}
export VM_WORK=${VM_WORK:-/var/tmp/tandem-vm}
OUT=$BUILD/bench-fnat
mkdir -p "$OUT"
make -s BUILD="$BUILD" "$BUILD/libtandem.a" || exit 1
# shellcheck disable=SC2046
cc -O2 -I. -o "$OUT/bench_fnat" tests/bench/ipvs/bench_fnat.c "$BUILD/libtandem.a" \
	$(pkg-config --libs libnftables) || exit 1
tests/vm/setup.sh > "$VM_WORK/setup.log" 2>&1 || { cat "$VM_WORK/setup.log"; exit 1; }
tests/vm/build-initramfs.sh > "$VM_WORK/build.log" 2>&1 || { cat "$VM_WORK/build.log"; exit 1; }
cat > "$OUT/guest.sh" <<EOF2
#!/bin/sh
cd "$REPO/$OUT" || exit 2
ip netns add bfn || exit 2
for n in $SIZES; do
	ip netns exec bfn ./bench_fnat \$n > res\$n || { echo "bench_fnat \$n failed"; cat res\$n; exit 1; }
	cat res\$n
done
EOF2
chmod +x "$OUT/guest.sh"
guest="$REPO/$OUT/guest.sh"
LOG="$OUT/console.log" QUIET=1 HOSTROOT=1 SHARE="$REPO" OUT="$OUT/vm" MEM=1024 TIMEOUT=900 \
	TEST="$guest" tests/vm/run-vm.sh
rc=$?
[ $rc -eq 0 ] || { tail -30 "$OUT/console.log"; echo "bench: VM run failed ($rc)"; exit 1; }
val() { sed -n "s/^RESULT $2 //p" "$OUT/res$1" | head -1; }
printf '\n| FNAT real servers | rules | script | build (CPU) | start | restart | reload, one changed | stop |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for n in $SIZES; do
	printf '| %s | %s | %s KiB | %s ms (%s) |' "$n" "$(val "$n" rules)" \
		"$(( $(val "$n" script_bytes) / 1024 ))" "$(val "$n" build_ms)" "$(val "$n" build_cpu_ms)"
	for s in start restart reload_one stop; do
		printf ' %s ms (CPU %s) |' "$(val "$n" ${s}_ms)" "$(val "$n" ${s}_cpu_ms)"
	done
	echo
done
