"""An HTTP server for the request-keyword tests of HTTP_GET (started inside a test namespace).

Usage: checks_echo_server.py ADDR PORT LOG_FILE [keepalive]
With "keepalive" the server speaks HTTP/1.1 and keeps a connection open for the next request
(unless the client asks to close); without, it closes after each answer (HTTP/1.0). Every request (any method) is appended to LOG_FILE as one JSON line {method, path, version,
client, headers, body}; the answer is 200 with the body "echo <METHOD> <request body>". Two
paths answer otherwise: /chunked sends an HTTP/1.1 chunked body "part-one part-two" in three
chunks; /keepopen sends an HTTP/1.1 answer with Content-Length and keeps the connection open
for 5 s. Stops on SIGTERM.
"""
import http.server
import json
import socketserver
import sys
import time

ADDR, PORT, LOG = sys.argv[1], int(sys.argv[2]), sys.argv[3]
KEEPALIVE = sys.argv[4:5] == ["keepalive"]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1" if KEEPALIVE else "HTTP/1.0"

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(n, 65536)).decode(errors="replace") if n else ""
        with open(LOG, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                                "version": self.request_version,
                                "client": list(self.client_address),
                                "headers": dict(self.headers.items()), "body": body}) + "\n")
        if self.path == "/chunked":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"5\r\npart-\r\n9\r\none part-\r\n3\r\ntwo\r\n0\r\n\r\n")
            self.wfile.flush()
            return
        if self.path == "/keepopen":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nopen")
            self.wfile.flush()
            time.sleep(5)
            return
        out = f"echo {self.command} {body}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = do_OPTIONS = do_PATCH = handle_any

    def log_message(self, *a):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128        # many checks may connect at the same moment


Server((ADDR, PORT), Handler).serve_forever()
