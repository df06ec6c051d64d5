"""One function per job, composing the stages. The CLI, cron and library users all call these."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from netdiag import exitcodes
from netdiag.capture import read_capture
from netdiag.findings import Finding, port_findings
from netdiag.health.rules import load_thresholds, symptoms
from netdiag.ingest import DeviceStatus, ingest
from netdiag.inventory import Inventory
from netdiag.model import Snapshot


@dataclass
class SweepResult:
    findings: list[Finding]
    devices: list[DeviceStatus]
    snapshot: Snapshot
    symptoms: pd.DataFrame
    capture: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def unknown(self) -> bool:
        return any((not d.ok) or d.failed for d in self.devices)

    def exit_code(self) -> int:
        return exitcodes.for_findings([f.severity for f in self.findings], unknown=self.unknown)

    def summary(self) -> dict:
        sev = Counter(f.severity for f in self.findings)
        planes = Counter(f.plane or "-" for f in self.findings)
        snap = self.snapshot
        return {
            "devices": len(self.devices),
            "devices_failed": sum(1 for d in self.devices if not d.ok),
            "outputs_failed": sum(len(d.failed) for d in self.devices),
            "ports": int(len(snap.ports)), "modules": int(len(snap.modules)), "lanes": int(len(snap.lanes)),
            "findings": len(self.findings),
            "critical": sev.get("critical", 0), "warning": sev.get("warning", 0), "info": sev.get("info", 0),
            "by_plane": dict(sorted(planes.items())),
            "exit_code": self.exit_code(),
            "status": {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}[self.exit_code()],
            "taken_at": snap.taken_at,
        }

    def to_json(self) -> dict:
        return {"findings": [f.to_json() for f in self.findings],
                "devices": [d.to_json() for d in self.devices],
                "summary": self.summary()}


def analyse(snapshot: Snapshot, devices: list[DeviceStatus], inventory: Inventory | None = None,
            thresholds: str | Path | None = None) -> SweepResult:
    """health -> findings for a snapshot whose collection status is `devices`."""
    cfg = load_thresholds(thresholds)
    plats = {d.name: d.platform for d in devices}
    sym = symptoms(snapshot, cfg, plats)
    found = port_findings(sym, snapshot, inventory)
    return SweepResult(found, devices, snapshot, sym)


def sweep_capture(capture_dir: str | Path, inventory: Inventory | None = None,
                  thresholds: str | Path | None = None) -> SweepResult:
    """Offline sweep: analyse a recorded capture (SCHEMA.md §2)."""
    cap = read_capture(capture_dir)
    ing = ingest(cap)
    res = analyse(ing.snapshot, ing.devices, inventory, thresholds)
    res.capture = str(capture_dir)
    return res
