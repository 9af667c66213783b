"""MISC_CHECK through tandemd (the check child's default loop watches the script with
ev_child): exit 0 passes, 1 fails, misc_dynamic sets the weight from the exit status, and a
hanging script is killed at misc_timeout with the reason."""

import time

from tandem import *
from test_checks_tcp_http import checks, rs_ev


def test_misc_check(netns, tandemd, workdir):
    ns = netns("d")
    mode = workdir / "misc.mode"
    mode.write_text("0\n")
    conf = f"""
virtual_server 10.231.4.1 80 {{
    protocol TCP
    delay_loop 0.2
    alpha
    real_server 10.231.4.2 80 {{
        weight 5
        MISC_CHECK {{
            misc_path "m=$(cat {mode}); [ $m = hang ] && exec sleep 31.7; exit $m"
            misc_timeout 1
            misc_dynamic
        }}
    }}
}}
"""
    d = tandemd(conf, ns=ns)
    rs = "tcp 10.231.4.1:80/10.231.4.2:80"
    up = d.wait_event(rs_ev(True, rs), timeout=10)
    assert up["weight"] == 5 and "exit 0" in up["reason"], up
    with d.events(type="rs.") as stream:
        mode.write_text("22\n")
        ev = stream.wait_event(lambda e: e.get("rs") == rs and e.get("weight") == 20, timeout=10)
        assert ev["up"] and "exit 22" in ev["reason"]
        mode.write_text("1\n")
        down = stream.wait_event(rs_ev(False, rs), timeout=10)
        assert "exit 1" in down["reason"]
        mode.write_text("0\n")
        up = stream.wait_event(rs_ev(True, rs), timeout=10)
        assert up["weight"] == 20                   # exit 0 keeps the dynamic weight
        t0 = time.monotonic()
        mode.write_text("hang\n")
        down = stream.wait_event(rs_ev(False, rs), timeout=10)
        assert "timeout after 1 s, killed" in down["reason"], down
        assert time.monotonic() - t0 < 4
    c = checks(d)["checks"][0]
    assert c["kind"] == "MISC_CHECK" and c["state"] == "down"
    # once the script stops hanging, the attempt in progress is killed at its timeout and
    # no hanging script is left behind
    mode.write_text("1\n")
    wait_until(lambda: "exit 1" in checks(d)["checks"][0]["last"], timeout=10,
               what="a run after the hanging ones")
    sleeps = run(["pgrep", "-f", "^sleep 31.7"], check=False).stdout.split()
    assert not sleeps, sleeps


def test_file_check(netns, tandemd, workdir):
    ns = netns("d")
    f1, f2 = workdir / "down.flag", workdir / "load.val"
    f1.write_text("0\n")
    f2.write_text("3\n")
    conf = f"""
track_file downflag {{
    file "{f1}"
}}
track_file load {{
    file "{f2}"
}}
virtual_server 10.231.7.1 80 {{
    protocol TCP
    delay_loop 30
    real_server 10.231.7.2 80 {{
        FILE_CHECK {{
            track_file downflag
        }}
    }}
    real_server 10.231.7.3 80 {{
        weight 4
        FILE_CHECK {{
            track_file load
            weight 2
            dynamic
        }}
    }}
}}
"""
    d = tandemd(conf, ns=ns)
    rs1, rs2 = "tcp 10.231.7.1:80/10.231.7.2:80", "tcp 10.231.7.1:80/10.231.7.3:80"
    # dynamic: configured 4 + 3 x 2
    ev = d.wait_event(lambda e: e.get("rs") == rs2 and e.get("weight") == 10, timeout=10)
    assert ev["up"]
    with d.events(type="rs.") as stream:
        # delay_loop is 30 s: only inotify can make these changes show within seconds
        t0 = time.monotonic()
        f1.write_text("1\n")
        down = stream.wait_event(rs_ev(False, rs1), timeout=5)
        assert "FILE" in down["reason"] and ": 1" in down["reason"], down
        assert time.monotonic() - t0 < 3
        f1.write_text("0\n")
        stream.wait_event(rs_ev(True, rs1), timeout=5)
        f2.write_text("-2\n")                       # 4 - 4 = 0: down
        stream.wait_event(rs_ev(False, rs2), timeout=5)
        tmp = workdir / "load.tmp"                  # replaced by rename, as tools do
        tmp.write_text("1\n")
        tmp.rename(f2)
        up = stream.wait_event(rs_ev(True, rs2), timeout=5)
        assert up["weight"] == 6, up


def test_notify_and_quorum_scripts(netns, tandemd, workdir):
    ns = netns("d")
    fa, fb, log = workdir / "a.flag", workdir / "b.flag", workdir / "scripts.log"
    fa.write_text("0\n")
    fb.write_text("0\n")
    conf = f"""
track_file fa {{
    file "{fa}"
}}
track_file fb {{
    file "{fb}"
}}
virtual_server 10.231.8.1 80 {{
    protocol TCP
    delay_loop 30
    quorum 2
    quorum_up "echo quorum_up >> {log}"
    quorum_down "echo quorum_down >> {log}"
    sorry_server 10.231.8.9 80
    real_server 10.231.8.2 80 {{
        notify_up "echo a_up >> {log}"
        notify_down "echo a_down >> {log}"
        FILE_CHECK {{
            track_file fa
        }}
    }}
    real_server 10.231.8.3 80 {{
        FILE_CHECK {{
            track_file fb
        }}
    }}
}}
"""
    d = tandemd(conf, ns=ns)
    q = d.wait_event(lambda e: e.get("type") == "vs.quorum", timeout=10)
    assert q["up"] is True and q["live_weight"] == 2 and q["sorry"] is False
    lines = lambda: log.read_text().split() if log.exists() else []
    with d.events() as stream:
        fa.write_text("1\n")
        q = stream.wait_event(lambda e: e.get("type") == "vs.quorum", timeout=5)
        assert q["up"] is False and q["live_weight"] == 1 and q["sorry"] is True
        wait_until(lambda: {"a_down", "quorum_down"} <= set(lines()), timeout=5,
                   what="notify_down and quorum_down ran")
        fa.write_text("0\n")
        q = stream.wait_event(lambda e: e.get("type") == "vs.quorum", timeout=5)
        assert q["up"] is True
        wait_until(lambda: {"a_up", "quorum_up"} <= set(lines()), timeout=5,
                   what="notify_up and quorum_up ran")
    assert lines().count("a_down") == 1 and lines().count("quorum_down") == 1
