"""EOS `show interfaces transceiver` (text) throughput: netdiag's parser vs ntc-templates (TextFSM).

Builds a large input in the EOS text format by replicating the real ntc-templates sample's rows
with varied port names and readings (breakout sub-ports, N/A cells, the -30.00 dBm no-light floor),
then parses the same inputs with netdiag's analysis path (parsers.parse_rows per output, then the
canonical tables built once: typed columns, powers in mW) and with ntc-templates, and prints MB/s
and the ratio. Two runs: a fleet of realistic per-switch outputs, each parsed the way engineers use
ntc-templates today (`parse_output` per device), and one large input against the bare TextFSM
engine.

Ages are single-word ("3:25:41 ago"): the ntc-templates 9.x template rejects the multi-word
"27 days, 0:35:55 ago" that EOS also prints (netdiag reads both), and the comparison needs input
both parsers accept.

Needs the `bench` extra: pip install -e '.[bench]'   (ntc-templates, textfsm).
Not part of the test suite. Run: python benchmarks/bench_eos_transceiver_text.py [--mb 4]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netdiag import parsers  # noqa: E402

HEADER = """\
If device is externally calibrated, only calibrated values are printed.
N/A: not applicable, Tx: transmit, Rx: receive.
mA: milliamperes, dBm: decibels (milliwatts).
                               Bias      Optical   Optical                
          Temp       Voltage   Current   Tx Power  Rx Power               
