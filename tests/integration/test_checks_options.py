"""Checker options through tandemd (namespace "d") against servers in namespace "s":
- HTTP_GET request options, seen by checks_echo_server.py: virtualhost (Host), the default Host
  with the port, http_protocol 1.1 and 1.0C (request line, Connection: close), bindto +
  bind_port (the server sees that source address and port on every attempt), connect_port
  (another port than the real server's), bind_if; a chunked HTTP/1.1 body read across chunks
  for expect_body; an HTTP/1.1 server that keeps the connection open is done at Content-Length.
- TCP_CHECK routing options: fwmark (a target reachable only through an `ip rule fwmark`
  table), connect_ip, bind_if (eth0 passes, lo fails).
- omega: at shutdown the live real servers' notify_down runs, and only with omega.
- SSL_GET client_cert / client_key against `openssl s_server -Verify`, an encrypted client_key
  with the SSL block's password (and a wrong one fails); ca_path (a hashed
  directory); enable_sni (the virtualhost is the name sent and verified).
- MISC_CHECK `user nobody`: the script runs with that uid.
- warmup: the first attempts are spread over the warmup time.
- ha_suspend: checks run only while the virtual server's address (an IPv4 address, one of a
  group's range, an IPv6 address) is on the director; snmp_name in `checks --json`."""

import json
import shutil
import subprocess
import time

import pytest

from tandem import *
from test_checks_tcp_http import Lab, PY, HERE, S_ADDR, D_ADDR, SERVER, checks, lab  # noqa: F401
from test_checks_tls import OPENSSL, make_ca, make_server_cert

ECHO = HERE / "checks_echo_server.py"


def vs(addr, port, checker, extra="", rs_extra="", delay="0.3"):
    return f"""
virtual_server {addr} 80 {{
    protocol TCP
    delay_loop {delay}
    {extra}
    real_server {S_ADDR} {port} {{
        {rs_extra}
        {checker}
    }}
}}
"""


def listening(ns, port):
    wait_until(lambda: ns.exec("ss", "-ltnH", f"sport = :{port}").stdout.strip(), timeout=10,
               what=f"server on port {port}")


def by_vs(d):
    return {c["rs"][0].split(":")[0].split(" ")[1]: c for c in checks(d)["checks"]}


def test_http_request_options(lab, tandemd, workdir):
    log = workdir / "req.log"
    lab.servers[8120] = lab.s.popen([PY, ECHO, S_ADDR, 8120, log])
    listening(lab.s, 8120)
    H = "HTTP_GET {{\n url {{\n path {p}\n {u}\n }}\n connect_timeout 1\n retry 0\n {o}\n }}"
    cases = {
        "10.231.10.1": (8120, H.format(p="/a", u="", o="virtualhost www.test")),
        "10.231.10.2": (8120, H.format(p="/b", u="", o="http_protocol 1.1")),
        "10.231.10.3": (8120, H.format(p="/c", u="", o="http_protocol 1.0C")),
        "10.231.10.4": (8120, H.format(p="/chunked", u='expect_body "part-one part-two"',
                                       o="http_protocol 1.1")),
        "10.231.10.5": (8120, H.format(p="/keepopen", u="expect_body open", o="http_protocol 1.1")),
        "10.231.10.6": (8120, H.format(p="/d", u="", o=f"bindto {D_ADDR}\n bind_port 40123")),
        "10.231.10.7": (9999, H.format(p="/e", u="", o="connect_port 8120")),
        "10.231.10.8": (8120, H.format(p="/f", u="", o="bind_if eth0")),
    }
    d = tandemd("".join(vs(a, p, c, extra="alpha") for a, (p, c) in cases.items()), ns=lab.d)
    wait_until(lambda: len(checks(d)["checks"]) == len(cases) and
               all(c["total"] >= 3 for c in checks(d)["checks"]), timeout=20,
               what="every check ran 3 times")
    got = by_vs(d)
    for addr in cases:
        assert got[addr]["state"] == "up" and got[addr]["fail"] == 0, (addr, got[addr], d.events_seen if hasattr(d, "events_seen") else "")
    # done at Content-Length, not when the server closes 5 s later
    assert got["10.231.10.5"]["latency_ms"] < 900, got["10.231.10.5"]
    reqs = {}
    for r in (json.loads(x) for x in log.read_text().splitlines()):
        reqs.setdefault(r["path"], []).append(r)
    h = lambda p: reqs[p][0]["headers"]
    assert h("/a")["Host"] == "www.test"
    assert h("/b")["Host"] == f"{S_ADDR}:8120" and h("/b")["Connection"] == "close"
    assert reqs["/b"][0]["version"] == "HTTP/1.1" and reqs["/a"][0]["version"] == "HTTP/1.0"
    assert "Connection" not in h("/a")
    assert h("/c")["Connection"] == "close" and reqs["/c"][0]["version"] == "HTTP/1.0"
    assert h("/a")["User-Agent"] == "tandem-check"
    # the same source address and port on every attempt (the reset close leaves no TIME_WAIT)
    assert len(reqs["/d"]) >= 3 and all(r["client"] == [D_ADDR, 40123] for r in reqs["/d"])
    assert reqs["/e"] and reqs["/f"]


