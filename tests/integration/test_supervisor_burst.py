"""A child that is busy sending a burst of events is alive: the parent counts any message
from a child as a heartbeat answer. Before, 100,000 real servers starting up made the check
child's PONG wait behind its events, and the parent killed and restarted it in a loop."""

import signal
import time

from tandem import wait_until

HB = ["--heartbeat", "250"]


def burst_config(nvs=100, nrs=200):
    """nvs x nrs real servers with TCP_CHECKs to an unreachable network: every check fails at
    once, so the check child sends a state event per real server right after it starts."""
    out = []
    for v in range(nvs):
        out.append(f"virtual_server 192.0.2.{v + 1} 80 {{\n    delay_loop 60\n"
                   f"    lb_algo rr\n    lb_kind NAT\n    protocol TCP")
        for r in range(nrs):
            out.append(f"    real_server 198.18.{v}.{r + 1} 80 {{\n        weight 1\n"
                       f"        TCP_CHECK {{\n            connect_timeout 1\n        }}\n    }}")
        out.append("}")
    return "\n".join(out) + "\n"


def test_event_burst_is_not_a_wedged_child(tandemd, netns):
    d = tandemd(burst_config(), ns=netns("burst"), args=HB, timeout=30)
    n_rs = 100 * 200

    def check_child():
        return [c for c in d.status()["children"] if c["name"] == "check"][0]

    # every real server reports a state (rs.state) and a first result (check.result): at
    # least 2 events each, sent as one burst right after the child starts
    wait_until(lambda: d.status()["daemon"]["event_seq"] >= 2 * n_rs, timeout=60,
               what="the check child's burst of state events")
    assert check_child()["restarts"] == 0, check_child()
    # the burst is over: it must still answer heartbeats; nothing to wait on for an absence,
    # so give it ten heartbeat periods (3 missed at 250 ms = killed)
    time.sleep(2.5)
    c = check_child()
    assert c["restarts"] == 0 and c["state"] == "running", c


def test_parent_paused_gives_children_grace(tandemd, netns):
    """The parent itself not scheduled for a while (SIGSTOP here) proves nothing about its
    children: the late heartbeat tick restarts their clocks. It used to compare against a
    time taken before the grace and kill every healthy child (an unsigned underflow)."""
    d = tandemd(burst_config(nvs=1, nrs=2), ns=netns("pause"), args=["--heartbeat", "100"])
    before = {c["name"]: c["pid"] for c in d.status()["children"]}
    time.sleep(0.35)              # a few normal ticks first
    d.signal(signal.SIGSTOP)
    try:
        time.sleep(0.6)           # six heartbeat periods with the parent stopped
    finally:
        d.signal(signal.SIGCONT)
    # the late tick and a few normal ones after it (3 missed at 100 ms would kill)
    time.sleep(0.8)
    after = {c["name"]: (c["pid"], c["restarts"]) for c in d.status()["children"]}
    for name, pid in before.items():
        assert after[name] == (pid, 0), (name, after)


VRRP = """
vrrp_instance VI_1 {
    state BACKUP
    interface lo
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.200/32
    }
}
"""


def test_realtime_child_parses_a_big_reload(tandemd, netns):
    """The vrrp child runs SCHED_RR with an RLIMIT_RTTIME safety net; parsing a big new
    snapshot runs long without blocking, so the child does it at normal priority. Here the
    limit is cut to 20 ms and a reload brings 20,000 real servers: before, SIGXCPU."""
    import shutil
    import subprocess
    if not shutil.which("prlimit"):
        import pytest
        pytest.skip("prlimit (util-linux) not installed")
    d = tandemd(VRRP, ns=netns("rt"), args=["--heartbeat", "500"])
    vrrp = [c for c in d.status()["children"] if c["name"] == "vrrp"][0]
    policy = subprocess.run(["chrt", "-p", str(vrrp["pid"])], capture_output=True,
                            text=True).stdout
    if "SCHED_RR" not in policy:
        import pytest
        pytest.skip(f"vrrp child not real-time here: {policy.strip()}")
    subprocess.run(["prlimit", f"--pid={vrrp['pid']}", "--rttime=20000:40000"], check=True)
    d.write_config(VRRP + burst_config(nvs=100, nrs=200))
    r = d.reload(timeout=60)
    assert r.get("ok"), r
    wait_until(lambda: [c for c in d.status()["children"] if c["name"] == "vrrp"][0]
               ["generation"] == 2, timeout=60, what="vrrp child at generation 2")
    after = [c for c in d.status()["children"] if c["name"] == "vrrp"][0]
    assert (after["pid"], after["restarts"]) == (vrrp["pid"], 0), after
    assert "SCHED_RR" in subprocess.run(["chrt", "-p", str(vrrp["pid"])], capture_output=True,
                                        text=True).stdout
