"""VRRP notify scripts: run in event order (one queue per instance: a slow script delays the
next one but never lets it overtake), unprivileged (nobody when no script_user), generic
`notify` with INSTANCE NAME STATE PRIORITY, killed with their process group at notify_timeout,
and the vrrp_notify_fifo lines."""

import os
import stat
import time

from tandem import wait_until
from vrrp_util import lan, lines, script_dir, vrrp_conf, wait_state, write_script


def notify_extra(d, name):
    return (f'    notify_master "{d}/n.sh {name} MASTER"\n'
            f'    notify_backup "{d}/slow.sh {name} BACKUP"\n'
            f'    notify_fault "{d}/n.sh {name} FAULT"\n'
            f'    notify "{d}/gen.sh"\n')


def test_notify_order_and_generic(netns, bridge, tandemd, workdir):
    d = script_dir(workdir)
    out, gen = d / "out", d / "gen"
    write_script(d, "n.sh", f'echo "$1 $2 $(id -u)" >> {out}\n')
    # slow: the next script (MASTER, due ~0.4 s later) must still come after it
    write_script(d, "slow.sh", f'sleep 0.8\necho "$1 $2 $(id -u)" >> {out}\n')
    write_script(d, "gen.sh", f'echo "$1 $2 $3 $4" >> {gen}\n')
    a, b = lan(netns, bridge)
    da = tandemd(vrrp_conf(prio=150, extra=notify_extra(d, "a")), ns=a, name="a")
    m = wait_state(da, "MASTER")
    seq = wait_until(lambda: (lambda l: l if len(l) >= 2 else None)(lines(out)), timeout=10,
                     what="two notify lines")
    nobody = "65534"
    assert seq == [f"a BACKUP {nobody}", f"a MASTER {nobody}"]
    # a higher priority router takes over, then dies: a goes BACKUP then MASTER again
    db = tandemd(vrrp_conf(prio=250), ns=b, name="b")
    bk = wait_state(da, "BACKUP", since=m["seq"])
    db.kill()
    wait_state(da, "MASTER", since=bk["seq"])
    want = [f"a BACKUP {nobody}", f"a MASTER {nobody}"] * 2
    wait_until(lambda: len(lines(out)) >= 4, timeout=10, what="four notify lines")
    time.sleep(0.3)             # nothing more may come
    assert lines(out) == want
    assert lines(gen) == ["INSTANCE VI BACKUP 150", "INSTANCE VI MASTER 150"] * 2


def test_notify_timeout_kills_and_continues(netns, bridge, tandemd, workdir):
    d = script_dir(workdir)
    out = d / "out"
    marker = "31.4159"
    # the BACKUP script hangs (a child of its own: the whole process group must die)
    write_script(d, "hang.sh", f'sleep {marker} &\nsleep {marker}\necho late >> {out}\n')
    write_script(d, "n.sh", f'echo "$1 $2" >> {out}\n')
    a, _ = lan(netns, bridge)
    extra = (f'    notify_backup "{d}/hang.sh"\n'
             f'    notify_master "{d}/n.sh a MASTER"\n'
             f'    notify_timeout 0.5\n')
    t0 = time.monotonic()
    da = tandemd(vrrp_conf(prio=150, extra=extra), ns=a, name="a")
    wait_state(da, "MASTER")
    wait_until(lambda: lines(out) == ["a MASTER"], timeout=10, what="the MASTER script")
    assert time.monotonic() - t0 >= 0.5     # it waited for the hung one's timeout

    def hung():
        n = 0
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    n += marker in open(f"/proc/{pid}/cmdline").read()
                except OSError:
                    pass
        return n
    wait_until(lambda: hung() == 0, timeout=5, what="the hung script's group killed")
    assert "late" not in lines(out)
    assert "killed after its timeout" in da.log_text()


def test_vrrp_notify_fifo(netns, bridge, tandemd, workdir):
    fifo = workdir / "vrrp.fifo"
    os.mkfifo(fifo, 0o600)
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        a, _ = lan(netns, bridge)
        da = tandemd(vrrp_conf(prio=120, global_extra=f"    vrrp_notify_fifo {fifo}"),
                     ns=a, name="a")
        wait_state(da, "MASTER")
        buf = b""

        def got():
            nonlocal buf
            try:
                buf += os.read(fd, 4096)
            except BlockingIOError:
                pass
            return buf.count(b"\n") >= 2
        wait_until(got, timeout=10, what="two FIFO lines")
        assert buf.decode().splitlines()[:2] == ['INSTANCE "VI" BACKUP 120',
                                                 'INSTANCE "VI" MASTER 120']
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    finally:
        os.close(fd)


