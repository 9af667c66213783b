"""VRRP track_process (vrrp_track_process): the kernel proc connector tells the vrrp child
(which runs in a test namespace: the connector socket is opened in the initial one) when a
matching process starts or ends. Processes are copies of `sleep` under a unique name, started
and killed by the test: the count against quorum / quorum_max changes the instance's priority
or puts it in FAULT, after fork_delay / terminate_delay."""

import shutil
import signal
import subprocess
import time
import uuid

import pytest

from tandem import wait_until
from vrrp_util import inst_status, lan, vrrp_conf, wait_state


@pytest.fixture
def procs(workdir):
    """Start copies of sleep named NAME (argv NAME ARG...); all killed at the end."""
    started = []
    name = "tp" + uuid.uuid4().hex[:10]         # 12 chars: the kernel keeps 15 of a name
    exe = workdir / name
    shutil.copy("/bin/sleep", exe)

    class P:
        def __init__(self):
            self.name = name
            self.started = started

        def start(self, *args):
            p = subprocess.Popen([name, *(args or ("1000",))], executable=str(exe),
                                 stdin=subprocess.DEVNULL)
            started.append(p)
            return p

        def stop(self, p):
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=10)
    yield P()
    for p in started:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=10)


def track_event(d, since, timeout=10, **want):
    return d.wait_event(lambda e: e.get("type") == "vrrp.track" and
                        all(e.get(k) == v for k, v in want.items()), since=since, timeout=timeout)


def proc_ref(d):
    return [r for r in inst_status(d)["tracking"]["refs"] if r["what"] == "process"]


def test_track_process_quorum_weight_delay(netns, bridge, tandemd, procs):
    """quorum 2, weight -150, terminate_delay 1 s, fork_delay 0.3 s: losing one of two
    processes lowers the priority (after the delay) and the backup takes over; a second
    process again gives the priority back (after its delay) and the master preempts."""
    p1, p2 = procs.start(), procs.start()
    a, b = lan(netns, bridge)
    tp = (f"vrrp_track_process tp {{\n    process {procs.name}\n    weight -150\n"
          f"    quorum 2\n    terminate_delay 1\n    fork_delay 0.3\n}}\n")
    extra = "    track_process {\n        tp\n    }"
    da = tandemd(tp + vrrp_conf(prio=200, extra=extra), ns=a, name="a")
    db = tandemd(vrrp_conf(prio=100), ns=b, name="b")
    m = wait_state(da, "MASTER")
    assert proc_ref(da) == [{"what": "process", "name": "tp", "ok": True, "delta": 0}]
    assert "proc connector" not in da.log_text()
    t0 = time.monotonic()
    procs.stop(p1)
    ev = track_event(da, m["seq"], what="process", name="tp", ok=False)
    waited = time.monotonic() - t0
    assert ev["delta"] == -150 and not ev["fault"]
    assert waited >= 0.9, waited               # terminate_delay honoured
    bk = wait_state(da, "BACKUP", since=m["seq"])
    assert bk["reason"] == "higher_priority"
    wait_state(db, "MASTER")
    assert inst_status(da)["priority"] == 50
    rc, out, err = da.tandemctl("vrrp")
    assert rc == 0 and "    track process tp: failed, -150" in out, (out, err)
    t0 = time.monotonic()
    procs.start()
    ev = track_event(da, ev["seq"], what="process", name="tp", ok=True)
    assert time.monotonic() - t0 >= 0.25       # fork_delay
    assert ev["delta"] == 0
    wait_state(da, "MASTER", since=bk["seq"])
    assert inst_status(da)["priority"] == 200
    del p2


def test_track_process_bounce_within_delay(netns, bridge, tandemd, procs):
    """A process replaced within terminate_delay (a restart) changes nothing: no vrrp.track
    event, no transition, over more than the delay."""
    p1 = procs.start()
    a, _ = lan(netns, bridge)
    tp = (f"vrrp_track_process tp {{\n    process {procs.name}\n    weight -150\n"
          f"    delay 1.5\n}}\n")
    extra = "    track_process {\n        tp\n    }"
    da = tandemd(tp + vrrp_conf(prio=200, extra=extra), ns=a, name="a")
    m = wait_state(da, "MASTER")
    procs.stop(p1)
    procs.start()
    with pytest.raises(TimeoutError):           # absence of an event: wait past the delay
        track_event(da, m["seq"], timeout=2.5, what="process")
    st = inst_status(da)
    assert st["state"] == "MASTER" and st["priority"] == 200
    # and the same tracker does fail when the process stays away
    procs.stop(procs.started[-1])
    ev = track_event(da, m["seq"], what="process", name="tp", ok=False)
    assert ev["delta"] == -150


def test_track_process_params_quorum_max_fault(netns, bridge, tandemd, procs):
    """process NAME ARG with param_match partial and quorum_max 1, weight 0: two matching
    processes are a FAULT; a process with another argument does not count; the command line
    is matched exactly without param_match."""
    a, _ = lan(netns, bridge)
    tp = (f"vrrp_track_process tp {{\n    process {procs.name} 1000\n    param_match partial\n"
          f"    weight 0\n    quorum 1\n    quorum_max 1\n}}\n"
          f"vrrp_track_process exact {{\n    process {procs.name} 1000 1\n    weight 30\n}}\n")
    extra = "    track_process {\n        tp\n        exact\n    }"
    other = procs.start("999")                  # another parameter: not counted
    da = tandemd(tp + vrrp_conf(prio=100, extra=extra), ns=a, name="a")
    f = wait_state(da, "FAULT")                 # no matching process: below the quorum
    p1 = procs.start("1000")
    m = wait_state(da, "MASTER", since=f["seq"])
    assert inst_status(da)["priority"] == 100  # `exact` needs "1000 1" exactly
    p2 = procs.start("1000", "1")               # partial: counts for tp too -> 2 > quorum_max
    ev = track_event(da, m["seq"], what="process", name="tp", ok=False)
    assert ev["fault"]
    f2 = wait_state(da, "FAULT", since=m["seq"])
    procs.stop(p1)
    m2 = wait_state(da, "MASTER", since=f2["seq"])
    wait_until(lambda: inst_status(da)["priority"] == 130, timeout=10, what="exact match +30")
    procs.stop(p2)
    wait_state(da, "FAULT", since=m2["seq"])
    assert other.poll() is None
