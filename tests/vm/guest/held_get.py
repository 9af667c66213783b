#!/usr/bin/python3
"""tests/vm/guest/held_get.py - an HTTP/1.0 GET held open across a change on the director.

  held_get.py HOST PORT OUT GO [SECONDS]

Connects to HOST:PORT and writes "connected LOCALPORT" to OUT, then waits (at most SECONDS,
default 30) until the file GO exists before sending its request; the response body then
replaces OUT's content. So a test can make a connection, change the director (drain, reload,
adoption, ...) while it is established, and see whether it still works."""
import os
import socket
import sys
import time


def main(host, port, out, go, secs=30.0):
    s = socket.create_connection((host, int(port)), timeout=max(20.0, float(secs)))
    with open(out, "w") as f:
        f.write("connected %d\n" % s.getsockname()[1])
    end = time.monotonic() + float(secs)
    while not os.path.exists(go) and time.monotonic() < end:
        time.sleep(0.1)
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    data = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
    with open(out, "w") as f:
        f.write(data.decode().split("\r\n\r\n", 1)[-1])


if __name__ == "__main__":
    main(*sys.argv[1:])
