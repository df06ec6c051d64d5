"""Prometheus textfile output for fleet scans (node_exporter textfile collector): fleet aggregates
and the worst links only, never one series per port. Written to a temporary sibling and renamed, so
the collector never reads a half-written file."""

from __future__ import annotations

import math
import os
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd


def _esc(v) -> str:
    return str(v).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _line(name: str, value: float, **labels) -> str:
    lab = ",".join(f'{k}="{_esc(v)}"' for k, v in labels.items() if v is not None)
    val = "NaN" if value is None or (isinstance(value, float) and math.isnan(value)) else repr(float(value))
    return f"{name}{{{lab}}} {val}" if lab else f"{name} {val}"


def render(summary: dict, findings, tickets: dict[str, dict], links: pd.DataFrame | None, duration_s: float,
           finished_unix: float, worst: int = 20) -> str:
    """The textfile: scan status and timing, devices, findings by severity and kind, tickets by
    state, links with errors or link-downs in the window, and the `worst` links by measured BER."""
    out = []

    def metric(name, help_, typ, lines):
        out.append(f"# HELP {name} {help_}")
        out.append(f"# TYPE {name} {typ}")
        out.extend(lines)

    metric("netdiag_scan_success", "1 when the last scan completed", "gauge", [_line("netdiag_scan_success", 1)])
    metric("netdiag_scan_timestamp_seconds", "when the last scan finished (unix time)", "gauge",
           [_line("netdiag_scan_timestamp_seconds", finished_unix)])
    metric("netdiag_scan_duration_seconds", "how long the last scan took", "gauge",
           [_line("netdiag_scan_duration_seconds", round(duration_s, 3))])
    metric("netdiag_scan_exit_code", "0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN", "gauge",
           [_line("netdiag_scan_exit_code", summary["exit_code"])])
    metric("netdiag_devices", "devices in the scan by collection state", "gauge",
           [_line("netdiag_devices", summary["devices"] - summary["devices_failed"], state="ok"),
            _line("netdiag_devices", summary["devices_failed"], state="failed")])
    metric("netdiag_ports", "ports seen in the scan", "gauge", [_line("netdiag_ports", summary["ports"])])
    by = Counter((f.severity, f.kind) for f in findings)
    metric("netdiag_findings", "findings by severity and kind", "gauge",
           [_line("netdiag_findings", n, severity=s, kind=k) for (s, k), n in sorted(by.items())]
           or [_line("netdiag_findings", 0, severity="critical", kind="none")])
    states = Counter(t["state"] for t in tickets.values())
    metric("netdiag_tickets", "tickets by state", "gauge",
           [_line("netdiag_tickets", states.get(s, 0), state=s) for s in ("new", "open", "updated", "reopened", "resolved")])
    if links is not None and len(links):
        err = (links["symbol_ber"].fillna(0).to_numpy() > 0) | (links["pre_fec_ber"].fillna(0).to_numpy() > 0)
        down = (links["a_link_down"].fillna(0).to_numpy() > 0) | (links["b_link_down"].fillna(0).to_numpy() > 0)
        metric("netdiag_links_with_errors", "planned links with uncorrected symbol errors or corrected bits in the window",
               "gauge", [_line("netdiag_links_with_errors", int(err.sum()))])
        metric("netdiag_links_down_events", "planned links whose link-down counter rose in the window",
               "gauge", [_line("netdiag_links_down_events", int(down.sum()), ends="any"),
                         _line("netdiag_links_down_events", int(links["link_down_both"].sum()), ends="both")])
        ber = links["symbol_ber"].to_numpy(dtype="float64")
        top = np.argsort(-np.nan_to_num(ber, nan=-1.0), kind="stable")[:worst]
        top = [i for i in top if ber[i] > 0]
        rows = links.iloc[top]
        metric("netdiag_worst_link_symbol_ber", f"the {worst} links with the highest measured symbol BER", "gauge",
               [_line("netdiag_worst_link_symbol_ber", r.symbol_ber, cable_id=r.cable_id, plane=r.plane,
                      a=f"{r.a_device}:{r.a_port}", b=f"{r.b_device}:{r.b_port}")
                for r in rows.itertuples(index=False)])
    return "\n".join(out) + "\n"


def write_atomic(path: str | Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same directory and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