def test_tcp_routing_options(lab, tandemd):
    # 10.231.50.2 (on s) is reachable from d only through table 100, used for fwmark 7
    lab.s.ip("addr", "add", "10.231.50.2/32", "dev", "eth0")
    lab.d.ip("route", "add", "10.231.50.2/32", "dev", "eth0", "table", "100")
    lab.d.ip("rule", "add", "fwmark", "7", "lookup", "100")
    lab.servers[8121] = lab.s.popen([PY, SERVER, "0.0.0.0", 8121, lab.control(8121)])
    listening(lab.s, 8121)
    T = "TCP_CHECK {{\n connect_timeout 1\n retry 0\n {o}\n }}"
    cases = {
        "10.231.11.1": (T.format(o="connect_ip 10.231.50.2\n fwmark 7"), True, None),
        "10.231.11.2": (T.format(o="connect_ip 10.231.50.2"), False, "unreachable"),
        "10.231.11.3": (T.format(o="bind_if eth0"), True, None),
        "10.231.11.4": (T.format(o="bind_if lo"), False, None),
    }
    d = tandemd("".join(vs(a, 8121, c, extra="alpha") for a, (c, _, _) in cases.items()), ns=lab.d)
    wait_until(lambda: len(checks(d)["checks"]) == len(cases) and
               all(c["total"] >= 2 for c in checks(d)["checks"]), timeout=20,
               what="every check ran twice")
    got = by_vs(d)
    for addr, (_, up, reason) in cases.items():
        assert (got[addr]["state"] == "up") == up, (addr, got[addr])
        if reason:
            assert reason in got[addr]["last"], (addr, got[addr])
    assert got["10.231.11.1"]["target"] == "10.231.50.2:8121"


def test_omega_runs_notify_down_at_shutdown(lab, tandemd, workdir):
    log = workdir / "omega.log"
    lab.start(8122)
    T = "TCP_CHECK {\n connect_timeout 1\n retry 0\n }"
    conf = (vs("10.231.12.1", 8122, T, extra="omega",
               rs_extra=f'notify_down "echo omega_down >> {log}"') +
            vs("10.231.12.2", 8122, T, rs_extra=f'notify_down "echo plain_down >> {log}"'))
    d = tandemd(conf, ns=lab.d)
    wait_until(lambda: all(r["up"] for r in checks(d)["rs"]) and len(checks(d)["rs"]) == 2,
               timeout=10, what="both real servers up")
    assert not log.exists()
    d.stop()
    wait_until(lambda: log.exists() and "omega_down" in log.read_text(), timeout=10,
               what="omega's notify_down ran")
    time.sleep(0.5)                 # scripts are detached: give a wrong one time to show
    assert log.read_text().split() == ["omega_down"]


