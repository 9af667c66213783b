#!/usr/bin/python3
"""tests/vm/guest/sync_tool.py - traffic for the connection-sync VM tests (sync_lib.sh).

  serve PORT                   real server: "stream N RATE\\n" -> N pattern bytes at RATE bytes/s;
                               "hold\\n" -> answers "ok\\n" and keeps the connection open
  stream HOST PORT N RATE OUT  client: one connection, reads N bytes, checks count and pattern;
                               OUT.progress holds the bytes received so far, OUT the verdict
                               (JSON: bytes, ok, error, seconds)
  hold HOST PORT N STOP OUT    client: N connections each answered "ok", held open until the
                               file STOP exists (then closed); OUT gets "ready N" when all are up
  udp HOST PORT N [SPORT0]     client: one datagram from each of N source ports

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


def udp(host, port, n, sport0=0):
    socks = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if sport0:
            s.bind(("0.0.0.0", sport0 + i))
        s.sendto(b"x", (host, port))
        socks.append(s)
    for s in socks:
        s.close()
    return 0


def main(a):
    if a[0] == "serve":
        serve(int(a[1]))
    elif a[0] == "stream":
        return stream(a[1], int(a[2]), int(a[3]), int(a[4]), a[5])
    elif a[0] == "hold":
        return hold(a[1], int(a[2]), int(a[3]), a[4], a[5])
    elif a[0] == "udp":
        return udp(a[1], int(a[2]), int(a[3]), int(a[4]) if len(a) > 4 else 0)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
