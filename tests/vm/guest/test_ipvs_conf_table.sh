#!/bin/bash
# Every IPVS setting of the config reaches the VM's kernel exactly as configured, read back
# by ipvsadm (an independent reader): each scheduler the kernel has (rr wrr lc wlc lblc lblcr
# dh sh sed nq fo ovf mh), scheduler flags (sh-*, mh-*, flag-N), ops, persistence_timeout
# (with and without a value), persistence_granularity (IPv4 mask, IPv6 prefix),
# persistence_engine sip, the methods
# NAT DR TUN (ipip, gue with port and csum, gre) and FNAT (Masq in IPVS), weights,
# uthreshold/lthreshold, TCP/UDP/SCTP, IPv6, fwmark services (ip_family inet6 too), a
# virtual_server_group with an address range and a fwmark, and lvs_flush (a foreign service
# made before the start is gone).
. tests/vm/guest/lib.sh
need_tandemd
[ -x "$TANDEMCTL" ] || skip "$TANDEMCTL not built"
sock=/run/tct.sock
conf=/tmp/tct.conf
C() { "$TANDEMCTL" --control "$sock" "$@"; }
D() { ip netns exec tct-dir "$@"; }
newns tct-dir
D ipvsadm -A -t 192.0.2.99:80 -s rr || fail "ipvsadm -A"

scheds="rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh"
{
	echo "global_defs {"
	echo "    lvs_flush"
	echo "}"
	p=80
	for s in $scheds; do
		echo "virtual_server 10.0.0.1 $p {"
		echo "    lb_algo $s"
		echo "    protocol TCP"
		echo "    real_server 10.1.0.1 $p {"
		echo "        weight 3"
		echo "    }"
		echo "}"
		p=$((p + 1))
	done
	cat <<'EOF2'
virtual_server 10.0.0.2 80 {
    lb_algo sh
    sh-fallback
    sh-port
    protocol TCP
    real_server 10.1.0.2 80 {
    }
}
virtual_server 10.0.0.2 81 {
    lb_algo mh
    mh-fallback
    mh-port
    protocol TCP
    real_server 10.1.0.2 81 {
    }
}
virtual_server 10.0.0.2 82 {
    lb_algo rr
    flag-1
    flag-3
    protocol TCP
    real_server 10.1.0.2 82 {
    }
}
virtual_server 10.0.0.2 53 {
    lb_algo rr
    ops
    protocol UDP
    real_server 10.1.0.2 53 {
    }
}
virtual_server 10.0.0.3 80 {
    lb_algo rr
    protocol TCP
    persistence_timeout 120
    persistence_granularity 255.255.0.0
    real_server 10.1.0.3 80 {
    }
}
virtual_server 10.0.0.3 81 {
    lb_algo rr
    protocol TCP
    persistence_timeout
    real_server 10.1.0.3 81 {
    }
}
virtual_server 2001:db8::3 80 {
    lb_algo rr
    protocol TCP
    persistence_timeout 30
    persistence_granularity 64
    real_server 2001:db8:1::3 80 {
    }
}
virtual_server 10.0.0.4 80 {
    lb_algo wrr
    lb_kind DR
    protocol TCP
    real_server 10.1.0.4 80 {
        weight 5
        uthreshold 100
        lthreshold 10
    }
    real_server 10.1.0.5 80 {
        lvs_method NAT
        weight 0
    }
}
virtual_server 10.0.0.4 81 {
    lb_algo rr
    lb_kind TUN
    protocol TCP
    real_server 10.1.0.4 81 {
    }
    real_server 10.1.0.5 81 {
        lvs_method TUN type gue port 6080 csum
    }
    real_server 10.1.0.6 81 {
        lvs_method TUN type gre
    }
}
virtual_server 10.0.0.4 82 {
    lb_algo rr
    lb_kind FNAT
    protocol TCP
    real_server 10.1.0.4 82 {
    }
}
virtual_server 10.0.0.6 5060 {
    lb_algo rr
    protocol UDP
    persistence_timeout 60
    persistence_engine sip
    real_server 10.1.0.10 5060 {
    }
}
virtual_server 10.0.0.5 9 {
    lb_algo rr
    protocol SCTP
    real_server 10.1.0.7 9 {
    }
}
virtual_server fwmark 5 {
    lb_algo lc
    lb_kind DR
    real_server 10.1.0.8 0 {
    }
}
virtual_server fwmark 6 {
    ip_family inet6
    lb_algo rr
    lb_kind DR
    real_server 2001:db8:1::8 0 {
    }
}
virtual_server_group g1 {
    10.0.0.10-12 80
    fwmark 7
}
virtual_server group g1 {
    lb_algo wlc
    lb_kind DR
    protocol TCP
    real_server 10.1.0.9 80 {
        weight 2
    }
}
EOF2
} > "$conf"
ip netns exec tct-dir "$TANDEMD" -n -l -f "$conf" -p /run/tct.pid --control "$sock" > /tmp/tct.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
wait_for 30 C ping || { cat /tmp/tct.log; fail "tandemd did not answer"; }
wait_for 20 sh -c "grep -q '\"type\":\"ipvs.apply\",\"reason\":\"start\"' /tmp/tct.log" ||
	{ cat /tmp/tct.log; fail "no start apply"; }
