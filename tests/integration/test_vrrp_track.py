"""VRRP tracking: track_interface (a second veth losing its carrier: FAULT without a weight,
a lower priority with one), track_script (a vrrp_script whose exit code the test flips through
a file; rise/fall counted), track_file (the number in the file x weight). Each change is a
vrrp.track event and moves the VIP to the other router."""

import os

from tandem import wait_until
from vrrp_util import has_vip, inst_status, lan, script_dir, vrrp_conf, wait_state


def track_event(d, since, **want):
    return d.wait_event(lambda e: e.get("type") == "vrrp.track" and
                        all(e.get(k) == v for k, v in want.items()), since=since, timeout=10)


def pair_with_link(netns, bridge, veth, extra_a):
    a, b = lan(netns, bridge)
    c = netns("c")
    veth(a, c, if_a="eth1", if_b="eth1")
    return a, b, c


def test_track_interface_fault(netns, bridge, veth, tandemd):
    a, b, c = pair_with_link(netns, bridge, veth, None)
    extra = "    track_interface {\n        eth1\n    }"
    da = tandemd(vrrp_conf(prio=200, extra=extra), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100), ns=b, name="b")
    m = wait_state(da, "MASTER")
    c.ip("link", "set", "eth1", "down")         # a's eth1 loses its carrier
    ev = track_event(da, m["seq"], what="interface", name="eth1", ok=False)
    assert ev["fault"] and ev["delta"] == 0
    f = wait_state(da, "FAULT", since=m["seq"])
    wait_state(db, "MASTER")
    assert has_vip(b, "10.9.0.100") and not has_vip(a, "10.9.0.100")
    c.ip("link", "set", "eth1", "up")
    track_event(da, f["seq"], what="interface", name="eth1", ok=True)
    wait_state(da, "MASTER", since=f["seq"])   # back, and preempts (higher priority)
    assert has_vip(a, "10.9.0.100")


def test_track_interface_weight(netns, bridge, veth, tandemd):
    a, b, c = pair_with_link(netns, bridge, veth, None)
    extra = "    track_interface {\n        eth1 weight -150\n    }"
    da = tandemd(vrrp_conf(prio=200, extra=extra), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100), ns=b, name="b")
    m = wait_state(da, "MASTER")
    c.ip("link", "set", "eth1", "down")
    ev = track_event(da, m["seq"], what="interface", name="eth1", ok=False)
    assert ev["delta"] == -150 and not ev["fault"]
    bk = wait_state(da, "BACKUP", since=m["seq"])
    assert bk["reason"] == "higher_priority"
    wait_state(db, "MASTER")
    st = inst_status(da)
    assert st["priority"] == 50 and st["priority_configured"] == 200
    assert st["tracking"]["delta"] == -150 and not st["tracking"]["fault"]
    assert st["tracking"]["refs"] == [{"what": "interface", "name": "eth1", "ok": False,
                                       "delta": -150}]
    c.ip("link", "set", "eth1", "up")
    wait_state(da, "MASTER", since=bk["seq"])
    assert inst_status(da)["priority"] == 200


