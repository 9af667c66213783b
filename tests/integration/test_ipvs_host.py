"""tandemd with virtual servers on a kernel without IPVS (the build host): the check child
keeps running and says so (log, "ipvs.unavailable" event, `tandemctl ipvs`, `rs`), its
health checks still run, and a VRRP instance of the same config becomes master as usual."""

import json

from tandem import wait_until
from vrrp_util import has_vip, inst_status, lan, vrrp_conf, wait_state

VS = """
virtual_server 10.9.0.100 80 {
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 10.9.0.2 80 {
        weight 2
    }
}
"""


def ipvs_available():
    try:
        with open("/proc/net/ip_vs"):
            return True
    except OSError:
        return False


def test_no_ipvs_reported_vrrp_unaffected(netns, bridge, tandemd):
    if ipvs_available():
        import pytest
        pytest.skip("this kernel has IPVS")
    a, = lan(netns, bridge, names=("a",))
    d = tandemd(vrrp_conf(prio=150) + VS, ns=a, name="a")
    # VRRP runs as if there were no virtual server at all
    wait_state(d, "MASTER")
    assert has_vip(a, "10.9.0.100/24")
    assert inst_status(d)["state"] == "MASTER"

    ev = d.wait_event(lambda e: e.get("type") == "ipvs.unavailable", timeout=10)
    assert "no IPVS" in ev["error"] and ev["child"] == "check"

    r = d.ctl("ipvs")
    assert r["ok"] is False and "this kernel has no IPVS" in r["error"]
    r = d.ctl("rs", action="drain", vs="10.9.0.100:80", rs="10.9.0.2:80")
    assert r["ok"] is False and "no IPVS" in r["error"]

    rc, out, err = d.tandemctl("ipvs", timeout=10)
    assert rc == 1 and "this kernel has no IPVS" in err
    rc, out, err = d.tandemctl("--json", "ipvs", timeout=10)
    assert rc == 1 and json.loads(out)["ok"] is False

    # the check child is up and its engine answers
    st = d.status()
    kids = {c["name"]: c for c in st["children"]}
    assert kids["check"]["state"] == "running" and kids["vrrp"]["state"] == "running"
    r = d.ctl("checks")
    assert r["ok"] is True

    # a reload with another weight is taken in stride
    d.write_config(vrrp_conf(prio=150) + VS.replace("weight 2", "weight 3"))
    assert d.reload()["ok"]
    wait_until(lambda: d.status()["daemon"]["generation"] == 2, what="generation 2")
    assert inst_status(d)["state"] == "MASTER"
    kids = {c["name"]: c for c in d.status()["children"]}
    assert kids["check"]["restarts"] == 0
    assert "this kernel has no IPVS" in open(d.logfile).read()
