"""global_defs notify_fifo and lvs_notify_fifo in keepalived's line format: a VRRP instance
and its sync group becoming master, a real server (a TCP server on the namespace's lo) killed
and restarted, its virtual server losing and regaining its quorum. notify_fifo gets every
line, lvs_notify_fifo only the RS and VS lines, in the order keepalived's readers expect."""

import os
import select
import signal
import subprocess
import time
from pathlib import Path

from tandem import wait_until

HERE = Path(__file__).resolve().parent
SERVER = HERE / "checks_server.py"
PY = "/usr/bin/python3"
PORT = 18091

CONF = """
global_defs {{
    router_id fifo-test
    notify_fifo {main}
    lvs_notify_fifo {lvs}
}}
vrrp_sync_group G1 {{
    group {{
        VI_1
    }}
}}
vrrp_instance VI_1 {{
    state BACKUP
    interface lo
    virtual_router_id 53
    priority 100
    advert_int 1
    virtual_ipaddress {{
        192.0.2.30/32
    }}
}}
virtual_server 192.0.2.30 80 {{
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 127.0.0.1 {port} {{
        weight 1
        TCP_CHECK {{
            connect_timeout 1
        }}
    }}
}}
"""


class Reader:
    """Lines read so far from a FIFO (opened non-blocking before tandemd writes to it)."""

    def __init__(self, path):
        os.mkfifo(path, 0o600)
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.buf = b""

    def lines(self):
        while select.select([self.fd], [], [], 0)[0]:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                break
            self.buf += chunk
        return self.buf.decode().splitlines()

    def wait(self, line, timeout=15.0):
        return wait_until(lambda: line in self.lines(), timeout=timeout, interval=0.1,
                          what=f"{line!r} in the FIFO (got {self.lines()})")

    def close(self):
        os.close(self.fd)


def test_keepalived_lines(tandemd, netns, workdir):
    ns = netns("fifo")
    main, lvs = Reader(workdir / "notify.fifo"), Reader(workdir / "lvs.fifo")
    ctl = workdir / "srv.mode"
    ctl.write_text("200\n")

    def serve():
        p = ns.popen([PY, SERVER, "127.0.0.1", PORT, ctl], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
        wait_until(lambda: ns.exec("ss", "-ltnH", f"sport = :{PORT}").stdout.strip(),
                   timeout=10, what="server listening")
        return p
    srv = serve()
    try:
        d = tandemd(CONF.format(main=workdir / "notify.fifo", lvs=workdir / "lvs.fifo",
                                port=PORT), ns=ns)
        main.wait('INSTANCE "VI_1" MASTER 100')
        main.wait('GROUP "G1" MASTER 0')
        d.wait_event({"type": "rs.state", "up": True}, timeout=15)
        srv.send_signal(signal.SIGKILL)
        srv.wait(10)
        rs_down = "RS [127.0.0.1]:tcp:18091 [192.0.2.30]:tcp:80 DOWN"
        vs_down = "VS [192.0.2.30]:tcp:80 DOWN"
        main.wait(rs_down)
        main.wait(vs_down)
        srv = serve()
        main.wait("RS [127.0.0.1]:tcp:18091 [192.0.2.30]:tcp:80 UP")
        main.wait("VS [192.0.2.30]:tcp:80 UP")
        time.sleep(0.2)         # the same events reach lvs_notify_fifo from the same hook
        m = main.lines()
        # the initial states (server up, quorum held) are not changes: no line for them
        assert m.index(rs_down) < m.index(vs_down) < m.index(
            "RS [127.0.0.1]:tcp:18091 [192.0.2.30]:tcp:80 UP")
        assert [x for x in m if x.startswith(("RS ", "VS "))] == [
            rs_down, vs_down, "RS [127.0.0.1]:tcp:18091 [192.0.2.30]:tcp:80 UP",
            "VS [192.0.2.30]:tcp:80 UP"]
        # lvs_notify_fifo: the same RS/VS lines, no VRRP line
        assert lvs.lines() == [x for x in m if x.startswith(("RS ", "VS "))]
        assert all(x.startswith(("INSTANCE ", "GROUP ", "RS ", "VS ")) for x in m), m
        # a reload that drops lvs_notify_fifo keeps notify_fifo working
        d.write_config(CONF.format(main=workdir / "notify.fifo", lvs=workdir / "lvs.fifo",
                                   port=PORT).replace(f"    lvs_notify_fifo {workdir}/lvs.fifo\n",
                                                      ""))
        assert d.reload()["ok"]
        srv.send_signal(signal.SIGKILL)
        srv.wait(10)
        wait_until(lambda: main.lines().count(rs_down) == 2, timeout=15,
                   what="second DOWN line")
        assert lvs.lines().count(rs_down) == 1
    finally:
        if srv.poll() is None:
            srv.kill()
            srv.wait(10)
        main.close()
        lvs.close()
