"""Inventory (devices.csv) and cabling plan (cabling.csv), docs/inventory.md, with validation that
names file, line and column for every bad row."""

from __future__ import annotations

import csv
import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DEVICE_COLUMNS = ("name", "platform", "address", "role", "plane", "site", "hall", "row", "rack", "u")
DEVICE_OPTIONAL = ("port", "user", "jump")
#: the only columns devices.csv must have; the others may be left out of the header (empty)
DEVICE_REQUIRED = ("name", "platform")
CABLE_COLUMNS = ("cable_id", "a_device", "a_port", "b_device", "b_port", "media", "length_m", "plane", "path")
#: the only columns cabling.csv must have
CABLE_REQUIRED = ("cable_id", "a_device", "a_port", "b_device", "b_port")
#: optional plan columns kept only when a row fills them: the cage (module slot) and the module each
#: end plugs into, where port names and EEPROM serials do not tell (docs/inventory.md)
CABLE_OPTIONAL = ("a_cage", "b_cage", "a_module", "b_module")
MEDIA = ("dac", "acc", "aoc", "fiber")

#: Allowed values (docs/inventory.md lists them). `platform` must name a registered platform driver
#: (netdiag/platforms/, one module each): the one list of platforms, so a new driver is allowed
#: here as soon as it exists, and a name without a driver is refused offline as it would be live.
def platform_names() -> tuple[str, ...]:
    from netdiag import platforms

    return tuple(platforms.platforms())


#: `role`: hosts (drained by isolate), switches by tier, a fabric manager (UFM / ibdiagnet host) and
#: patch panels; empty means unknown.
ROLES = (
    "gpu_host",
    "cpu_host",
    "storage",
    "leaf",
    "tor",
    "spine",
    "superspine",
    "core",
    "fabric_manager",
    "patch_panel",
)
_U = re.compile(r"^\d{1,3}(?:-\d{1,3})?$")
_HOP = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*:[A-Za-z0-9][A-Za-z0-9_./@+-]*$")
#: distinct path values joined by NUL, every hop (stripped, between ';') empty or PANEL:PORT (as _HOP)
_PATH_ONE = r"\s*(?:[A-Za-z0-9][A-Za-z0-9_.@+-]*:[A-Za-z0-9][A-Za-z0-9_./@+-]*)?\s*"
_PATHS_OK = re.compile(rf"{_PATH_ONE}(?:;{_PATH_ONE})*(?:\0{_PATH_ONE}(?:;{_PATH_ONE})*)*")
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


class Inventory:
    """Devices by name and the cabling plan. The plan is held as a DataFrame (`plan`, the
    cabling.csv columns, path as its ';'-joined text) so a million cables stay cheap; `cables` gives
    the same as Cable objects, built on first use."""

    def __init__(self, devices: dict[str, DeviceInfo] | None = None, cables: list[Cable] | None = None,
                 plan: pd.DataFrame | None = None):
        self.devices = devices if devices is not None else {}
        self._cables = cables
        self._plan = plan

    @property
    def plan(self) -> pd.DataFrame:
        if self._plan is None:
            self._plan = pd.DataFrame(
                [(c.cable_id, c.a_device, c.a_port, c.b_device, c.b_port, c.media, c.length_m, c.plane, ";".join(c.path))
                 for c in (self._cables or [])], columns=list(CABLE_COLUMNS))
        return self._plan

    @property
    def cables(self) -> list[Cable]:
        if self._cables is None:
            p = self.plan
            self._cables = [Cable(r[0], r[1], r[2], r[3], r[4], r[5], None if pd.isna(r[6]) else float(r[6]), r[7],
                                  tuple(x for x in r[8].split(";") if x))
                            for r in p[list(CABLE_COLUMNS)].itertuples(index=False, name=None)]
        return self._cables

    @cables.setter
    def cables(self, value: list[Cable]) -> None:
        self._cables = list(value)
        self._plan = None

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

    def cable_at(self, ends: set[tuple[str, str]] | None = None) -> dict[tuple[str, str], Cable]:
        """(device, port) -> the planned cable on it, from either end; only for `ends` when given
        (cheap on a million-cable plan)."""
        p = self.plan
        if ends is not None:
            devs = {d for d, _ in ends}
            p = p[p["a_device"].isin(devs) | p["b_device"].isin(devs)]
        m = {}
        for r in p[list(CABLE_COLUMNS)].itertuples(index=False, name=None):
            c = Cable(r[0], r[1], r[2], r[3], r[4], r[5], None if pd.isna(r[6]) else float(r[6]), r[7],
                      tuple(x for x in r[8].split(";") if x))
            m[(c.a_device, c.a_port)] = c
            m[(c.b_device, c.b_port)] = c
        return m


