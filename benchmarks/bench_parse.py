"""Parse throughput per parser on the real samples (tests/cases), in MB/s.

Each sample is parsed repeatedly for at least --seconds per format; the figure is input bytes
parsed per second of wall time in one process. Run: python benchmarks/bench_parse.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netdiag import parsers  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=0.3, help="minimum time per format")
    ap.add_argument("--format", action="append", help="only these formats")
    args = ap.parse_args()
    cases = ROOT / "tests" / "cases"
    rows = []
    for fmt_dir in sorted(p for p in cases.iterdir() if p.is_dir()):
        fmt = fmt_dir.name
        if args.format and fmt not in args.format:
            continue
        inputs = []
        for case in sorted(p for p in fmt_dir.iterdir() if p.is_dir()):
            files = list(case.glob("input*"))
            if files:
                inputs.append(files[0].read_bytes())
        if not inputs:
            continue
        size = sum(len(b) for b in inputs)
        n = 0
        t0 = time.perf_counter()
        while True:
            for b in inputs:
                parsers.parse_text(fmt, b, device="bench", port="eth0")
            n += 1
            dt = time.perf_counter() - t0
            if dt >= args.seconds:
                break
        rows.append((fmt, len(inputs), size, n, size * n / dt / 1e6))
    print(f"{'format':34s} {'samples':>7s} {'bytes':>9s} {'rounds':>7s} {'MB/s':>8s}")
    for fmt, k, size, n, mbs in rows:
        print(f"{fmt:34s} {k:7d} {size:9d} {n:7d} {mbs:8.2f}")
    total = sum(r[2] * r[3] for r in rows)
    print(f"{len(rows)} formats, {total / 1e6:.1f} MB parsed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