grep -q '"type":"ipvs.apply","reason":"start","ok":true' /tmp/tct.log ||
	{ grep '"type":"ipvs.apply"' /tmp/tct.log; fail "the start apply was not ok"; }
D ipvsadm -Ln > /tmp/tct.ln
D ipvsadm -Ln --tun-info > /tmp/tct.tun
D ipvsadm -Ln --thresholds > /tmp/tct.thr
cat > /tmp/tct.want <<'EOF2'
TCP 10.0.0.1:80 rr
  -> 10.1.0.1:80 Masq 3 0 0
TCP 10.0.0.1:81 wrr
  -> 10.1.0.1:81 Masq 3 0 0
TCP 10.0.0.1:82 lc
  -> 10.1.0.1:82 Masq 3 0 0
TCP 10.0.0.1:83 wlc
  -> 10.1.0.1:83 Masq 3 0 0
TCP 10.0.0.1:84 lblc
  -> 10.1.0.1:84 Masq 3 0 0
TCP 10.0.0.1:85 lblcr
  -> 10.1.0.1:85 Masq 3 0 0
TCP 10.0.0.1:86 dh
  -> 10.1.0.1:86 Masq 3 0 0
TCP 10.0.0.1:87 sh
  -> 10.1.0.1:87 Masq 3 0 0
TCP 10.0.0.1:88 sed
  -> 10.1.0.1:88 Masq 3 0 0
TCP 10.0.0.1:89 nq
  -> 10.1.0.1:89 Masq 3 0 0
TCP 10.0.0.1:90 fo
  -> 10.1.0.1:90 Masq 3 0 0
TCP 10.0.0.1:91 ovf
  -> 10.1.0.1:91 Masq 3 0 0
TCP 10.0.0.1:92 mh
  -> 10.1.0.1:92 Masq 3 0 0
TCP 10.0.0.2:80 sh (sh-fallback,sh-port)
  -> 10.1.0.2:80 Masq 1 0 0
TCP 10.0.0.2:81 mh (mh-fallback,mh-port)
  -> 10.1.0.2:81 Masq 1 0 0
TCP 10.0.0.2:82 rr (flag-1,flag-3)
  -> 10.1.0.2:82 Masq 1 0 0
TCP 10.0.0.3:80 rr persistent 120 mask 255.255.0.0
  -> 10.1.0.3:80 Masq 1 0 0
TCP 10.0.0.3:81 rr persistent 360
  -> 10.1.0.3:81 Masq 1 0 0
TCP 10.0.0.4:80 wrr
  -> 10.1.0.4:80 Route 5 0 0
  -> 10.1.0.5:80 Masq 0 0 0
