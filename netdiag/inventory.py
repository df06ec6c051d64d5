"""Inventory (devices.csv) and cabling plan (cabling.csv), SCHEMA.md §3, with validation that
names file, line and column for every bad row."""

from __future__ import annotations

import csv
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

DEVICE_COLUMNS = ("name", "platform", "address", "role", "plane", "site", "hall", "row", "rack", "u")
DEVICE_OPTIONAL = ("port", "user", "jump")
CABLE_COLUMNS = ("cable_id", "a_device", "a_port", "b_device", "b_port", "media", "length_m", "plane", "path")
MEDIA = ("dac", "acc", "aoc", "fiber")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,127}$")


class InventoryError(Exception):
    """Bad inventory or plan rows: `problems` lists 'file:line: column: why' strings."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__("\n".join(problems[:20]) + more)


@dataclass(frozen=True)
class DeviceInfo:
    name: str
    platform: str
    address: str = ""
    role: str = ""
    plane: str = ""
    site: str = ""
    hall: str = ""
    row: str = ""
    rack: str = ""
    u: str = ""
    port: int | None = None
    user: str = ""
    jump: str = ""

    def location(self) -> str:
        """'site/hall/row/rack/U' as far as known, e.g. 'dc1 hall A row 07 rack 12 U 30'."""
        parts = [("", self.site), ("hall ", self.hall), ("row ", self.row), ("rack ", self.rack), ("U", self.u)]
        return " ".join(f"{p}{v}" for p, v in parts if v)


@dataclass(frozen=True)
class Cable:
    cable_id: str
    a_device: str
    a_port: str
    b_device: str
    b_port: str
    media: str = ""
    length_m: float | None = None
    plane: str = ""
    path: tuple[str, ...] = ()


@dataclass
class Inventory:
    devices: dict[str, DeviceInfo] = field(default_factory=dict)
    cables: list[Cable] = field(default_factory=list)

    def select(self, patterns: list[str] | None = None, rack: str | None = None, plane: str | None = None,
               role: str | None = None) -> list[DeviceInfo]:
        """Devices matching any of the shell-style `patterns` and every other given attribute."""
        out = []
        for d in self.devices.values():
            if patterns and not any(fnmatch.fnmatchcase(d.name, p) for p in patterns):
                continue
            if rack is not None and d.rack != rack:
                continue
            if plane is not None and d.plane != plane:
                continue
            if role is not None and d.role != role:
                continue
            out.append(d)
        return out

    def cable_at(self) -> dict[tuple[str, str], Cable]:
        """(device, port) -> the planned cable on it, from either end."""
        m = {}
        for c in self.cables:
            m[(c.a_device, c.a_port)] = c
            m[(c.b_device, c.b_port)] = c
        return m


def _read_csv(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> tuple[list[tuple[int, dict]], list[str]]:
    problems = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise InventoryError([f"{path}: cannot read: {e}"]) from None
    lines = [ln for ln in text.splitlines()]
    reader = csv.reader(lines)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InventoryError([f"{path}:1: empty file, expected header {','.join(required)}"]) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise InventoryError([f"{path}:1: header lacks column(s) {', '.join(missing)}"])
    unknown = [c for c in header if c not in required and c not in optional]
    if unknown:
        problems.append(f"{path}:1: unknown column(s) {', '.join(unknown)} ignored")
    rows = []
    for lineno, rec in enumerate(reader, start=2):
        if not rec or all(not x.strip() for x in rec) or rec[0].lstrip().startswith("#"):
            continue
        if len(rec) != len(header):
            problems.append(f"{path}:{lineno}: {len(rec)} fields, header has {len(header)}")
            continue
        rows.append((lineno, {h: v.strip() for h, v in zip(header, rec)}))
    return rows, problems


def load_devices(path: str | Path) -> dict[str, DeviceInfo]:
    """devices.csv -> {name: DeviceInfo}. Raises InventoryError listing every bad row."""
    path = Path(path)
    rows, problems = _read_csv(path, DEVICE_COLUMNS, DEVICE_OPTIONAL)
    problems = [p for p in problems if "ignored" not in p]
    devices: dict[str, DeviceInfo] = {}
    first_line: dict[str, int] = {}
    for lineno, r in rows:
        bad = False
        if not _NAME.match(r["name"]):
            problems.append(f"{path}:{lineno}: name: {r['name']!r} is not a valid device name")
            bad = True
        elif r["name"] in devices:
            problems.append(f"{path}:{lineno}: name: {r['name']!r} already defined on line {first_line[r['name']]}")
            bad = True
        if not r["platform"]:
            problems.append(f"{path}:{lineno}: platform: empty")
            bad = True
        port = None
        if r.get("port"):
            try:
                port = int(r["port"])
                if not 0 < port < 65536:
                    raise ValueError
            except ValueError:
                problems.append(f"{path}:{lineno}: port: {r['port']!r} is not a TCP port")
                bad = True
        if bad:
            continue
        kw = {k: r.get(k, "") for k in DEVICE_COLUMNS}
        devices[r["name"]] = DeviceInfo(**kw, port=port, user=r.get("user", ""), jump=r.get("jump", ""))
        first_line[r["name"]] = lineno
    if problems:
        raise InventoryError(problems)
    return devices


def load_cabling(path: str | Path, devices: dict[str, DeviceInfo] | None = None) -> list[Cable]:
    """cabling.csv -> cables. Checks unknown devices (when `devices` given), unknown media, a port
    used by two cables, duplicate cable ids, bad lengths, missing plane on a plane-less device pair."""
    path = Path(path)
    rows, problems = _read_csv(path, CABLE_COLUMNS, ())
    problems = [p for p in problems if "ignored" not in p]
    cables = []
    used: dict[tuple[str, str], tuple[str, int]] = {}
    ids: dict[str, int] = {}
    for lineno, r in rows:
        errs = []
        if not r["cable_id"]:
            errs.append("cable_id: empty")
        elif r["cable_id"] in ids:
            errs.append(f"cable_id: {r['cable_id']!r} already used on line {ids[r['cable_id']]}")
        for end in ("a", "b"):
            dev, port = r[f"{end}_device"], r[f"{end}_port"]
            if not dev:
                errs.append(f"{end}_device: empty")
            elif devices is not None and dev not in devices:
                errs.append(f"{end}_device: unknown device {dev!r} (not in devices.csv)")
            if not port:
                errs.append(f"{end}_port: empty")
            elif (dev, port) in used:
                cid, ln = used[(dev, port)]
                errs.append(f"{end}_port: {dev}:{port} is already used by cable {cid!r} on line {ln}")
        if r["a_device"] == r["b_device"] and r["a_port"] == r["b_port"] and r["a_device"]:
            errs.append("b_port: a cable cannot join a port to itself")
        media = r["media"].lower()
        if media not in MEDIA:
            errs.append(f"media: {r['media']!r} is not one of {'|'.join(MEDIA)}")
        length = None
        if r["length_m"]:
            try:
                length = float(r["length_m"])
                if length < 0:
                    raise ValueError
            except ValueError:
                errs.append(f"length_m: {r['length_m']!r} is not a length in metres")
        if not r["plane"] and devices is not None:
            planes = {devices[d].plane for d in (r["a_device"], r["b_device"]) if d in devices}
            if not any(planes):
                errs.append("plane: empty, and neither end's device has a plane")
        path_parts = tuple(p.strip() for p in r["path"].split(";") if p.strip()) if r["path"] else ()
        for hop in path_parts:
            if ":" not in hop:
                errs.append(f"path: hop {hop!r} is not PANEL:PORT")
        if errs:
            problems.extend(f"{path}:{lineno}: {e}" for e in errs)
            continue
        ids[r["cable_id"]] = lineno
        for end in ("a", "b"):
            used[(r[f"{end}_device"], r[f"{end}_port"])] = (r["cable_id"], lineno)
        cables.append(Cable(r["cable_id"], r["a_device"], r["a_port"], r["b_device"], r["b_port"], media,
                            length, r["plane"], path_parts))
    if problems:
        raise InventoryError(problems)
    return cables


def load(devices_csv: str | Path | None, cabling_csv: str | Path | None = None) -> Inventory:
    """Load both files (either may be None); all problems of both are reported together."""
    inv = Inventory()
    problems = []
    if devices_csv:
        try:
            inv.devices = load_devices(devices_csv)
        except InventoryError as e:
            problems += e.problems
    if cabling_csv:
        try:
            inv.cables = load_cabling(cabling_csv, inv.devices if devices_csv and not problems else None)
        except InventoryError as e:
            problems += e.problems
    if problems:
        raise InventoryError(problems)
    return inv
