#!/usr/bin/python3
"""tests/vm/guest/sync_tool.py - traffic for the connection-sync VM tests (sync_lib.sh).

  serve PORT                   real server: "stream N RATE\\n" -> N pattern bytes at RATE bytes/s;
                               "hold\\n" -> answers "ok\\n" and keeps the connection open
  stream HOST PORT N RATE OUT  client: one connection, reads N bytes, checks count and pattern;
                               OUT.progress holds the bytes received so far, OUT the verdict
                               (JSON: bytes, ok, error, seconds)
  hold HOST PORT N STOP OUT    client: N connections each answered "ok", held open until the
                               file STOP exists (then closed); OUT gets "ready N" when all are up
  udp HOST PORT N [SPORT0 [K]] client: K (1) datagrams from each of N source ports
  tap IFACE PORT OUT SECONDS   AF_PACKET capture of IPv4 UDP datagrams to PORT on IFACE (sent
                               or received): one line each, "time src payload-hex", to OUT
  waitconns KEYS OUT SECONDS   polls /proc/net/ip_vs_conn every 20 ms until every line of KEYS
                               (lib.sh ipvs_keys format) is there; OUT gets "time missing"
  attack KEY FRAMEHEX DST PORT OUT   sends bad relay frames to DST:PORT derived from one
                               captured frame (see attack()), the counts per kind to OUT

The pattern is byte i of the stream = i % 251, so a lost, repeated or reordered segment shows
as a mismatch at its offset, and a reset as an error before N bytes.
"""
import json
import os
import socket
import sys
import threading
import time

PAT = bytes(range(251)) * 64          # 16064 bytes: any slice starting at k*251 is the pattern


def chunk(off, n):
    s = off % 251
    return PAT[s:s + n]


