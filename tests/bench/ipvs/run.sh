#!/bin/bash
# tests/bench/ipvs/run.sh - IPVS figures from the test VM (figures, not pass/fail):
#  - load 1,000 / 10,000 / 100,000 destinations from empty: tandem's batched socket layer vs
#    `ipvsadm -R` with the same table (1,000 destinations per TCP service, DR), same VM, same run;
#  - one weight change with the table loaded: messages sent and time;
#  - a full dump: tandem (dir_ipvs_nl_dump) vs `ipvsadm -Ln`.
# Prints one table. Needs the VM (tests/vm/setup.sh) and a build with libtandem.a.
#
#   BUILD=build SIZES="1000 10000 100000" IPVSADM_MAX=300 tests/bench/ipvs/run.sh
#
# IPVSADM_MAX: seconds `ipvsadm -R` may take per size before it is stopped (it adds one
# service or destination per netlink socket round trip; at 10,000 it already takes tens of
# seconds under TCG).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO"
BUILD=${BUILD:-build}
SIZES=${SIZES:-1000 10000 100000}
IPVSADM_MAX=${IPVSADM_MAX:-300}
export VM_WORK=${VM_WORK:-/var/tmp/tandem-vm}
OUT=$BUILD/bench-ipvs
mkdir -p "$OUT"
make -s BUILD="$BUILD" "$BUILD/libtandem.a" || exit 1
# shellcheck disable=SC2046
cc -O2 -I. $(pkg-config --cflags libnl-3.0 libnl-genl-3.0) -o "$OUT/bench_ipvs" \
	tests/bench/ipvs/bench_ipvs.c "$BUILD/libtandem.a" \
	$(pkg-config --libs libnl-3.0 libnl-genl-3.0 libnl-route-3.0 json-c libsystemd openssl libcurl libnftables) \
	-lev -lnetsnmpagent -lnetsnmp || exit 1
tests/vm/setup.sh > "$VM_WORK/setup.log" 2>&1 || { cat "$VM_WORK/setup.log"; exit 1; }
tests/vm/build-initramfs.sh > "$VM_WORK/build.log" 2>&1 || { cat "$VM_WORK/build.log"; exit 1; }

cat > "$OUT/guest.sh" <<EOF
#!/bin/sh
cd "$REPO/$OUT" || exit 2
t() { date +%s.%N; }
for n in $SIZES; do
	./bench_ipvs \$n rules\$n > res\$n || { echo "bench_ipvs \$n failed"; cat res\$n; exit 1; }
	a=\$(t); ipvsadm -Ln > /dev/null; b=\$(t)
	echo "RESULT ipvsadm_ln_s \$(awk -v a=\$a -v b=\$b 'BEGIN{printf "%.3f", b-a}')" >> res\$n
	ipvsadm -C
	a=\$(t); timeout $IPVSADM_MAX ipvsadm -R < rules\$n; rc=\$?; b=\$(t)
	if [ \$rc = 124 ]; then
		echo "RESULT ipvsadm_r_s >$IPVSADM_MAX (\$(ipvsadm -Ln | grep -c -- '->') loaded)" >> res\$n
	else
		echo "RESULT ipvsadm_r_s \$(awk -v a=\$a -v b=\$b 'BEGIN{printf "%.3f", b-a}')" >> res\$n
	fi
	ipvsadm -C
	cat res\$n
done
EOF
chmod +x "$OUT/guest.sh"
guest="$REPO/$OUT/guest.sh"
LOG="$OUT/console.log" QUIET=1 HOSTROOT=1 SHARE="$REPO" OUT="$OUT/vm" MEM=1024 \
	TIMEOUT=$((600 + 3 * IPVSADM_MAX)) TEST="$guest" tests/vm/run-vm.sh
rc=$?
[ $rc -eq 0 ] || { tail -30 "$OUT/console.log"; echo "bench: VM run failed ($rc)"; exit 1; }

val() { sed -n "s/^RESULT $2 //p" "$OUT/res$1" | head -1; }
printf '\n| destinations | tandem load | msgs / sendmsg | ipvsadm -R | speed-up | one weight: msgs, diff, apply | dump: tandem | ipvsadm -Ln |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for n in $SIZES; do
	tl=$(val "$n" load_s); ir=$(val "$n" ipvsadm_r_s)
	up=$(awk -v a="$tl" -v b="$ir" 'BEGIN{ if (b ~ /^>/) { sub(">","",b); printf "> %.0fx", b/a } else printf "%.0fx", b/a }')
	printf '| %s | %s s | %s / %s | %s s | %s | %s, %s ms, %s ms | %s s | %s s |\n' "$n" "$tl" \
		"$(val "$n" load_msgs)" "$(val "$n" load_sends)" "$ir" "$up" \
		"$(val "$n" one_weight_msgs)" "$(val "$n" one_weight_diff_ms)" \
		"$(val "$n" one_weight_apply_ms)" "$(val "$n" dump_s)" "$(val "$n" ipvsadm_ln_s)"
done