TCP 10.0.0.4:81 rr
  -> 10.1.0.4:81 Tunnel 1 0 0
  -> 10.1.0.5:81 Tunnel 1 0 0
  -> 10.1.0.6:81 Tunnel 1 0 0
TCP 10.0.0.4:82 rr
  -> 10.1.0.4:82 Masq 1 0 0
TCP 10.0.0.10:80 wlc
  -> 10.1.0.9:80 Route 2 0 0
TCP 10.0.0.11:80 wlc
  -> 10.1.0.9:80 Route 2 0 0
TCP 10.0.0.12:80 wlc
  -> 10.1.0.9:80 Route 2 0 0
UDP 10.0.0.2:53 rr ops
  -> 10.1.0.2:53 Masq 1 0 0
SCTP 10.0.0.5:9 rr
  -> 10.1.0.7:9 Masq 1 0 0
UDP 10.0.0.6:5060 rr persistent 60 pe sip
  -> 10.1.0.10:5060 Masq 1 0 0
TCP [2001:db8::3]:80 rr persistent 30 mask 64
  -> [2001:db8:1::3]:80 Masq 1 0 0
FWM 5 lc
  -> 10.1.0.8:0 Route 1 0 0
FWM 6 IPv6 rr
  -> [2001:db8:1::8]:0 Route 1 0 0
FWM 7 wlc
  -> 10.1.0.9:80 Route 2 0 0
EOF2
# the same set of services, each with the same destinations (ipvsadm's order is the
# kernel's hash order, which depends on the namespace)
blocks() { # file: one line per service "SVC | DEST | DEST ..." with single spaces, sorted
	python3 - "$1" <<'PY'
import sys
blocks, cur = [], None
for line in open(sys.argv[1]):
    line = " ".join(line.split())
    if line.startswith(("TCP ", "UDP ", "SCTP ", "FWM ")):
        cur = [line]
        blocks.append(cur)
    elif line.startswith("-> ") and cur is not None and not line.startswith("-> RemoteAddress"):
        cur.append(line)
for b in sorted(" | ".join([b[0]] + sorted(b[1:])) for b in blocks):
    print(b)
PY
}
blocks /tmp/tct.want > /tmp/tct.want.b
blocks /tmp/tct.ln > /tmp/tct.ln.b
diff -u /tmp/tct.want.b /tmp/tct.ln.b || { cat /tmp/tct.ln; fail "ipvsadm -Ln differs from the config"; }
log "ipvsadm -Ln: $(wc -l < /tmp/tct.ln.b) services exactly as configured; the foreign one flushed"
norm() { tr -s ' ' < "$1"; }
norm /tmp/tct.tun | grep -qF -- "-> 10.1.0.4:81 Tunnel ipip 1 0 0" || fail "--tun-info: ipip"
norm /tmp/tct.tun | grep -qF -- "-> 10.1.0.5:81 Tunnel gue:6080:+c 1 0 0" || fail "--tun-info: gue port 6080 csum"
norm /tmp/tct.tun | grep -qF -- "-> 10.1.0.6:81 Tunnel gre:-c 1 0 0" || fail "--tun-info: gre"
norm /tmp/tct.thr | grep -qF -- "-> 10.1.0.4:80 100 10 0 0" || { cat /tmp/tct.thr; fail "--thresholds: 100 10"; }
grep -q "192.0.2.99" /tmp/tct.ln && fail "lvs_flush left the foreign service"

kill -TERM "$pid"
rc=0; wait_exit "$pid" 15 || rc=$?
trap - EXIT
[ $rc -eq 0 ] || { cat /tmp/tct.log; fail "tandemd exited $rc"; }
[ -z "$(D ipvsadm -Ln | grep -E '^(TCP|UDP|SCTP|FWM)')" ] || fail "stop left services"
grep -E "Sanitizer|runtime error|exited [1-9]|killed by" /tmp/tct.log && { cat /tmp/tct.log; fail "sanitizer report or a child failure in the log"; }
log "ok"
