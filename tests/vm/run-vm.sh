#!/bin/bash
# tests/vm/run-vm.sh - boot the test VM once (Debian's kernel + our initramfs under qemu TCG),
# run one script in it, and exit with that script's exit status (125: no exit marker seen,
# i.e. timeout, panic or a crash before the script finished).
#
#   TEST=/path/script ARGS=a,b SHARE=/repo OUT=build/vm/x HOSTROOT=1 tests/vm/run-vm.sh
#
# Environment:
#   VM_WORK   where setup.sh/build-initramfs.sh put the kernel and initramfs (/var/tmp/tandem-vm)
#   TEST      script to run inside the VM (its host path in host-root mode)
#   ARGS      comma-separated arguments for TEST (no spaces)
#   SHARE     host directory exported read-write over 9p (tag "host")
#   OUT       results directory relative to SHARE (exit-code, guest.log land there)
#   HOSTROOT  1: also export the host's / read-only; TEST then runs chrooted into it  (1)
#   MEM SMP CPU MACHINE ACCEL   qemu settings  (256, 1, qemu64, pc, tcg,thread=multi,tb-size=64)
#   APPEND    extra kernel command line words
#   TIMEOUT   seconds before the VM is killed   (300)
#   LOG       console log file                  ($VM_WORK/console-$$.log)
#   QUIET     1: only write the console to LOG  (0)
set -uo pipefail
VM_WORK=${VM_WORK:-/var/tmp/tandem-vm}
TEST=${TEST:-/bin/true}
ARGS=${ARGS:-}
HOSTROOT=${HOSTROOT:-1}
MEM=${MEM:-256}
SMP=${SMP:-1}
CPU=${CPU:-qemu64}
# -M pc, not microvm: without an HPET/PM timer microvm sometimes hangs calibrating the TSC
MACHINE=${MACHINE:-pc}
# tb-size caps qemu's translation cache (its RSS otherwise grows towards 1 GiB)
ACCEL=${ACCEL:-tcg,thread=multi,tb-size=64}
TIMEOUT=${TIMEOUT:-300}
LOG=${LOG:-$VM_WORK/console-$$.log}
QUIET=${QUIET:-0}
KERNEL=$VM_WORK/vmlinux
[ -f "$KERNEL" ] || KERNEL=$VM_WORK/vmlinuz

# -nodefaults and no -nic: the guest has no network device; its networks are its namespaces.
args=(
	-M "$MACHINE" -cpu "$CPU" -accel "$ACCEL" -smp "$SMP" -m "$MEM"
	-nodefaults -no-user-config -display none -no-reboot -serial stdio
	-kernel "$KERNEL" -initrd "$VM_WORK/initramfs.cpio.gz"
)
append="console=ttyS0 quiet loglevel=3 panic=-1 oops=panic mitigations=off no_timer_check tsc=reliable"
append+=" tdm_test=$TEST"
[ -n "$ARGS" ] && append+=" tdm_args=$ARGS"
if [ -n "${SHARE:-}" ]; then
	SHARE=$(cd "$SHARE" && pwd)
	args+=(-virtfs "local,path=$SHARE,mount_tag=host,security_model=none,id=host")
	append+=" tdm_share=$SHARE"
	if [ -n "${OUT:-}" ]; then
		append+=" tdm_out=$OUT"
		mkdir -p "$SHARE/$OUT"
		rm -f "$SHARE/$OUT/exit-code" "$SHARE/$OUT/guest.log"
	fi
fi
if [ "$HOSTROOT" = 1 ]; then
	# multidevs=remap: / spans several host file systems; keep inode numbers unique
	args+=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap,id=hostroot")
fi
args+=(-append "$append ${APPEND:-}")

mkdir -p "$(dirname "$LOG")"
start=$(date +%s.%N)
# stdin from /dev/null: CI has none, and qemu must not wait on a terminal
if [ "$QUIET" = 1 ]; then
	timeout -k 5 "$TIMEOUT" qemu-system-x86_64 "${args[@]}" < /dev/null > "$LOG" 2>&1
	qrc=$?
else
	timeout -k 5 "$TIMEOUT" qemu-system-x86_64 "${args[@]}" < /dev/null 2>&1 | tee "$LOG"
	qrc=${PIPESTATUS[0]}
fi
wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
# the serial console ends lines with \r\n
rc=$(tr -d '\r' < "$LOG" | sed -n 's/.*@@TDM-VM-EXIT=\([0-9]*\)@@.*/\1/p' | tail -1)
echo "run-vm: qemu rc=$qrc, ${wall}s, guest exit ${rc:-none}, console $LOG" >&2
if [ -z "$rc" ]; then
	echo "run-vm: no exit marker (timeout ${TIMEOUT}s or guest crash)" >&2
	exit 125
fi
exit "$rc"
