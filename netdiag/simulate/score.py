"""Score findings against a simulated fabric's ground truth (docs/simulate.md).

A finding *localizes* a fault when its first suspect has the fault's component and ref. A finding
*matches* a fault when it localizes it, or covers one of the fault's links with that part among its
suspects. Precision: matching findings / findings of warning or worse. Recall: faults with a
matching finding. Top-1: faults that some finding localizes.
"""

from __future__ import annotations

from collections import defaultdict


def _links_of(f: dict) -> set[str]:
    out = {f["link"].get("cable_id")} if f.get("link") else set()
    for c in f.get("children", []):
        out.add(c["link"].get("cable_id"))
    return {x for x in out if x}


def score(findings: list[dict], truth: list[dict]) -> dict:
    graded = [f for f in findings if f["severity"] in ("critical", "warning")]
    matched_findings = 0
    found = set()
    top1 = set()
    for f in graded:
        first = (f["suspects"][0]["component"], f["suspects"][0]["ref"]) if f["suspects"] else None
        refs = {(s["component"], s["ref"]) for s in f["suspects"]}
        links = _links_of(f)
        hit = False
        for i, t in enumerate(truth):
            part = (t["component"], t["ref"])
            if first == part:
                top1.add(i)
                found.add(i)
                hit = True
            elif part in refs or (links & set(t["links"])):
                found.add(i)
                hit = True
        matched_findings += hit
    per_kind = defaultdict(lambda: {"faults": 0, "found": 0, "top1": 0})
    for i, t in enumerate(truth):
        k = per_kind[t["kind"]]
        k["faults"] += 1
        k["found"] += i in found
        k["top1"] += i in top1
    return {"findings": len(graded), "matched_findings": matched_findings,
            "precision": matched_findings / len(graded) if graded else 1.0,
            "faults": len(truth), "recall": len(found) / len(truth) if truth else 1.0,
            "top1": len(top1) / len(truth) if truth else 1.0, "per_kind": dict(per_kind)}
