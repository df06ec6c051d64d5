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
