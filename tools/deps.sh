#!/bin/bash
# tools/deps.sh - install every build, test and run dependency of tandem from Debian packages.
# Used by `make deps` (and so by `make test`, `make demo` and .ci/run).
#
# Idempotent and quiet: it asks dpkg which packages are missing and only then runs
# `apt-get update` + `apt-get install`. A dpkg lock held by another apt run is waited for
# (up to 10 minutes). Runs as root, or through sudo when not root and sudo exists.
# The VM kernel and guest userland are NOT fetched here: tests/vm/setup.sh does that on demand.
set -euo pipefail

PKGS=(
	# build
	build-essential pkg-config make gcc clang libclang-rt-14-dev
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libssl-dev libcurl4-openssl-dev libc-ares-dev
	libsnmp-dev libev-dev libjson-c-dev libsystemd-dev libcmocka-dev libmicrohttpd-dev
	libnftables-dev libpcre2-dev
	# run
	iproute2 procps psmisc util-linux snmpd snmp
	# test: FULLNAT in the VM (the guest runs the host's nft)
	nftables
	# test: unit/integration/interop
	python3 python3-pytest python3-pytest-timeout keepalived ipvsadm iputils-ping
	busybox\|busybox-static
	tcpdump valgrind
	# benchmarks: CPU hog of tests/bench/failover
	stress-ng
	# test: SNMP and metrics (tests/integration/test_snmp_*.py, test_metrics.py)
	snmptrapd smitools python3-prometheus-client
	# test: the IPVS VM (tests/vm/)
	qemu-system-x86 cpio gzip xz-utils binutils
)

installed() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'; }
missing=()
for p in "${PKGS[@]}"; do
	# "a|b": either will do (a is installed when neither is)
	ok=0
	for alt in ${p//|/ }; do installed "$alt" && { ok=1; break; }; done
	[ $ok = 1 ] || missing+=("${p%%|*}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=(sudo)
	else
		echo "deps.sh: missing packages (${missing[*]}) and not root (no sudo either)" >&2
		exit 1
	fi
fi

echo "deps.sh: installing ${missing[*]}"
APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" install -y -qq \
	--no-install-recommends "${missing[@]}" </dev/null
echo "deps.sh: done"
