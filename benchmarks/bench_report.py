"""The HTML report and tickets at 10,000 findings: render time, file size, and how fast headless
Chromium opens the report (navigation to the load event, and first contentful paint).

A simulated fabric (Parquet snapshot, real two-ended optics for every link) supplies the lanes,
modules and counters; 10,000 link findings are synthesized on its planned cables (kinds, severities
and suspects cycling as the localizer produces them, plus shared-part findings with child links), so
every finding has both ends' data to draw. The findings are located (netdiag.location.locate_all)
before the timing, as every sweep and scan hands them to the report and tickets; --unlocated leaves
them without a location, so that rendering locates each one itself (the input of earlier runs).
Wall and CPU time (process_time, all threads) are printed beside the targets, with the machine's
load average. Needs Debian's chromium and websocket-client; --no-browser skips that step.
Run: python benchmarks/bench_report.py [--findings 10000] [--gpus 4096] [--unlocated] [--no-browser]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from netdiag import jobs  # noqa: E402
from netdiag.findings import Finding, finding_id  # noqa: E402
from netdiag.inventory import load  # noqa: E402
from netdiag.location import locate_all  # noqa: E402
from netdiag.render import html, tickets  # noqa: E402
from netdiag.simulate import engine, presets  # noqa: E402
from netdiag.simulate.write import write_fabric  # noqa: E402

KINDS = [("dirty_connector", "warning", ["connector", "cable", "far_transceiver", "transceiver"]),
         ("bad_transceiver", "critical", ["transceiver", "far_transceiver", "cable"]),
         ("decaying_transmitter", "critical", ["far_transceiver", "port", "cable"]),
         ("dead_link", "critical", ["cable", "far_transceiver", "transceiver"])]


def synth_findings(inv, n: int, taken_at: str) -> list[Finding]:
    plan = inv.plan.head(n + n // 50 * 2)
    rows = plan[["cable_id", "a_device", "a_port", "b_device", "b_port", "plane"]].itertuples(index=False)
    out = []

    def link_finding(r, i):
        kind, sev, comps = KINDS[i % len(KINDS)]
        sus = []
        for j, c in enumerate(comps):
            ref = {"cable": r.cable_id, "connector": r.cable_id, "far_transceiver": f"{r.b_device}:{r.b_port}"}.get(
                c, f"{r.a_device}:{r.a_port}")
            sus.append({"component": "transceiver" if c == "far_transceiver" else c, "ref": ref,
                        "location": None, "confidence": round(0.6 / (j + 1), 3)})
        return Finding(finding_id("bench", r.cable_id), sev, kind, r.plane,
                       {"a_device": r.a_device, "a_port": r.a_port, "b_device": r.b_device, "b_port": r.b_port,
                        "cable_id": r.cable_id}, sus, f"Inspect and clean cable {r.cable_id}; then replace the first suspect",
                       [f"{r.a_device}:{r.a_port} lane 1: Rx power 0.0500 mW (-13.01 dBm) < low warning 0.0631 mW (-12.00 dBm)",
                        f"{r.a_device}:{r.a_port} rx_crc_errors = 1234 (non-zero since last clear)"],
                       taken_at, taken_at, r.a_device, r.a_port, [1], "synthetic", [], [])

    rows = list(rows)
    i = 0
    while len(out) < n:
        if len(out) % 50 == 49:   # a shared part carrying two links
            kids = [link_finding(rows[i], i), link_finding(rows[i + 1], i + 1)]
            dev, port = rows[i].a_device, rows[i].a_port
            out.append(Finding(finding_id("bench-shared", dev, port), "critical", "twin_port_module", rows[i].plane,
                               {"a_device": dev, "a_port": None, "b_device": None, "b_port": None, "cable_id": None},
                               [{"component": "transceiver", "ref": f"{dev}:{port}", "location": None, "confidence": 0.9}],
                               f"Replace the module at {dev}:{port}", ["2 of 2 links through it are symptomatic"],
                               taken_at, taken_at, dev, "", [], "synthetic shared part", [],
                               [k.to_json() for k in kids]))
            i += 2
        else:
            out.append(link_finding(rows[i], i))
            i += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--findings", type=int, default=10_000)
    ap.add_argument("--gpus", type=int, default=4096)
    ap.add_argument("--preset", default="gb300-dual-plane")
    ap.add_argument("--unlocated", action="store_true", help="findings without a location (rendering locates them)")
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium load-time step")
    a = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "fabric"
        t = time.perf_counter()
        write_fabric(engine.simulate(presets.get(a.preset), a.gpus, 1), out, "parquet")
        inv = load(out / "devices.csv", out / "cabling.csv")
        snap, devices = jobs.load_observed(snapshot_dir=out / "snapshot")
        res = jobs.SweepResult([], devices, snap, None, inventory=inv)
        res.findings = synth_findings(inv, a.findings, snap.taken_at)
        if not a.unlocated:
            locate_all(res.findings, inv)
        print(f"fabric: {a.preset} {a.gpus} GPUs, {len(inv.plan)} cables, {len(snap.lanes)} lanes "
              f"(setup {time.perf_counter() - t:.1f} s, not timed below); findings "
              f"{'without a location' if a.unlocated else 'located as a sweep hands them over'}; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        t, c = time.perf_counter(), time.process_time()
        path = html.write_html(res, Path(tmp) / "report.html")
        t_html, c_html = time.perf_counter() - t, time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        n_t = len(tickets.write_tickets(res, Path(tmp) / "tickets"))
        t_tk, c_tk = time.perf_counter() - t, time.process_time() - c
        size = path.stat().st_size
        print(f"findings: {len(res.findings)}; HTML rendered in {t_html:.2f} s ({c_html:.2f} s CPU; target <= 3 s at "
              f"10,000: {'met' if t_html <= 3 else 'NOT met'}), {size / 1e6:.2f} MB "
              f"({'under' if size < 20e6 else 'OVER'} 20 MB); {n_t} tickets written in {t_tk:.2f} s "
              f"({c_tk:.2f} s CPU; target <= 5 s at 10,000: {'met' if t_tk <= 5 else 'NOT met'})")
        if a.no_browser:
            return
        from chromium import Browser

        with Browser(timeout=120) as b:
            b.open("about:blank")
            loads, fcps = [], []
            for _ in range(3):
                wall = b.open(path.as_uri())
                nav = b.eval("(() => { const n = performance.getEntriesByType('navigation')[0];"
                             " const p = performance.getEntriesByName('first-contentful-paint')[0];"
                             " return [n.loadEventEnd, p ? p.startTime : null]; })()")
                loads.append((wall, nav[0] / 1000))
                fcps.append(nav[1] / 1000 if nav[1] is not None else float("nan"))
                shown = b.eval("document.querySelectorAll('#list details.f').length")
            reqs = b.requests(except_url=path.as_uri())
        best = min(loads, key=lambda x: x[0])
        print(f"chromium: {shown} findings in the page; load event {best[1]:.2f} s after navigation start "
              f"(wall {best[0]:.2f} s, best of 3; runs {', '.join(f'{w:.2f}' for w, _ in loads)} s), "
              f"first contentful paint {min(fcps):.2f} s; {len(reqs)} network requests; "
              f"{'under' if best[0] < 3 else 'OVER'} 3 s")


if __name__ == "__main__":
    main()
