"""Plans from elsewhere, and plans from what was discovered.

- `from_ptm_dot`: a Cumulus PTM / UFM cable-validation `topology.dot` (undirected DOT graph,
  edges `"leaf1":"swp1" -- "spine1":"swp3"`, node attributes ignored except `plane`);
- `from_ibnetdiscover`: an ibnetdiscover topology (any of the forms netdiag parses);
- `from_neighbors`: the links a sweep saw (LLDP / IB), so a site without a plan can bootstrap one.
Each returns the cabling.csv columns as a DataFrame; `write_plan` writes it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from netdiag import parsers
from netdiag.inventory import CABLE_COLUMNS, Inventory

_ID = r'"([^"]+)"|([A-Za-z0-9_./-]+)'
_EDGE = re.compile(rf'(?:{_ID})\s*:\s*(?:{_ID})\s*--\s*(?:{_ID})\s*:\s*(?:{_ID})(?:\s*\[(?P<attrs>[^\]]*)\])?')
_ATTR = re.compile(r'(\w+)\s*=\s*"?([^",\]\s]*)"?')


class PlanError(ValueError):
    """A plan source that cannot be read; says where."""


def _frame(rows: list[tuple], inv: Inventory | None, default_media: str) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["a_device", "a_port", "b_device", "b_port", "media", "plane"])
    # one row per undirected link, in first-seen order
    key = [tuple(sorted(((a, ap), (b, bp)))) for a, ap, b, bp in
           df[["a_device", "a_port", "b_device", "b_port"]].itertuples(index=False, name=None)]
    df = df[~pd.Series(key).duplicated().to_numpy()].reset_index(drop=True)
    planes = {n: d.plane for n, d in (inv.devices.items() if inv else []) if d.plane}
    fill = df["a_device"].map(planes).astype(object).fillna(df["b_device"].map(planes).astype(object)).fillna("")
    df["plane"] = df["plane"].where(df["plane"] != "", fill)
    df["media"] = df["media"].where(df["media"] != "", default_media)
    df.insert(0, "cable_id", [f"P{i + 1:06d}" for i in range(len(df))])
    df["length_m"] = ""
    df["path"] = ""
    return df[list(CABLE_COLUMNS)]


def from_ptm_dot(text: str, inv: Inventory | None = None, default_media: str = "fiber") -> pd.DataFrame:
    if not re.search(r"\b(?:strict\s+)?graph\b[^{]*\{", text):
        raise PlanError("not a DOT graph: no 'graph NAME {'")
    rows = []
    for m in _EDGE.finditer(text):
        g = m.groups()
        a, ap, b, bp = (g[0] or g[1]), (g[2] or g[3]), (g[4] or g[5]), (g[6] or g[7])
        attrs = dict(_ATTR.findall(m.group("attrs") or ""))
        rows.append((a, ap, b, bp, attrs.get("media", "").lower(), attrs.get("plane", "")))
    if not rows:
        raise PlanError("DOT graph has no 'node:port -- node:port' edges")
    return _frame(rows, inv, default_media)


def from_neighbors(neighbors: pd.DataFrame, inv: Inventory | None = None, modules: pd.DataFrame | None = None,
                   default_media: str = "fiber") -> pd.DataFrame:
    """Observed neighbor rows -> plan rows, one per link seen from either end. A remote port given
    as a MAC with a description uses the description (lldpd on Linux advertises the MAC)."""
    nb = neighbors.copy()
    mac = nb["remote_port"].astype(str).str.match(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")
    nb["rp"] = nb["remote_port"].where(~(mac & nb["remote_port_descr"].notna()), nb["remote_port_descr"])
    media = {}
    if modules is not None and len(modules):
        m = modules.dropna(subset=["media"])
        media = {(d, p): {"optical": "fiber"}.get(x, x) for d, p, x in m[["device", "port", "media"]].itertuples(index=False)}
    rows = [(d, p, rd, rp, media.get((d, p), ""), "") for d, p, rd, rp in
            nb[["device", "port", "remote_device", "rp"]].dropna().itertuples(index=False, name=None)]
    return _frame(rows, inv, default_media)


def from_ibnetdiscover(text: str, inv: Inventory | None = None) -> pd.DataFrame:
    tables = parsers.parse_text("ibnetdiscover", text)
    nb = pd.DataFrame(tables.get("neighbors", []))
    if nb.empty:
        raise PlanError("the ibnetdiscover output lists no links")
    if "remote_port_descr" not in nb:
        nb["remote_port_descr"] = None
    return from_neighbors(nb, inv, None, default_media="fiber")


def write_plan(df: pd.DataFrame, path: str | Path) -> None:
    df[list(CABLE_COLUMNS)].to_csv(path, index=False)


def _media_of(modules: pd.DataFrame | None) -> pd.Series:
    """(device, port) -> plan media from the module's EEPROM: dac/acc/aoc as the assembly says,
    an optical module -> fiber, copper -> dac; unknown ports absent."""
    if modules is None or modules.empty:
        return pd.Series(dtype=object)
    m = modules.dropna(subset=["media"])
    media = m["media"].astype(str).str.lower().map({"optical": "fiber", "fiber": "fiber", "copper": "dac",
                                                    "dac": "dac", "acc": "acc", "aoc": "aoc"})
    s = pd.Series(media.to_numpy(), index=pd.MultiIndex.from_arrays([m["device"].astype(object),
                                                                      m["port"].astype(object)]))
    return s.dropna()[~s.dropna().index.duplicated()]


def export_plan(snap, devices: list, inv: Inventory | None = None) -> tuple[pd.DataFrame, list[dict]]:
    """The links a capture's neighbors report as plan rows, and what the export could not see
    (docs/commands.md `plan export`): (plan DataFrame, gaps). A gap is {device, port, what, detail,
    written}: `what` is one of

    - `not_collected`: a device of the capture (or of the inventory) whose data is missing: its links
      are not in the plan;
    - `no_neighbor`: a port with a module whose neighbor neither end reports (link down, LLDP off):
      not in the plan;
    - `ends_disagree`: the two ends (or two ports) claim different neighbors: not in the plan, each
      claim named;
    - `one_end_only`: seen from one end only, the other not collected or silent: written;
    - `media_unknown`: no module EEPROM at either end says what the link is: written as fiber.
    """
    nb = snap.neighbors
    mac = nb["remote_port"].astype(str).str.match(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")
    rp = nb["remote_port"].where(~(mac & nb["remote_port_descr"].notna()), nb["remote_port_descr"])
    c = pd.DataFrame({"d": nb["device"].astype(object), "p": nb["port"].astype(object),
                      "rd": nb["remote_device"].astype(object), "rp": rp.astype(object)}).dropna()
    c = c.drop_duplicates(["d", "p"]).reset_index(drop=True)
    collected = {d.name for d in devices if d.ok}
    gaps: list[dict] = []
    far = set(c["rd"])
    for d in devices:
        if not d.ok:
            gaps.append({"device": d.name, "port": None, "what": "not_collected",
                         "detail": f"{d.error or 'failed'}: " + ("its links are seen from the far end only" if d.name in far
                                                                 else "its links are not in the plan"), "written": False})
    if inv is not None:
        captured = {d.name for d in devices}
        for name in sorted(set(inv.devices) - captured):
            gaps.append({"device": name, "port": None, "what": "not_collected",
                         "detail": "in the inventory, not in the capture" + (
                             ": its links are seen from the far end only" if name in far else ": its links are not in the plan"),
                         "written": False})
    # each claim's reverse: what the far port itself claims
    back = c.rename(columns={"d": "rd", "p": "rp", "rd": "bd", "rp": "bp"})
    j = c.merge(back, on=["rd", "rp"], how="left")
    agree = (j["bd"] == j["d"]) & (j["bp"] == j["p"])
    has_back = j["bd"].notna()
    # two ports claiming the same far port: a conflict whatever the far end says
    dup = j.duplicated(["rd", "rp"], keep=False)
    disagree = (has_back & ~agree) | dup
    for r in j[disagree].itertuples(index=False):
        other = (f"{r.rd}:{r.rp} reports {r.bd}:{r.bp}" if isinstance(r.bd, str)
                 else f"another port also reports {r.rd}:{r.rp}")
        gaps.append({"device": r.d, "port": r.p, "what": "ends_disagree",
                     "detail": f"reports {r.rd}:{r.rp}, but {other}: not in the plan", "written": False})
    # a link between two devices of different planes (inventory) is a miswire, not a plan
    planes = {n: str(x.plane) for n, x in (inv.devices.items() if inv is not None else []) if x.plane}
    pa, pb = j["d"].map(planes), j["rd"].map(planes)
    cross = pa.notna() & pb.notna() & (pa != pb) & ~disagree
    for r, a_, b_ in zip(j[cross].itertuples(index=False), pa[cross], pb[cross]):
        if (r.rd, r.rp) < (r.d, r.p) and isinstance(r.bd, str):
            continue   # seen from both ends: reported once
        gaps.append({"device": r.d, "port": r.p, "what": "ends_disagree",
                     "detail": f"links plane {a_} to {r.rd}:{r.rp} in plane {b_} (inventory): a miswire, not in the plan",
                     "written": False})
    disagree = disagree | cross
    one = j[~disagree & ~has_back]
    for rd, g in one.groupby("rd", sort=True):
        why = "not collected" if rd not in collected else "reports no neighbor on those ports"
        near = sorted(set(g["d"]))
        gaps.append({"device": rd, "port": None, "what": "one_end_only",
                     "detail": f"{len(g)} link{'s' if len(g) != 1 else ''} seen only from the far end "
                               f"({', '.join(near[:3])}{', ...' if len(near) > 3 else ''}; {rd} {why}): written",
                     "written": True})
    ok = j[~disagree]
    media = _media_of(snap.modules)
    ma = media.reindex(pd.MultiIndex.from_arrays([ok["d"], ok["p"]])).to_numpy()
    mb = media.reindex(pd.MultiIndex.from_arrays([ok["rd"], ok["rp"]])).to_numpy()
    assembly = {"dac", "acc", "aoc"}
    def pick(a, b):   # an assembly at either end names the link; else what either end knows
        if a in assembly or b in assembly:
            return a if a in assembly else b
        return a if isinstance(a, str) else b if isinstance(b, str) else ""
    med = [pick(a, b) for a, b in zip(ma, mb)]
    rows = list(zip(ok["d"], ok["p"], ok["rd"], ok["rp"], med, [""] * len(ok)))
    df = _frame(rows, inv, "")
    unknown = df["media"] == ""
    for r in df[unknown].itertuples(index=False):
        gaps.append({"device": r.a_device, "port": r.a_port, "what": "media_unknown",
                     "detail": f"link to {r.b_device}:{r.b_port}: no module EEPROM at either end: written as fiber",
                     "written": True})
    df.loc[unknown, "media"] = "fiber"
    # ports with a module that no claim covers
    claimed = set(zip(c["d"], c["p"])) | set(zip(c["rd"], c["rp"]))
    mods = snap.modules[["device", "port"]].drop_duplicates()
    ports = snap.ports.set_index(["device", "port"])["oper_up"] if len(snap.ports) else pd.Series(dtype=object)
    for d, p in mods.itertuples(index=False):
        if (d, p) in claimed or d not in collected:
            continue
        up = ports.get((d, p)) if (d, p) in ports.index else None
        state = "link state unknown" if up is None or pd.isna(up) else "link up" if bool(up) else "link down"
        gaps.append({"device": d, "port": p, "what": "no_neighbor",
                     "detail": f"module present, no neighbor reported by either end ({state}): not in the plan",
                     "written": False})
    order = {"not_collected": 0, "no_neighbor": 1, "ends_disagree": 2, "one_end_only": 3, "media_unknown": 4}
    gaps.sort(key=lambda g: (order[g["what"]], g["device"], g["port"] or ""))
    return df, gaps