def _read_csv_fast(text: str, required: tuple[str, ...]):
    """pandas' C reader for the common clean file (a plan of a million cables): no blank, comment or
    short lines, so row i is file line i + 2. None when the file needs the careful path."""
    import io

    if not text or "\n\n" in text or "\n#" in text or text.startswith("#") or '"' in text:
        return None
    rows = text.splitlines()
    width = rows[0].count(",")
    if any(r.count(",") != width or not r.strip(", \t") for r in rows):
        return None  # a short, long or empty row: the careful path reports or skips it by line
    try:
        # dtype=object: the cells as Python text directly (dtype=str built Arrow text, then copied
        # it to objects: 2.7 s instead of 1.0 s for the 828k cables of 100k GPUs)
        df = pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=False, skipinitialspace=True,
                         engine="c", on_bad_lines="error")
    except (ValueError, pd.errors.ParserError):
        return None
    header = [str(h).strip() for h in df.columns]
    if any(c not in header for c in required) or len(set(header)) != len(header):
        return None
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if len(df) != lines - 1 or df.isna().to_numpy().any():  # a short row: the careful path names it
        return None
    df.columns = header
    df = df.astype(object)
    if re.search(r"[ \t](,|$)", text, re.M):
        for c in df.columns:
            df[c] = df[c].str.strip()
    return df, header