Port      (Celsius)  (Volts)   (mA)      (dBm)     (dBm)     Last Update  
-----     ---------  --------  --------  --------  --------  -------------------
"""


def _row(rng: random.Random, port: str) -> str:
    r = rng.random()
    if r < 0.02:
        return f"{port:<10} N/A        N/A       N/A       N/A       N/A      N/A       "
    temp = f"{rng.uniform(22, 70):.2f}"
    volt = f"{rng.uniform(3.15, 3.40):.2f}"
    bias = f"{rng.uniform(5, 80):.2f}"
    tx = "N/A" if r < 0.06 else f"{rng.uniform(-4, 3):.2f}"
    rx = "-30.00" if r < 0.09 else f"{rng.uniform(-12, 2):.2f}"
    age = f"{rng.randint(0, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)} ago"
    return f"{port:<10} {temp:>6}     {volt:>5}     {bias:>6}    {tx:>6}    {rx:>6}     {age}"


def build(mb: float, seed: int = 7) -> str:
    rng = random.Random(seed)
    lines = [HEADER.rstrip("\n")]
    size = len(HEADER)
    target = int(mb * 1_000_000)
    slot = 1
    while size < target:
        card, port = divmod(slot, 36)
        for lane in range(1, 5):
            line = _row(rng, f"Et{card + 1}/{port + 1}/{lane}")
            lines.append(line)
            size += len(line) + 1
        slot += 1
    return "\n".join(lines) + "\n"


def _timeit(fn, text: str, reps: int) -> tuple[float, object]:
    """(best wall time, result); the best CPU time of the same runs is kept in _CPU[fn]."""
    best = best_cpu = float("inf")
    out = None
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn(text)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    _CPU[fn] = best_cpu
    return best, out


_CPU: dict = {}


def switch_outputs(n: int, seed: int = 11) -> list[str]:
    """`n` realistic per-switch outputs: 64 cages, 4x breakout on every 4th (~130-250 rows each)."""
    rng = random.Random(seed)
    outs = []
    for _ in range(n):
        rows = []
        for cage in range(1, 65):
            for sub in ((1, 2, 3, 4) if cage % 4 == 0 else (1,)):
                rows.append(_row(rng, f"Et{cage}/{sub}"))
        outs.append(HEADER + "\n".join(rows) + "\n")
    return outs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=4.0, help="size of the one large input in MB (default 4)")
    ap.add_argument("--switches", type=int, default=300, help="per-switch outputs in the fleet run (default 300)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions, best time kept (default 3)")
    args = ap.parse_args()
    try:
        import textfsm
        import ntc_templates
        from ntc_templates.parse import parse_output
    except ImportError:
        print("needs the bench extra: pip install -e '.[bench]' (ntc-templates, textfsm)", file=sys.stderr)
        return 2
    from netdiag.model import Snapshot

    tpl = Path(ntc_templates.__file__).parent / "templates" / "arista_eos_show_interfaces_transceiver.textfsm"
    tpl_text = tpl.read_text()

    def ntc_fleet(outs):  # what engineers write: ntc_templates.parse.parse_output per device
        return [parse_output(platform="arista_eos", command="show interfaces transceiver", data=t) for t in outs]

    def nd_fleet(outs):  # netdiag's analysis path: parse each output, build the canonical tables once
        parts: dict[str, list] = {}
        for i, t in enumerate(outs):
            for tab, v in parsers.parse_rows("eos-transceiver-text", t, device=f"sw{i}").items():
                parts.setdefault(tab, []).append(v)
        return Snapshot.from_parts(parts)

    def ntc_big(text):  # the TextFSM engine alone on one large input (no per-call template loading)
        import io
        return textfsm.TextFSM(io.StringIO(tpl_text)).ParseText(text)

    def nd_big(text):
        return Snapshot.from_parts({k: [v] for k, v in parsers.parse_rows("eos-transceiver-text", text).items()})

    outs = switch_outputs(args.switches)
    fleet_mb = sum(len(t) for t in outs) / 1e6
    t_ntc, r_ntc = _timeit(ntc_fleet, outs, args.reps)
    t_nd, snap = _timeit(nd_fleet, outs, args.reps)
    n_ntc = sum(len(r) for r in r_ntc)
    print(f"fleet: {args.switches} switch outputs, {fleet_mb:.2f} MB ({os.cpu_count()} CPUs, one process, best of {args.reps})")
    print(f"  ntc-templates parse_output per device : {t_ntc:7.3f} s {fleet_mb / t_ntc:7.2f} MB/s  ({n_ntc} records)")
    print(f"  netdiag parse_rows + canonical tables : {t_nd:7.3f} s {fleet_mb / t_nd:7.2f} MB/s  "
          f"({len(snap.modules)} modules, {len(snap.lanes)} lanes)")
    ratio = t_ntc / t_nd
    print(f"  ratio ntc / netdiag                   : {ratio:6.1f}x  (target >= 10x: {'met' if ratio >= 10 else 'NOT met'})")
    cpu_ratio = _CPU[ntc_fleet] / _CPU[nd_fleet]
    print(f"  ratio in CPU time (best run each)     : {cpu_ratio:6.1f}x  (ntc {_CPU[ntc_fleet]:.3f} s, netdiag "
          f"{_CPU[nd_fleet]:.3f} s; other load on the machine counts less)")

    def nd_parse(text):  # the parser alone, tables not built
        return parsers.parse_rows("eos-transceiver-text", text)

    def floor_big(text):  # what any reader does: split the text into lines
        return text.splitlines()

    text = build(args.mb)
    mb = len(text.encode()) / 1e6
    t_ntc_b, r_b = _timeit(ntc_big, text, args.reps)
    t_nd_b, snap_b = _timeit(nd_big, text, args.reps)
    t_nd_p, _ = _timeit(nd_parse, text, args.reps)
    t_fl, _ = _timeit(floor_big, text, args.reps)
    print(f"one large input: {mb:.2f} MB, {len(r_b)} rows")
    print(f"  floor: split into lines               : {t_fl:7.3f} s {mb / t_fl:7.2f} MB/s")
    print(f"  TextFSM engine alone                  : {t_ntc_b:7.3f} s {mb / t_ntc_b:7.2f} MB/s")
    print(f"  netdiag parse_rows + canonical tables : {t_nd_b:7.3f} s {mb / t_nd_b:7.2f} MB/s  "
          f"({len(snap_b.modules)} modules; parsing alone {t_nd_p:.3f} s, {mb / t_nd_p:.1f} MB/s)")
    ratio_b = t_ntc_b / t_nd_b
    print(f"  ratio TextFSM / netdiag               : {ratio_b:6.1f}x  (CPU time {_CPU[ntc_big] / _CPU[nd_big]:.1f}x; "
          f"parsing alone {t_ntc_b / t_nd_p:.1f}x; target >= 10x with the tables built: "
          f"{'met' if ratio_b >= 10 else 'NOT met'})")
    if len(snap.modules) != n_ntc:
        print(f"note: row counts differ (netdiag {len(snap.modules)}, ntc {n_ntc})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
