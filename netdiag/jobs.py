"""One function per job, composing the stages. The CLI, cron and library users all call these."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from netdiag import exitcodes
from netdiag.capture import read_capture
from netdiag.collect import cause_of
from netdiag.errors import UserInputError
from netdiag.findings import Finding, port_findings, tidy_wording
from netdiag.health.rules import load_thresholds, symptoms
from netdiag.ingest import DeviceStatus, ingest
from netdiag.inventory import Inventory
from netdiag.location import locate_all
from netdiag.model import Snapshot


@dataclass
class SweepResult:
    findings: list[Finding]
    devices: list[DeviceStatus]
    snapshot: Snapshot
    symptoms: pd.DataFrame
    capture: str | None = None
    notes: list[str] = field(default_factory=list)
    inventory: Inventory | None = None   # locations and the plan, for reports and tickets
    not_judged: list[dict] = field(default_factory=list)   # planned links not judged, and why

    @property
    def unknown(self) -> bool:
        """Could not tell: a device failed, or there was no device at all (an empty capture is
        not a healthy fleet)."""
        return not self.devices or any((not d.ok) or d.failed for d in self.devices)

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
            "devices_not_captured": len(self.not_captured()),
            "links_not_judged": len(self.not_judged),
        }

    def not_captured(self) -> list[str]:
        """Inventory devices (patch panels aside) the capture has nothing from: neither collected nor
        reported by a fabric-wide source. Unknown, not healthy."""
        inv = self.inventory
        if inv is None or not inv.devices:
            return []
        have = {d.name for d in self.devices} | set(self.snapshot.ports["device"].unique())
        return sorted(n for n, d in inv.devices.items() if n not in have and d.role != "patch_panel")

    def devices_json(self) -> list[dict]:
        """Each device's status with the `cause` of its failure (netdiag.collect.CAUSES) or null."""
        out = []
        for d in self.devices:
            err = d.error if not d.ok else (d.failed[0]["error"] if d.failed else None)
            out.append({**d.to_json(), "cause": cause_of(err) if err else None})
        return out

    def to_json(self) -> dict:
        return {"findings": [f.to_json() for f in self.findings],
                "devices": self.devices_json(),
                "not_judged": list(self.not_judged),
                "summary": self.summary()}


def analyse(snapshot: Snapshot, devices: list[DeviceStatus], inventory: Inventory | None = None,
            thresholds: str | Path | None = None, revise_symptoms=None) -> SweepResult:
    """health -> findings for a snapshot whose collection status is `devices`.

    With a cabling plan: the cabling check, then two-ended localization over the planned links
    (link and shared-part findings); symptoms on ports no planned link explains stay port findings.
    Without a plan: port findings."""
    cfg = load_thresholds(thresholds)
    plats = {d.name: d.platform for d in devices}
    sym = symptoms(snapshot, cfg, plats)
    if revise_symptoms is not None:  # fleet scans: rate and trend symptoms (netdiag.scan)
        sym = revise_symptoms(sym)
    if inventory is None or inventory.plan.empty:
        return SweepResult(locate_all(tidy_wording(port_findings(sym, snapshot, inventory)), inventory), devices,
                           snapshot, sym, inventory=inventory)
    from netdiag.fabric import cabling as cab
    from netdiag.fabric.graph import FabricGraph
    from netdiag.fabric.localize import localize

    # devices whose data we have: capture devices that answered, and the devices a fabric-wide
    # source (ibdiagnet) reported rows for
    collected = {d.name for d in devices if d.ok} | set(snapshot.ports["device"].unique())
    cabl = cab.check(inventory, snapshot.neighbors, snapshot.ports, collected)
    for f in cabl.findings:
        f.first_seen = f.last_seen = snapshot.taken_at
    wrong = {c for c, v in zip(cabl.status["cable_id"], cabl.status["verdict"]) if v in ("miswire", "swapped", "wrong_plane")}
    loc = localize(snapshot, sym, inventory, FabricGraph(inventory), exclude_cables=wrong, cfg=cfg)
    by_cable = {f.link.get("cable_id"): f for f in loc.findings if f.link.get("cable_id")}
    under = _links_under_shared_parts(loc.findings)
    folded: Counter = Counter()
    found = []
    for f in cabl.findings:
        twin = by_cable.get(f.link.get("cable_id")) if f.kind == "missing" else None
        if twin is not None:  # a dead link the plan also misses: one finding, both views as evidence
            twin.evidence = f.evidence + twin.evidence
            continue
        parent = under.get(f.link.get("cable_id")) if f.kind == "missing" else None
        if parent is not None:  # a dark link a shared part (a dark plane) explains: counted there
            folded[parent.id] += 1
            continue
        found.append(f)
    for p in loc.findings:
        if folded[p.id]:
            p.evidence.append(f"{folded[p.id]} of these links show no neighbor either (the cabling check "
                              "would call them missing); they are covered by this finding")
    found += loc.findings
    rest = sym[[(d, p) not in loc.handled_ports for d, p in zip(sym["device"], sym["port"])]] if len(sym) else sym
    found += port_findings(rest, snapshot, inventory)
    return SweepResult(locate_all(tidy_wording(found), inventory), devices, snapshot, sym, inventory=inventory,
                       not_judged=admin_down_links(inventory.plan, snapshot.ports))


