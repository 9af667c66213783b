"""TANDEM-MIB's server, checker, VRRP-extra and sync-group rows with real checks: tandemd and
snmpd (AgentX master) in one test namespace, two TCP servers on its lo. Walks show the real
and virtual servers (state, configured weight, snmp_name, real server counts, implicit quorum), the
merged checker (type, target, result, references), VRRP adverts and drops by reason, the
sync group; a server killed and restarted gives tandemRealServerStateChange down then up at
snmptrapd; a reload keeps every row; the Prometheus text carries the same facts and parses
with prometheus_client's parser."""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from snmp_env import (RS, TANDEM_MIB, TRAP_RS_STATE, VRRP, VS, Snmpd, Snmptrapd,
                      instance_suffix, require_snmp_tools)
from tandem import wait_until

HERE = Path(__file__).resolve().parent
SERVER = HERE / "checks_server.py"
PY = "/usr/bin/python3"
DROPS = TANDEM_MIB + ".1.6.1"
GROUPS = TANDEM_MIB + ".1.7.1"
CHECKERS = TANDEM_MIB + ".1.8.1"
P1, P2 = 18081, 18082

CONF = """
global_defs {{
    router_id snmp-tables
    snmp_socket {agentx}
    enable_snmp_tandem
    enable_traps
}}
vrrp_sync_group G1 {{
    group {{
        VI_1
    }}
}}
vrrp_instance VI_1 {{
    state BACKUP
    interface lo
    virtual_router_id 52
    priority {prio}
    advert_int 1
    virtual_ipaddress {{
        192.0.2.20/32
    }}
}}
virtual_server 192.0.2.20 80 {{
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    quorum 3
    snmp_name web-vip
    real_server 127.0.0.1 {p1} {{
        weight 3
        snmp_name web-a
        TCP_CHECK {{
            connect_timeout 1
        }}
    }}
    real_server 127.0.0.1 {p2} {{
        weight 2
        TCP_CHECK {{
            connect_timeout 1
        }}
    }}
}}
virtual_server 192.0.2.21 80 {{
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 127.0.0.1 {p1} {{
        weight 5
        TCP_CHECK {{
            connect_timeout 1
        }}
    }}
}}
"""

VS1, VS2 = "tcp 192.0.2.20:80", "tcp 192.0.2.21:80"
RS1, RS2, RS3 = f"{VS1}/127.0.0.1:{P1}", f"{VS1}/127.0.0.1:{P2}", f"{VS2}/127.0.0.1:{P1}"


class Servers:
    def __init__(self, ns, workdir):
        self.ns, self.workdir, self.procs = ns, Path(workdir), {}

    def start(self, port):
        ctl = self.workdir / f"srv{port}.mode"
        ctl.write_text("200\n")
        self.procs[port] = self.ns.popen([PY, SERVER, "127.0.0.1", port, ctl],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: self.ns.exec("ss", "-ltnH", f"sport = :{port}").stdout.strip(),
                   timeout=10, what=f"server on port {port}")

    def stop(self, port):
        p = self.procs.pop(port, None)
        if p:
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=10)

    def close(self):
        for port in list(self.procs):
            self.stop(port)


@pytest.fixture
def lab(netns, workdir):
    require_snmp_tools()
    ns = netns("snmpt")
    trapd = Snmptrapd(ns, workdir).start()
    snmpd = Snmpd(ns, workdir)
    srv = Servers(ns, workdir)
    try:
        snmpd.start()
        srv.start(P1)
        srv.start(P2)
    except Exception:
        srv.close()
        snmpd.close()
        trapd.close()
        raise
    yield ns, snmpd, trapd, srv
    srv.close()
    snmpd.close()
    trapd.close()


def conf(snmpd, prio=100):
    return CONF.format(agentx=snmpd.agentx, prio=prio, p1=P1, p2=P2)


def val(w, oid):
    v = w.get("." + oid)
    return v[1] if v else None


def wait_walk(snmpd, pred, timeout=15.0, what="walk"):
    last = {}

    def ok():
        nonlocal last
        last = snmpd.walk()
        return last if last and pred(last) else None
    try:
        return wait_until(ok, timeout=timeout, interval=0.3, what=what)
    except TimeoutError as e:
        raise TimeoutError(f"{e}; last walk: {last}") from None


def checker_rows(w):
    """{name: {column: value}} of tandemCheckerTable."""
    rows = {}
    pre = "." + CHECKERS + "."
    for oid, (_, v) in w.items():
        if not oid.startswith(pre):
            continue
        parts = [int(x) for x in oid[len(pre):].split(".")]
        col, n = parts[0], parts[1]
        name = bytes(parts[2:2 + n]).decode()
        rows.setdefault(name, {})[col] = v
    return rows


def all_up(w):
    return all(val(w, RS + ".3" + instance_suffix(r)) == 1 for r in (RS1, RS2, RS3))


