#!/bin/bash
D=$(dirname $0); OUT=$D/out; mkdir -p $OUT; rm -f $OUT/*
set -x
ip link add sync0 type dummy
ip link set sync0 multicast on up
ip addr add 169.254.77.1/32 dev sync0
ip route add 224.0.0.0/4 dev sync0
ipvsadm -A -t 10.0.0.1:80 -s rr
ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:80 -m
ipvsadm --start-daemon backup --mcast-interface sync0 --syncid 1
sleep 1
/usr/bin/python3 $D/inject-send.py $D/kernel-6.1-inject.txt
sleep 2
cat /proc/net/ip_vs_conn > $OUT/conn.txt
cat /proc/net/ip_vs_conn_sync > $OUT/conn_sync.txt
ipvsadm -Lnc > $OUT/lnc.txt
cat $OUT/lnc.txt $OUT/conn_sync.txt
exit 0
