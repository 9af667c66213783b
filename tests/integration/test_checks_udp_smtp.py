"""UDP_CHECK and SMTP_CHECK through tandemd in namespace "d" against responders in namespace
"s" (checks_responders.py): a UDP reply that matches the require_reply pattern passes, garbage
fails with the byte that differs, a closed port fails with the ICMP error; an SMTP server passes
with banner and HELO, a 554 banner, garbage and a silent server fail with their reasons, and the
states come back when the server does; an SMTP_CHECK with host blocks checks each host as a check
of its own (the real server down while one fails, with its reason), and a reload that adds a
host keeps the others running."""

import time

import pytest

from tandem import *
from test_checks_tcp_http import Lab, S_ADDR, PY, HERE, checks, lab, rs_ev  # noqa: F401

RESP = HERE / "checks_responders.py"


def start(lab, kind, port, mode):
    lab.set_mode(port, mode)
    p = lab.s.popen([PY, RESP, kind, S_ADDR, port, lab.control(port)])
    lab.servers[port] = p
    flag = "-lunH" if kind in ("udp", "dns") else "-ltnH"
    wait_until(lambda: lab.s.exec("ss", flag, f"sport = :{port}").stdout.strip(), timeout=10,
               what=f"{kind} responder on {port}")


def vs(addr, port, proto, checker):
    return f"""
virtual_server {addr} {port} {{
    protocol {proto}
    delay_loop 0.3
    alpha
    real_server {S_ADDR} {port} {{
        {checker}
    }}
}}
"""


def state_of(d, port):
    for c in checks(d)["checks"]:
        if c["target"] == f"{S_ADDR}:{port}":
            return c
    return None


def test_udp_check(lab, tandemd):
    start(lab, "udp", 5353, "reply")
    udp = ("UDP_CHECK {\n payload 01 02 03\n require_reply 1x 02\n min_reply_length 2\n"
           " connect_timeout 1\n retry 0\n }")
    closed = "UDP_CHECK {\n payload 01\n connect_timeout 1\n retry 0\n }"
    d = tandemd(vs("10.231.2.1", 5353, "UDP", udp) + vs("10.231.2.2", 5354, "UDP", closed),
                ns=lab.d)
    rs = f"udp 10.231.2.1:5353/{S_ADDR}:5353"
    up = d.wait_event(rs_ev(True, rs), timeout=10)
    assert "reply of 7 bytes" in up["reason"], up
    wait_until(lambda: (state_of(d, 5354) or {}).get("total", 0) >= 1, timeout=10,
               what="closed-port check ran")
    c = state_of(d, 5354)
    assert c["state"] == "down" and "port unreachable" in c["last"], c
    with d.events(type="rs.") as stream:
        lab.set_mode(5353, "garbage")
        down = stream.wait_event(rs_ev(False, rs), timeout=10)
        assert "reply byte 0 is ff, expected 10" in down["reason"], down
        lab.set_mode(5353, "silent")
        wait_until(lambda: "no reply within 1 s" in state_of(d, 5353)["last"], timeout=10,
                   what="silent UDP server noticed")
        lab.set_mode(5353, "reply")
        stream.wait_event(rs_ev(True, rs), timeout=10)


@pytest.mark.parametrize("mode,reason", [
    ("busy", "banner 554"),
    ("garbage", "not an SMTP reply"),
    ("silent", "no banner in time"),
])
def test_smtp_check(lab, tandemd, mode, reason):
    start(lab, "smtp", 2525, "ok")
    smtp = "SMTP_CHECK {\n helo_name director.test\n connect_timeout 1\n retry 0\n }"
    d = tandemd(vs("10.231.3.1", 2525, "TCP", smtp), ns=lab.d)
    rs = f"tcp 10.231.3.1:2525/{S_ADDR}:2525"
    up = d.wait_event(rs_ev(True, rs), timeout=10)
    assert "banner 220, HELO 250" in up["reason"], up
    with d.events(type="rs.") as stream:
        t0 = time.monotonic()
        lab.set_mode(2525, mode)
        down = stream.wait_event(rs_ev(False, rs), timeout=10)
        assert reason in down["reason"], down
        assert time.monotonic() - t0 < 4
        lab.set_mode(2525, "ok")
        stream.wait_event(rs_ev(True, rs), timeout=10)


