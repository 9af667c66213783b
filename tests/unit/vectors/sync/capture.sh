#!/bin/bash
# capture kernel IPVS sync messages (v1 then v0) for tandem's codec test vectors
D=$(dirname $0)
OUT=$D/out; mkdir -p $OUT; rm -f $OUT/*
set -x
for n in cl dir rs1; do ip netns add $n; ip -n $n link set lo up; done
veth() { ip link add "$2" type veth peer name "$5"; ip link set "$2" netns "$1"; ip link set "$5" netns "$4"; ip -n $1 link set $2 up; ip -n $4 link set $5 up; }
veth cl c0 x dir d0 x
veth dir d1 x rs1 r0 x
ip -n cl addr add 10.0.1.2/24 dev c0; ip -n cl addr add fd01::2/64 dev c0 nodad
ip -n dir addr add 10.0.1.1/24 dev d0; ip -n dir addr add fd01::1/64 dev d0 nodad
ip -n dir addr add 10.0.2.1/24 dev d1; ip -n dir addr add fd02::1/64 dev d1 nodad
ip -n rs1 addr add 10.0.2.2/24 dev r0; ip -n rs1 addr add fd02::2/64 dev r0 nodad
ip -n dir addr add 10.0.1.100/32 dev d0; ip -n dir addr add fd01::100/128 dev d0 nodad
ip -n rs1 addr add 10.0.1.100/32 dev lo
ip -n cl route add default via 10.0.1.1; ip -n cl -6 route add default via fd01::1
ip -n rs1 route add default via 10.0.2.1; ip -n rs1 -6 route add default via fd02::1
ip netns exec dir sysctl -qw net.ipv4.ip_forward=1
ip netns exec dir sysctl -qw net.ipv6.conf.all.forwarding=1
ip netns exec rs1 sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
ip -n dir link add sync0 type dummy
ip -n dir link set sync0 multicast on up
ip -n dir addr add 169.254.77.1/32 dev sync0
ip netns exec dir ipvsadm -A -t 10.0.1.100:80 -s rr
ip netns exec dir ipvsadm -a -t 10.0.1.100:80 -r 10.0.2.2:80 -m
ip netns exec dir ipvsadm -A -t 10.0.1.100:81 -s rr -p 60
ip netns exec dir ipvsadm -a -t 10.0.1.100:81 -r 10.0.2.2:80 -m
ip netns exec dir ipvsadm -A -t 10.0.1.100:82 -s rr
ip netns exec dir ipvsadm -a -t 10.0.1.100:82 -r 10.0.2.2:82 -g
ip netns exec dir ipvsadm -A -t [fd01::100]:80 -s rr
ip netns exec dir ipvsadm -a -t [fd01::100]:80 -r [fd02::2]:80 -m
ip netns exec dir ipvsadm -A -u 10.0.1.100:53 -s rr
ip netns exec dir ipvsadm -a -u 10.0.1.100:53 -r 10.0.2.2:53 -m
ip netns exec dir ipvsadm --start-daemon master --mcast-interface sync0 --syncid 7
mkdir -p /tmp/www && echo hi > /tmp/www/index.html
ip netns exec rs1 /usr/bin/python3 -m http.server --bind :: -d /tmp/www 80 >/dev/null 2>&1 &
ip netns exec rs1 /usr/bin/python3 -m http.server --bind 0.0.0.0 -d /tmp/www 82 >/dev/null 2>&1 &
sleep 2
STOP=/tmp/sniff.stop; TAG=/tmp/sniff.tag; rm -f $STOP
ip netns exec dir /usr/bin/python3 $D/sniff.py sync0 $OUT/msgs.txt $STOP $TAG & SP=$!
sleep 1
get() { ip netns exec cl /usr/bin/python3 -c "import urllib.request;urllib.request.urlopen('$1',timeout=5).read()" || echo "GET $1 failed"; }
round() {
echo "$1-nat4" > $TAG
for i in 1 2 3; do get http://10.0.1.100/; done; sleep 3
echo "$1-persist" > $TAG
for i in 1 2 3; do get http://10.0.1.100:81/; done; sleep 3
echo "$1-dr" > $TAG
for i in 1 2; do get http://10.0.1.100:82/; done; sleep 3
echo "$1-udp" > $TAG
ip netns exec cl /usr/bin/python3 -c "
import socket
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
for i in range(6): s.sendto(b'x'*20,('10.0.1.100',53))" ; sleep 3
}
round v1
echo "v1-nat6" > $TAG
for i in 1 2 3; do get 'http://[fd01::100]/'; done; sleep 3
ip netns exec dir ipvsadm -Lnc
ip netns exec dir sysctl -w net.ipv4.vs.sync_version=0
round v0
sleep 1
touch $STOP; wait $SP
ip netns exec dir ipvsadm -Lnc > $OUT/conns.txt
cat /proc/net/ip_vs_conn_sync >/dev/null 2>&1
wc -l $OUT/msgs.txt
exit 0
