"""UDP and SMTP responders for the checker tests (started inside a test namespace).

Usage: checks_responders.py udp|smtp|dns ADDR PORT MODE_FILE
udp modes:  reply (answers 10 02 "hello"), garbage (answers ff ff), silent (no answer)
smtp modes: ok (220 banner, 250 to HELO), busy (554 banner), garbage (an HTTP answer),
            silent (accepts, never speaks)
dns modes:  ok (one A record whatever the type), nxdomain, empty (NOERROR, no answer),
            garbage (bytes that are no reply to the query), silent
rst:        accepts, reads what the client sends first (a TLS ClientHello), resets (RST)
The mode file is read for every datagram / connection.
"""
import socket
import struct
import sys
import threading
import time

KIND, ADDR, PORT, MODE = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


def mode():
    try:
        with open(MODE) as f:
            return f.read().strip()
    except OSError:
        return ""


def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ADDR, PORT))
    while True:
        data, peer = s.recvfrom(65536)
        m = mode() or "reply"
        if m == "reply":
            s.sendto(b"\x10\x02hello", peer)
        elif m == "garbage":
            s.sendto(b"\xff\xff", peer)


def smtp_conn(c):
    try:
        m = mode() or "ok"
        if m == "silent":
            time.sleep(30)
            return
        if m == "garbage":
            c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")
            return
        if m == "busy":
            c.sendall(b"554 go away\r\n")
            return
        c.sendall(b"220-mail.test ESMTP\r\n220 ready\r\n")
        f = c.makefile("rb")
        line = f.readline(1000)
        if line.upper().startswith(b"HELO"):
            c.sendall(b"250 mail.test\r\n")
        f.readline(1000)
        c.sendall(b"221 bye\r\n")
    except OSError:
        pass
    finally:
        c.close()


def smtp():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ADDR, PORT))
    s.listen(64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=smtp_conn, args=(c,), daemon=True).start()


def dns():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ADDR, PORT))
    while True:
        q, peer = s.recvfrom(65536)
        if len(q) < 12:
            continue
        m = mode() or "ok"
        if m == "silent":
            continue
        if m == "garbage":
            s.sendto(b"\x00" * 3, peer)
            continue
        # the question: from byte 12 to the end of QNAME + QTYPE + QCLASS
        i = 12
        while i < len(q) and q[i] != 0:
            i += q[i] + 1
        question = q[12:i + 5]
        rcode = 3 if m == "nxdomain" else 0
        an = 1 if m == "ok" else 0
        head = q[0:2] + bytes([0x81, 0x80 | rcode]) + b"\x00\x01" + bytes([0, an]) + b"\x00\x00\x00\x00"
        ans = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x01" if an else b""
        s.sendto(head + question + ans, peer)


def rst():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ADDR, PORT))
    s.listen(64)
    while True:
        c, _ = s.accept()
        c.settimeout(1)
        try:
            c.recv(4096)
        except OSError:
            pass
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()


{"udp": udp, "smtp": smtp, "dns": dns, "rst": rst}[KIND]()
