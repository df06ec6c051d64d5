"""Score netdiag's findings against a scenario's truth.

Rules (from the findings and truth formats, docs/findings.md):

* a finding **matches** a fault when any of its suspects has the fault's component and ref, or when
  it names one of the fault's links: by cable id (its link, its children's links, a cable or
  connector suspect) or by a port at one end of it (its link's ends, a transceiver or port suspect);
* a finding **localizes** a fault when its *first* suspect has the fault's component and ref (or one
  of the fault's ``also`` refs: the other cable of a swapped pair, the leg of a breakout harness; or
  one of its ``alt`` [component, ref] pairs: a dark strand's connector, a vanished port's NIC);
* precision = findings matching some fault / all findings; recall = faults matched by at least one
  finding / all faults; top-1 = faults localized by some finding / all faults (undetected faults
  count as not localized);
* duplicates = findings that match a fault already localized by another finding (a shared part
  reported once, and then again link by link) - reported, not counted against precision.

    python -m benchmarks.scenarios.score SCENARIO_DIR FINDINGS.json
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path


def _ends_of_links(scn: Path) -> dict:
    """cable_id -> {(device, port), ...} as planned."""
    out = {}
    with open(scn / "cabling.csv", newline="") as f:
        for r in csv.DictReader(f):
            out[r["cable_id"]] = {(r["a_device"], r["a_port"]), (r["b_device"], r["b_port"])}
    return out


def _first(f: dict):
    s = f.get("suspects") or []
    return (s[0].get("component"), s[0].get("ref")) if s else (None, None)


def _named(finding: dict) -> tuple[set, set]:
    """(cable ids, device:port refs) a finding names: its link, its children's links, its suspects."""
    cables, ports = set(), set()
    for f in [finding, *(finding.get("children") or [])]:
        link = f.get("link") or {}
        if link.get("cable_id"):
            cables.add(link["cable_id"])
        for side in ("a", "b"):
            if link.get(f"{side}_device") and link.get(f"{side}_port"):
                ports.add(f"{link[f'{side}_device']}:{link[f'{side}_port']}")
        for s in f.get("suspects") or []:
            if s.get("component") in ("cable", "connector"):
                cables.add(s.get("ref"))
            elif s.get("component") in ("transceiver", "port"):
                ports.add(s.get("ref"))
    return cables, ports


def _parts(fault: dict) -> set:
    """(component, ref) pairs that name the faulty part: the fault's component with `ref` or an `also` ref,
    and each `alt` [component, ref] (a dark strand: cable or connector; a vanished port: port or its NIC)."""
    return {(fault["component"], r) for r in _refs(fault)} | {tuple(a) for a in fault.get("alt", [])}


def matches(finding: dict, fault: dict, ends: dict) -> bool:
    for s in finding.get("suspects") or []:
        if (s.get("component"), s.get("ref")) in _parts(fault):
            return True
    cables, ports = _named(finding)
    if cables & set(fault["links"]):
        return True
    fault_ports = {f"{d}:{p}" for cid in fault["links"] for d, p in ends.get(cid, ())}
    return bool(ports & fault_ports)


def _refs(fault: dict) -> set:
    """The refs that name the faulty part: `ref`, plus `also` where the part has several equally right
    names (either cable of a swapped pair; a breakout harness and its leg)."""
    return {fault["ref"], *fault.get("also", [])}


def localizes(finding: dict, fault: dict) -> bool:
    return _first(finding) in _parts(fault)


def _platforms(scn: Path) -> dict:
    with open(scn / "devices.csv", newline="") as f:
        return {r["name"]: r["platform"] for r in csv.DictReader(f)}


def _where(fault: dict, platforms: dict) -> str:
    """What kind of part the fault is on: the platform of the device for device parts, else the medium."""
    if fault["component"] in ("cable", "connector"):
        return "cable"
    if fault["component"] == "plane":
        return "plane"
    return platforms.get(fault["ref"].split(":")[0], "?")


def score(scn: Path, findings: list[dict]) -> dict:
    """Per-scenario result: counts and per-fault outcome."""
    truth = json.loads((scn / "truth.json").read_text())
    ends = _ends_of_links(scn)
    platforms = _platforms(scn)
    faults = truth["faults"]
    matched_findings = 0
    false_findings = []
    for f in findings:
        if any(matches(f, t, ends) for t in faults):
            matched_findings += 1
        else:
            false_findings.append(f)
    outcome = []
    duplicates = 0
    for t in faults:
        hits = [f for f in findings if matches(f, t, ends)]
        loc = [f for f in hits if localizes(f, t)]
        if loc:
            duplicates += len(hits) - 1
        best = loc[0] if loc else (hits[0] if hits else None)
        outcome.append({"id": t["id"], "kind": t["kind"], "component": t["component"], "ref": t["ref"],
                        "where": _where(t, platforms),
                        "detected": bool(hits), "top1": bool(loc), "findings": len(hits),
                        "got": None if best is None else {"kind": best.get("kind"), "first": list(_first(best))}})
    noise = truth.get("noise_links", {})
    return {"scenario": str(scn), "shape": truth["shape"], "findings": len(findings),
            "matched_findings": matched_findings, "duplicates": duplicates,
            "false": [{"kind": f.get("kind"), "link": (f.get("link") or {}).get("cable_id"),
                       "first": list(_first(f)), "evidence": (f.get("evidence") or [])[:2],
                       "noise": sorted({k for c in _named(f)[0] for k in noise.get(c, [])})}
                      for f in false_findings],
            "faults": outcome}


def totals(results: list[dict]) -> dict:
    n_find = sum(r["findings"] for r in results)
    n_match = sum(r["matched_findings"] for r in results)
    faults = [o for r in results for o in r["faults"]]
    return {"scenarios": len(results), "findings": n_find, "false_findings": n_find - n_match,
            "duplicates": sum(r["duplicates"] for r in results), "faults": len(faults),
            "precision": n_match / n_find if n_find else (1.0 if not faults else 0.0),
            "recall": sum(o["detected"] for o in faults) / len(faults) if faults else None,
            "top1": sum(o["top1"] for o in faults) / len(faults) if faults else None}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    scn, fpath = Path(argv[0]), Path(argv[1])
    doc = json.loads(fpath.read_text())
    r = score(scn, doc.get("findings", []))
    print(json.dumps({"totals": totals([r]), **r}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
