#!/bin/bash
# capture kernel IPVS sync v1 messages for an IPv6 persistent service (IPv6 templates, 72-byte
# entries with the TEMPLATE flag) and an IPv6 UDP service, as a second set of codec vectors
# (kernel-6.1-capture-v6tpl.txt); run like capture.sh (README.md). Output: out/msgs-v6tpl.txt
D=$(dirname $0)
OUT=$D/out; mkdir -p $OUT; rm -f $OUT/msgs-v6tpl.txt
set -x
for n in cl dir rs1; do ip netns add $n; ip -n $n link set lo up; done
veth() { ip link add "$2" type veth peer name "$5"; ip link set "$2" netns "$1"; ip link set "$5" netns "$4"; ip -n $1 link set $2 up; ip -n $4 link set $5 up; }
veth cl c0 x dir d0 x
veth dir d1 x rs1 r0 x
ip -n cl addr add fd01::2/64 dev c0 nodad
ip -n dir addr add fd01::1/64 dev d0 nodad
ip -n dir addr add fd02::1/64 dev d1 nodad
ip -n rs1 addr add fd02::2/64 dev r0 nodad
ip -n dir addr add fd01::100/128 dev d0 nodad
ip -n cl -6 route add default via fd01::1
ip -n rs1 -6 route add default via fd02::1
ip netns exec dir sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n dir link add sync0 type dummy
ip -n dir link set sync0 multicast on up
ip -n dir addr add 169.254.77.1/32 dev sync0
ip netns exec dir ipvsadm -A -t [fd01::100]:81 -s rr -p 60
ip netns exec dir ipvsadm -a -t [fd01::100]:81 -r [fd02::2]:80 -m
ip netns exec dir ipvsadm -A -u [fd01::100]:53 -s rr
ip netns exec dir ipvsadm -a -u [fd01::100]:53 -r [fd02::2]:53 -m
ip netns exec dir ipvsadm --start-daemon master --mcast-interface sync0 --syncid 7
mkdir -p /tmp/www && echo hi > /tmp/www/index.html
ip netns exec rs1 /usr/bin/python3 -m http.server --bind :: -d /tmp/www 80 >/dev/null 2>&1 &
sleep 2
STOP=/tmp/sniff.stop; TAG=/tmp/sniff.tag; rm -f $STOP
ip netns exec dir /usr/bin/python3 $D/sniff.py sync0 $OUT/msgs-v6tpl.txt $STOP $TAG & SP=$!
sleep 1
get() { ip netns exec cl /usr/bin/python3 -c "import urllib.request;urllib.request.urlopen('$1',timeout=5).read()" || echo "GET $1 failed"; }
echo "v1-persist6" > $TAG
for i in 1 2; do get 'http://[fd01::100]:81/'; done; sleep 3
echo "v1-udp6" > $TAG
ip netns exec cl /usr/bin/python3 -c "
import socket
s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)
for i in range(6): s.sendto(b'x'*20,('fd01::100',53))" ; sleep 3
touch $STOP; wait $SP
ip netns exec dir ipvsadm -Lnc | tee $OUT/conns-v6tpl.txt
wc -l $OUT/msgs-v6tpl.txt
exit 0