def admin_down_links(plan: pd.DataFrame, ports: pd.DataFrame) -> list[dict]:
    """Planned links with an end its device reports administratively down: not judged (the laser of
    that end is off, it sends no LLDP, the far end sees a dark, down link), listed with the reason."""
    from netdiag.health.evidence import admin_down_ends

    a, b = admin_down_ends(plan, ports)
    m = a | b
    if not m.any():
        return []
    sub = plan.loc[m, ["cable_id", "a_device", "a_port", "b_device", "b_port"]].astype(object).reset_index(drop=True)
    ea = sub["a_device"].astype(str) + ":" + sub["a_port"].astype(str)
    eb = sub["b_device"].astype(str) + ":" + sub["b_port"].astype(str)
    ends = np.where(a[m] & b[m], ea + " and " + eb, np.where(a[m], ea, eb))
    sub["reason"] = pd.Series(ends, dtype=object) + " administratively down (reported): laser off, no LLDP; the link is not judged"
    return sub.to_dict("records")


def _links_under_shared_parts(findings: list[Finding]) -> dict:
    """cable_id -> the shared-part finding whose children include that link."""
    return {c["link"]["cable_id"]: f for f in findings for c in f.children
            if (c.get("link") or {}).get("cable_id")}


def default_record_dir(now: datetime | None = None) -> Path:
    """Where a live sweep writes its capture when not told: reports/captures/<UTC time> under cwd."""
    now = now or datetime.now(timezone.utc)
    base = Path("reports") / "captures" / now.strftime("%Y%m%dT%H%M%SZ")
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    return path


def sweep_live(inventory: Inventory, patterns: list[str] | None = None, rack: str | None = None,
               plane: str | None = None, role: str | None = None, ssh_config: str | Path | None = None,
               parallel: int = 16, record_dir: str | Path | None = None, thresholds: str | Path | None = None,
               options=None, progress: bool | None = None) -> SweepResult:
    """Live sweep: collect the selected devices over SSH into a capture (`record_dir`, default
    :func:`default_record_dir`), then analyse that capture exactly as :func:`sweep_capture` does, so
    a live sweep and a replay of its capture give the same findings.

    `options` is a netdiag.collect.ssh.SSHOptions (timeouts, output cap, channels per device);
    `progress` None draws a progress bar when stderr is a terminal. Raises UserInputError when the
    selection is empty, SweepInterrupted (with the partial capture) on Ctrl-C."""
    from netdiag.collect.ssh import SSHConnector
    from netdiag.collect.sshconfig import SSHSettings
    from netdiag.collect.sweep import Progress, collect_live

    devices = sorted(inventory.select(patterns or None, rack, plane, role), key=lambda d: d.name)
    if not devices:
        raise UserInputError("no device in the inventory matches the selection")
    connector = SSHConnector(SSHSettings(ssh_config), options)
    bar = Progress(len(devices), progress)
    path = collect_live(devices, record_dir or default_record_dir(), connector, parallel, bar)
    return sweep_capture(path, inventory, thresholds)


def sweep_capture(capture_dir: str | Path, inventory: Inventory | None = None,
                  thresholds: str | Path | None = None) -> SweepResult:
    """Offline sweep: analyse a recorded capture (docs/capture.md)."""
    cap = read_capture(capture_dir)
    ing = ingest(cap)
    res = analyse(ing.snapshot, ing.devices, inventory, thresholds)
    res.capture = str(capture_dir)
    return res


@dataclass
class CablingJobResult:
    findings: list[Finding]
    devices: list[DeviceStatus]
    counts: dict[str, int]
    status: pd.DataFrame

    def exit_code(self) -> int:
        unknown = not self.devices or any((not d.ok) or d.failed for d in self.devices)
        return exitcodes.for_findings([f.severity for f in self.findings], unknown=unknown)

    def to_json(self) -> dict:
        sev = Counter(f.severity for f in self.findings)
        code = self.exit_code()
        return {"findings": [f.to_json() for f in self.findings], "devices": [d.to_json() for d in self.devices],
                "summary": {"cables": int(len(self.status)), **{f"cables_{k}": v for k, v in sorted(self.counts.items())},
                            "findings": len(self.findings), "critical": sev.get("critical", 0),
                            "warning": sev.get("warning", 0), "exit_code": code,
                            "status": {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}[code]}}


