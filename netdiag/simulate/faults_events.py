"""Fabric-wide events for the simulator (docs/simulate.md): one cause, thousands of dark links.

| event       | what the readings show                                              | truth component / ref |
|-------------|---------------------------------------------------------------------|-----------------------|
| dark_plane  | every link of one plane down, no light either way, no LLDP/neighbors | plane / the plane     |
| dark_row    | a row's power lost: its devices (hosts, its leaves) unreachable, every | row / SITE/HALL/ROW   |
|             | link with an end in the row down: the live peers outside the row see |                       |
|             | those ports down, no light, no LLDP neighbor                         |                       |

The event is given as ``dark-plane`` (the plane is drawn from the seed) or ``dark-plane:P``;
``dark-row`` (a row holding GPU hosts, drawn from the seed) or ``dark-row:R`` (R the `row` column of
devices.csv, or SITE/HALL/ROW). It is applied after the component faults, on links no other fault
uses, and is vectorised over the event's links (a plane of a large fabric has tens of thousands).

A dark row's devices are recorded as unreachable (the collection times out, as it does for a
powered-off device): what tells the row is the links seen down from outside it, never the
silence alone. Its truth lists every link that went dark, including links between two devices of
the row that nobody could observe.
"""

from __future__ import annotations

import numpy as np

from netdiag.errors import UserInputError

EVENTS = ("dark-plane", "dark-row")


def parse(spec: str) -> tuple[str, str | None]:
    """'dark-plane' or 'dark-plane:P' -> (event, argument); UserInputError names what is wrong."""
    name, _, arg = spec.partition(":")
    if name not in EVENTS:
        raise UserInputError(f"--event {spec!r}: unknown event {spec!r}; known: {', '.join(EVENTS)} "
                             "(e.g. dark-plane, dark-plane:1, dark-row or dark-row:02)")
    return name, (arg or None)


def apply(spec: str, fab, work: dict, rng: np.random.Generator) -> dict:
    """Apply one event to the working frames; append and return its truth record."""
    name, arg = parse(spec)
    if name == "dark-row":
        return _dark_row(arg, fab, work, rng)
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


def row_refs(devices) -> np.ndarray:
    """Each device's row as the localizer names it (netdiag.fabric.localize.row_ref)."""
    from netdiag.fabric.localize import row_ref

    cols = [devices[c].fillna("").to_numpy() if c in devices else [""] * len(devices)
            for c in ("site", "hall", "row")]
    return np.array([row_ref(*x) for x in zip(*cols)], dtype=object)


def _dark_row(arg: str | None, fab, work: dict, rng: np.random.Generator) -> dict:
    """A row's power lost (see the module doc): its devices unreachable, every link touching it dark."""
    dev = fab.devices
    refs = row_refs(dev)
    rows = sorted({r for r in refs if r})
    if not rows:
        raise UserInputError("--event dark-row: no device of the fabric has a row (devices.csv `row`)")
    if arg is None:
        hosts = sorted({r for r, role in zip(refs, dev["role"]) if r and role == "gpu_host"})
        row = (hosts or rows)[int(rng.integers(len(hosts or rows)))]
    else:
        match = [r for r in rows if r == arg or r.rsplit("/", 1)[-1] == arg]
        if len(match) != 1:
            why = "matches no row" if not match else f"matches {len(match)} rows ({', '.join(match)})"
            raise UserInputError(f"--event dark-row:{arg}: {why}; the fabric has rows {', '.join(rows)}")
        row = match[0]
    names = set(dev["name"].to_numpy()[refs == row])
    links = fab.links
    touch = links["a_device"].isin(names).to_numpy() | links["b_device"].isin(names).to_numpy()
    used = {c for t in fab.truth for c in t["links"]}
    cids = set(links.loc[touch, "cable_id"]) - used
    _dark(work, cids)
    fab.unreachable[:] = sorted(set(fab.unreachable) | names)
    truth = {"id": f"event-{len([t for t in fab.truth if t['id'].startswith('event-')])}", "kind": "dark_row",
             "component": "row", "ref": row, "links": sorted(cids), "devices": sorted(names),
             "action": f"restore power to row {row} (its PDUs / busway), then check its devices come back"}
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