def test_script_user_global_and_per_script(netns, bridge, tandemd, workdir):
    """global_defs script_user sets the default; a script's own user wins over it."""
    d = script_dir(workdir)
    out = d / "out"
    write_script(d, "n.sh", f'echo "$1 $(id -u)" >> {out}\n')
    a, _ = lan(netns, bridge)
    extra = (f'    notify_backup "{d}/n.sh backup"\n'
             f'    notify_master "{d}/n.sh master" root\n')
    da = tandemd(vrrp_conf(prio=150, extra=extra, global_extra="    script_user daemon"),
                 ns=a, name="a")
    wait_state(da, "MASTER")
    wait_until(lambda: len(lines(out)) >= 2, timeout=10, what="two notify lines")
    assert lines(out) == ["backup 1", "master 0"]


def test_notify_at_shutdown_in_order(netns, bridge, tandemd, workdir):
    """SIGTERM while a notify script runs: the scripts still queued (STOP's own, then the
    generic one) run after it, one at a time, in order, although the child exits first."""
    d = script_dir(workdir)
    out = d / "out"
    write_script(d, "slow.sh", f'sleep 0.6\necho "$1" >> {out}\n')
    write_script(d, "gen.sh", f'echo "gen $3" >> {out}\n')
    a, = lan(netns, bridge, names=("a",))
    extra = (f'    notify_master "{d}/slow.sh master"\n'
             f'    notify_stop "{d}/slow.sh stop"\n'
             f'    notify "{d}/gen.sh"\n'
             f'    notify_timeout 5\n')
    da = tandemd(vrrp_conf(prio=150, extra=extra), ns=a, name="a")
    wait_state(da, "MASTER")
    # the BACKUP line (generic) comes first; then master's slow script is running
    wait_until(lambda: lines(out) == ["gen BACKUP"], timeout=10, what="BACKUP notified")
    da.stop()                                   # the child exits; 4 scripts still to come
    want = ["gen BACKUP", "master", "gen MASTER", "stop", "gen STOP"]
    wait_until(lambda: len(lines(out)) >= len(want), timeout=15, what="all notify lines")
    time.sleep(0.3)                             # nothing more may come
    assert lines(out) == want


def test_enable_script_security(netns, bridge, tandemd, workdir):
    """global enable_script_security with scripts run as root: a notify script and a
    vrrp_script in a directory anyone may write are refused (logged; the track script counts
    as failed: FAULT), a root-owned program in root's directories runs."""
    d = script_dir(workdir)                     # mode 0777: insecure for root scripts
    out = d / "out"
    write_script(d, "n.sh", f'echo "$1" >> {out}\n')
    write_script(d, "chk.sh", "exit 0\n")
    os.chmod(workdir, 0o755)
    touched = workdir / "touched"
    a, = lan(netns, bridge, names=("a",))
    scripts = (f'vrrp_script chk {{\n    script "{d}/chk.sh"\n    interval 0.3\n    timeout 5\n}}\n')
    extra = (f'    notify_master "{d}/n.sh master"\n'
             f'    notify_fault "{d}/n.sh fault"\n'
             f'    notify_backup "/usr/bin/touch {touched}"\n'
             f'    track_script {{\n        chk\n    }}\n')
    glob = "    script_user root\n    enable_script_security\n"
    da = tandemd(scripts + vrrp_conf(prio=150, extra=extra, global_extra=glob), ns=a, name="a")
    wait_until(lambda: touched.exists(), timeout=10, what="the secure BACKUP script ran")
    assert os.stat(touched).st_uid == 0          # as root
    wait_state(da, "FAULT")                      # the refused track script counts as failed
    log = da.log_text()
    assert f"vrrp_script chk: not run as root (enable_script_security): directory {d}" in log
    assert log.count("vrrp_script chk: not run as root") == 1     # logged once
    wait_until(lambda: f"notify script '{d}/n.sh fault' not run as root" in da.log_text(),
               timeout=5, what="notify_fault refused")
    # made secure: the track script runs, the instance becomes MASTER, its notify_master
    # (same directory) now runs too
    os.chmod(d, 0o755)
    m = wait_state(da, "MASTER")
    wait_until(lambda: lines(out) == ["master"], timeout=10, what="notify_master ran")
    assert m["prio"] == 150