def host_rows(d, rs):
    return {c["id"]: c for c in checks(d)["checks"] if rs in c["rs"]}


def test_smtp_check_hosts(lab, tandemd):
    start(lab, "smtp", 2525, "ok")
    start(lab, "smtp", 2526, "ok")
    hosts = " host {\n connect_port 2525\n }\n host {\n connect_port 2526\n connect_timeout 2\n }\n"
    smtp = "SMTP_CHECK {\n helo_name director.test\n connect_timeout 1\n retry 0\n%s }"
    # the real server's own port 25 has no server: with hosts, only the hosts are checked
    d = tandemd(vs("10.231.3.5", 25, "TCP", smtp % hosts), ns=lab.d)
    rs = f"tcp 10.231.3.5:25/{S_ADDR}:25"
    chk = f"{rs}/SMTP_CHECK#0/host#"
    d.wait_event(rs_ev(True, rs), timeout=10)
    rows = host_rows(d, rs)
    assert sorted(rows) == [chk + "0", chk + "1"], rows
    assert rows[chk + "0"]["target"] == f"{S_ADDR}:2525"
    assert rows[chk + "1"]["target"] == f"{S_ADDR}:2526"
    assert all(r["state"] == "up" and r["kind"] == "SMTP_CHECK" for r in rows.values()), rows
    with d.events(type="rs.") as stream:
        lab.stop(2526)
        down = stream.wait_event(rs_ev(False, rs), timeout=10)
        assert f"SMTP {S_ADDR}:2526" in down["reason"], down
        assert "Connection refused" in down["reason"], down
        assert host_rows(d, rs)[chk + "0"]["state"] == "up"
        start(lab, "smtp", 2526, "ok")
        stream.wait_event(rs_ev(True, rs), timeout=10)
    # a third host by reload: the first two keep running (their counters go on); the new one
    # starts failed (alpha), so the real server is down until it passes
    start(lab, "smtp", 2527, "ok")
    wait_until(lambda: all(r["total"] >= 3 for r in host_rows(d, rs).values()), timeout=10,
               what="a few checks of both hosts")
    before = host_rows(d, rs)
    d.write_config(vs("10.231.3.5", 25, "TCP",
                      smtp % (hosts + " host {\n connect_port 2527\n }\n")))
    with d.events(type="rs.") as stream:
        assert d.reload()["ok"]
        wait_until(lambda: len(host_rows(d, rs)) == 3, timeout=10, what="third host checked")
        after = host_rows(d, rs)
        for i in (0, 1):
            assert after[chk + str(i)]["total"] >= before[chk + str(i)]["total"], (before, after)
        assert after[chk + "2"]["target"] == f"{S_ADDR}:2527"
        up = stream.wait_event(rs_ev(True, rs), timeout=10)
        assert f"SMTP {S_ADDR}:2527" in up["reason"], up
    assert host_rows(d, rs)[chk + "2"]["state"] == "up"


@pytest.mark.parametrize("mode,reason", [
    ("nxdomain", "Domain name not found"),
    ("empty", "DNS server returned answer with no data"),
    ("garbage", "Timeout while contacting DNS servers"),
    ("silent", "Timeout while contacting DNS servers"),
])
def test_dns_check(lab, tandemd, mode, reason):
    start(lab, "dns", 5300, "ok")
    dns = "DNS_CHECK {\n type A\n name www.test\n connect_timeout 1\n retry 0\n }"
    d = tandemd(vs("10.231.6.1", 5300, "UDP", dns), ns=lab.d)
    rs = f"udp 10.231.6.1:5300/{S_ADDR}:5300"
    up = d.wait_event(rs_ev(True, rs), timeout=10)
    assert "rcode 0, 1 answer(s)" in up["reason"], up
    with d.events(type="rs.") as stream:
        lab.set_mode(5300, mode)
        down = stream.wait_event(rs_ev(False, rs), timeout=10)
        assert reason in down["reason"], down
        lab.set_mode(5300, "ok")
        stream.wait_event(rs_ev(True, rs), timeout=10)