def test_ssl_client_cert(lab, tandemd, workdir):
    if not shutil.which(OPENSSL):
        pytest.skip("openssl not installed")
    good = make_ca(workdir, "goodca")
    cert, key = make_server_cert(workdir, "goodca")
    p = lab.s.popen([OPENSSL, "s_server", "-accept", 8453, "-cert", cert, "-key", key, "-www",
                     "-quiet", "-Verify", "1", "-CAfile", good],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lab.servers[8453] = p
    listening(lab.s, 8453)
    # the same key encrypted: SSL { password } is its passphrase (libcurl's CURLOPT_KEYPASSWD)
    enc = workdir / "srv_enc.key"
    subprocess.run([OPENSSL, "pkey", "-in", key, "-aes256", "-passout", "pass:s3cret", "-out",
                    enc], check=True, capture_output=True)
    assert "ENCRYPTED" in enc.read_text()
    S = "SSL_GET {{\n url {{ path / }}\n connect_timeout 2\n retry 0\n {o}\n }}"
    cases = {
        "10.231.13.1": (S.format(o=f"client_cert {cert}\n client_key {key}"), True),
        "10.231.13.2": (S.format(o=""), False),
        "10.231.13.3": (S.format(o=f"client_cert {cert}\n client_key {enc}"), True),
    }
    body = "".join(vs(a, 8453, c, extra="alpha", delay="0.5") for a, (c, _) in cases.items())
    d = tandemd("SSL {\n password s3cret\n}\n" + body, ns=lab.d)
    wait_until(lambda: len(checks(d)["checks"]) == 3 and
               all(c["total"] >= 1 for c in checks(d)["checks"]), timeout=15,
               what="the TLS checks ran")
    got = by_vs(d)
    assert got["10.231.13.1"]["state"] == "up", got["10.231.13.1"]
    assert got["10.231.13.2"]["state"] == "down", got["10.231.13.2"]
    assert got["10.231.13.3"]["state"] == "up", got["10.231.13.3"]
    # a wrong passphrase: the encrypted key cannot be read, the check (restarted) fails
    d.write_config("SSL {\n password wrong\n}\n" + body)
    assert d.reload().get("ok")
    wait_until(lambda: by_vs(d)["10.231.13.3"]["state"] == "down" and
               by_vs(d)["10.231.13.3"]["total"] >= 1, timeout=15,
               what="the encrypted-key check failed with the wrong password")
    # the plain key ignores the passphrase (its check restarted too: identity includes it)
    wait_until(lambda: by_vs(d)["10.231.13.1"]["state"] == "up", timeout=15,
               what="the plain-key check up again")
    assert "'SSL' is accepted for compatibility" not in d.logfile.read_text()


def test_warmup_spreads_first_attempts(lab, tandemd):
    # ten distinct checks (ports without a server: each first attempt is refused at once)
    T = "TCP_CHECK {\n connect_timeout 1\n retry 0\n }"
    conf = "".join(vs(f"10.231.14.{i}", 8130 + i, T, extra="warmup 2", delay="30")
                   for i in range(1, 11))
    t0 = time.monotonic()
    d = tandemd(conf, ns=lab.d)
    firsts = {}
    with d.events(type="check.result") as stream:
        while len(firsts) < 10 and time.monotonic() - t0 < 10:
            try:
                e = stream.next(timeout=5)
            except TimeoutError:
                break
            if e is None:
                break
            firsts.setdefault(e["check"], time.monotonic() - t0)
    assert len(firsts) == 10, firsts
    ts = sorted(firsts.values())
    # spread over the 2 s warmup (all at once would be within a few ms), none after it
    assert ts[-1] - ts[0] > 0.5, ts
    assert ts[-1] < 2.0 + 3.0, ts


def test_ssl_ca_path_and_enable_sni(lab, tandemd, workdir):
    if not shutil.which(OPENSSL):
        pytest.skip("openssl not installed")
    make_ca(workdir, "goodca")
    cert, key = make_server_cert(workdir, "goodca")      # for rs.test and the server's IP
    cadir = workdir / "cadir"
    cadir.mkdir()
    shutil.copy(workdir / "goodca.pem", cadir / "goodca.pem")
    subprocess.run([OPENSSL, "rehash", cadir], check=True, capture_output=True, timeout=30)
    p = lab.s.popen([OPENSSL, "s_server", "-accept", 8454, "-cert", cert, "-key", key, "-www",
                     "-quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lab.servers[8454] = p
    listening(lab.s, 8454)
    S = "SSL_GET {{\n url {{ path / }}\n connect_timeout 2\n retry 0\n verify_peer\n {o}\n }}"
    cases = {
        # trust from a hashed directory, verified against the IP SAN
        "10.231.15.1": (S.format(o=f"ca_path {cadir}"), True, None),
        # enable_sni: the virtualhost is the name sent and verified
        "10.231.15.2": (S.format(o=f"ca_path {cadir}\n virtualhost rs.test\n enable_sni"), True, None),
        "10.231.15.3": (S.format(o=f"ca_path {cadir}\n virtualhost wrong.test\n enable_sni"),
                        False, "wrong.test"),
        # without enable_sni the virtualhost is only the Host header: the IP is verified
        "10.231.15.4": (S.format(o=f"ca_path {cadir}\n virtualhost wrong.test"), True, None),
    }
    d = tandemd("".join(vs(a, 8454, c, extra="alpha", delay="0.5") for a, (c, _, _) in cases.items()),
                ns=lab.d)
    wait_until(lambda: len(checks(d)["checks"]) == len(cases) and
               all(c["total"] >= 1 for c in checks(d)["checks"]), timeout=15,
               what="every TLS check ran")
    got = by_vs(d)
    for addr, (_, up, reason) in cases.items():
        assert (got[addr]["state"] == "up") == up, (addr, got[addr])
        if reason:
            assert reason in got[addr]["last"], (addr, got[addr])


def test_misc_check_runs_as_user(netns, tandemd, workdir):
    ns = netns("d")
    pub = workdir / "pub"
    pub.mkdir()
    pub.chmod(0o777)
    workdir.chmod(0o711)
    out = pub / "uid"
    conf = f"""
virtual_server 10.231.16.1 80 {{
    protocol TCP
    delay_loop 0.3
    real_server 10.231.16.2 80 {{
        MISC_CHECK {{
            misc_path "id -u > {out}"
            user nobody
        }}
    }}
}}
"""
    d = tandemd(conf, ns=ns)
    wait_until(lambda: out.exists() and out.read_text().strip(), timeout=10,
               what="the script ran")
    assert out.read_text().strip() == str(__import__("pwd").getpwnam("nobody").pw_uid)
    wait_until(lambda: checks(d)["checks"][0]["state"] == "up", timeout=10, what="check up")


def test_ha_suspend_follows_the_vs_address(lab, tandemd):
    """ha_suspend: the checks of 10.231.15.1 run only while that address is on an interface of
    the director (added/removed by hand here, as VRRP does on a failover); 10.231.15.2 without
    ha_suspend checks all the time. Ports without a server: every attempt is refused at once,
    so `total` counts attempts."""
    T = "TCP_CHECK {\n connect_timeout 1\n retry 0\n }"
    conf = (vs("10.231.15.1", 8141, T, extra="ha_suspend\n snmp_name web-vip", delay="0.2",
               rs_extra="snmp_name web-a") +
            vs("10.231.15.2", 8142, T, delay="0.2"))
    d = tandemd(conf, ns=lab.d)

    def state():
        r = checks(d)
        c = {x["rs"][0].split(" ")[1].split(":")[0]: x for x in r["checks"]}
        v = {x["vs"].split(" ")[1].split(":")[0]: x for x in r["vs"]}
        return c, v, r["rs"]

    wait_until(lambda: state()[0]["10.231.15.2"]["total"] >= 3, timeout=10,
               what="the check without ha_suspend runs")
    c, v, rs = state()
    assert c["10.231.15.1"]["total"] == 0 and c["10.231.15.1"].get("suspended"), c
    assert v["10.231.15.1"]["suspended"] is True and "suspended" not in v["10.231.15.2"], v
    # the text output marks the suspended check
    out = d.tandemctl("checks")[1]
    line = [ln for ln in out.splitlines()
            if ln.startswith("TCP_CHECK") and c["10.231.15.1"]["target"] in ln]
    assert len(line) == 1 and "(susp)" in line[0], out
    assert "1 check(s) suspended (susp) by ha_suspend" in out, out
    # snmp_name of the virtual and real server in `checks --json` (and in TANDEM-MIB)
    assert v["10.231.15.1"]["snmp_name"] == "web-vip"
    assert [r.get("snmp_name") for r in rs if r["vs"].endswith("10.231.15.1:80")] == ["web-a"]

    lab.d.exec("ip", "addr", "add", "10.231.15.1/32", "dev", "lo", check=True)
    wait_until(lambda: state()[0]["10.231.15.1"]["total"] >= 2, timeout=10,
               what="checks resumed once the address is configured")
    assert state()[1]["10.231.15.1"]["suspended"] is False

    lab.d.exec("ip", "addr", "del", "10.231.15.1/32", "dev", "lo", check=True)
    wait_until(lambda: state()[1]["10.231.15.1"]["suspended"] is True, timeout=10,
               what="checks suspended again once the address is gone")
    n = state()[0]["10.231.15.1"]["total"]
    m = state()[0]["10.231.15.2"]["total"]
    wait_until(lambda: state()[0]["10.231.15.2"]["total"] >= m + 3, timeout=10,
               what="the other check keeps running")
    assert state()[0]["10.231.15.1"]["total"] <= n + 1     # at most the attempt in flight
    log = d.logfile.read_text()
    assert "checks of virtual server tcp 10.231.15.1:80 suspended" in log
    assert "checks of virtual server tcp 10.231.15.1:80 resumed" in log
    # a reload without ha_suspend: the checks run although the address is still absent
    d.write_config(conf.replace("ha_suspend", ""))
    assert d.reload().get("ok")
    wait_until(lambda: state()[0]["10.231.15.1"]["total"] >= n + 3, timeout=10,
               what="checks run after ha_suspend was removed by a reload")
    assert "suspended" not in state()[1]["10.231.15.1"]


def test_ha_suspend_group_and_ipv6(lab, tandemd):
    """ha_suspend of a virtual_server group (any address of its range counts) and of an IPv6
    virtual server."""
    T = "TCP_CHECK {\n connect_timeout 1\n retry 0\n }"
    conf = f"""
virtual_server_group G {{
    10.231.16.1-3 80
}}
virtual_server group G {{
    protocol TCP
    delay_loop 0.2
    ha_suspend
    real_server {S_ADDR} 8151 {{
        {T}
    }}
}}
virtual_server fd00:231::16 80 {{
    protocol TCP
    delay_loop 0.2
    ha_suspend
    real_server ::1 8152 {{
        {T}
    }}
}}
"""
    d = tandemd(conf, ns=lab.d)
    G, V6 = "tcp group G", "tcp [fd00:231::16]:80"

    def vs_state():
        return {v["vs"]: v for v in checks(d)["vs"]}

    wait_until(lambda: len(vs_state()) == 2, timeout=10, what="both virtual servers")
    assert vs_state()[G]["suspended"] is True and vs_state()[V6]["suspended"] is True
    lab.d.exec("ip", "addr", "add", "10.231.16.2/32", "dev", "lo", check=True)
    wait_until(lambda: vs_state()[G]["suspended"] is False, timeout=10,
               what="the group resumed with one address of its range")
    assert vs_state()[V6]["suspended"] is True
    lab.d.exec("ip", "-6", "addr", "add", "fd00:231::16/128", "dev", "lo", "nodad", check=True)
    wait_until(lambda: vs_state()[V6]["suspended"] is False, timeout=10,
               what="the IPv6 virtual server resumed")
    wait_until(lambda: all(c["total"] >= 2 for c in checks(d)["checks"]), timeout=10,
               what="both checks ran")
