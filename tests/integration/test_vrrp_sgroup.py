"""vrrp_sync_group: two instances on two LANs move together. When one member's interface
fails, the other member follows it into FAULT and the peer router takes over both VIPs; when
it returns both come back and preempt together. Group transitions are vrrp.group events and
run the group's notify scripts in order."""

import os
import textwrap

from tandem import wait_until
from vrrp_util import has_vip, inst_status, wait_state


def conf(prio, d=None):
    notify = (f'    notify "{d}/g.sh"\n    notify_master "{d}/m.sh"\n') if d else ""
    inst = ""
    for name, vrid, ifn, vip in (("VI_1", 51, "eth0", "10.9.0.100/24"),
                                 ("VI_2", 52, "eth1", "10.8.0.100/24")):
        inst += textwrap.dedent(f"""\
            vrrp_instance {name} {{
                state BACKUP
                interface {ifn}
                virtual_router_id {vrid}
                priority {prio}
                advert_int 0.1
                version 3
                virtual_ipaddress {{
                    {vip}
                }}
            }}
            """)
    return (f"global_defs {{\n    router_id r{prio}\n}}\n"
            f"vrrp_sync_group G {{\n    group {{\n        VI_1\n        VI_2\n    }}\n{notify}}}\n"
            + inst)


def group_event(d, since, to):
    return d.wait_event(lambda e: e.get("type") == "vrrp.group" and e.get("group") == "G"
                        and e.get("to") == to, since=since, timeout=15)


def test_sync_group_moves_together(netns, bridge, tandemd, workdir):
    os.chmod(workdir, 0o711)
    d = workdir / "scripts"
    d.mkdir()
    os.chmod(d, 0o777)
    out = d / "out"
    (d / "g.sh").write_text(f'#!/bin/sh\necho "$1 $2 $3" >> {out}\n')
    (d / "m.sh").write_text(f'#!/bin/sh\necho "master-script" >> {out}\n')
    for s in ("g.sh", "m.sh"):
        (d / s).chmod(0o755)
    a, b = netns("a"), netns("b")
    bridge(a, b, ifname="eth0", addrs=["10.9.0.1/24", "10.9.0.2/24"])
    bridge(a, b, ifname="eth1", addrs=["10.8.0.1/24", "10.8.0.2/24"])
    for ns in (a, b):                           # carriers up first: no FAULT at start
        for ifn in ("eth0", "eth1"):
            wait_until(lambda: "LOWER_UP" in ns.ip("link", "show", ifn).stdout, timeout=10,
                       what=f"{ns}:{ifn} carrier")
    da = tandemd(conf(200, d), ns=a, name="a")
    db = tandemd(conf(100), ns=b, name="b")
    gm = group_event(da, 0, "MASTER")
    assert gm["from"] in ("INIT", "BACKUP")
    wait_state(da, "MASTER", name="VI_1")
    wait_state(da, "MASTER", name="VI_2")
    for n in ("VI_1", "VI_2"):
        wait_until(lambda: inst_status(db, n)["state"] == "BACKUP" and
                   inst_status(db, n)["master"], timeout=10, what=f"b {n} BACKUP")
    bseq = db.status()["daemon"]["event_seq"]
    assert has_vip(a, "10.9.0.100") and has_vip(a, "10.8.0.100", "eth1")

    a.ip("link", "set", "eth1", "down")         # only VI_2's interface fails
    gf = group_event(da, gm["seq"], "FAULT")
    f1 = wait_state(da, "FAULT", name="VI_1", since=gm["seq"])
    assert f1["reason"] == "group_fault" and f1.get("group") == "G"
    wait_state(db, "MASTER", name="VI_1", since=bseq)
    wait_state(db, "MASTER", name="VI_2", since=bseq)
    assert has_vip(b, "10.9.0.100") and has_vip(b, "10.8.0.100", "eth1")
    assert not has_vip(a, "10.9.0.100")

    a.ip("link", "set", "eth1", "up")
    group_event(da, gf["seq"], "MASTER")
    for n in ("VI_1", "VI_2"):
        wait_state(da, "MASTER", name=n, since=gf["seq"])
        wait_until(lambda: inst_status(db, n)["state"] == "BACKUP", timeout=10,
                   what=f"b {n} back to BACKUP")
    want = ["GROUP G BACKUP", "master-script", "GROUP G MASTER", "GROUP G FAULT",
            "GROUP G BACKUP", "master-script", "GROUP G MASTER"]
    wait_until(lambda: out.exists() and len(out.read_text().splitlines()) >= len(want),
               timeout=10, what="group notify lines")
    assert out.read_text().splitlines() == want
