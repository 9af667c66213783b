"""Config for the checker benchmark: N real servers with TCP_CHECK and N with HTTP_GET, each
in its own virtual server, at 127.1.x.y / 127.2.x.y port 8080 (every address of a namespace's
loopback reaches bench_srv listening on 0.0.0.0), delay_loop D, warmup = D (spread starts).
REGEX=PATTERN in the environment gives every HTTP_GET url that regex (PCRE2 cost and memory);
REUSE=1 gives every HTTP_GET reuse_connection (HTTP/1.1 keep-alive between checks)."""
import os
import sys

n_tcp, n_http, delay = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]


def addr(net, i):
    return f"127.{net}.{i // 250}.{i % 250 + 1}"


out = []
for kind, n, net in (("TCP_CHECK", n_tcp, 1), ("HTTP_GET", n_http, 2)):
    for i in range(n):
        rx = f" regex \"{os.environ['REGEX']}\"\n" if os.environ.get("REGEX") else ""
        body = f"url {{\n path /\n{rx} }}\n" if kind == "HTTP_GET" else ""
        if kind == "HTTP_GET" and os.environ.get("REUSE"):
            body += " reuse_connection\n"
        out.append(f"virtual_server 10.{net}.{i // 250}.{i % 250 + 1} 80 {{\n protocol TCP\n"
                   f" delay_loop {delay}\n warmup {delay}\n"
                   f" real_server {addr(net, i)} 8080 {{\n {kind} {{\n{body} connect_timeout 2\n }}\n }}\n}}\n")
sys.stdout.write("".join(out))
