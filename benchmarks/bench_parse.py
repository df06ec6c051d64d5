"""Parse throughput per format, in MB/s, beside the target (>= 50 MB/s, issue 15) and the floor
(decoding the same bytes and splitting their lines in Python, the least any parser must do).

Two input sets:

* ``--fleet`` (default): realistic fleet outputs, rendered by the simulator for small fabrics of
  each switch platform (EOS, SONiC, Cumulus/NVUE; Linux GPU hosts with ethtool, lldpctl, ip) --
  the outputs a sweep reads, in their real sizes;
* ``--samples``: the real device samples of tests/cases, each format's samples in turn;
* ``--capture DIR``: every output of an existing capture (e.g. the 2,000-GPU one of
  bench_sweep.py), each format's outputs in turn: which formats hold a sweep's bytes and which
  its parsing time (the MB and CPU-s columns).

Each format's inputs are parsed (parsers.parse_rows, the analysis path) repeatedly for at least
--seconds (and at least 3 passes); the figure is input bytes per second of CPU time of this process
(process_time, so that other load on a shared machine counts less) in the best pass, wall-clock
MB/s of the best pass beside it.
Run: python benchmarks/bench_parse.py [--samples | --capture DIR] [--gpus 144] [--format F ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netdiag import parsers, platforms  # noqa: E402

TARGET_MBS = 50.0
FLEET_PRESETS = ("gb300-dual-plane", "hgx-rail", "gb200-nvl72")


def fleet_inputs(gpus: int) -> dict[str, list[tuple[bytes, str | None]]]:
    """format -> [(output bytes, port)] of simulated fabrics, one per switch platform."""
    from netdiag.simulate import engine, presets
    from netdiag.simulate.write import write_capture

    out: dict[str, list] = defaultdict(list)
    with tempfile.TemporaryDirectory() as d:
        for name in FLEET_PRESETS:
            fab = engine.simulate(presets.get(name), gpus, 1, miswires=2, faults=8)
            capture_inputs(write_capture(fab, Path(d) / name), out)
    return out


def capture_inputs(path, out: dict | None = None) -> dict[str, list[tuple[bytes, str | None]]]:
    """format -> [(output bytes, port)] of every output of the capture at `path`."""
    from netdiag.capture import read_capture

    out = defaultdict(list) if out is None else out
    for dev in read_capture(path).devices:
        try:
            plat = platforms.get(dev.platform)
        except KeyError:
            continue
        for e in dev.entries:
            choice = plat.parser_for(e.command)
            fmt = e.format or (choice[0] if choice else None)
            if fmt and e.error is None:
                out[fmt].append((e.stdout(), choice[1] if choice else None))
    return out


def sample_inputs() -> dict[str, list[tuple[bytes, str | None]]]:
    out: dict[str, list] = {}
    for fmt_dir in sorted(p for p in (ROOT / "tests" / "cases").iterdir() if p.is_dir()):
        inputs = []
        for case in sorted(p for p in fmt_dir.iterdir() if p.is_dir()):
            files = list(case.glob("input*"))
            if files:
                inputs.append((files[0].read_bytes(), "eth0"))
        if inputs:
            out[fmt_dir.name] = inputs
    return out


def _rate(fn, inputs, seconds: float) -> tuple[float, float, int]:
    """(MB/s of CPU time, MB/s of wall time, passes): passes over all inputs for at least `seconds`
    of CPU, each timed; the best pass counts (on a shared machine a pass hit by other jobs' load
    measures the load, not the parser)."""
    size = sum(len(b) for b, _ in inputs)
    n = 0
    spent = 0.0
    best_cpu = best_wall = float("inf")
    while True:
        c0, t0 = time.process_time(), time.perf_counter()
        for b, port in inputs:
            fn(b, port)
        cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        best_cpu, best_wall = min(best_cpu, cpu), min(best_wall, wall)
        n += 1
        spent += cpu
        if spent >= seconds and n >= 3:
            break
    return size / max(best_cpu, 1e-9) / 1e6, size / max(best_wall, 1e-9) / 1e6, n


def _floor(b: bytes, _port) -> None:
    b.decode("utf-8", errors="replace").splitlines()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", action="store_true", help="the real samples of tests/cases instead of a fleet")
    ap.add_argument("--capture", type=Path, help="every output of this capture instead of a fleet")
    ap.add_argument("--gpus", type=int, default=144, help="GPUs per simulated fabric (--fleet)")
    ap.add_argument("--seconds", type=float, default=0.5, help="minimum CPU seconds per format")
    ap.add_argument("--format", action="append", help="only these formats")
    args = ap.parse_args()
    if args.capture:
        sets, what = capture_inputs(args.capture), f"the outputs of {args.capture}"
    elif args.samples:
        sets, what = sample_inputs(), "real samples (tests/cases)"
    else:
        sets, what = fleet_inputs(args.gpus), f"simulated fleet outputs ({args.gpus} GPUs per preset)"
    print(f"parse throughput on {what}; target >= {TARGET_MBS:.0f} MB/s per format (CPU time); "
          f"floor = decode + splitlines of the same bytes")
    print(f"{'format':36s} {'outputs':>7s} {'avg KB':>7s} {'MB':>7s} {'CPU s':>6s} {'MB/s cpu':>9s} {'MB/s wall':>9s} "
          f"{'floor':>7s} {'target':>6s}  verdict")
    below = []
    total_bytes = 0
    total_cpu = 0.0
    for fmt, inputs in sorted(sets.items()):
        if args.format and fmt not in args.format:
            continue
        size = sum(len(b) for b, _ in inputs)
        total_bytes += size

        def run(b, port, fmt=fmt):
            try:
                parsers.parse_rows(fmt, b, device="bench", port=port)
            except parsers.ParseError:
                pass  # some samples are deliberately unreadable (error cases): timed all the same

        cpu, wall, _n = _rate(run, inputs, args.seconds)
        floor, _w, _ = _rate(_floor, inputs, min(args.seconds, 0.2))
        ok = cpu >= TARGET_MBS
        if not ok:
            below.append(fmt)
        secs = size / 1e6 / max(cpu, 1e-9)
        total_cpu += secs
        print(f"{fmt:36s} {len(inputs):7d} {size / len(inputs) / 1e3:7.1f} {size / 1e6:7.1f} {secs:6.2f} {cpu:9.1f} "
              f"{wall:9.1f} {floor:7.0f} {TARGET_MBS:6.0f}  {'ok' if ok else 'below target'}")
    print(f"{total_bytes / 1e6:.1f} MB of input parsed in {total_cpu:.2f} s of CPU (best passes; "
          f"{total_bytes / 1e6 / max(total_cpu, 1e-9):.0f} MB/s); {len(below)} format(s) below target: "
          f"{', '.join(below) or '-'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
