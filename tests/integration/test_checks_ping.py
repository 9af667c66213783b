"""PING_CHECK through tandemd: ICMP echo to a host in another namespace over a veth (IPv4 and
IPv6); the state follows the link going down and up."""

from tandem import *
from test_checks_tcp_http import checks, rs_ev

D4, S4 = "10.231.5.1", "10.231.5.2"
D6, S6 = "fd00:231:5::1", "fd00:231:5::2"


def vs(addr, rs):
    return f"""
virtual_server {addr} 80 {{
    protocol TCP
    delay_loop 0.2
    alpha
    real_server {rs} 80 {{
        PING_CHECK {{
            connect_timeout 0.5
            retry 0
        }}
    }}
}}
"""


def both(stream, up, *rss, timeout=10):
    """Wait until every one of rss reported up (in any order)."""
    left = set(rss)

    def pred(e):
        if e.get("type") == "rs.state" and e.get("up") == up:
            left.discard(e.get("rs"))
        return not left
    stream.wait_event(pred, timeout=timeout)


def test_ping_check(netns, veth, tandemd):
    d, s = netns("d"), netns("s")
    veth(d, s, addr_a=f"{D4}/24", addr_b=f"{S4}/24")
    d.ip("-6", "addr", "add", f"{D6}/64", "dev", "eth0", "nodad")
    s.ip("-6", "addr", "add", f"{S6}/64", "dev", "eth0", "nodad")
    # the server's IPv6 address must survive the link going down and up
    s.exec("sysctl", "-qw", "net.ipv6.conf.eth0.keep_addr_on_down=1")
    t = tandemd(vs("10.231.5.100", S4) + vs("fd00:231:5::100", S6), ns=d)
    rs4 = f"tcp 10.231.5.100:80/{S4}:80"
    rs6 = f"tcp [fd00:231:5::100]:80/[{S6}]:80"
    up = t.wait_event(rs_ev(True, rs4), timeout=10)
    assert "echo reply" in up["reason"], up
    t.wait_event(rs_ev(True, rs6), timeout=10)
    with t.events(type="rs.") as stream:
        s.ip("link", "set", "eth0", "down")
        both(stream, False, rs4, rs6)
        down = [e for e in stream.seen if e["rs"] == rs4 and not e["up"]][0]
        assert "no echo reply within 0.5 s" in down["reason"], down
        s.ip("link", "set", "eth0", "up")
        both(stream, True, rs4, rs6, timeout=15)
    assert all(c["kind"] == "PING_CHECK" for c in checks(t)["checks"])
