"""Symptoms -> findings (docs/findings.md): one finding per port that needs a person.

A finding carries a stable id (a hash of where and what class of problem, never of the run), the
worst symptom as its kind, every symptom as evidence with measured values and thresholds, the
suspect parts ranked from the port's view (this module, the cable, the far module, the cage) and a
first action from health/diagnosis.toml.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from dataclasses import asdict, dataclass, field, fields
from importlib import resources

import numpy as np
import pandas as pd

from netdiag import units
from netdiag.health.rules import SEVERITY_RANK
from netdiag.inventory import Inventory
from netdiag.model import Snapshot

_ASSEMBLY_MEDIA = {"dac", "acc", "aoc"}


def load_diagnosis() -> dict:
    return tomllib.loads(resources.files("netdiag.health").joinpath("diagnosis.toml").read_text())


@dataclass
class Finding:
    id: str
    severity: str
    kind: str
    plane: str | None
    link: dict
    suspects: list[dict]
    action: str
    evidence: list[str]
    first_seen: str | None
    last_seen: str | None
    device: str = ""
    port: str = ""
    lanes: list[int] = field(default_factory=list)
    reason: str = ""
    symptoms: list[dict] = field(default_factory=list)
    children: list[dict] = field(default_factory=list)   # per-link findings under a shared part
    location: dict = field(default_factory=dict)   # the first suspect's place (netdiag.location)

    def to_json(self) -> dict:
        """`dataclasses.asdict(self)` (a deep copy), built without its generic recursion: findings
        are turned into JSON per finding and per child of a shared part."""
        return {f: _plain(getattr(self, f)) for f in _FINDING_FIELDS}


@dataclass
class _Box:
    v: object


_AS_IS = (str, int, float, bool, type(None), np.float64, np.int64, np.bool_)   # immutable: kept, not copied


def _plain(v):
    """What `asdict` makes of the value `v` of a field."""
    t = type(v)
    if t in _AS_IS:
        return v
    if t is dict:
        return {_plain(k): _plain(x) for k, x in v.items()}
    if t is list:
        return [_plain(x) for x in v]
    return asdict(_Box(v))["v"]   # anything else exactly as asdict treats it


_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


def finding_id(*parts: str) -> str:
    """Stable id from what is wrong and where."""
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def _fmt_value(v: float, unit: str) -> str:
    if unit == "mW":
        dbm = units.mw_to_dbm(v)
        return f"{v:.4f} mW ({'-inf' if math.isinf(dbm) else f'{dbm:.2f}'} dBm)"
    if unit == "count":
        return f"{int(v)}"
    if unit == "":  # ratios such as BER
        return f"{v:.2e}"
    return f"{v:.2f} {unit}"


_LABEL = {"rx_power": "Rx power", "tx_power": "Tx power", "tx_bias": "Tx bias",
          "module_temperature": "module temperature", "module_voltage": "module voltage"}


def describe(s: dict) -> str:
    """One symptom as a line of evidence with the measured value and the threshold it broke."""
    lane = s.get("lane")
    where = f"lane {int(lane)}: " if lane is not None and not pd.isna(lane) else ""
    rule, v, t, unit, detail = s["rule"], s.get("value"), s.get("threshold"), s.get("unit") or "", s.get("detail") or ""
    has_v = v is not None and not pd.isna(v)
    has_t = t is not None and not pd.isna(t)
    if rule in ("rx_los", "rx_lol", "tx_fault", "tx_los", "tx_lol"):
        return f"{where}{rule} asserted by the module"
    if rule == "link_down":
        return "admin up, operationally down"
    if rule == "dark_lane":
        return f"{where}Rx power {_fmt_value(v, 'mW')}: no light"
    if not has_v:
        return f"{where}{rule} ({detail})"
    for prefix, label in _LABEL.items():
        if rule.startswith(prefix + "_"):
            op = "<" if rule.endswith("_low") else ">"
            thr = f" {op} {detail} {_fmt_value(t, unit)}" if has_t else f" ({detail})"
            return f"{where}{label} {_fmt_value(v, unit)}{thr}"
    if rule.endswith("_ber"):
        return f"{rule} {v:.2e} > {t:.1e} ({detail})"
    return f"{rule} = {_fmt_value(v, unit)} ({detail})"


def port_findings(symptoms: pd.DataFrame, snap: Snapshot, inventory: Inventory | None = None,
                  diagnosis: dict | None = None) -> list[Finding]:
    """Group symptoms by port into findings, worst first. Info symptoms (context the evidence layer
    judged not a fault, e.g. forwarded CRC errors, lifetime counts at a negligible rate) are not
    findings; `netdiag explain` shows them."""
    if len(symptoms):
        symptoms = symptoms[symptoms["severity"] != "info"]
    if symptoms.empty:
        return []
    diag = diagnosis or load_diagnosis()
    order = {k: i for i, k in enumerate(diag["order"]["kinds"])}
    inv = inventory or Inventory()
    cable_at = inv.cable_at()
    media = {(r.device, r.port): r.media for r in snap.modules[["device", "port", "media"]].itertuples(index=False)}
    lldp = {}
    for r in snap.neighbors[["device", "port", "remote_device", "remote_port"]].itertuples(index=False):
        lldp.setdefault((r.device, r.port), (r.remote_device, r.remote_port))
    seen = snap.taken_at
    out = []
    s = symptoms.assign(_rank=symptoms["severity"].map(SEVERITY_RANK),
                        _order=symptoms["rule"].map(lambda k: order.get(k, len(order))))
    for (device, port), g in s.groupby(["device", "port"], sort=False):
        g = g.sort_values(["_rank", "_order", "lane"], ascending=[False, True, True])
        top = g.iloc[0]
        kind = top["rule"]
        severity = top["severity"]
        recs = g[["device", "port", "lane", "rule", "severity", "value", "threshold", "unit", "detail"]].to_dict("records")
        lanes = sorted({int(x) for x in g["lane"].dropna()})
        cable = cable_at.get((device, port))
        if cable is not None:
            far = (cable.b_device, cable.b_port) if (cable.a_device, cable.a_port) == (device, port) else (cable.a_device, cable.a_port)
        else:
            far = lldp.get((device, port))
        dev_info = inv.devices.get(device)
        plane = (cable.plane if cable is not None and cable.plane else None) or (dev_info.plane if dev_info and dev_info.plane else None)
        rule = diag["kind"].get(kind, {"reason": kind, "suspects": [["transceiver", 0.5], ["cable", 0.5]], "action": "Inspect {device}:{port}"})
        assembly = media.get((device, port)) in _ASSEMBLY_MEDIA or (cable is not None and cable.media in _ASSEMBLY_MEDIA)
        spec = rule.get("assembly", rule) if assembly else rule
        suspects = _suspects(spec["suspects"], device, port, far, cable, inv)
        far_s = f"{far[0]}:{far[1]}" if far else "(far end unknown)"
        action = spec["action"].format(device=device, port=port, lanes=",".join(map(str, lanes)) or "-", far=far_s)
        out.append(Finding(
            id=finding_id("port", device, port), severity=severity, kind=kind, plane=plane,
            link={"a_device": device, "a_port": port, "b_device": far[0] if far else None,
                  "b_port": far[1] if far else None, "cable_id": cable.cable_id if cable else None},
            suspects=suspects, action=action, evidence=[describe(r) for r in recs],
            first_seen=seen, last_seen=seen, device=device, port=port, lanes=lanes, reason=rule["reason"],
            symptoms=[_jsonable(r) for r in recs],
        ))
    out.sort(key=lambda f: (-SEVERITY_RANK[f.severity], order.get(f.kind, 99), f.device, f.port))
    return out


def _suspects(spec, device, port, far, cable, inv: Inventory) -> list[dict]:
    out = []
    here = inv.devices.get(device)
    for comp, conf in spec:
        if comp == "far_transceiver":
            if not far:
                continue
            fi = inv.devices.get(far[0])
            out.append({"component": "transceiver", "ref": f"{far[0]}:{far[1]}",
                        "location": fi.location() if fi else None, "confidence": conf})
        elif comp in ("cable", "connector"):
            out.append({"component": comp, "ref": cable.cable_id if cable else f"{device}:{port}",
                        "location": here.location() if here else None, "confidence": conf})
        else:
            out.append({"component": comp, "ref": f"{device}:{port}",
                        "location": here.location() if here else None, "confidence": conf})
    total = sum(s["confidence"] for s in out) or 1.0
    for s in out:
        s["confidence"] = round(s["confidence"] / total, 3)
    return out


def _jsonable(r: dict) -> dict:
    out = {}
    for k, v in r.items():
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            out[k] = None
        elif hasattr(v, "item"):
            out[k] = v.item()
        else:
            out[k] = v
    return out


_ONE_LANE = re.compile(r"\blanes (\d+)(?![\d,])")
_ALL_TWO = re.compile(r"\ball 2 (\w+) ")


def tidy_wording(findings: list[Finding]) -> list[Finding]:
    """Number agreement in texts filled from templates: 'lanes 3' -> 'lane 3', 'all 2 affected
    links' -> 'both affected links' (action, reason, evidence)."""
    def fix(s: str) -> str:
        if not s:
            return s
        s = _ONE_LANE.sub(r"lane \1", s).replace(" stay dark", " stays dark") if _ONE_LANE.search(s) else s
        return _ALL_TWO.sub(r"both \1 ", s)
    for f in findings:
        f.action, f.reason = fix(f.action), fix(f.reason)
        f.evidence = [fix(e) for e in f.evidence]
    return findings
