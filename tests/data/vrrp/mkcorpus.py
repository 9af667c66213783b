#!/usr/bin/python3
"""tests/data/vrrp/mkcorpus.py - seed corpus for tests/fuzz/fuzz_vrrp_pkt.c from the captures.

    mkcorpus.py OUTDIR      (tests/fuzz/corpus/vrrp_pkt)

Each captured packet becomes one seed in the fuzz target's input format:
[flags][key 8][IPv6: hop limit, src, dst][packet], with the flags and key of the capture's
config (unicast, address check, auth type, AH sequence check), so that the seeds reach the
accepting paths. Stdlib only; reads the pcaps next to this script."""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcap2h import packets  # noqa: E402


def conf_facts(path):
    text = open(path).read()
    auth = {'PASS': 1, 'AH': 2}.get((re.search(r'auth_type (\w+)', text) or [None, ''])[1], 0)
    key = (re.search(r'auth_pass (\S+)', text) or [None, ''])[1].encode()[:8].ljust(8, b'\0')
    unicast = 'unicast_peer' in text
    return auth, key, unicast


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    for pcap in sorted(glob.glob(os.path.join(here, '*.pcap'))):
        name = os.path.splitext(os.path.basename(pcap))[0]
        auth, key, unicast = conf_facts(os.path.join(here, name + '.conf'))
        for i, (et, pkt) in enumerate(packets(pcap)):
            flags = (2 if unicast else 0) | 4 | (auth << 3) | (0x20 if auth == 2 and i > 0 else 0)
            if et == 0x86dd:
                seed = bytes([flags | 1]) + key + bytes([pkt[7]]) + pkt[8:40] + pkt[40:]
            else:
                seed = bytes([flags]) + key + pkt
            with open(os.path.join(out, f'{name}_{i}'), 'wb') as f:
                f.write(seed)


if __name__ == '__main__':
    main()