def _read_csv(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """A CSV with one header row -> (DataFrame of stripped text cells with every required and
    optional column, those absent from the header empty; file line of each row; problems). Blank and
    '#' lines are skipped; a row with the wrong number of fields is a problem."""
    df, lines, problems = _read_csv_raw(path, required, optional)
    for c in optional:
        if c not in df.columns:
            df[c] = pd.Series([""] * len(df), index=df.index, dtype=object)
    return df, lines, problems


def _read_csv_raw(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    problems = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise InventoryError([f"{path}: cannot read: {e}"]) from None
    fast = _read_csv_fast(text, required)
    if fast is not None:
        df, header = fast
        unknown = [c for c in header if c not in required and c not in optional]
        if unknown:
            problems.append(f"{path}:1: unknown column(s) {', '.join(unknown)} ignored")
        return df, np.arange(2, len(df) + 2, dtype=np.int64), problems
    reader = csv.reader(text.splitlines(), skipinitialspace=True)
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
    recs, lines = [], []
    width = len(header)
    for lineno, rec in enumerate(reader, start=2):
        if len(rec) == width and rec[0] and rec[0][0] != "#" and rec[0][0] != " ":
            recs.append(rec)
            lines.append(lineno)
            continue
        if not rec or all(not x.strip() for x in rec) or rec[0].lstrip().startswith("#"):
            continue
        if len(rec) != width:
            problems.append(f"{path}:{lineno}: {len(rec)} fields, header has {width}")
            continue
        recs.append(rec)
        lines.append(lineno)
    df = pd.DataFrame(recs, columns=header, dtype=object) if recs else pd.DataFrame(columns=header, dtype=object)
    if re.search(r"[ \t](,|$)", text, re.M):  # trailing blanks in some cell (leading ones csv skipped)
        for c in df.columns:
            df[c] = df[c].str.strip()
    return df, np.array(lines, dtype=np.int64), problems


def load_devices(path: str | Path, warnings: list[str] | None = None,
                 partial: dict[str, DeviceInfo] | None = None) -> dict[str, DeviceInfo]:
    """devices.csv -> {name: DeviceInfo}. Raises InventoryError listing every bad row (unknown
    platform, role or U included); header columns netdiag ignores are appended to `warnings`.
    `partial`, when given, receives every row with a usable name, bad or not (for cross-checks of a
    plan while devices.csv still has problems)."""
    path = Path(path)
    table, lines, problems = _read_csv(path, DEVICE_REQUIRED, DEVICE_COLUMNS[len(DEVICE_REQUIRED):] + DEVICE_OPTIONAL)
    if warnings is not None:
        warnings += [p for p in problems if "ignored" in p]
    problems = [p for p in problems if "ignored" not in p]
    devices: dict[str, DeviceInfo] = {}
    first_line: dict[str, int] = {}
    allowed_platforms = platform_names()
    for lineno, r in zip(lines.tolist(), table.to_dict("records")):
        bad = False
        if not _NAME.match(r["name"]):
            problems.append(f"{path}:{lineno}: name: {r['name']!r} is not a valid device name")
            bad = True
        elif r["name"] in devices:
            problems.append(f"{path}:{lineno}: name: {r['name']!r} already defined on line {first_line[r['name']]}")
            bad = True
        why = _check_value("platform", r["platform"], allowed_platforms, empty_ok=False)
        if why:
            problems.append(f"{path}:{lineno}: platform: {why}")
            bad = True
        why = _check_value("role", r["role"], ROLES, empty_ok=True)
        if why:
            problems.append(f"{path}:{lineno}: role: {why}")
            bad = True
        if r["u"] and not _U.match(r["u"]):
            problems.append(f"{path}:{lineno}: u: {r['u']!r} is not a rack unit (a number such as 30, or 30-31)")
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
        kw = {k: r.get(k, "") for k in DEVICE_COLUMNS}
        if bad:
            if partial is not None and _NAME.match(r["name"]) and r["name"] not in devices:
                partial.setdefault(r["name"], DeviceInfo(**kw))
            continue
        devices[r["name"]] = DeviceInfo(**kw, port=port, user=r.get("user", ""), jump=r.get("jump", ""))
        first_line[r["name"]] = lineno
        if partial is not None:
            partial[r["name"]] = devices[r["name"]]
    if problems:
        raise InventoryError(problems)
    return devices


#: common spellings of a media value and what to write instead
_MEDIA_HINT = {"fibre": "; did you mean 'fiber'?", "optical": "; did you mean 'fiber'?", "smf": "; did you mean 'fiber'?",
               "mmf": "; did you mean 'fiber'?", "copper": "; did you mean 'dac'?", "cu": "; did you mean 'dac'?",
               "aec": "; did you mean 'acc' (active copper)?"}


def _check_value(column: str, value: str, allowed: tuple[str, ...], empty_ok: bool) -> str | None:
    """Why `value` is not allowed in `column` (None when it is)."""
    if not value:
        return None if empty_ok else "empty"
    if value in allowed:
        return None
    v = value.lower()
    near = [a for a in allowed if a.lower() in (v, v.replace("_", "-"), v.replace("-", "_"))]
    if not near:   # 'GPU' -> gpu_host, 'fibre' -> fiber, 'Spines' -> spine
        import difflib

        near = [a for a in allowed if a.startswith(v + "_")] or difflib.get_close_matches(v, allowed, 1, 0.75)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"unknown {column} {value!r}: not one of {'|'.join(allowed)}{hint}"


def _codes(*cols: pd.Series) -> tuple[list[np.ndarray], np.ndarray]:
    """Integer codes of each column in one shared code space, and the distinct values: string work
    done once per distinct value (a plan of a million cables has a few thousand devices and ports)."""
    codes, uniq = pd.factorize(np.concatenate([np.asarray(c, dtype=object) for c in cols]) if len(cols) > 1
                               else np.asarray(cols[0], dtype=object))
    n = len(cols[0])
    return [codes[i * n:(i + 1) * n] for i in range(len(cols))], np.asarray(uniq, dtype=object)


def load_cabling_frame(path: str | Path, devices: dict[str, DeviceInfo] | None = None,
                       warnings: list[str] | None = None) -> pd.DataFrame:
    """cabling.csv -> the plan as a DataFrame, checked column-wise (a million rows in seconds):
    unknown devices (when `devices` given), unknown media, a port used by two cables, duplicate
    cable ids, bad lengths, a missing plane on a plane-less device pair, path hops not PANEL:PORT.
    Raises InventoryError naming file:line: column: why for every bad row."""
    path = Path(path)
    df, line, problems = _read_csv(path, CABLE_REQUIRED, CABLE_COLUMNS[len(CABLE_REQUIRED):] + CABLE_OPTIONAL)
    if warnings is not None:
        warnings += [p for p in problems if "ignored" in p]
    problems = [p for p in problems if "ignored" not in p]
    filled = {c[2:] for c in CABLE_OPTIONAL if (df[c] != "").any()}   # a pair is kept together
    df = df[list(CABLE_COLUMNS) + [c for c in CABLE_OPTIONAL if c[2:] in filled]]
    errs: list[tuple[int, int, str]] = []   # (line, order, message)
    n = len(df)

    def bad(mask, message) -> None:
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            errs.append((int(line[i]), len(errs), message(int(i))))

    # every check below works on integer codes and on the distinct values of each column
    (cidc,), cidu = _codes(df["cable_id"])
    (adc, bdc), devu = _codes(df["a_device"], df["b_device"])
    (apc, bpc), portu = _codes(df["a_port"], df["b_port"])
    dev_empty, port_empty = devu == "", portu == ""
    cid = df["cable_id"]
    cid_empty = (cidu == "")[cidc]
    bad(cid_empty, lambda i: "cable_id: empty")
    seen = pd.Series(cidc).duplicated(keep="first").to_numpy()
    dup = seen & ~cid_empty
    if dup.any():
        first = dict(zip(cid[~seen], line[~seen]))
        bad(dup, lambda i: f"cable_id: {cid.iat[i]!r} already used on line {first[cid.iat[i]]}")
    known = np.array([d in devices for d in devu], dtype=bool) if devices is not None else None
    for end, dc, pc in (("a", adc, apc), ("b", bdc, bpc)):
        dev = df[f"{end}_device"]
        bad(dev_empty[dc], lambda i, end=end: f"{end}_device: empty")
        if devices is not None:
            bad(~dev_empty[dc] & ~known[dc],
                lambda i, end=end, dev=dev: f"{end}_device: unknown device {dev.iat[i]!r} (not in devices.csv)")
        bad(port_empty[pc], lambda i, end=end: f"{end}_port: empty")
    # a port used by two cables: both ends in file order (row, then a before b), the first use wins
    key = np.empty(2 * n, dtype=np.int64)
    key[0::2] = adc.astype(np.int64) * len(portu) + apc
    key[1::2] = bdc.astype(np.int64) * len(portu) + bpc
    used = np.empty(2 * n, dtype=bool)
    used[0::2], used[1::2] = ~port_empty[apc], ~port_empty[bpc]
    order = np.flatnonzero(used)
    taken = pd.Series(key[order]).duplicated(keep="first").to_numpy()
    if taken.any():
        owner = dict(zip(key[order[~taken]].tolist(), (order[~taken] // 2).tolist()))
        for k, pos in zip(key[order[taken]].tolist(), order[taken].tolist()):
            row, end = pos // 2, "ab"[pos % 2]
            o = owner[k]
            if o == row:
                continue  # a cable joining a port to itself: reported below
            d, p_ = df[f"{end}_device"].iat[row], df[f"{end}_port"].iat[row]
            errs.append((int(line[row]), len(errs),
                         f"{end}_port: {d}:{p_} is already used by cable {cid.iat[o]!r} on line {line[o]}"))
    bad(~dev_empty[adc] & (adc == bdc) & (apc == bpc),
        lambda i: "b_port: a cable cannot join a port to itself")
    mc, mu = pd.factorize(df["media"].to_numpy(dtype=object))
    mlow = np.array([m.lower() for m in mu], dtype=object)
    bad_media = np.array([m != "" and m not in MEDIA for m in mlow], dtype=bool)
    bad(bad_media[mc] if len(mu) else np.zeros(n, dtype=bool),
        lambda i: f"media: {df['media'].iat[i]!r} is not one of {'|'.join(MEDIA)}"
        + _MEDIA_HINT.get(df["media"].iat[i].strip().lower(), ""))
    lc, lu = pd.factorize(df["length_m"].to_numpy(dtype=object))
    lnum = pd.to_numeric(pd.Series(lu, dtype=object).where(pd.Series(lu, dtype=object) != ""), errors="coerce") \
        .to_numpy(dtype="float64")
    length = lnum[lc] if len(lu) else np.zeros(0)
    with np.errstate(invalid="ignore"):
        bad(((lu != "") & np.isnan(lnum) | (lnum < 0))[lc] if len(lu) else np.zeros(n, dtype=bool),
            lambda i: f"length_m: {df['length_m'].iat[i]!r} is not a length in metres")
    if devices is not None:
        planes = {n_: d.plane for n_, d in devices.items() if d.plane}
        (plc,), plu = _codes(df["plane"])
        plane_empty = (plu == "")[plc]
        dplane = np.array([planes.get(d, "") for d in devu], dtype=object)
        has = np.array([d in planes for d in devu], dtype=bool)
        bad(plane_empty & ~(has[adc] | has[bdc]), lambda i: "plane: empty, and neither end's device has a plane")
        # a plane the plan gives that contradicts an end device's own plane (or the two ends disagree)
        pa = pd.Series(dplane[adc], index=df.index, dtype=object)
        pb = pd.Series(dplane[bdc], index=df.index, dtype=object)
        plane_of = plu[plc]
        for end, pe in (("a", pa), ("b", pb)):
            pv = pe.to_numpy()
            bad(~plane_empty & (pv != "") & (pv != plane_of),
                lambda i, end=end, pe=pe: f"plane: {df['plane'].iat[i]!r} contradicts devices.csv, where "
                                          f"{end}_device {df[end + '_device'].iat[i]!r} is in plane {pe.iat[i]!r}")
        pav, pbv = pa.to_numpy(), pb.to_numpy()
        bad(plane_empty & (pav != "") & (pbv != "") & (pav != pbv),
            lambda i: f"plane: empty, and the ends are in different planes ({df['a_device'].iat[i]} in "
                      f"{pa.iat[i]!r}, {df['b_device'].iat[i]} in {pb.iat[i]!r})")
    pc_, pu = pd.factorize(df["path"].to_numpy(dtype=object))
    joined = "\0".join(pu)   # every distinct path checked by one regex when all are good (the usual case)
    if len(pu) and not (joined.count("\0") == len(pu) - 1 and _PATHS_OK.fullmatch(joined)):
        bad_hops = [[h for h in (x.strip() for x in v.split(";")) if h and not _HOP.match(h)] for v in pu]
        has_bad = np.array([bool(b) for b in bad_hops], dtype=bool)
        for i in np.flatnonzero(has_bad[pc_]):
            for h in bad_hops[pc_[i]]:
                errs.append((int(line[i]), len(errs), f"path: hop {h!r} is not PANEL:PORT (hops are separated by ';')"))
    if errs or problems:
        errs.sort()
        raise InventoryError(problems + [f"{path}:{ln}: {msg}" for ln, _, msg in errs])
    df["media"] = pd.Series(mlow[mc] if len(mu) else np.zeros(0, dtype=object), index=df.index, dtype=object)
    df["length_m"] = pd.Series(length, index=df.index, dtype="float64")
    if len(pu) and joined.count("\0") == len(pu) - 1 and joined.isascii() and not any(
            c in joined for c in " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f") and not (
            joined.startswith(";") or joined.endswith(";") or ";\0" in joined or "\0;" in joined):
        norm = pu   # no blank and no ';' at either end: every path is already in its normal form
    elif len(pu) and joined.count("\0") == len(pu) - 1:   # one substitution over all distinct paths
        norm = np.array([v.strip("; ") for v in re.sub(r"\s*;\s*", ";", joined).split("\0")], dtype=object)
    else:
        norm = np.array([re.sub(r"\s*;\s*", ";", v).strip("; ") for v in pu], dtype=object)
    df["path"] = pd.Series(norm[pc_] if len(pu) else np.zeros(0, dtype=object), index=df.index, dtype=object)
    return df.reset_index(drop=True)


def load_cabling(path: str | Path, devices: dict[str, DeviceInfo] | None = None) -> list[Cable]:
    """cabling.csv -> Cable objects (see load_cabling_frame for the checks)."""
    return Inventory(plan=load_cabling_frame(path, devices)).cables


def load(devices_csv: str | Path | None, cabling_csv: str | Path | None = None,
         warnings: list[str] | None = None) -> Inventory:
    """Load both files (either may be None); all problems of both are reported together."""
    inv = Inventory()
    problems = []
    if devices_csv:
        try:
            inv.devices = load_devices(devices_csv, warnings)
        except InventoryError as e:
            problems += e.problems
    if cabling_csv:
        try:
            inv._plan = load_cabling_frame(cabling_csv, inv.devices if devices_csv and not problems else None, warnings)
            inv._cables = None
        except InventoryError as e:
            problems += e.problems
    if problems:
        raise InventoryError(problems)
    return inv
