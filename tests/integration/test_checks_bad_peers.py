"""Bad peers for the HTTP and TLS checkers, tandemd in namespace "d", servers in namespace "s":
HTTP_GET against endless headers, a reset instead of an answer and a non-HTTP answer; SSL_GET
against a server that resets mid-handshake and one that presents an expired certificate; each
fails with a clear reason within connect_timeout. SSL_GET also follows its server going down
and coming back. (Hanging and endless-body HTTP servers: test_checks_tcp_http.py; SMTP, DNS
and UDP garbage: test_checks_udp_smtp.py; wrong CA and wrong host: test_checks_tls.py.)"""

import datetime
import ipaddress
import shutil
import subprocess

import pytest

from tandem import *
from test_checks_tcp_http import Lab, PY, HERE, S_ADDR, checks, lab, rs_ev  # noqa: F401
from test_checks_tls import OPENSSL, make_ca, make_server_cert

RESP = HERE / "checks_responders.py"


def vs(addr, port, checker):
    return f"""
virtual_server {addr} 80 {{
    protocol TCP
    delay_loop 0.3
    alpha
    real_server {S_ADDR} {port} {{
        {checker}
    }}
}}
"""


def failed(port):
    def pred(e):
        return (e.get("type") == "check.result" and e.get("target") == f"{S_ADDR}:{port}"
                and e.get("ok") is False)
    return pred


HTTP = "HTTP_GET {\n url { path / }\n connect_timeout 1\n retry 0\n }"


def test_http_bad_peers(lab, tandemd):
    cases = {8101: ("headers", "headers longer than 65536 bytes"),
             8102: ("reset", "Connection reset by peer"),
             8103: ("garbage", "not an HTTP response")}
    for port, (mode, _) in cases.items():
        lab.start(port, mode)
    lab.start(8104)
    conf = "".join(vs(f"10.231.7.{i}", p, HTTP) for i, p in enumerate(list(cases) + [8104], 1))
    d = tandemd(conf, ns=lab.d)
    for port, (mode, reason) in cases.items():
        ev = d.wait_event(failed(port), timeout=10)
        assert reason in ev["reason"], (mode, ev)
        assert ev["latency_ms"] < 2000, (mode, ev)
    # the healthy one next to them passes
    wait_until(lambda: any(c["target"] == f"{S_ADDR}:8104" and c["state"] == "up"
                           for c in checks(d)["checks"]), timeout=10, what="healthy check up")
    st = {c["target"]: c for c in checks(d)["checks"]}
    for port in cases:
        assert st[f"{S_ADDR}:{port}"]["state"] == "down", st[f"{S_ADDR}:{port}"]
    assert d.alive()


def make_expired_cert(d, ca):
    """A certificate for rs.test and the server's IP, signed by `ca`, expired yesterday."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    ca_key = serialization.load_pem_private_key((d / f"{ca}.key").read_bytes(), None)
    ca_cert = x509.load_pem_x509_certificate((d / f"{ca}.pem").read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.utcnow()
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rs.test")]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=10))
            .not_valid_after(now - datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("rs.test"), x509.IPAddress(ipaddress.ip_address(S_ADDR))]),
                critical=False)
            .sign(ca_key, hashes.SHA256()))
    (d / "old.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (d / "old.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                  serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    return d / "old.pem", d / "old.key"


def s_server(lab, port, cert, key):
    p = lab.s.popen([OPENSSL, "s_server", "-accept", port, "-cert", cert, "-key", key, "-www",
                     "-quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lab.servers[port] = p           # stopped by the lab fixture
    wait_until(lambda: lab.s.exec("ss", "-ltnH", f"sport = :{port}").stdout.strip(),
               timeout=10, what="s_server listening")
    return p


def ssl(opts=""):
    return f"SSL_GET {{\n url {{ path / }}\n connect_timeout 1\n retry 0\n {opts}\n }}"


def test_ssl_bad_peers_and_down_up(lab, tandemd, workdir):
    if not shutil.which(OPENSSL):
        pytest.skip("openssl not installed")
    good = make_ca(workdir, "goodca")
    cert, key = make_server_cert(workdir, "goodca")
    old_cert, old_key = make_expired_cert(workdir, "goodca")
    s_server(lab, 8451, cert, key)
    s_server(lab, 8452, old_cert, old_key)
    lab.set_mode(8453, "")
    p = lab.s.popen([PY, RESP, "rst", S_ADDR, 8453, lab.control(8453)])
    lab.servers[8453] = p
    wait_until(lambda: lab.s.exec("ss", "-ltnH", "sport = :8453").stdout.strip(), timeout=10,
               what="rst responder listening")
    verify = f"verify_peer\n ca_file {good}\n sni_name rs.test"
    conf = (vs("10.231.8.1", 8451, ssl(verify)) + vs("10.231.8.2", 8452, ssl(verify)) +
            vs("10.231.8.3", 8453, ssl()))
    d = tandemd(conf, ns=lab.d)
    expired = d.wait_event(failed(8452), timeout=10)
    assert "expired" in expired["reason"], expired
    reset = d.wait_event(failed(8453), timeout=10)
    assert "reset" in reset["reason"].lower() or "SSL" in reset["reason"], reset
    assert reset["latency_ms"] < 2000, reset
    rs = f"tcp 10.231.8.1:80/{S_ADDR}:8451"
    d.wait_event(rs_ev(True, rs), timeout=10)
    # the good server goes away and comes back
    with d.events(type="rs.") as stream:
        lab.stop(8451)
        down = stream.wait_event(rs_ev(False, rs), timeout=10)
        assert f"{S_ADDR}:8451" in down["reason"], down
        s_server(lab, 8451, cert, key)
        up = stream.wait_event(rs_ev(True, rs), timeout=10)
        assert up["reason"].startswith("HTTPS 200"), up
