"""HTTP_GET / SSL_GET with tandem's request keywords and TLS version limits.

HTTP: the method, the headers (repeatable) and the body configured in the checker reach a
server in namespace "s" (checks_echo_server.py logs each request), and expect_body compares the
response body (a missing text fails the check with that reason); reuse_connection sends every
check of a real server over one kept-alive HTTP/1.1 connection. TLS: `openssl s_server`
limited to TLS 1.2 passes a checker that allows 1.2 and fails one that requires 1.3, with a
reason that names the required versions."""

import json
import shutil
import subprocess

import pytest

from tandem import *
from test_checks_tcp_http import PY, HERE, S_ADDR, checks, lab  # noqa: F401 (fixture)
from test_checks_tls import OPENSSL, make_ca, make_server_cert

ECHO = HERE / "checks_echo_server.py"
PORT = 8090
TLS_PORT = 8444


def http_vs(addr, opts, port=PORT, kind="HTTP_GET", url="url { path /probe }"):
    return f"""
virtual_server {addr} 80 {{
    protocol TCP
    delay_loop 0.5
    alpha
    real_server {S_ADDR} {port} {{
        {kind} {{
            {url}
            connect_timeout 2
            retry 0
            {opts}
        }}
    }}
}}
"""


def by_vs(d):
    return {c["rs"][0].split(":")[0].split(" ")[1]: c for c in checks(d)["checks"]}


def all_ran(d, n):
    cs = checks(d)["checks"]
    return len(cs) == n and all(c["total"] >= 1 for c in cs)


def echo_start(lab, log, *extra):
    p = lab.s.popen([PY, ECHO, S_ADDR, PORT, log, *extra])
    lab.servers[PORT] = p           # stopped by the lab fixture
    wait_until(lambda: lab.s.exec("ss", "-ltnH", f"sport = :{PORT}").stdout.strip(),
               timeout=10, what="echo server listening")


def logged(log, path):
    if not log.exists():
        return []
    return [r for r in map(json.loads, log.read_text().splitlines()) if r["path"] == path]


def test_http_reuse_connection(lab, tandemd, workdir):
    """reuse_connection: one HTTP/1.1 connection carries every check of the real server (a
    check without it opens one per check); the server killed fails the check with a reason, it
    comes back up on a new connection, and a reload that removes the check closes it."""
    log = workdir / "requests.log"
    echo_start(lab, log, "keepalive")
    fresh = http_vs("10.231.3.2", "", url="url { path /fresh }")
    d = tandemd(http_vs("10.231.3.1", "reuse_connection", url="url { path /reuse }") + fresh,
                ns=lab.d)
    wait_until(lambda: len(logged(log, "/reuse")) >= 4 and len(logged(log, "/fresh")) >= 4,
               timeout=20, what="four checks of each kind")
    reuse, other = logged(log, "/reuse")[:4], logged(log, "/fresh")[:4]
    assert len({tuple(r["client"]) for r in reuse}) == 1, reuse
    assert all(r["version"] == "HTTP/1.1" and "close" not in r["headers"].get("Connection", "")
               for r in reuse), reuse
    assert len({tuple(r["client"]) for r in other}) == 4, other
    port = reuse[0]["client"][1]
    assert lab.d.exec("ss", "-tnH", "state", "established", f"sport = :{port}").stdout.strip()

    lab.stop(PORT)
    wait_until(lambda: by_vs(d)["10.231.3.1"]["state"] == "down", timeout=10,
               what="the reused check down with the server killed")
    assert f"from {S_ADDR}:{PORT}" in by_vs(d)["10.231.3.1"]["last"]
    n = len(logged(log, "/reuse"))
    echo_start(lab, log, "keepalive")
    wait_until(lambda: by_vs(d)["10.231.3.1"]["state"] == "up", timeout=10,
               what="the reused check up again")
    wait_until(lambda: len(logged(log, "/reuse")) >= n + 2, timeout=10, what="two more checks")
    again = logged(log, "/reuse")[n:]
    assert len({tuple(r["client"]) for r in again}) == 1 and again[0]["client"][1] != port, again
    port = again[0]["client"][1]

    d.write_config(fresh)
    assert d.reload()["ok"]
    wait_until(lambda: not lab.d.exec("ss", "-tnH", "state", "established",
                                      f"sport = :{port}").stdout.strip(),
               timeout=10, what="the removed check's connection closed")


