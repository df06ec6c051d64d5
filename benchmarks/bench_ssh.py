"""Live SSH collection speed: netdiag vs. the script an engineer would write vs. a minimal asyncssh client.

Starts the SSH lab (netdiag.lab: OpenSSH sshd on loopback playing a fleet cloned from the fixture
captures), then, in one run and at the same concurrency (``--parallel`` devices at a time), collects
the same commands from every device with:

  netdiag   netdiag.collect.sweep.collect_live (paramiko; writes the capture; analysis timed apart)
  asyncssh  a minimal asyncssh client: one connection per device, its commands in turn, and again
            with ``--channels`` commands at once per device (as netdiag does)
  openssh   ``ssh -F lab_config HOST CMD`` per command, fanned out with ``xargs -P``

and prints seconds, devices/s, peak RSS (each client runs in its own process) and the ratios
against the targets (netdiag >= 5x faster than openssh, <= 1.25x the time of asyncssh).

    python benchmarks/bench_ssh.py [--racks 25] [--parallel 16] [--channels 4] [--skip openssh]

Needs root, openssh-server and the bench extra (pip install -e '.[bench]').
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s(who=resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def run_netdiag(lab: dict, parallel: int, channels: int) -> dict:
    from netdiag import jobs
    from netdiag.collect.ssh import SSHConnector, SSHOptions
    from netdiag.collect.sshconfig import SSHSettings
    from netdiag.collect.sweep import collect_live
    from netdiag.inventory import load

    inv = load(lab["inventory"])
    devices = sorted(inv.devices.values(), key=lambda d: d.name)
    out = Path(lab["tmp"]) / "netdiag-capture"
    t0 = time.perf_counter()
    collect_live(devices, out, SSHConnector(SSHSettings(lab["ssh_config"]), SSHOptions(channels=channels)), parallel)
    t1 = time.perf_counter()
    cpu, peak = _cpu_s(), _peak_mb()
    res = jobs.sweep_capture(out, inv)
    t2 = time.perf_counter()
    failed = sum(1 for d in res.devices if not d.ok or d.failed)
    return {"seconds": t1 - t0, "analysis_s": t2 - t1, "failed": failed, "findings": len(res.findings),
            "peak_mb": peak, "cpu_s": cpu}


def run_asyncssh(lab: dict, parallel: int, channels: int) -> dict:
    import asyncio

    import asyncssh

    jobs = json.loads(Path(lab["jobs"]).read_text())

    async def device(sem, d):
        async with sem:
            async with asyncssh.connect(d["address"], port=d["port"], username=d["user"],
                                        client_keys=[lab["key"]], known_hosts=lab["known_hosts"]) as conn:
                if channels == 1:
                    return [await conn.run(c) for c in d["commands"]]
                chan = asyncio.Semaphore(channels)

                async def one(c):
                    async with chan:
                        return await conn.run(c)
                res = []
                for phase in d["phases"]:
                    res += await asyncio.gather(*(one(c) for c in phase))
                return res

    async def main():
        sem = asyncio.Semaphore(parallel)
        return await asyncio.gather(*(device(sem, d) for d in jobs), return_exceptions=True)

    t0 = time.perf_counter()
    results = asyncio.run(main())
    t1 = time.perf_counter()
    failed = sum(1 for r in results if isinstance(r, BaseException) or any(x.exit_status != 0 for x in r))
    return {"seconds": t1 - t0, "failed": failed, "peak_mb": _peak_mb(), "cpu_s": _cpu_s()}


def run_openssh(lab: dict, parallel: int) -> dict:
    jobs = json.loads(Path(lab["jobs"]).read_text())
    outdir = Path(lab["tmp"]) / "openssh-out"
    outdir.mkdir(exist_ok=True)
    lines = []
    for d in jobs:
        for i, c in enumerate(d["commands"]):
            lines.append(f"{d['name']}\t{c}\t{outdir / d['name']}.{i}")
    script = ('IFS="$(printf "\\t")"; set -f; set -- $0; '
              f'ssh -F {lab["ssh_config"]} "$1" "$2" > "$3" 2>/dev/null || echo "$1: $2 failed" >&2')
    t0 = time.perf_counter()
    p = subprocess.run(["xargs", "-P", str(parallel), "-d", "\n", "-n", "1", "sh", "-c", script],
                       input="\n".join(lines) + "\n", text=True, capture_output=True)
    t1 = time.perf_counter()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": t1 - t0, "failed": len(p.stderr.splitlines()), "peak_mb": children,
            "cpu_s": _cpu_s(resource.RUSAGE_CHILDREN)}


def _child(which: str, lab_file: str, parallel: int, channels: int) -> dict:
    lab = json.loads(Path(lab_file).read_text())
    if which == "netdiag":
        return run_netdiag(lab, parallel, channels)
    if which == "asyncssh":
        return run_asyncssh(lab, parallel, 1)
    if which == "asyncssh-channels":
        return run_asyncssh(lab, parallel, channels)
    return run_openssh(lab, parallel)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--racks", type=int, default=25, help="fleet racks of 8 devices (25 -> 200 devices)")
    ap.add_argument("--parallel", type=int, default=16)
    ap.add_argument("--channels", type=int, default=4)
    ap.add_argument("--skip", action="append", default=[], choices=["openssh", "asyncssh"])
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--lab-file", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(_child(a.child, a.lab_file, a.parallel, a.channels)))
        return 0

    from netdiag.capture import read_capture
    from netdiag.lab import PLAY_USER, SSHLab
    from netdiag.lab.fleet import build_fleet
    from netdiag import platforms

    tmp = Path(tempfile.mkdtemp(prefix="bench-ssh-"))
    build_fleet(tmp / "fleet", a.racks)
    cap = read_capture(tmp / "fleet")
    with SSHLab(hashed_known_hosts=True) as lab:
        played = {d.name: d for d in lab.add_capture(tmp / "fleet")}
        lab.start()
        jobs = []
        for dev in cap.devices:
            cmds = [e.command for e in dev.entries if not e.command.startswith("#")]
            disc = [c for c in cmds if c in platforms.get(dev.platform).discovery]
            jobs.append({"name": dev.name, "address": played[dev.name].address, "port": lab.port, "user": PLAY_USER,
                         "commands": cmds, "phases": [disc, [c for c in cmds if c not in disc]]})
        (tmp / "jobs.json").write_text(json.dumps(jobs))
        lab_file = tmp / "lab.json"
        lab_file.write_text(json.dumps({"tmp": str(tmp), "inventory": str(lab.inventory),
                                        "ssh_config": str(lab.ssh_config), "known_hosts": str(lab.known_hosts),
                                        "key": str(lab.client_key), "jobs": str(tmp / "jobs.json")}))
        ncmd = sum(len(j["commands"]) for j in jobs)
        print(f"{len(jobs)} devices, {ncmd} commands, {a.parallel} devices at a time, {os.cpu_count()} CPUs")
        order = ["netdiag"] + ([] if "asyncssh" in a.skip else ["asyncssh", "asyncssh-channels"]) + \
                ([] if "openssh" in a.skip else ["openssh"])
        results = {}
        for which in order:
            p = subprocess.run([sys.executable, __file__, "--child", which, "--lab-file", str(lab_file),
                                "--parallel", str(a.parallel), "--channels", str(a.channels)],
                               capture_output=True, text=True)
            if p.returncode != 0:
                print(f"{which}: failed: {p.stderr[-2000:]}")
                continue
            r = results[which] = json.loads(p.stdout.strip().splitlines()[-1])
            extra = f", analysis {r['analysis_s']:.2f} s, {r['findings']} findings" if "analysis_s" in r else ""
            label = {"asyncssh": "asyncssh (commands in turn)",
                     "asyncssh-channels": f"asyncssh ({a.channels} channels/device)",
                     "openssh": f"openssh ssh+xargs -P{a.parallel}"}.get(which, f"netdiag ({a.channels} channels/device)")
            print(f"{label:34s} {r['seconds']:7.2f} s  {len(jobs) / r['seconds']:7.1f} devices/s  "
                  f"client CPU {r['cpu_s']:6.2f} s  peak {r['peak_mb']:6.1f} MB  failed devices {r['failed']}{extra}")
    shutil.rmtree(tmp, ignore_errors=True)
    nd = results.get("netdiag")
    if nd and "openssh" in results:
        x = results["openssh"]["seconds"] / nd["seconds"]
        print(f"netdiag vs openssh+xargs: {x:.1f}x faster (target >= 5x): {'PASS' if x >= 5 else 'FAIL'}")
    fast = [results[k]["seconds"] for k in ("asyncssh", "asyncssh-channels") if k in results]
    if nd and fast:
        r = nd["seconds"] / min(fast)
        print(f"netdiag / fastest asyncssh: {r:.2f}x the time (target <= 1.25x): {'PASS' if r <= 1.25 else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
