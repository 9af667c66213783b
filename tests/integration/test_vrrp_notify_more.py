"""VRRP notify extras: notify_deleted (an instance removed by a reload reports DELETED and
runs that script instead of notify_stop), notify_master_rx_lower_pri (a master hearing a lower
priority runs it once per split brain; FIFO MASTER_RX_LOWER_PRI), notify_priority_changes
(MASTER_PRIORITY / BACKUP_PRIORITY lines on the vrrp_notify_fifo) and sync_group_tracking_weight
(without it a member's weighted tracking is a FAULT of the group)."""

import os
import time

from tandem import wait_until
from vrrp_util import (forge_v2, inst_status, lan, lines, script_dir, send_raw4, vrrp_conf,
                       wait_state, write_script)


class Fifo:
    """The reading end of a vrrp_notify_fifo, opened before the daemon starts."""

    def __init__(self, path):
        os.mkfifo(path, 0o600)
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.buf = b""

    def lines(self):
        try:
            self.buf += os.read(self.fd, 65536)
        except BlockingIOError:
            pass
        return self.buf.decode().splitlines()

    def close(self):
        os.close(self.fd)


def test_notify_deleted(netns, bridge, tandemd, workdir):
    d = script_dir(workdir)
    out = d / "out"
    write_script(d, "n.sh", f'echo "$*" >> {out}\n')
    a, = lan(netns, bridge, names=("a",))

    def inst(name, vrid, extra):
        return vrrp_conf(name=name, vrid=vrid, prio=150, vips=(f"10.9.0.{vrid}/24",),
                         extra=extra).split("vrrp_instance", 1)[1]
    gen = f'    notify "{d}/n.sh"\n    notify_stop "{d}/n.sh stop"\n'
    head = vrrp_conf(name="K", vrid=60, prio=150, vips=("10.9.0.60/24",))
    del_ = inst("D", 61, gen + f'    notify_deleted "{d}/n.sh deleted"\n')
    plain = inst("P", 62, gen)
    da = tandemd(head + "vrrp_instance" + del_ + "vrrp_instance" + plain, ns=a, name="a")
    wait_state(da, "MASTER", name="D")
    m = wait_state(da, "MASTER", name="P")
    wait_until(lambda: len(lines(out)) >= 4, timeout=10, what="BACKUP and MASTER lines")
    before = len(lines(out))
    da.write_config(head)                       # D and P removed
    da.reload()
    wait_state(da, "STOP", name="D", since=m["seq"])
    wait_state(da, "STOP", name="P", since=m["seq"])
    wait_until(lambda: len(lines(out)) >= before + 4, timeout=10, what="the removal lines")
    time.sleep(0.3)
    got = lines(out)[before:]
    # D: its notify_deleted script instead of notify_stop, DELETED for the generic one
    d_lines = [l for l in got if "D" in l.split() or l == "deleted"]
    assert d_lines == ["deleted", "INSTANCE D DELETED 150"], got
    # P (no notify_deleted): STOP as usual
    p_lines = [l for l in got if "P" in l.split() or l == "stop"]
    assert p_lines == ["stop", "INSTANCE P STOP 150"], got
    assert got.count("stop") == 1               # D's notify_stop did not run


def test_notify_master_rx_lower_pri(netns, bridge, tandemd, workdir):
    d = script_dir(workdir)
    out = d / "out"
    write_script(d, "low.sh", f'echo "low $(id -u)" >> {out}\n')
    fifo = Fifo(workdir / "vrrp.fifo")
    try:
        a, c = lan(netns, bridge, names=("a", "c"))
        extra = f'    notify_master_rx_lower_pri "{d}/low.sh"\n'
        da = tandemd(vrrp_conf(prio=200, version=2, advert_int="1", extra=extra,
                               global_extra=f"    vrrp_notify_fifo {workdir / 'vrrp.fifo'}"),
                     ns=a, name="a")
        wait_state(da, "MASTER")
        rx0 = inst_status(da)["counters"]["rx"]
        trans0 = inst_status(da)["counters"]["transitions"]
        # a lower-priority master appears (3 adverts): one report for this split brain
        send_raw4(c, forge_v2("10.9.0.2", 51, 50, ["10.9.0.100"]), count=3)
        wait_until(lambda: inst_status(da)["counters"]["rx"] >= rx0 + 3, timeout=5,
                   what="the lower adverts received")
        wait_until(lambda: lines(out) == ["low 65534"], timeout=5, what="the script")
        wait_until(lambda: 'INSTANCE "VI" MASTER_RX_LOWER_PRI 200' in fifo.lines(), timeout=5,
                   what="the FIFO line")
        time.sleep(0.5)
        assert lines(out) == ["low 65534"]
        assert fifo.lines().count('INSTANCE "VI" MASTER_RX_LOWER_PRI 200') == 1
        st = inst_status(da)
        assert st["state"] == "MASTER" and st["counters"]["transitions"] == trans0
        assert fifo.lines()[:2] == ['INSTANCE "VI" BACKUP 200', 'INSTANCE "VI" MASTER 200']
    finally:
        fifo.close()


