"""Fabric-wide events for the simulator (docs/simulate.md): one cause, thousands of dark links.

| event       | what the readings show                                              | truth component / ref |
|-------------|---------------------------------------------------------------------|-----------------------|
| dark_plane  | every link of one plane down, no light either way, no LLDP/neighbors | plane / the plane     |

The event is given as ``dark-plane`` (the plane is drawn from the seed) or ``dark-plane:P``. It is
applied after the component faults, on links no other fault uses, and is vectorised over the plane's
links (a plane of a large fabric has tens of thousands).
"""

from __future__ import annotations

import numpy as np

from netdiag.errors import UserInputError

EVENTS = ("dark-plane",)


def parse(spec: str) -> tuple[str, str | None]:
    """'dark-plane' or 'dark-plane:P' -> (event, argument); UserInputError names what is wrong."""
    name, _, arg = spec.partition(":")
    if name not in EVENTS:
        raise UserInputError(f"--event {spec!r}: unknown event {spec!r}; known: {', '.join(EVENTS)} (e.g. dark-plane or dark-plane:1)")
    return name, (arg or None)


def apply(spec: str, fab, work: dict, rng: np.random.Generator) -> dict:
    """Apply one event to the working frames; append and return its truth record."""
    name, arg = parse(spec)
    links = fab.links
    planes = sorted(links["plane"].astype(str).unique())
    plane = arg if arg is not None else planes[int(rng.integers(len(planes)))]
    if plane not in planes:
        raise UserInputError(f"--event dark-plane:{plane}: the fabric has planes {', '.join(planes)}")
    used = {c for t in fab.truth for c in t["links"]}
    mine = links["plane"].astype(str).to_numpy() == plane
    cids = set(links.loc[mine, "cable_id"]) - used
    _dark(work, cids)
    truth = {"id": f"event-{len([t for t in fab.truth if t['id'].startswith('event-')])}", "kind": "dark_plane",
             "component": "plane", "ref": plane, "links": sorted(cids),
             "action": f"check plane {plane} as a whole (its spines, power, optical layer)"}
    fab.truth.append(truth)
    return truth


def _dark(work: dict, cids: set[str]) -> None:
    """The links `cids` down with no light either way and no neighbor entry (a dead_link, en masse)."""
    e = work["ends"]
    m = e["cable_id"].isin(cids).to_numpy()
    e.loc[m, "up"] = False
    L = work["lanes"]
    L.loc[L["cable_id"].isin(cids).to_numpy(), "up"] = False
    dn = e.loc[m, "device"] + "\0" + e.loc[m, "port"]
    nb = work["neighbors"]
    work["neighbors"] = nb[~(nb["device"] + "\0" + nb["port"]).isin(set(dn)).to_numpy()].reset_index(drop=True)