def test_server_checker_vrrp_rows(lab, tandemd):
    ns, snmpd, trapd, srv = lab
    d = tandemd(conf(snmpd), ns=ns)
    d.wait_event({"type": "vrrp.state", "instance": "VI_1", "to": "MASTER"}, timeout=15)
    w = wait_walk(snmpd, all_up, what="three real servers up")
    s1, s2, s3 = (instance_suffix(r) for r in (RS1, RS2, RS3))
    # real servers: virtual server, configured and effective weights
    assert val(w, RS + ".2" + s1) == VS1 and val(w, RS + ".2" + s3) == VS2
    assert (val(w, RS + ".4" + s1), val(w, RS + ".8" + s1)) == (3, 3)
    assert (val(w, RS + ".4" + s2), val(w, RS + ".8" + s2)) == (2, 2)
    assert val(w, RS + ".8" + s3) == 5
    # snmp_name: tandemRealServerSnmpName and tandemVirtualServerSnmpName
    assert val(w, RS + ".17" + s1) == "web-a"
    assert val(w, VS + ".14" + instance_suffix(VS1)) == "web-vip"
    # no IPVS in this kernel: no kernel weight, zero traffic
    assert val(w, RS + ".9" + s1) == -1 and val(w, RS + ".12" + s1) == 0
    # virtual servers: the one with quorum 3 reports it; the other one has a row anyway
    v1, v2 = instance_suffix(VS1), instance_suffix(VS2)
    w = wait_walk(snmpd, lambda w: val(w, VS + ".2" + v1) == 1, what="VS1 quorum up")
    assert val(w, VS + ".3" + v1) == 5 and val(w, VS + ".12" + v1) == 2
    assert val(w, VS + ".13" + v1) == 2
    assert (val(w, VS + ".2" + v2), val(w, VS + ".3" + v2), val(w, VS + ".12" + v2)) == (1, 5, 1)
    # checkers: the identical checks of 127.0.0.1:P1 under both virtual servers are one
    rows = checker_rows(w)
    assert len(rows) == 2, rows
    by_target = {r[3]: r for r in rows.values()}
    c1 = by_target[f"127.0.0.1:{P1}"]
    assert c1[2] == "TCP_CHECK" and c1[4] == 1 and c1[7] == 2
    assert by_target[f"127.0.0.1:{P2}"][7] == 1
    # VRRP extras (vrrp.stats every 5 s): adverts sent as master, drop rows by reason
    vi = instance_suffix("VI_1")
    w = wait_walk(snmpd, lambda w: (val(w, VRRP + ".11" + vi) or 0) > 0, timeout=15,
                  what="VI_1 adverts sent")
    assert val(w, VRRP + ".9" + vi) == 0                     # alone on lo: no peer
    reasons = {v for o, (_, v) in w.items() if o.startswith("." + DROPS + ".2" + vi + ".")}
    assert {"checksum", "ttl"} <= reasons, reasons
    counts = [v for o, (_, v) in w.items() if o.startswith("." + DROPS + ".3" + vi + ".")]
    assert len(counts) == len(reasons) and all(c == 0 for c in counts)
    # the sync group
    g = instance_suffix("G1")
    assert val(w, GROUPS + ".2" + g) == 3 and val(w, GROUPS + ".3" + g) == "VI_1"
    key = [tuple(int(x) for x in o.strip(".").split(".")) for o in w]
    assert key == sorted(key)

    # a server killed: its two real servers go down (traps), VS1 loses its quorum (3 > 2)
    srv.stop(P1)
    w = wait_walk(snmpd, lambda w: val(w, RS + ".3" + s1) == 2 and val(w, RS + ".3" + s3) == 2
                  and val(w, VS + ".2" + v1) == 2 and val(w, VS + ".2" + v2) == 2,
                  what="P1 servers down, both quorums lost")
    assert val(w, VS + ".13" + v1) == 1 and val(w, VS + ".3" + v2) == 0
    rows = {r[3]: r for r in checker_rows(w).values()}
    assert rows[f"127.0.0.1:{P1}"][4] == 2 and rows[f"127.0.0.1:{P1}"][8] >= 1
    srv.start(P1)
    wait_walk(snmpd, all_up, what="P1 servers up again")

    def rs_traps():
        """[(state, weight)] of the tandemRealServerStateChange traps about RS1, in order."""
        out = []
        for block in re.split(r"\n(?=\S)", trapd.text()):
            if TRAP_RS_STATE not in block or RS + ".3" + s1 + " " not in block:
                continue
            st = re.search(re.escape(RS + ".3" + s1) + r" = INTEGER: (\d+)", block)
            out.append(int(st.group(1)))
        return out
    traps = wait_until(lambda: (lambda t: t if t[-2:] == [2, 1] else None)(rs_traps()),
                       timeout=15, what="down then up traps for RS1")
    assert 2 in traps and traps[-1] == 1

    # a reload keeps every row (and the same subagent)
    before = snmpd.walk()
    d.write_config(conf(snmpd, prio=110))
    assert d.reload()["ok"]
    w = wait_walk(snmpd, lambda w: val(w, TANDEM_MIB + ".1.1.5.0") == 2, what="generation 2")
    for oid in before:
        if oid.startswith(("." + RS + ".", "." + VS + ".", "." + CHECKERS + ".",
                           "." + DROPS + ".", "." + GROUPS + ".")):
            assert oid in w, f"{oid} lost by the reload"


