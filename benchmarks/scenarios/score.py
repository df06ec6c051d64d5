"""Score netdiag's findings against a scenario's truth.

Rules (from the findings and truth formats, docs/findings.md):

* a finding **matches** a fault when its link's cable_id is one of the fault's links, or when any of
  its suspects has the fault's component and ref, or when its link's ends are an end of one of the
  fault's links (a finding without a cable id);
* a finding **localizes** a fault when its *first* suspect has the fault's component and ref;
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


def matches(finding: dict, fault: dict, ends: dict) -> bool:
    link = finding.get("link") or {}
    if link.get("cable_id") and link["cable_id"] in fault["links"]:
        return True
    for s in finding.get("suspects") or []:
        if (s.get("component"), s.get("ref")) == (fault["component"], fault["ref"]):
            return True
    pair = {(link.get("a_device"), link.get("a_port")), (link.get("b_device"), link.get("b_port"))}
    for cid in fault["links"]:
        if pair & ends.get(cid, set()) - {(None, None)}:
            return True
    return False


def localizes(finding: dict, fault: dict) -> bool:
    return _first(finding) == (fault["component"], fault["ref"])


def score(scn: Path, findings: list[dict]) -> dict:
    """Per-scenario result: counts and per-fault outcome."""
    truth = json.loads((scn / "truth.json").read_text())
    ends = _ends_of_links(scn)
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
                        "detected": bool(hits), "top1": bool(loc), "findings": len(hits),
                        "got": None if best is None else {"kind": best.get("kind"), "first": list(_first(best))}})
    return {"scenario": str(scn), "shape": truth["shape"], "findings": len(findings),
            "matched_findings": matched_findings, "duplicates": duplicates,
            "false": [{"kind": f.get("kind"), "link": (f.get("link") or {}).get("cable_id"),
                       "first": list(_first(f)), "evidence": (f.get("evidence") or [])[:2]} for f in false_findings],
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
