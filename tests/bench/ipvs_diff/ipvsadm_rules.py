#!/usr/bin/python3
"""tests/bench/ipvs_diff/ipvsadm_rules.py DIR N... - write DIR/rulesN for `ipvsadm -R`: the
same table vm_load_probe loads (N DR destinations, at most 1000 per TCP service on
10.0.0.1, ports 80, 81, ...)."""
import sys

out = sys.argv[1]
for n in map(int, sys.argv[2:]):
    with open(f"{out}/rules{n}", "w") as f:
        for s in range((n + 999) // 1000):
            f.write(f"-A -t 10.0.0.1:{80 + s} -s wlc\n")
        for i in range(n):
            port = 80 + i // 1000
            f.write(f"-a -t 10.0.0.1:{port} -r 11.{i >> 16}.{(i >> 8) & 255}.{i & 255}:{port} -g -w 1\n")
