"""EOS `show interfaces transceiver` (text) throughput: netdiag's parser vs ntc-templates (TextFSM).

Builds a large input in the EOS text format by replicating the real ntc-templates sample's rows
with varied port names and readings (breakout sub-ports, N/A cells, the -30.00 dBm no-light floor),
then parses the same text once (per repetition) with
`netdiag.parsers.parse_text("eos-transceiver-text", ...)` and with the ntc-templates template for
arista_eos `show interfaces transceiver`, and prints MB/s for both and the ratio.

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
    best = float("inf")
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn(text)
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=4.0, help="input size in MB (default 4)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions, best time kept (default 3)")
    args = ap.parse_args()
    try:
        import textfsm
        import ntc_templates
    except ImportError:
        print("needs the bench extra: pip install -e '.[bench]' (ntc-templates, textfsm)", file=sys.stderr)
        return 2
    tpl = Path(ntc_templates.__file__).parent / "templates" / "arista_eos_show_interfaces_transceiver.textfsm"
    tpl_text = tpl.read_text()

    def ntc(text: str):
        import io
        fsm = textfsm.TextFSM(io.StringIO(tpl_text))
        return fsm.ParseText(text)

    fmt = parsers.get("eos-transceiver-text")
    ctx = parsers.Context()

    def nd(text: str):  # the whole `netdiag parse` path: decode, parse, schema validation of every row
        return parsers.parse_text("eos-transceiver-text", text)

    def nd_raw(text: str):  # the parser function alone: text -> row dicts
        return fmt.func(text, ctx)

    text = build(args.mb)
    mb = len(text.encode()) / 1e6
    t_raw, out_raw = _timeit(nd_raw, text, args.reps)
    t_nd, out_nd = _timeit(nd, text, args.reps)
    t_ntc, out_ntc = _timeit(ntc, text, args.reps)
    rows_nd = len(out_nd.get("modules", []))
    print(f"input: {mb:.2f} MB, {text.count(chr(10)) - 7} interface rows ({os.cpu_count()} CPUs, one process, "
          f"best of {args.reps})")
    print(f"netdiag parser (text -> rows)       : {t_raw:7.3f} s {mb / t_raw:7.1f} MB/s  "
          f"({len(out_raw['modules'])} modules, {len(out_raw['lanes'])} lanes)")
    print(f"netdiag parse_text (+ schema check) : {t_nd:7.3f} s {mb / t_nd:7.1f} MB/s  ({rows_nd} modules)")
    print(f"ntc-templates TextFSM               : {t_ntc:7.3f} s {mb / t_ntc:7.1f} MB/s  ({len(out_ntc)} records)")
    for label, t in (("parser", t_raw), ("parse_text", t_nd)):
        ratio = t_ntc / t
        print(f"ratio ntc time / netdiag {label:<10} : {ratio:6.1f}x  (target >= 10x: {'met' if ratio >= 10 else 'NOT met'})")
    if rows_nd != len(out_ntc):
        print(f"note: row counts differ (netdiag {rows_nd}, ntc {len(out_ntc)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
