"""UDP and SMTP responders for the checker tests (started inside a test namespace).

Usage: checks_responders.py udp|smtp ADDR PORT MODE_FILE
udp modes:  reply (answers 10 02 "hello"), garbage (answers ff ff), silent (no answer)
smtp modes: ok (220 banner, 250 to HELO), busy (554 banner), garbage (an HTTP answer),
            silent (accepts, never speaks)
The mode file is read for every datagram / connection.
"""
import socket
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


udp() if KIND == "udp" else smtp()
