"""A small HTTP server for the checker tests (started inside a test namespace).

Usage: checks_server.py ADDR PORT CONTROL_FILE
Each request reads CONTROL_FILE: "200" / "503" / any status answers that status with the body
"hello tandem\n"; "hang" accepts and never answers; "endless" sends a 200 with an endless
body; "headers" sends endless header lines; "reset" resets the connection (RST) instead of
answering; "garbage" answers with a line that is not HTTP. Stops on SIGTERM.
"""
import http.server
import os
import socket
import socketserver
import struct
import sys
import time

ADDR, PORT, CONTROL = sys.argv[1], int(sys.argv[2]), sys.argv[3]
BODY = b"hello tandem\n"


def mode():
    try:
        with open(CONTROL) as f:
            return f.read().strip() or "200"
    except OSError:
        return "200"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        m = mode()
        if m == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if m == "garbage":
            self.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\n")
            return
        if m == "hang":
            time.sleep(60)
            return
        if m == "endless":
            self.send_response(200)
            self.end_headers()
            chunk = b"x" * 65536
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                self.wfile.write(chunk)
            return
        if m == "headers":
            self.wfile.write(b"HTTP/1.0 200 OK\r\n")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                self.wfile.write(b"X-Filler: " + b"y" * 1000 + b"\r\n")
            return
        code = int(m)
        self.send_response(code)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *a):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128        # many checks may connect at the same moment


Server((ADDR, PORT), Handler).serve_forever()
