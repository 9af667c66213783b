"""Mail alerts (docs/config.md "Mail alerts"): tandemd in a namespace mails through an SMTP
sink (smtp_sink.py) in the same namespace: a VRRP instance with smtp_alert becoming MASTER,
a real server going down; an instance and a real server without alerts send nothing; a mail
server that is down costs a logged failure and nothing else."""

import re
import time
from pathlib import Path

from tandem import wait_until

HERE = Path(__file__).resolve().parent
SINK = HERE / "smtp_sink.py"
PY = "/usr/bin/python3"
PORT = 2525

GLOBAL = """
global_defs {{
    router_id mailtest
    notification_email {{
        ops@example.com
        oncall@example.com
    }}
    notification_email_from tandem@example.com
    smtp_server 127.0.0.1 {port}
    smtp_helo_name director1.example.com
    smtp_connect_timeout 3
}}
"""

PARTS = """
vrrp_instance VI_1 {
    state MASTER
    interface lo
    virtual_router_id 51
    priority 100
    advert_int 1
    smtp_alert
    virtual_ipaddress {
        192.0.2.10/24
    }
}
vrrp_instance VI_2 {
    state MASTER
    interface lo
    virtual_router_id 52
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.11/24
    }
}
virtual_server 127.0.0.1 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 127.0.0.1 9 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server 127.0.0.1 7 {
        weight 1
        smtp_alert off
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
"""


def mails(d):
    return [p.read_text() for p in sorted(d.glob("*.eml"))]


def subjects(d):
    return [re.search(r"^Subject: (.*)$", m, re.M).group(1).strip() for m in mails(d)]


def test_mail_alerts(tandemd, netns, workdir):
    ns = netns("m")
    box = workdir / "mail"
    box.mkdir()
    sink = ns.popen([PY, SINK, "127.0.0.1", str(PORT), box])
    try:
        wait_until(lambda: ns.exec("ss", "-ltnH", f"sport = :{PORT}").stdout.strip(),
                   timeout=10, what="SMTP sink listening")
        d = tandemd(GLOBAL.format(port=PORT) + PARTS, ns=ns)
        wait_until(lambda: "[mailtest] VRRP instance VI_1 is now MASTER" in subjects(box),
                   timeout=20, what="VRRP mail")
        wait_until(lambda: any("127.0.0.1:9 is DOWN" in s for s in subjects(box)),
                   timeout=20, what="real server mail")
        m = next(x for x in mails(box) if "VI_1 is now MASTER" in x)
        assert "EHLO director1.example.com" in m or "HELO director1.example.com" in m
        assert "MAIL FROM:<tandem@example.com>" in m
        assert "RCPT TO:<ops@example.com>" in m and "RCPT TO:<oncall@example.com>" in m
        assert "From: tandem@example.com" in m
        assert "To: ops@example.com, oncall@example.com" in m
        assert "VRRP instance VI_1 went from " in m and " to MASTER" in m
        # give the others the same time: VI_2 and real server :7 have no alerts
        time.sleep(2)
        subj = subjects(box)
        assert not any("VI_2" in s for s in subj), subj
        assert not any("127.0.0.1:7 " in s for s in subj), subj
        assert sum("127.0.0.1:9 is DOWN" in s for s in subj) == 1, subj
        assert "mail alert sent: [mailtest] VRRP instance VI_1 is now MASTER" in d.log_text()
        assert "smtp_server' is accepted" not in d.log_text()
    finally:
        sink.kill()
        sink.wait(10)


def test_mail_server_down(tandemd, netns, workdir):
    ns = netns("m")
    d = tandemd(GLOBAL.format(port=PORT) + PARTS, ns=ns)      # nothing listens on PORT
    wait_until(lambda: "mail alert failed: [mailtest] VRRP instance VI_1 is now MASTER"
               in d.log_text(), timeout=20, what="failed mail logged")
    assert d.alive() and d.status()["ok"]


def test_no_alerts_without_server(tandemd, netns, workdir):
    conf = GLOBAL.format(port=PORT).replace(f"    smtp_server 127.0.0.1 {PORT}\n", "") + PARTS
    d = tandemd(conf, ns=netns("m"))
    wait_until(lambda: "VI_1: " in d.log_text() and "MASTER" in d.log_text(), timeout=20,
               what="VI_1 master")
    assert "mail alert" not in d.log_text()


def test_fault_mails_and_no_email_faults(tandemd, netns, workdir):
    """A FAULT transition mails, unless no_email_faults is set (then the MASTER one still
    does)."""
    ns = netns("m")
    ns.ip("link", "add", "v0", "type", "veth", "peer", "name", "v1")
    ns.ip("link", "set", "v0", "up")
    ns.ip("link", "set", "v1", "up")
    box = workdir / "mail"
    box.mkdir()
    sink = ns.popen([PY, SINK, "127.0.0.1", str(PORT), box])
    inst = """
vrrp_instance VI_F {
    state MASTER
    interface v0
    virtual_router_id 61
    priority 100
    advert_int 1
    smtp_alert on
    virtual_ipaddress {
        192.0.2.20/24
    }
}
"""
    try:
        wait_until(lambda: ns.exec("ss", "-ltnH", f"sport = :{PORT}").stdout.strip(),
                   timeout=10, what="SMTP sink listening")
        for n, quiet in enumerate((False, True)):
            glob = GLOBAL.format(port=PORT)
            if quiet:
                glob = glob.replace("    smtp_connect_timeout 3\n",
                                    "    smtp_connect_timeout 3\n    no_email_faults\n")
            d = tandemd(glob + inst, ns=ns, name=f"f{n}")
            wait_until(lambda: "[mailtest] VRRP instance VI_F is now MASTER" in subjects(box),
                       timeout=20, what="MASTER mail")
            ns.ip("link", "set", "v0", "down")
            d.wait_event({"type": "vrrp.state", "instance": "VI_F", "to": "FAULT"}, timeout=10)
            if quiet:
                time.sleep(1.5)     # the mail would have been sent by now
                assert "[mailtest] VRRP instance VI_F is now FAULT" not in subjects(box)
            else:
                wait_until(lambda: "[mailtest] VRRP instance VI_F is now FAULT" in subjects(box),
                           timeout=10, what="FAULT mail")
            d.stop()
            ns.ip("link", "set", "v0", "up")
            for p in box.glob("*.eml"):
                p.unlink()
    finally:
        sink.kill()
        sink.wait(10)
