import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("169.254.77.1"))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
for line in open(sys.argv[1]):
    tag, hx = line.split()
    s.sendto(bytes.fromhex(hx), ("224.0.0.81", 8848))
    print("sent", tag, len(hx) // 2)