def load_observed(capture_dir: str | Path | None = None, snapshot_dir: str | Path | None = None,
                  tables: tuple[str, ...] | None = None):
    """(Snapshot, device statuses) from a capture (parsed) or a Parquet snapshot (already canonical;
    only `tables` are read when given)."""
    if snapshot_dir is not None:
        from netdiag.simulate.write import read_snapshot

        snap = read_snapshot(snapshot_dir, tables)
        from netdiag.shards import read_devices

        known = read_devices(snapshot_dir)  # a parsed (and merged) snapshot says how each device went
        if known is not None:
            return snap, known
        devs = sorted(set(snap.ports["device"].unique()) | set(snap.neighbors["device"].unique()))
        return snap, [DeviceStatus(d, "snapshot", True) for d in devs]
    ing = ingest(read_capture(capture_dir))
    return ing.snapshot, ing.devices


def cabling(inventory: Inventory, capture_dir: str | Path | None = None,
            snapshot_dir: str | Path | None = None) -> CablingJobResult:
    """Plan vs what the neighbors report (docs/commands.md `netdiag cabling`)."""
    from netdiag.fabric import cabling as cab

    snap, devices = load_observed(capture_dir, snapshot_dir, ("ports", "neighbors"))
    collected = {d.name for d in devices if d.ok} | set(snap.ports["device"].unique())
    res = cab.check(inventory, snap.neighbors, snap.ports, collected)
    for f in res.findings:
        f.first_seen = f.last_seen = snap.taken_at
    locate_all(res.findings, inventory)
    return CablingJobResult(res.findings, devices, res.counts, res.status)


def isolate(result: SweepResult, thresholds: str | Path | None = None, journal=None):
    """Isolation plan (netdiag.act.isolate) for a sweep's findings over its inventory's plan; links
    seen down count as out of service; `journal` (netdiag.act.journal.Journal) supplies what earlier
    runs isolated and drained."""
    from netdiag.act.isolate import Rules, down_cables, plan_isolation
    from netdiag.fabric.graph import FabricGraph

    if result.inventory is None or result.inventory.plan.empty:
        raise UserInputError("an isolation plan needs the inventory and the cabling plan")
    isolated, drained = journal.active() if journal is not None else (set(), {})
    rules = Rules.from_config(load_thresholds(thresholds))
    return plan_isolation(result.findings, FabricGraph(result.inventory), rules,
                          down_cables(result.snapshot, result.inventory), isolated, drained)


def topology(inventory: Inventory, result: SweepResult | None = None, thresholds: str | Path | None = None,
             journal=None):
    """The healthy topology (netdiag.act.topology): the plan's links minus those isolated (by the
    journal, and by the isolation plan of `result` when given) or seen down, minus drained hosts."""
    from netdiag.act.isolate import down_cables
    from netdiag.act.topology import build
    from netdiag.fabric.graph import FabricGraph

    isolated, drained = journal.active() if journal is not None else (set(), {})
    out, hosts = set(isolated), set(drained)
    if result is not None:
        plan = isolate(result, thresholds, journal)
        out |= {a["cable_id"] for a in plan.isolate} | down_cables(result.snapshot, inventory)
        hosts = (hosts | {d["host"] for d in plan.drain}) - set(plan.resume)
    return build(FabricGraph(inventory), out, hosts)


def report(result: SweepResult, html: str | Path | None = None, tickets: str | Path | None = None,
           templates: str | Path | None = None) -> dict:
    """Write the technician's outputs of a sweep: the HTML report to `html` (one self-contained
    file) and one ticket per finding into `tickets` (<id>.md and <id>.json); `templates` is a folder
    of user templates overriding the packaged ones (rendered sandboxed). Returns what was written:
    {"html": path or None, "tickets": [json paths]}."""
    from netdiag.render import html as html_report
    from netdiag.render import repair
    from netdiag.render import tickets as ticket_files

    out = {"html": None, "tickets": []}
    reps = repair.repairs(result) if html is not None or tickets is not None else None   # once for both
    if html is not None:
        out["html"] = html_report.write_html(result, html, templates, reps=reps)
    if tickets is not None:
        out["tickets"] = ticket_files.write_tickets(result, tickets, templates, reps=reps)
    return out


def scan(*args, **kwargs):
    """Fleet scan with history (netdiag.scan.scan): rates, trends, tickets, metrics."""
    from netdiag.scan import scan as run

    return run(*args, **kwargs)
