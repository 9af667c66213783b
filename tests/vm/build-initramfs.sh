#!/bin/bash
# tests/vm/build-initramfs.sh - pack the small initramfs the IPVS test VM boots from.
#
#   VM_WORK=/var/tmp/tandem-vm tests/vm/build-initramfs.sh     (after setup.sh)
#
# Contents: busybox-static with one symlink per applet, dash as /bin/sh (busybox's ash would
# run its own `ip` applet instead of iproute2's), iproute2's `ip`, the kernel modules the
# tests need plus everything they depend on (read from each .ko's .modinfo, since the host
# has no kmod), modules.dep made by busybox depmod, and our /init. The tests themselves do
# not live here: the VM mounts the host's / read-only and the repo read-write over 9p and
# runs them chrooted (see init), so rebuilding tandem never requires a new initramfs.
#
# Outputs in $VM_WORK: initramfs.cpio.gz, vmlinuz, and vmlinux (the same kernel uncompressed:
# qemu boots an ELF vmlinux through its PVH entry, which is seconds faster under TCG).
# The result is cached: nothing is rebuilt while the inputs (this script, init, the module
# list, the kernel and busybox packages) are unchanged.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VM_WORK=${VM_WORK:-/var/tmp/tandem-vm}
KROOT=$VM_WORK/kroot
KVER=$(ls "$KROOT/lib/modules")
MODSRC=$KROOT/lib/modules/$KVER
ROOT=$VM_WORK/initramfs-root
BB=$VM_WORK/bbroot/bin/busybox
OUT=$VM_WORK/initramfs.cpio.gz

# Modules loaded at boot (dependencies follow automatically). Missing ones only warn.
MODULES=${MODULES:-"
  crc32c_generic libcrc32c nf_defrag_ipv4 nf_defrag_ipv6 nf_conntrack nf_nat
  ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_mh ip_vs_dh ip_vs_sed ip_vs_nq
  ip_vs_fo ip_vs_ovf ip_vs_lblc ip_vs_lblcr ip_vs_ftp ip_vs_pe_sip
  veth dummy macvlan bridge 8021q ipip ip6_tunnel sch_netem fou ip_gre
  nf_tables nft_ct nft_nat nft_masq nft_chain_nat
  virtio_pci virtio_mmio 9pnet_virtio 9p
"}

stamp=$( { cat "$0" "$HERE/init"; echo "$MODULES"; ls -l "$VM_WORK"/debs; } | md5sum | cut -d' ' -f1)
if [ -f "$OUT" ] && [ -f "$VM_WORK/vmlinuz" ] && [ "$(cat "$VM_WORK/initramfs.stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,dev,proc,sys,tmp,run,mnt,etc,root,lib/x86_64-linux-gnu,lib64}
ln -s bin "$ROOT/sbin"
mkdir -p "$ROOT/usr"
ln -s ../bin "$ROOT/usr/bin"
ln -s ../bin "$ROOT/usr/sbin"
ln -s ../lib "$ROOT/usr/lib"

cp "$BB" "$ROOT/bin/busybox"
for a in $("$BB" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$ROOT/bin/$a"
done

# --- modules: name -> path, then a depth-first walk over the "depends=" fields ---
declare -A KO=() SEEN=()
ORDER=()
while IFS= read -r f; do
	n=${f##*/}; n=${n%.ko}; n=${n//-/_}
	KO[$n]=${f#"$MODSRC/"}
done < <(find "$MODSRC/kernel" -name '*.ko')
depends_of() {
	objcopy -O binary --only-section=.modinfo "$MODSRC/${KO[$1]}" /dev/stdout |
		tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '
}
add_mod() {
	local n=${1//-/_} d
	[ -n "${SEEN[$n]:-}" ] && return 0
	if [ -z "${KO[$n]:-}" ]; then
		echo "build-initramfs: module $n not in $KVER (built in?)" >&2
		SEEN[$n]=builtin
		return 0
	fi
	SEEN[$n]=1
	for d in $(depends_of "$n"); do add_mod "$d"; done
	ORDER+=("$n")
}
for m in $MODULES; do add_mod "$m"; done
for n in "${ORDER[@]}"; do
	install -D -m644 "$MODSRC/${KO[$n]}" "$ROOT/lib/modules/$KVER/${KO[$n]}"
done
cp "$MODSRC"/modules.builtin "$MODSRC"/modules.order "$ROOT/lib/modules/$KVER/" 2>/dev/null || true
"$BB" depmod -b "$ROOT" "$KVER"
# what init loads at boot: the requested names (busybox modprobe resolves their deps)
for m in $MODULES; do
	if [ "${SEEN[${m//-/_}]:-}" = 1 ]; then echo "$m"; fi
done > "$ROOT/etc/boot-modules"

# --- a few dynamic host binaries with the libraries ldd lists ---
add_bin() { # path name-in-/bin  (remove first: cp onto an applet symlink would hit busybox)
	local dst=$ROOT/bin/$2 lib
	rm -f "$dst"
	cp -L "$1" "$dst"
	for lib in $(ldd "$1" | awk '/=> \//{print $3} /^\t\/lib64/{print $1}'); do
		case $lib in
		/lib64/*) cp -L "$lib" "$ROOT/lib64/" ;;
		*) cp -L "$lib" "$ROOT/lib/x86_64-linux-gnu/" ;;
		esac
	done
}
add_bin /usr/sbin/ip ip
add_bin /bin/dash sh

cp "$HERE/init" "$ROOT/init"
chmod 755 "$ROOT/init"
echo "root:x:0:0:root:/root:/bin/sh" > "$ROOT/etc/passwd"
echo "root:x:0:" > "$ROOT/etc/group"

(cd "$ROOT" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cp "$KROOT/boot/vmlinuz-$KVER" "$VM_WORK/vmlinuz"
# The bzImage payload is one xz stream: decompress from its magic (xz ignores what follows).
rm -f "$VM_WORK/vmlinux"
off=$(LC_ALL=C grep -abo $'\xfd7zXZ' "$VM_WORK/vmlinuz" | head -1 | cut -d: -f1)
if [ -n "$off" ]; then
	tail -c +$((off + 1)) "$VM_WORK/vmlinuz" | xz -dcq > "$VM_WORK/vmlinux.tmp" 2>/dev/null || true
	if head -c4 "$VM_WORK/vmlinux.tmp" | grep -q ELF; then
		mv "$VM_WORK/vmlinux.tmp" "$VM_WORK/vmlinux"
	fi
	rm -f "$VM_WORK/vmlinux.tmp"
fi
[ -f "$VM_WORK/vmlinux" ] || echo "build-initramfs: no vmlinux extracted; booting vmlinuz (slower)" >&2
echo "$stamp" > "$VM_WORK/initramfs.stamp"
echo "build-initramfs: ${#ORDER[@]} modules, $(du -h "$OUT" | cut -f1) initramfs for $KVER"
