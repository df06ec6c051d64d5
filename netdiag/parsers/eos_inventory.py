"""Arista EOS `show inventory`: the vendor, part number, serial and revision of each transceiver.

EOS's transceiver DOM outputs name a module's media type (``mediaType: 400GBASE-SR4``) and serial
(``vendorSn``) but never its manufacturer or part number; `show inventory` lists those per
transceiver *slot* (cage).

Formats
-------
* ``eos-inventory-json`` — `show inventory | json`: ``{"xcvrSlots": {"1": {"mfgName",
  "modelName", "serialNum", "hardwareRev"}, ...}, ...}``; an empty cage has empty strings (or
  ``"Not Present"`` as its manufacturer).
* ``eos-inventory-text`` — the text of `show inventory`: the table under
  ``System has N [switched] transceiver slots`` with columns Port, Manufacturer, Model, Serial
  Number, Rev (fixed widths, read from the dashes under the header); ``Not Present`` rows are
  empty cages.

Mapping (documented decision)
-----------------------------
Each occupied slot becomes a ``modules`` row for the cage interface name: slot ``24`` ->
``Ethernet24``, slot ``3/1`` of a modular chassis -> ``Ethernet3/1``, with ``vendor``,
``part_number``, ``serial``, ``revision`` and ``present``. The DOM outputs name the interfaces in
the cage (``Ethernet24/1``, ``Ethernet24/5``, ``Ethernet3/1/1``...); :func:`attach_cage_identity`
(run when a capture is parsed) copies the cage's identity onto those interfaces' rows, where the
serials agree, and drops the cage row once it has been used. No other column is set, so the
inventory alone never makes a reading, a threshold or a finding.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers._eos_common import load_json, port_name

_ABSENT = ("", "not present", "n/a")
_IDENTITY = ("vendor", "part_number", "revision")


def _s(v: Any) -> str | None:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        v = str(v)
    if not isinstance(v, str):
        return None
    v = v.strip()
    return v or None


def _cage(slot: str) -> str | None:
    """An xcvrSlots key / text Port cell -> the cage interface name (None when not a slot name)."""
    slot = slot.strip()
    if re.fullmatch(r"\d+(?:/\d+)*", slot):
        return f"Ethernet{slot}"
    name = port_name(slot)
    return name if re.fullmatch(r"Ethernet\d+(?:/\d+)*", name) else None


def _row(slot: str, vendor: Any, model: Any, serial: Any, rev: Any) -> dict | None:
    cage = _cage(slot)
    v = _s(vendor)
    if cage is None or v is None or v.lower() in _ABSENT:
        return None
    row = {"port": cage, "present": True, "vendor": v}
    for col, val in (("part_number", model), ("serial", serial), ("revision", rev)):
        val = _s(val)
        if val is not None and val.lower() not in ("n/a", "none"):
            row[col] = val
    return row


@register("eos-inventory-json", tables=("modules",), priority=40,
          detect=lambda t: '"xcvrSlots"' in t[:200000],
          description="Arista EOS: show inventory | json (transceiver vendor, part number, serial per cage)")
def parse_eos_inventory_json(text: str, ctx: Context) -> Tables:
    doc = load_json(text, "xcvrSlots", "EOS show inventory")
    slots = doc.get("xcvrSlots")
    if not isinstance(slots, dict):
        raise ParseError("EOS show inventory: 'xcvrSlots' is not an object")
    rows = []
    for slot, e in slots.items():
        if not isinstance(e, dict):
            continue
        r = _row(str(slot), e.get("mfgName"), e.get("modelName"), e.get("serialNum"), e.get("hardwareRev"))
        if r is not None:
            rows.append(r)
    return {"modules": rows}


_SLOTS_HEAD = re.compile(r"^System has \d+ (?:switched )?transceiver slots\s*$")


def _looks_like_text(text: str) -> bool:
    head = text[:200000]
    return "transceiver slots" in head and "System has" in head and "Manufacturer" in head


@register("eos-inventory-text", tables=("modules",), priority=41, detect=_looks_like_text,
          description="Arista EOS: show inventory (text; transceiver slots table)")
def parse_eos_inventory_text(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if _SLOTS_HEAD.match(ln.strip())), None)
    if start is None:
        raise ParseError("EOS show inventory: no 'System has N transceiver slots' table")
    if start + 2 >= len(lines) or not set(lines[start + 2].strip()) <= {"-", " "} or not lines[start + 2].strip():
        raise ParseError("EOS show inventory: transceiver slots table without its header",
                         line=start + 2, text=lines[start + 1] if start + 1 < len(lines) else None)
    # column spans from the dashes: "  ---- ---------------- ..." (the last column runs to the end)
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", lines[start + 2])]
    if len(spans) < 4:
        raise ParseError("EOS show inventory: expected Port, Manufacturer, Model, Serial Number, Rev columns",
                         line=start + 3, text=lines[start + 2])
    spans[-1] = (spans[-1][0], None)
    rows = []
    for ln in lines[start + 3:]:
        if not ln.strip():
            break
        cells = [ln[a:b].strip() if b is not None else ln[a:].strip() for a, b in spans]
        cells += [""] * (5 - len(cells))
        r = _row(cells[0], cells[1], cells[2], cells[3], cells[4])
        if r is not None:
            rows.append(r)
    return {"modules": rows}


# --- joining a cage's identity onto the interfaces in it ----------------------------------------

_SUB = re.compile(r"^(Ethernet\d+(?:/\d+)*)/\d+$")


def attach_cage_identity(modules: pd.DataFrame) -> pd.DataFrame:
    """Copy vendor, part number and revision (and a missing serial) from an EOS cage's inventory
    row (``Ethernet24``: identity, no readings) onto the rows of the interfaces in it
    (``Ethernet24/1``, ``Ethernet24/5``) that lack them, when their serials agree or one is
    unknown; drop each cage row so used. Vectorised, and only the devices that have such cage rows
    are looked at; modules without such a pair are returned as they are."""
    if modules.empty or "part_number" not in modules.columns:
        return modules
    readings = [c for c in ("temperature_c", "voltage_v", "media", "media_type", "dom_supported", "identifier")
                if c in modules.columns]
    ident = (modules["vendor"].notna() | modules["part_number"].notna()).to_numpy()
    bare = ~modules[readings].notna().any(axis=1).to_numpy()
    is_cage = ident & bare
    if not is_cage.any():
        return modules
    devs = modules["device"].to_numpy(dtype=object)
    cages = modules.loc[is_cage, ["device", "port", "vendor", "part_number", "revision", "serial"]]
    cages = cages.drop_duplicates(["device", "port"]).rename(columns={"port": "_parent"})
    near = np.flatnonzero(modules["device"].isin(set(cages["device"])).to_numpy() & ~is_cage)
    if not len(near):
        return modules
    parent = modules["port"].iloc[near].astype(object).str.extract(_SUB, expand=False)
    ok = parent.notna().to_numpy()
    kids = pd.DataFrame({"device": devs[near[ok]], "_parent": parent.to_numpy()[ok], "_row": near[ok]})
    hit = kids.merge(cages, on=["device", "_parent"], how="inner")
    if hit.empty:
        return modules
    rows = hit["_row"].to_numpy()
    own = pd.Series(modules["serial"].to_numpy(dtype=object)[rows], dtype=object)
    cage = pd.Series(hit["serial"].to_numpy(dtype=object), dtype=object)
    agree = (own.isna() | cage.isna() | (own.fillna("").astype(str) == cage.fillna("").astype(str))).to_numpy()
    rows, hit = rows[agree], hit.loc[agree]
    if not len(rows):
        return modules
    # a cage row used this way is the inventory's, not a port of its own: left out (one take of the
    # frame), then the four identity columns are replaced whole
    used = pd.MultiIndex.from_arrays([hit["device"].to_numpy(), hit["_parent"].to_numpy()]).unique()
    drop = is_cage & pd.MultiIndex.from_arrays([devs, modules["port"].to_numpy(dtype=object)]).isin(used)
    keep = np.flatnonzero(~drop)
    out = modules.take(keep).reset_index(drop=True) if drop.any() else modules.copy(deep=False)
    for col in (*_IDENTITY, "serial"):
        arr = modules[col].to_numpy(dtype=object, na_value=None).copy()
        cur = arr[rows]
        arr[rows] = np.where(pd.isna(cur), hit[col].to_numpy(dtype=object, na_value=None), cur)
        out[col] = pd.Series(arr[keep] if drop.any() else arr, dtype=modules[col].dtype, index=out.index)
    return out
