#!/bin/bash
# tests/vm/setup.sh - fetch (never install) the guest kernel and busybox for the IPVS test VM.
#
#   VM_WORK=/var/tmp/tandem-vm tests/vm/setup.sh
#
# Host tools (qemu, cpio, xz, objcopy, ipvsadm) come from tools/deps.sh. Here we only
# `apt-get download` Debian's current linux-image-<abi>-amd64 (found through the
# linux-image-amd64 meta package, because security updates change the ABI name) and
# busybox-static, and unpack them with `dpkg -x` under $VM_WORK. Everything is cached: a second
# run with the same kernel package does no network access and takes well under a second.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VM_WORK=${VM_WORK:-/var/tmp/tandem-vm}
mkdir -p "$VM_WORK/debs"

for tool in qemu-system-x86_64 cpio xz objcopy gzip ipvsadm; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$tool" >/dev/null 2>&1 || {
		bash "$HERE/../../tools/deps.sh"; break; }
done

kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'
}
KPKG=$(kernel_pkg)
if [ -z "$KPKG" ]; then
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	KPKG=$(kernel_pkg)
fi
[ -n "$KPKG" ] || { echo "setup.sh: cannot resolve linux-image-amd64's kernel package" >&2; exit 1; }

# download a package into debs/ unless a .deb of it is already there; one apt-get update and
# a retry if the mirror has moved on (old versions disappear after security updates)
fetch() {
	local p=$1
	ls "$VM_WORK/debs/${p}"_*.deb >/dev/null 2>&1 && return 0
	(cd "$VM_WORK/debs" && apt-get download -q "$p" 2>&1 | grep -v 'Download is performed unsandboxed') || true
	if ! ls "$VM_WORK/debs/${p}"_*.deb >/dev/null 2>&1; then
		apt-get -o DPkg::Lock::Timeout=600 update -qq
		(cd "$VM_WORK/debs" && apt-get download -q "$p" 2>&1 | grep -v 'Download is performed unsandboxed') || true
	fi
	ls "$VM_WORK/debs/${p}"_*.deb >/dev/null 2>&1 || { echo "setup.sh: cannot download $p" >&2; exit 1; }
}
fetch "$KPKG"
fetch busybox-static

# unpack once per .deb (a newer .deb than the marker re-extracts)
unpack() { # deb-glob dest
	local deb
	deb=$(ls "$VM_WORK"/debs/$1 | tail -1)
	if [ ! -f "$2/.done" ] || [ "$2/.done" -ot "$deb" ]; then
		rm -rf "$2"; mkdir -p "$2"
		dpkg -x "$deb" "$2"
		touch "$2/.done"
	fi
}
# a kernel package other than the one unpacked: start that tree afresh
if [ "$(cat "$VM_WORK/kernel-package" 2>/dev/null)" != "$KPKG" ]; then
	rm -rf "$VM_WORK/kroot"
fi
unpack "${KPKG}_*.deb" "$VM_WORK/kroot"
unpack 'busybox-static_*.deb' "$VM_WORK/bbroot"
echo "$KPKG" > "$VM_WORK/kernel-package"
# drop kernel .debs of older ABIs
for d in "$VM_WORK"/debs/linux-image-*.deb; do
	case $d in */"${KPKG}"_*) ;; *) rm -f "$d" ;; esac
done