def serve(port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(1024)

    def handle(c):
        try:
            line = b""
            while not line.endswith(b"\n") and len(line) < 100:
                b = c.recv(100)
                if not b:
                    return
                line += b
            words = line.split()
            if words[0] == b"stream":
                total, rate = int(words[1]), int(words[2])
                t0 = time.monotonic()
                off = 0
                step = max(1024, min(rate // 20, 15000))
                while off < total:
                    n = min(step, total - off)
                    c.sendall(chunk(off, n))
                    off += n
                    ahead = off / rate - (time.monotonic() - t0)
                    if ahead > 0:
                        time.sleep(ahead)
                c.shutdown(socket.SHUT_WR)
                while c.recv(4096):
                    pass
            elif words[0] == b"hold":
                c.sendall(b"ok\n")
                while c.recv(4096):
                    pass
        except OSError:
            pass
        finally:
            c.close()

    while True:
        c, _ = ls.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()


def stream(host, port, total, rate, out):
    t0 = time.monotonic()
    got, err, ok = 0, None, False
    prog = out + ".progress"
    last = 0.0
    try:
        s = socket.create_connection((host, port), timeout=10)
        s.settimeout(20)
        s.sendall(b"stream %d %d\n" % (total, rate))
        while True:
            b = s.recv(8192)
            if not b:
                break
            if b != chunk(got, len(b)):
                err = "pattern mismatch at offset %d" % got
                break
            got += len(b)
            now = time.monotonic()
            if now - last > 0.2:
                with open(prog + ".tmp", "w") as f:
                    f.write("%d\n" % got)
                os.rename(prog + ".tmp", prog)
                last = now
        s.close()
        if err is None:
            ok = got == total
            if not ok:
                err = "stream ended after %d of %d bytes" % (got, total)
    except OSError as e:
        err = "%s after %d bytes" % (e, got)
    with open(prog, "w") as f:
        f.write("%d\n" % got)
    res = {"bytes": got, "expected": total, "ok": ok, "error": err,
           "seconds": round(time.monotonic() - t0, 2)}
    with open(out + ".tmp", "w") as f:
        json.dump(res, f)
    os.rename(out + ".tmp", out)
    print(json.dumps(res))
    return 0 if ok else 1


def hold(host, port, n, stop, out):
    socks = []
    for _ in range(n):
        s = socket.create_connection((host, port), timeout=10)
        s.sendall(b"hold\n")
        socks.append(s)
    for s in socks:
        if s.recv(3) != b"ok\n":
            print("hold: no answer", file=sys.stderr)
            return 1
    with open(out, "w") as f:
        f.write("ready %d\n" % n)
    deadline = time.monotonic() + 600
    while not os.path.exists(stop) and time.monotonic() < deadline:
        time.sleep(0.1)
    for s in socks:
        s.close()
    return 0


def udp(host, port, n, sport0=0, k=1):
    socks = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if sport0:
            s.bind(("0.0.0.0", sport0 + i))
        for _ in range(k):
            s.sendto(b"x", (host, port))
        socks.append(s)
    for s in socks:
        s.close()
    return 0


def tap(iface, port, out, secs):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    s.bind((iface, 0))
    s.settimeout(0.2)
    end = time.time() + secs
    with open(out, "a") as f:
        while time.time() < end:
            try:
                pkt = s.recv(65535)
            except socket.timeout:
                continue
            ip = pkt[14:]
            if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
                continue
            ihl = (ip[0] & 15) * 4
            if int.from_bytes(ip[ihl + 2:ihl + 4], "big") != port:
                continue
            f.write("%.6f %s %s\n" % (time.time(), socket.inet_ntoa(ip[12:16]), ip[ihl + 8:].hex()))
            f.flush()
    return 0


def conn_keys():
    keys = set()
    with open("/proc/net/ip_vs_conn") as f:
        next(f)
        for line in f:
            w = line.split()
            if len(w) >= 7:
                keys.add("%s %s:%s %s:%s %s:%s" % tuple(w[:7]))
    return keys


def waitconns(keyfile, out, secs):
    want = set(l.strip() for l in open(keyfile) if l.strip())
    end = time.time() + secs
    while True:
        missing = want - conn_keys()
        now = time.time()
        if not missing or now > end:
            break
        time.sleep(0.02)
    with open(out, "w") as f:
        f.write("%.6f %d\n" % (now, len(missing)))
        for k in sorted(missing):
            f.write(k + "\n")
    return 0 if not missing else 1


HDR = "!4sBBHIQQHH"                   # magic, version, kind, flags, sender, epoch, seq, len, count


def seal(key, kind, sender, epoch, seq, body, count):
    import hashlib
    import hmac
    import struct
    head = struct.pack(HDR, b"TDMR", 1, kind, 0, sender, epoch, seq, len(body), count)
    return head + body + hmac.new(key, head + body, hashlib.sha256).digest()[:16]


def v1_entry(caddr, cport):
    import struct
    return struct.pack("!BBHIHHHHII4s4s4s", 0, 6, 36, 0, 1, cport, 9000, 9000, 0, 900,
                       socket.inet_aton(caddr), socket.inet_aton("10.0.7.100"),
                       socket.inet_aton("10.0.8.10"))


def attack(key, framehex, dst, port, out):
    """From one frame the peer really sent (FRAMEHEX), in this order:
    replay     x3  the frame itself, byte for byte                  -> replay
    bad_mac    x2  the frame with a fresh seq and its old tag        -> bad_mac
    bad_mac    x2  a DATA frame (fake connection 192.0.2.1:1001) with a fresh seq, sealed with
                   another key                                       -> bad_mac
    old_epoch  x2  a DATA frame (fake 192.0.2.2:1002), right key, epoch - 1 -> old_epoch
    length     x2  the frame cut by 5 bytes                          -> length
    magic      x2  the frame with magic XDMR                         -> magic
    unknown    x2  a correct DATA frame (fake 192.0.2.3:1003) from another address (the
                   caller binds 10.0.9.3 with src=...)               -> unknown_peer
    valid      x1  a correct DATA frame (192.0.2.9:1009), fresh seq: must be accepted (the
                   positive control)"""
    import struct
    key = key.encode()
    fr = bytes.fromhex(framehex)
    magic, ver, kind, flags, sender, epoch, seq, blen, count = struct.unpack(HDR, fr[:32])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((os.environ.get("SRC", "0.0.0.0"), 0))
    other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    other.bind((os.environ.get("OTHER_SRC", "0.0.0.0"), 0))
    sent = {}

    def send(name, data, n, sock=s):
        for _ in range(n):
            sock.sendto(data, (dst, port))
            time.sleep(0.05)
        sent[name] = sent.get(name, 0) + n

    send("replay", fr, 3)
    send("bad_mac", fr[:20] + struct.pack("!Q", seq + 500) + fr[28:], 2)
    send("bad_mac", seal(b"not-the-cluster-key-0123", 1, sender, epoch, seq + 501,
                         v1_entry("192.0.2.1", 1001), 1), 2)
    send("old_epoch", seal(key, 1, sender, epoch - 1, seq + 502, v1_entry("192.0.2.2", 1002), 1), 2)
    send("length", fr[:-5], 2)
    send("magic", b"XDMR" + fr[4:], 2)
    send("unknown_peer", seal(key, 1, sender, epoch, seq + 503, v1_entry("192.0.2.3", 1003), 1),
         2, other)
    send("valid", seal(key, 1, sender, epoch, seq + 504, v1_entry("192.0.2.9", 1009), 1), 1)
    with open(out, "w") as f:
        json.dump(sent, f)
    print(json.dumps(sent))
    return 0


def main(a):
    if a[0] == "serve":
        serve(int(a[1]))
    elif a[0] == "stream":
        return stream(a[1], int(a[2]), int(a[3]), int(a[4]), a[5])
    elif a[0] == "hold":
        return hold(a[1], int(a[2]), int(a[3]), a[4], a[5])
    elif a[0] == "udp":
        return udp(a[1], int(a[2]), int(a[3]), int(a[4]) if len(a) > 4 else 0,
                   int(a[5]) if len(a) > 5 else 1)
    elif a[0] == "tap":
        return tap(a[1], int(a[2]), a[3], float(a[4]))
    elif a[0] == "waitconns":
        return waitconns(a[1], a[2], float(a[3]))
    elif a[0] == "attack":
        return attack(a[1], a[2], a[3], int(a[4]), a[5])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
