"""Reload of the VRRP part: an unchanged instance is left alone (no election, no VIP flap), a
priority change is applied in place, a removed master gives up (priority 0, VIPs removed),
an added instance starts."""

import subprocess

from tandem import IP
from vrrp_util import has_vip, inst_status, lan, vrrp_conf, wait_state


def conf(*insts, rid):
    """global_defs once, then the instances (name, vrid, prio, vip)."""
    text = vrrp_conf(name=insts[0][0], vrid=insts[0][1], prio=insts[0][2],
                     vips=(insts[0][3],), router_id=rid)
    for name, vrid, prio, vip in insts[1:]:
        one = vrrp_conf(name=name, vrid=vrid, prio=prio, vips=(vip,), router_id=rid)
        text += one[one.index("vrrp_instance"):]
    return text


def test_reload_changes_only_what_changed(netns, bridge, tandemd):
    a, b = lan(netns, bridge)
    vi, vj, vk, vl = (("VI", 51, 200, "10.9.0.100/24"), ("VJ", 52, 100, "10.9.0.101/24"),
                      ("VK", 53, 200, "10.9.0.102/24"), ("VL", 54, 200, "10.9.0.103/24"))
    da = tandemd(conf(vi, vj, vk, rid="a"), ns=a, name="a")
    db = tandemd(conf(("VI", 51, 100, vi[3]), ("VJ", 52, 150, vj[3]), ("VK", 53, 100, vk[3]),
                      rid="b"), ns=b, name="b")
    for name in ("VI", "VK"):
        wait_state(da, "MASTER", name)
    wait_state(db, "MASTER", "VJ")
    wait_state(da, "BACKUP", "VJ")
    before = inst_status(da, "VI")

    mon = subprocess.Popen([IP, "-n", a.name, "monitor", "address"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    try:
        # VI unchanged, VJ priority 100 -> 250, VK removed, VL added
        da.write_config(conf(vi, ("VJ", 52, 250, vj[3]), vl, rid="a"))
        with da.events() as evs:
            r = da.reload()
            assert r.get("ok"), r
            want = [{"type": "child.config", "child": "vrrp"},
                    # VK: a leaves with priority 0 (b takes over after its skew)
                    {"type": "vrrp.state", "instance": "VK", "to": "STOP"},
                    # VJ: now above b, a preempts; VL starts and wins
                    {"type": "vrrp.state", "instance": "VJ", "to": "MASTER"},
                    {"type": "vrrp.state", "instance": "VL", "to": "MASTER"}]
            for w in want:
                if not any(all(e.get(k) == v for k, v in w.items()) for e in evs.seen):
                    evs.wait_event(w, timeout=10)
            ev = [e for e in evs.seen if e["type"] == "child.config"][0]
            assert ev["changed"] == 1 and ev["removed"] == 1 and ev["added"] == 1
            ev = wait_state(db, "MASTER", "VK")
            assert ev["reason"] == "master_left"
            # nothing happened to VI
            assert not any(e.get("instance") == "VI" for e in evs.seen)
    finally:
        mon.terminate()
        out = mon.communicate(timeout=5)[0]
    assert "Deleted" not in "".join(l for l in out.splitlines(True) if "10.9.0.100" in l)
    after = inst_status(da, "VI")
    assert after["state"] == "MASTER"
    assert after["counters"]["transitions"] == before["counters"]["transitions"]
    assert inst_status(da, "VJ")["priority_configured"] == 250
    assert has_vip(a, vi[3]) and has_vip(a, vj[3]) and has_vip(a, vl[3])
    assert not has_vip(a, vk[3]) and has_vip(b, vk[3])
    assert [i["name"] for i in da.ctl("vrrp")["instances"]].count("VK") == 0