def test_http_method_headers_body(lab, tandemd, workdir):
    log = workdir / "requests.log"
    p = lab.s.popen([PY, ECHO, S_ADDR, PORT, log])
    lab.servers[PORT] = p           # stopped by the lab fixture
    wait_until(lambda: lab.s.exec("ss", "-ltnH", f"sport = :{PORT}").stdout.strip(),
               timeout=10, what="echo server listening")
    cases = {
        # method, two headers (quoted and bare), body, and the echoed body expected
        "10.231.2.1": ('method PUT\n header "X-Tandem: yes"\n header X-Two: 2 words\n'
                       ' body "ping me"\n expect_body "echo PUT ping me"', True, None, None),
        # a body alone is POSTed; expect_body in the url overrides the checker's
        "10.231.2.2": ('body hello\n expect_body nothing\n'
                       ' url { path /second\n expect_body "echo POST hello" }', True, None, ""),
        "10.231.2.3": ("expect_body absent-text", False, "body lacks 'absent-text'", None),
        "10.231.2.4": ("method HEAD", True, None, None),
    }
    conf = "".join(http_vs(a, o, **({} if u is None else {"url": u}))
                   for a, (o, _, _, u) in cases.items())
    d = tandemd(conf, ns=lab.d)
    wait_until(lambda: all_ran(d, len(cases)), timeout=15, what="every HTTP check ran once")
    got = by_vs(d)
    for addr, (_, want_up, reason, _) in cases.items():
        c = got[addr]
        assert (c["state"] == "up") == want_up, (addr, c)
        if reason:
            assert reason in c["last"], (addr, c["last"])
    reqs = [json.loads(x) for x in log.read_text().splitlines()]
    put = [r for r in reqs if r["method"] == "PUT"]
    assert put, reqs
    assert put[0]["headers"].get("X-Tandem") == "yes", put[0]
    assert put[0]["headers"].get("X-Two") == "2 words", put[0]
    assert put[0]["body"] == "ping me" and put[0]["path"] == "/probe"
    post = [r for r in reqs if r["method"] == "POST"]
    assert post and post[0]["body"] == "hello", reqs
    assert {r["path"] for r in post} == {"/second"}
    assert any(r["method"] == "HEAD" for r in reqs)
    assert all(r["method"] == "GET" for r in reqs
               if r["method"] not in ("PUT", "POST", "HEAD")), reqs


@pytest.fixture
def tls12_server(lab, workdir):
    if not shutil.which(OPENSSL):
        pytest.skip("openssl not installed")
    make_ca(workdir, "goodca")
    cert, key = make_server_cert(workdir, "goodca")
    p = lab.s.popen([OPENSSL, "s_server", "-accept", TLS_PORT, "-cert", cert, "-key", key,
                     "-www", "-quiet", "-tls1_2"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: lab.s.exec("ss", "-ltnH", f"sport = :{TLS_PORT}").stdout.strip(),
                   timeout=10, what="s_server listening")
        yield
    finally:
        p.kill()
        p.wait(timeout=10)


def test_tls_version_limits(lab, tls12_server, tandemd):
    cases = {
        "10.231.3.1": ("tls_min_version 1.3", False, "TLS 1.3 to 1.3 required"),
        "10.231.3.2": ("tls_min_version 1.2\n tls_max_version 1.2", True, None),
        "10.231.3.3": ("tls_max_version 1.2", True, None),
        "10.231.3.4": ("", True, None),
    }
    conf = "".join(http_vs(a, o, port=TLS_PORT, kind="SSL_GET") for a, (o, _, _) in cases.items())
    d = tandemd(conf, ns=lab.d)
    wait_until(lambda: all_ran(d, len(cases)), timeout=15, what="every TLS check ran once")
    got = by_vs(d)
    for addr, (_, want_up, reason) in cases.items():
        c = got[addr]
        assert (c["state"] == "up") == want_up, (addr, c)
        if reason:
            assert reason in c["last"], (addr, c["last"])
            print(addr, c["last"])
