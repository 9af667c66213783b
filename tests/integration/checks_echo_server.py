"""An HTTP server for the request-keyword tests of HTTP_GET (started inside a test namespace).

Usage: checks_echo_server.py ADDR PORT LOG_FILE
Every request (any method) is appended to LOG_FILE as one JSON line {method, path, headers,
body}; the answer is 200 with the body "echo <METHOD> <request body>". Stops on SIGTERM.
"""
import http.server
import json
import socketserver
import sys

ADDR, PORT, LOG = sys.argv[1], int(sys.argv[2]), sys.argv[3]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(n, 65536)).decode(errors="replace") if n else ""
        with open(LOG, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                                "headers": dict(self.headers.items()), "body": body}) + "\n")
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


Server((ADDR, PORT), Handler).serve_forever()
