"""Reload: a good config bumps the generation and every child reports its own diff; a bad
config is refused (file:line reported to tandemctl, which exits 1) and the running config is
kept; SIGHUP reloads too; a part that appears or disappears gets its child started/stopped."""

import os
import signal

from tandem import LO_VS, wait_until

VRRP = """
vrrp_instance VI_{n} {{
    state BACKUP
    interface lo
    virtual_router_id {vrid}
    priority {prio}
    advert_int 1
    virtual_ipaddress {{
        192.0.2.{vrid}/24
    }}
}}
"""

VS = LO_VS


def conf(prio1=100, vs=True, extra=""):
    text = "global_defs {\n    router_id reload-test\n}\n"
    text += VRRP.format(n=1, vrid=51, prio=prio1) + VRRP.format(n=2, vrid=52, prio=100)
    if vs:
        text += VS
    return text + extra


HB = ["--heartbeat", "200"]


def wait_generation(d, names, gen):
    return wait_until(lambda: all(d.children().get(n, {}).get("generation") == gen
                                  for n in names) and d.children(),
                      timeout=10, what=f"children {names} at generation {gen}")


def test_reload_ok_reports_diffs(tandemd):
    d = tandemd(conf(), args=HB)
    wait_generation(d, ["vrrp", "check"], 1)
    old_pids = {n: c["pid"] for n, c in d.children().items()}
    d.write_config(conf(prio1=150))
    with d.events() as evs:
        rc, out, err = d.tandemctl("reload")
        assert rc == 0, err
        assert "generation 2" in out
        rl = evs.wait_event({"type": "config.reload"})
        assert rl["ok"] is True and rl["generation"] == 2 and rl["source"] == "control"
        got = {}
        while len(got) < 2:
            ev = evs.wait_event({"type": "child.config"})
            got[ev["child"]] = ev
    v, c = got["vrrp"], got["check"]
    assert v["generation"] == c["generation"] == 2
    assert (v["added"], v["removed"], v["changed"], v["unchanged"]) == (0, 0, 1, 1)
    # virtual server, real server, checker: all unchanged
    assert (c["added"], c["removed"], c["changed"]) == (0, 0, 0)
    assert c["unchanged"] >= 2
    assert 0 < v["elapsed_ns"] < 10 * 10**9
    st = d.status()
    assert st["daemon"]["generation"] == 2
    assert st["daemon"]["last_reload"]["ok"] is True
    assert st["daemon"]["last_reload"]["error"] is None
    wait_generation(d, ["vrrp", "check"], 2)
    # children were not restarted by the reload
    assert {n: c["pid"] for n, c in d.children().items()} == old_pids


def test_reload_error_keeps_running_config(tandemd):
    d = tandemd(conf(), args=HB)
    wait_generation(d, ["vrrp", "check"], 1)
    bad = conf(prio1=150) + "\nvrrp_instance VI_9 {\n    priority 999\n}\n"
    d.write_config(bad)
    line = bad.splitlines().index("    priority 999") + 1
    rc, out, err = d.tandemctl("reload")
    assert rc == 1
    assert f"{d.conf}:{line}:" in err
    r = d.reload()
    assert r["ok"] is False
    assert r["error"].startswith(f"{d.conf}:")
    assert any(g["severity"] in ("error", "fatal") and g["file"] == str(d.conf)
               for g in r["diagnostics"])
    st = d.status()
    assert st["daemon"]["generation"] == 1
    assert st["daemon"]["last_reload"]["ok"] is False
    assert st["daemon"]["last_reload"]["error"].startswith(f"{d.conf}:")
    assert all(c["generation"] == 1 and c["state"] == "running" for c in st["children"])
    assert "reload refused" in d.log_text()
    ev = d.wait_event({"type": "config.reload", "ok": False})
    assert ev["generation"] == 1 and ev["error"].startswith(f"{d.conf}:")
    # --json prints the daemon's reply verbatim
    rc, out, _ = d.tandemctl("--json", "reload")
    assert rc == 1 and '"ok":false' in out.replace(" ", "")
    # fixing the file makes the next reload succeed
    d.write_config(conf(prio1=150))
    assert d.reload() == {"ok": True, "generation": 2}


def test_sighup_reload(tandemd):
    d = tandemd(conf(), args=HB)
    wait_generation(d, ["vrrp", "check"], 1)
    d.write_config(conf(prio1=120))
    with d.events() as evs:
        d.signal(signal.SIGHUP)
        ev = evs.wait_event({"type": "config.reload"})
        assert ev["ok"] is True and ev["source"] == "sighup" and ev["generation"] == 2
        evs.wait_event({"type": "child.config", "child": "vrrp", "generation": 2})


def test_part_removed_and_added(tandemd):
    d = tandemd(conf(), args=HB)
    wait_generation(d, ["vrrp", "check"], 1)
    check_pid = d.children()["check"]["pid"]
    d.write_config(conf(vs=False))
    with d.events() as evs:
        assert d.reload()["ok"]
        ex = evs.wait_event({"type": "child.exit", "child": "check"})
        assert ex["pid"] == check_pid and ex["status"] == "exited 0"
    wait_until(lambda: "check" not in d.children(), timeout=5, what="check child gone")
    d.write_config(conf())
    with d.events() as evs:
        assert d.reload()["generation"] == 3
        evs.wait_event({"type": "child.start", "child": "check"})
    wait_generation(d, ["vrrp", "check"], 3)
    assert d.children()["check"]["restarts"] == 0


def test_many_reloads_leak_no_fds(tandemd):
    d = tandemd(conf(), args=HB)
    wait_generation(d, ["vrrp", "check"], 1)

    def nfds(pid):
        # control-socket clients come and go; count everything else (memfds, pipes, ...)
        n = 0
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if not os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                    n += 1
            except FileNotFoundError:
                pass
        return n

    before = nfds(d.pid)
    kids_before = {n: nfds(c["pid"]) for n, c in d.children().items()}
    for i in range(20):
        d.write_config(conf(prio1=100 + i % 2))
        assert d.reload()["ok"]
    wait_generation(d, ["vrrp", "check"], 21)
    assert nfds(d.pid) == before
    assert {n: nfds(c["pid"]) for n, c in d.children().items()} == kids_before
