import socket, struct, sys, time
# write every UDP/8848 payload transmitted on an interface as "<tag> <hex>" lines
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind((sys.argv[1], 0))
out = open(sys.argv[2], "a")
stopfile = sys.argv[3]
s.settimeout(0.2)
import os
while not os.path.exists(stopfile):
    try:
        pkt = s.recv(65535)
    except socket.timeout:
        continue
    ip = pkt[14:]
    if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17: continue
    ihl = (ip[0] & 15) * 4
    dport = struct.unpack("!H", ip[ihl+2:ihl+4])[0]
    if dport != 8848: continue
    tag = open(sys.argv[4]).read().strip() if os.path.exists(sys.argv[4]) else "?"
    out.write("%s %s\n" % (tag, ip[ihl+8:].hex())); out.flush()