def test_notify_priority_changes(netns, bridge, tandemd, workdir):
    f = workdir / "prio"
    f.write_text("0\n")
    fifo = Fifo(workdir / "vrrp.fifo")
    try:
        a, b = lan(netns, bridge)
        tf = f"track_file tf {{\n    file {f}\n    weight 1\n}}\n"
        extra = "    track_file {\n        tf\n    }\n    notify_priority_changes"
        da = tandemd(tf + vrrp_conf(prio=200, extra=extra,
                                    global_extra=f"    vrrp_notify_fifo {workdir / 'vrrp.fifo'}"),
                     ns=a, name="a")
        m = wait_state(da, "MASTER")
        f.write_text("-20\n")
        wait_until(lambda: 'INSTANCE "VI" MASTER_PRIORITY 180' in fifo.lines(), timeout=10,
                   what="MASTER_PRIORITY 180")
        db = tandemd(vrrp_conf(prio=190), ns=b, name="b")
        wait_state(da, "BACKUP", since=m["seq"])
        f.write_text("-50\n")
        wait_until(lambda: 'INSTANCE "VI" BACKUP_PRIORITY 150' in fifo.lines(), timeout=10,
                   what="BACKUP_PRIORITY 150")
        db.stop()
        # without notify_priority_changes: no such lines
        da.write_config(tf + vrrp_conf(prio=200, extra=extra.replace(
            "    notify_priority_changes", ""),
            global_extra=f"    vrrp_notify_fifo {workdir / 'vrrp.fifo'}"))
        da.reload()
        n = len(fifo.lines())
        f.write_text("-10\n")
        wait_until(lambda: inst_status(da)["priority"] == 190, timeout=10, what="priority 190")
        time.sleep(0.3)
        assert not [l for l in fifo.lines()[n:] if "PRIORITY" in l]
        # global_defs vrrp_notify_priority_changes: for every instance
        da.write_config(tf + vrrp_conf(prio=200, extra=extra.replace(
            "    notify_priority_changes", ""),
            global_extra=f"    vrrp_notify_fifo {workdir / 'vrrp.fifo'}\n"
                         f"    vrrp_notify_priority_changes"))
        da.reload()
        f.write_text("-30\n")
        wait_until(lambda: 'INSTANCE "VI" MASTER_PRIORITY 170' in fifo.lines(), timeout=10,
                   what="MASTER_PRIORITY 170")
    finally:
        fifo.close()


def sgroup_conf(f, weight_flag):
    tf = f"track_file tf {{\n    file {f}\n}}\n"
    flag = "    sync_group_tracking_weight\n" if weight_flag else ""
    inst = ""
    for name, vrid, vip in (("VI_1", 51, "10.9.0.100/24"), ("VI_2", 52, "10.9.0.101/24")):
        track = "    track_file {\n        tf weight -10\n    }\n" if name == "VI_1" else ""
        inst += (f"vrrp_instance {name} {{\n    state BACKUP\n    interface eth0\n"
                 f"    virtual_router_id {vrid}\n    priority 200\n    advert_int 0.1\n"
                 f"    version 3\n{track}    virtual_ipaddress {{\n        {vip}\n    }}\n}}\n")
    return (tf + f"vrrp_sync_group G {{\n    group {{\n        VI_1\n        VI_2\n    }}\n"
            f"{flag}}}\n" + inst)


def test_sync_group_tracking_weight(netns, bridge, tandemd, workdir):
    f = workdir / "v"
    f.write_text("0\n")
    a, = lan(netns, bridge, names=("a",))
    # without the flag: the weight is ignored (warned), a non-zero value is a FAULT
    da = tandemd(sgroup_conf(f, False), ns=a, name="a")
    m = wait_state(da, "MASTER", name="VI_2")
    assert "weight ignored: tf is tracked in vrrp_sync_group G" in da.log_text()
    f.write_text("3\n")
    wait_state(da, "FAULT", name="VI_1", since=m["seq"])
    wait_state(da, "FAULT", name="VI_2", since=m["seq"])      # the group follows
    f.write_text("0\n")
    m = wait_state(da, "MASTER", name="VI_2", since=m["seq"])
    da.stop()
    # with it: the weight applies (3 x -10), no FAULT
    f.write_text("0\n")
    db = tandemd(sgroup_conf(f, True), ns=a, name="b")
    m = wait_state(db, "MASTER", name="VI_1")
    assert "weight ignored" not in db.log_text()
    f.write_text("3\n")
    wait_until(lambda: inst_status(db, "VI_1")["priority"] == 170, timeout=10,
               what="VI_1 at 170")
    assert inst_status(db, "VI_1")["state"] == "MASTER"
    assert inst_status(db, "VI_2")["state"] == "MASTER"