def test_prometheus_same_facts(lab, tandemd):
    parser = pytest.importorskip("prometheus_client.parser")
    ns, snmpd, _, _ = lab
    d = tandemd(conf(snmpd), ns=ns)
    d.wait_event({"type": "vrrp.state", "instance": "VI_1", "to": "MASTER"}, timeout=15)
    wait_walk(snmpd, all_up, what="three real servers up")

    def metrics():
        rc, out, err = d.tandemctl("metrics")
        assert rc == 0, err
        return out

    def samples(text):
        out = {}
        for fam in parser.text_string_to_metric_families(text):
            for s in fam.samples:
                out[(s.name, tuple(sorted(s.labels.items())))] = s.value
        return out
    text = wait_until(lambda: (lambda t: t if "tandem_vrrp_adverts_sent_total" in t else None)
                      (metrics()), timeout=15, what="vrrp.stats in the metrics")
    s = samples(text)

    def get(name, **labels):
        return s[(name, tuple(sorted(labels.items())))]
    assert get("tandem_real_server_configured_weight", vs=VS1, rs=RS1) == 3
    assert get("tandem_real_server_up", vs=VS2, rs=RS3) == 1
    assert get("tandem_virtual_server_quorum_up", vs=VS2) == 1
    assert get("tandem_virtual_server_live_weight", vs=VS2) == 5
    assert get("tandem_virtual_server_real_servers", vs=VS1, health="up") == 2
    assert get("tandem_virtual_server_real_servers", vs=VS1, health="down") == 0
    checkers = [lab for (n, lab) in s if n == "tandem_checker_info"]
    assert len(checkers) == 2
    merged = [dict(c) for c in checkers if dict(c)["target"] == f"127.0.0.1:{P1}"][0]
    assert merged["type"] == "TCP_CHECK"
    assert get("tandem_checker_references", checker=merged["checker"]) == 2
    assert get("tandem_checker_ok", checker=merged["checker"]) == 1
    assert get("tandem_vrrp_adverts_sent_total", vrrp_instance="VI_1") > 0
    assert get("tandem_vrrp_drops_total", vrrp_instance="VI_1", reason="checksum") == 0
    assert get("tandem_vrrp_sync_group_state", group="G1", state="MASTER") == 1
    # exposition rules: HELP and TYPE once per family, before its samples
    seen = set()
    for line in text.splitlines():
        m = re.match(r"# (HELP|TYPE) (\S+)", line)
        if m:
            assert (m.group(1), m.group(2)) not in seen
            seen.add((m.group(1), m.group(2)))


def test_restarted_child_gets_a_big_view_in_parts(lab, tandemd):
    """800 real servers make the parent's view snapshot larger than one feed packet: it
    comes as feed.view parts. A SIGSEGVed snmp child gets it back whole (all rows, their
    transitions), and sends no trap for history."""
    ns, snmpd, trapd, _ = lab
    rs = "".join(f"    real_server 198.51.100.{i % 250 + 1} {1000 + i} {{\n        weight 2\n    }}\n"
                 for i in range(800))
    text = (f"global_defs {{\n    snmp_socket {snmpd.agentx}\n    enable_snmp_tandem\n"
            f"    enable_traps\n}}\nvirtual_server 192.0.2.40 80 {{\n    protocol TCP\n"
            f"    lb_algo rr\n    lb_kind NAT\n{rs}}}\n")
    d = tandemd(text, ns=ns)

    def rows(w):
        return [o for o in w if o.startswith("." + RS + ".3.")]
    w = wait_walk(snmpd, lambda w: len(rows(w)) == 800, what="800 real server rows")
    assert {w[o][1] for o in rows(w)} == {1}
    traps_before = trapd.text().count(TRAP_RS_STATE)
    old = d.child_pid("snmp")
    os.kill(old, signal.SIGSEGV)
    wait_until(lambda: d.child_pid("snmp") not in (None, 0, old), timeout=15,
               what="snmp child restarted")
    w = wait_walk(snmpd, lambda w: len(rows(w)) == 800, what="800 rows after the restart")
    time.sleep(1)
    assert trapd.text().count(TRAP_RS_STATE) == traps_before
