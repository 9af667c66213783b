#!/bin/sh
# tests/bench/ipvs_diff/vm_load_probe.sh - runs in the test VM: vm_load_probe (batched,
# batched with NETLINK_CAP_ACK, one by one) and ipvsadm -R with the same tables.
#
# On the host (BUILD = a build dir with libtandem.a; D = a scratch dir):
#   D=/tmp/ipvs-load; mkdir -p $D; cp tests/bench/ipvs_diff/vm_load_probe.sh $D/run.sh
#   cc -O2 -I. $(pkg-config --cflags libnl-3.0 libnl-genl-3.0) -o $D/vm_load_probe \
#      tests/bench/ipvs_diff/vm_load_probe.c $BUILD/libtandem.a \
#      $(pkg-config --libs libnl-3.0 libnl-genl-3.0 libnl-route-3.0 json-c libsystemd openssl) -lev
#   python3 tests/bench/ipvs_diff/ipvsadm_rules.py $D 10000 100000
#   HOSTROOT=1 SHARE=$D TEST=$D/run.sh WORK=/var/tmp/tandem-vm MEM=1024 TIMEOUT=1800 \
#      tests/vm/run-vm.sh
cd "$(dirname "$0")" || exit 2
t() { date +%s.%N; }
for n in ${SIZES:-10000 100000}; do
	./vm_load_probe "$n" batch; ipvsadm -Ln | grep -c -- '->'; ipvsadm -C
	./vm_load_probe "$n" batch capack; ipvsadm -Ln | grep -c -- '->'; ipvsadm -C
	[ "$n" -le 10000 ] && { ./vm_load_probe "$n"; ipvsadm -C; }
	a=$(t); ipvsadm -R < "rules$n"; b=$(t)
	echo "ipvsadm -R $n: $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.3f", b-a}') s, $(ipvsadm -Ln | grep -c -- '->') lines with ->"
	ipvsadm -C
done
