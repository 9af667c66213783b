"""A minimal SMTP server for the mail alert tests: `smtp_sink.py ADDR PORT DIR` accepts mail
and writes each message to DIR/NNN.eml as "HELO ...", "MAIL FROM:...", "RCPT TO:..." lines, a
blank line and the data. It handles one connection at a time and runs until killed."""

import socket
import sys
from pathlib import Path


def serve(addr, port, out):
    srv = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(8)
    n = 0
    while True:
        conn, _ = srv.accept()
        conn.settimeout(30)
        f = conn.makefile("rb")
        env, data = [], None

        def say(line):
            conn.sendall(line.encode() + b"\r\n")

        say("220 sink ESMTP")
        try:
            while True:
                line = f.readline()
                if not line:
                    break
                cmd = line.decode(errors="replace").rstrip("\r\n")
                up = cmd.upper()
                if up.startswith(("HELO", "EHLO", "MAIL", "RCPT")):
                    env.append(cmd)
                    say("250 ok")
                elif up == "DATA":
                    say("354 go on")
                    body = []
                    while True:
                        dl = f.readline()
                        if not dl or dl in (b".\r\n", b".\n"):
                            break
                        body.append(dl.decode(errors="replace"))
                    data = "".join(body)
                    n += 1
                    tmp = out / f".{n:03d}.tmp"
                    tmp.write_text("\n".join(env) + "\n\n" + data)
                    tmp.rename(out / f"{n:03d}.eml")
                    env = []
                    say("250 queued")
                elif up == "QUIT":
                    say("221 bye")
                    break
                else:
                    say("250 ok")
        except OSError:
            pass
        conn.close()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
