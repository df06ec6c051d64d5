"""Shared builders for the isolation tests: small fabrics as Inventory objects, findings on links."""

import pandas as pd

from netdiag.findings import Finding
from netdiag.inventory import DeviceInfo, Inventory
from netdiag.simulate import engine, presets


def inventory_of(fab) -> Inventory:
    devs = {r["name"]: DeviceInfo(**{k: str(r[k]) for k in ("name", "platform", "address", "role", "plane", "site",
                                                            "hall", "row", "rack", "u")})
            for r in fab.devices.to_dict("records")}
    return Inventory(devs, plan=fab.plan[engine.PLAN_COLUMNS].reset_index(drop=True))


def link_finding(cable_id: str, severity: str = "critical", kind: str = "damaged_cable") -> Finding:
    return Finding(id=f"f-{cable_id}", severity=severity, kind=kind, plane=None, link={"cable_id": cable_id},
                   suspects=[{"component": "cable", "ref": cable_id, "location": None, "confidence": 1.0}],
                   action="", evidence=[], first_seen=None, last_seen=None)


def part_finding(component: str, ref: str, cables: list[str], severity: str = "critical") -> Finding:
    f = Finding(id=f"p-{component}-{ref}", severity=severity, kind=f"failing_{component}", plane=None,
                link={"cable_id": None}, suspects=[{"component": component, "ref": ref, "location": None,
                                                    "confidence": 0.9}],
                action="", evidence=[], first_seen=None, last_seen=None, device=ref.split(":")[0])
    f.children = [link_finding(c).to_json() for c in cables]
    return f


def tiny_inventory() -> Inventory:
    """2 hosts x 2 planes; per plane one leaf with 4 uplinks to 4 spines.

    h1 -H1p0- leaf0 (EOS), h1 -H1p1- leaf1; h2 likewise; leaf0 -U0..U3- spine0-0..3; leaf1 -V0..V3- spine1-0..3."""
    dev = {}
    for h in ("gpu-r01-n01", "gpu-r01-n02"):
        dev[h] = DeviceInfo(h, "linux", role="gpu_host", rack="r01")
    for p in (0, 1):
        dev[f"leaf{p}"] = DeviceInfo(f"leaf{p}", "eos", role="leaf", plane=str(p))
        for s in range(4):
            dev[f"spine{p}-{s}"] = DeviceInfo(f"spine{p}-{s}", "eos", role="spine", plane=str(p))
    rows = []
    for i, h in enumerate(("gpu-r01-n01", "gpu-r01-n02")):
        for p in (0, 1):
            rows.append((f"H{i + 1}p{p}", h, f"ens1f{p}np{p}", f"leaf{p}", f"Ethernet{i + 1}/1", "fiber", 5.0, str(p), ""))
    for p, tag in ((0, "U"), (1, "V")):
        for s in range(4):
            rows.append((f"{tag}{s}", f"leaf{p}", f"Ethernet{33 + s}/1", f"spine{p}-{s}", "Ethernet1/1", "fiber", 30.0,
                         str(p), ""))
    plan = pd.DataFrame(rows, columns=engine.PLAN_COLUMNS)
    return Inventory(dev, plan=plan)