def test_track_script_rise_fall(netns, bridge, tandemd, workdir):
    d = script_dir(workdir)
    rc, runs = d / "rc", d / "runs"
    rc.write_text("0\n")
    os.chmod(rc, 0o644)
    chk = d / "chk.sh"
    chk.write_text(f"#!/bin/sh\nr=$(cat {rc})\necho $r >> {runs}\nexit $r\n")
    chk.chmod(0o755)
    a, b = lan(netns, bridge)
    # timeout well above the interval: a run slowed down by a loaded machine must not count
    # as a failure (a timeout does), or the counts below would be off
    scripts = (f"vrrp_script chk {{\n    script \"{chk}\"\n    interval 0.4\n    timeout 5\n"
               f"    weight -150\n    rise 3\n    fall 2\n}}\n")

    def set_rc(v):                              # atomic: a run never reads a half-written file
        tmp = d / "rc.new"
        tmp.write_text(f"{v}\n")
        os.chmod(tmp, 0o644)
        os.rename(tmp, rc)
    extra = "    track_script {\n        chk\n    }"
    da = tandemd(scripts + vrrp_conf(prio=200, extra=extra), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100), ns=b, name="b")
    m = wait_state(da, "MASTER")

    def count(v):
        try:
            return runs.read_text().split().count(v)
        except FileNotFoundError:
            return 0
    wait_until(lambda: count("0") >= 2, timeout=10, what="the script running")
    set_rc(1)
    ev = track_event(da, m["seq"], what="script", name="chk", ok=False)
    n_fail = count("1")
    assert ev["delta"] == -150
    assert 2 <= n_fail <= 4, n_fail          # fall 2: the second failure, not the first
    bk = wait_state(da, "BACKUP", since=m["seq"])
    wait_state(db, "MASTER")
    assert inst_status(da)["priority"] == 50
    before_ok = count("0")
    set_rc(0)
    ev = track_event(da, bk["seq"], what="script", name="chk", ok=True)
    n_ok = count("0") - before_ok
    assert ev["delta"] == 0
    assert 3 <= n_ok <= 5, n_ok              # rise 3
    wait_state(da, "MASTER", since=bk["seq"])
    # the script ran as nobody (the runs file was created by it)
    assert os.stat(runs).st_uid == 65534


def test_track_file(netns, bridge, tandemd, workdir):
    f = workdir / "prio"
    f.write_text("0\n")
    a, b = lan(netns, bridge)
    tf = f"track_file tf {{\n    file {f}\n    weight 2\n}}\n"
    extra = "    track_file {\n        tf\n    }"
    da = tandemd(tf + vrrp_conf(prio=200, extra=extra), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100), ns=b, name="b")
    m = wait_state(da, "MASTER")
    f.write_text("-60\n")                       # x2 = -120: 200 -> 80 < 100
    ev = track_event(da, m["seq"], what="file", name="tf", delta=-120)
    bk = wait_state(da, "BACKUP", since=m["seq"])
    wait_state(db, "MASTER")
    assert inst_status(da)["priority"] == 80
    tmp = workdir / "prio.new"                  # replaced atomically (rename) this time
    tmp.write_text("-200\n")                    # x2 = -400 < -253: FAULT
    os.rename(tmp, f)
    ev = track_event(da, ev["seq"], what="file", name="tf", fault=True)
    fl = wait_state(da, "FAULT", since=bk["seq"])
    f.write_text("0\n")
    wait_state(da, "MASTER", since=fl["seq"])
    assert inst_status(da)["priority"] == 200


def test_track_reload(netns, bridge, tandemd, workdir):
    """A reload keeps a script's verdict and applies the new weights; dropping the reference
    gives the configured priority back."""
    d = script_dir(workdir)
    chk = d / "chk.sh"
    chk.write_text("#!/bin/sh\nexit 1\n")
    chk.chmod(0o755)
    a, _ = lan(netns, bridge)

    def conf(weight, track=True):
        scripts = (f"vrrp_script chk {{\n    script \"{chk}\"\n    interval 0.2\n"
                   f"    weight {weight}\n}}\n")
        extra = "    track_script {\n        chk\n    }" if track else ""
        return scripts + vrrp_conf(prio=200, extra=extra)
    da = tandemd(conf(-150), ns=a, name="a")
    wait_until(lambda: inst_status(da)["priority"] == 50, timeout=10, what="priority 50")
    da.write_config(conf(-50))
    da.reload()
    wait_until(lambda: inst_status(da)["priority"] == 150, timeout=10, what="priority 150")
    da.write_config(conf(-50, track=False))
    da.reload()
    wait_until(lambda: inst_status(da)["priority"] == 200, timeout=10, what="priority 200")
