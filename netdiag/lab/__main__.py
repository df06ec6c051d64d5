"""python -m netdiag.lab: play captures over real SSH on loopback, or build a large fleet capture.

    python -m netdiag.lab serve --capture fixtures/demo/capture [--fault NAME=KIND ...]
    python -m netdiag.lab fleet --racks 25 --out /tmp/fleet       # 200 devices from the fixtures
"""

from __future__ import annotations

import argparse
import signal
import sys

from netdiag.lab import FAULTS, LabError, SSHLab
from netdiag.lab.fleet import build_fleet


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m netdiag.lab", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="play the devices of captures until interrupted")
    s.add_argument("--capture", action="append", required=True, help="capture directory (repeatable)")
    s.add_argument("--fault", action="append", default=[], metavar="DEVICE=KIND",
                   help=f"inject a fault: {', '.join(FAULTS)}")
    s.add_argument("--workdir", help="lab directory (default: a new temporary one)")
    s.add_argument("--hashed-known-hosts", action="store_true")
    f = sub.add_parser("fleet", help="write a capture of N racks cloned from the fixtures, and its devices.csv")
    f.add_argument("--racks", type=int, default=25)
    f.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    if a.cmd == "fleet":
        import csv
        rows = build_fleet(a.out, a.racks)
        with open(f"{a.out}.devices.csv", "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        print(f"{a.out}: {len(rows)} devices; inventory {a.out}.devices.csv")
        return 0
    faults = dict(x.split("=", 1) for x in a.fault)
    try:
        lab = SSHLab(a.workdir, hashed_known_hosts=a.hashed_known_hosts)
        for c in a.capture:
            lab.add_capture(c, faults)
        lab.start()
    except (LabError, ValueError) as e:
        print(f"netdiag lab: {e}", file=sys.stderr)
        return 3
    print(lab.ssh_config.read_text())
    print(lab.describe(), flush=True)
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    except KeyboardInterrupt:
        pass
    finally:
        lab.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
