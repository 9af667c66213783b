#!/bin/bash
# The pure IPVS codec and diff (director/ipvs_msg, ipvs_diff) against the VM's real kernel:
# builds tests/vm/guest/ipvs_msg_probe.c against $BUILD/libtandem.a and runs it (every
# service kind, scheduler flag and forwarding method loaded, dumped back and diffed to zero;
# SET_DEST/SET_SERVICE, timeouts, EEXIST, delete, sync daemon). ipvsadm -Ln shows the table.
. tests/vm/guest/lib.sh
[ -f "$REPO/$BUILD/libtandem.a" ] || skip "$BUILD/libtandem.a not built"
command -v cc >/dev/null || skip "no compiler in the VM"
probe=/tmp/ipvs_msg_probe
log "building the probe"
# shellcheck disable=SC2046
cc -O0 -w -I"$REPO" $(pkg-config --cflags libnl-3.0 libnl-genl-3.0) -o "$probe" \
	tests/vm/guest/ipvs_msg_probe.c "$REPO/$BUILD/libtandem.a" \
	$(pkg-config --libs libnl-3.0 libnl-genl-3.0 libnl-route-3.0 json-c libsystemd openssl libnftables) -lev \
	|| fail "probe build"
log "running the probe"
"$probe" || fail "probe reported failures"
for f in load tun timeout daemon; do echo "--- ipvsadm ($f)"; cat /tmp/ipvs_probe.$f; done
# ipvsadm's independent reading of the loaded table (whitespace squeezed)
expect() { # file line
	tr -s ' ' < "/tmp/ipvs_probe.$1" | sed 's/ *$//' | grep -qxF -- "$2" || fail "ipvsadm ($1) lacks: $2"
}
expect load "TCP 10.0.0.1:80 wrr persistent 300 mask 255.255.255.0"
expect load " -> 10.1.0.1:8080 Masq 3 0 0"
expect load " -> 10.1.0.2:8080 Masq 0 0 0"
expect load "UDP 10.0.0.2:53 sh (sh-fallback,sh-port) ops"
expect load " -> 10.1.0.3:53 Route 1 0 0"
expect load "SCTP 10.0.0.3:9 rr"
expect load "TCP [2001:db8::1]:443 mh (mh-fallback,mh-port)"
expect load " -> 10.1.0.9:443 Tunnel 1 0 0"
expect load "FWM 7 lc persistent 600 mask 255.255.0.0"
expect load "FWM 8 IPv6 wlc"
expect tun " -> 10.1.0.4:9 Tunnel ipip 2 0 0"
expect tun " -> [fd00::3]:443 Tunnel gue:6080:+c 5 0 0"
expect tun " -> [fd00::5]:0 Tunnel gre:-c 1 0 0"
expect timeout "Timeout (tcp tcpfin udp): 901 121 301"
expect daemon "master sync daemon (mcast=lo, syncid=9, maxlen=1400, group=224.0.0.82, port=8849, ttl=2)"
log "ok"
