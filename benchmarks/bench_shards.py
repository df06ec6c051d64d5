"""A fleet split over shards: per-shard parse time, merge time and the analysis of the merged snapshot.

The path of docs/scale.md, timed step by step with the real commands, each in a fresh process:
a simulated capture of the whole fleet (real output formats; not timed) is parsed shard by shard
with `netdiag snapshot --capture C --shard i/N --out shard-i`, one shard after another as N machines
would run them side by side (so the per-shard figure is what one machine spends); the shard
snapshots are joined with `netdiag merge`, and the merged snapshot is analysed once with
`netdiag scan --snapshot` (first scan, empty history). Each step prints wall time, CPU time (the
process and its workers) and peak RSS beside its target and the floor it is compared with:

- per shard: issue 15's 10,000-GPU sweep target (<= 30 s, <= 2 GB) scaled to the shard's GPUs;
  floor: reading the shard's files and splitting their lines;
- merge: no target in issue 15; floor: reading the shard snapshots' Parquet tables;
- analysis: issue 15's 100,000-GPU Parquet target (loading + analysis <= 20 s, <= 4 GB), scaled to
  the fleet's GPUs.

Run: python benchmarks/bench_shards.py [--gpus 10000] [--shards 10] [--preset gb300-dual-plane]
     [--jobs N] [--capture DIR --inventory F --plan F] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARD_TARGET_S_PER_10K = 30.0     # issue 15: sweep --capture of 10,000 GPUs <= 30 s
SHARD_TARGET_GB = 2.0             # ... and <= 2 GB
ANALYSIS_TARGET_S_PER_100K = 20.0  # issue 15: 100,000 GPUs from Parquet, loading + analysis <= 20 s
ANALYSIS_TARGET_GB = 4.0


def run(args: list[str], ok=(0,)) -> tuple[float, float, float, str]:
    """(wall s, CPU s of the process and the workers it waited for, peak RSS MB, output) of a
    netdiag command in a fresh process."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        p = subprocess.Popen([sys.executable, "-m", "netdiag.cli", *args], stdout=out, stderr=subprocess.STDOUT,
                             text=True, cwd=ROOT)
        _, status, ru = os.wait4(p.pid, 0)
        out.seek(0)
        err = out.read()
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in ok:
        sys.exit(f"netdiag {' '.join(args)} failed ({p.returncode}): {err[-2000:]}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, err


def read_floor(files: list[Path]) -> tuple[float, float, int]:
    """(wall s, CPU s, bytes): read the files and split their lines, as any parser must."""
    t0, c0, n = time.perf_counter(), time.process_time(), 0
    for f in files:
        b = f.read_bytes()
        n += len(b)
        b.decode("utf-8", "replace").splitlines()
    return time.perf_counter() - t0, time.process_time() - c0, n


def parquet_floor(dirs: list[Path]) -> tuple[float, float]:
    import pyarrow.parquet as pq

    t0, c0 = time.perf_counter(), time.process_time()
    for d in dirs:
        for f in sorted(d.glob("*.parquet")):
            pq.read_table(f)
    return time.perf_counter() - t0, time.process_time() - c0


def shard_files(capture: Path, shards: int) -> list[list[Path]]:
    from netdiag.capture import read_capture
    from netdiag.scan import shard_of

    out: list[list[Path]] = [[] for _ in range(shards)]
    for d in read_capture(capture).devices:
        folder = capture / "devices" / d.name
        out[shard_of(d.name, shards)] += [p for p in folder.iterdir() if p.is_file()]
    return out


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gpus", type=int, default=10_000)
    ap.add_argument("--shards", type=int, default=10)
    ap.add_argument("--preset", default="gb300-dual-plane")
    ap.add_argument("--faults", type=int, default=44)
    ap.add_argument("--jobs", type=int, help="snapshot --jobs per shard (default: every core)")
    ap.add_argument("--capture", type=Path, help="an existing capture instead of simulating one")
    ap.add_argument("--inventory", type=Path)
    ap.add_argument("--plan", type=Path)
    ap.add_argument("--keep", type=Path, help="work here (kept) instead of a temporary directory")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        work = a.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if a.capture:
            cap, inv, plan = a.capture, a.inventory, a.plan
        else:
            t = time.perf_counter()
            run(["simulate", "--preset", a.preset, "--gpus", str(a.gpus), "--seed", "1", "--faults", str(a.faults),
                 "--miswires", "8", "--format", "capture", "--out", str(work / "fabric")])
            cap, inv, plan = work / "fabric" / "capture", work / "fabric" / "devices.csv", work / "fabric" / "cabling.csv"
            print(f"simulated {a.preset} {a.gpus} GPUs in {time.perf_counter() - t:.0f} s (not timed below)")
        gpus_per_shard = a.gpus / a.shards
        target = SHARD_TARGET_S_PER_10K * gpus_per_shard / 10_000
        files = shard_files(cap, a.shards)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {a.shards} shards of about "
              f"{gpus_per_shard:,.0f} GPUs; per-shard target {target:.1f} s, {SHARD_TARGET_GB:g} GB "
              f"(issue 15's 10,000-GPU target scaled)")
        print(f"{'shard':>5} {'devices':>7} {'MB':>6} {'floor s':>8} {'wall s':>7} {'CPU s':>6} {'x floor':>7} "
              f"{'RSS MB':>7}  target")
        shards, walls = [], []
        for i in range(a.shards):
            fw, fc, nb = read_floor(files[i])
            out = work / f"shard-{i}"
            wall, cpu, rss, err = run(["snapshot", "--capture", str(cap), "--shard", f"{i}/{a.shards}", "--out", str(out)]
                                      + (["--jobs", str(a.jobs)] if a.jobs else []))
            ndev = err.strip().rsplit(": ", 1)[-1]
            shards.append(out)
            walls.append((wall, cpu, rss))
            print(f"{i:>5} {ndev.split()[0]:>7} {nb / 1e6:6.0f} {fw:8.2f} {wall:7.2f} {cpu:6.2f} {wall / fw:7.1f} "
                  f"{rss:7.0f}  {verdict(wall <= target and rss <= SHARD_TARGET_GB * 1024)}")
        worst = max(walls)
        print(f"per shard: wall {min(w for w, _, _ in walls):.2f}-{worst[0]:.2f} s, CPU "
              f"{min(c for _, c, _ in walls):.2f}-{max(c for _, c, _ in walls):.2f} s, peak RSS "
              f"{max(r for _, _, r in walls):.0f} MB (target <= {target:.1f} s, <= {SHARD_TARGET_GB:g} GB: "
              f"{verdict(worst[0] <= target and max(r for _, _, r in walls) <= SHARD_TARGET_GB * 1024)}); "
              f"all shards one after another: {sum(w for w, _, _ in walls):.1f} s wall, {sum(c for _, c, _ in walls):.1f} s CPU")
        pw, pc = parquet_floor(shards)
        merged = work / "merged"
        wall, cpu, rss, _ = run(["merge", *map(str, shards), "--out", str(merged)])
        print(f"merge of {a.shards} shard snapshots: wall {wall:.2f} s, CPU {cpu:.2f} s, peak RSS {rss:.0f} MB "
              f"(no target in issue 15; floor: reading their Parquet tables {pw:.2f} s wall, {pc:.2f} s CPU)")
        atarget = ANALYSIS_TARGET_S_PER_100K * a.gpus / 100_000
        wall, cpu, rss, err = run(["scan", "--snapshot", str(merged), "--inventory", str(inv), "--plan", str(plan),
                                   "--state", str(work / "state.db"), "-v"], ok=(0, 1, 2, 3))
        line = err.strip().splitlines()[-1] if err.strip() else ""
        print(f"analysis of the merged snapshot (scan --snapshot, first scan): wall {wall:.2f} s, CPU {cpu:.2f} s, "
              f"peak RSS {rss:.0f} MB (target <= {atarget:.1f} s, <= {ANALYSIS_TARGET_GB:g} GB, issue 15's 100k "
              f"target scaled: {verdict(wall <= atarget and rss <= ANALYSIS_TARGET_GB * 1024)}) {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
