"""Parser registry: one module per output format, each a pure function text -> canonical rows.

A parser module registers its formats with :func:`register`::

    @register("ethtool-module", tables=("modules", "lanes"), detect=_looks_like,
              description="ethtool -m IFACE: SFF-8472, SFF-8636 and CMIS module EEPROM")
    def parse_ethtool_module(text: str, ctx: Context) -> Tables: ...

`ctx` carries what the text itself may not say: the device (inventory name) and the port the
command was run for. The function returns ``{table: [row dict, ...]}`` using the column names of
:mod:`netdiag.model`, and raises :class:`ParseError` (with the 1-based line number where it can)
for output it cannot read. A parser that builds its tables column-wise may return a DataFrame per
table instead of a list of dicts (fast path for large outputs). Callers use :func:`parse_text`
(rows as dicts) or :func:`parse_frames` (DataFrames), which validate against the schema, turn
unexpected exceptions into ParseError and fill in device/command/format.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from netdiag import model

Tables = model.Tables


class ParseError(Exception):
    """Output that a parser cannot read. str() says which format, device, command and line, and why."""

    def __init__(self, reason: str, line: int | None = None, *, fmt: str | None = None,
                 device: str | None = None, command: str | None = None, text: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.fmt = fmt
        self.device = device
        self.command = command
        self.text = text  # the offending line's text, shortened
        self.internal = False  # True when a parser bug (not the input) raised it

    def __str__(self) -> str:
        where = []
        if self.device:
            where.append(f"device {self.device}")
        if self.command:
            where.append(f"command {self.command!r}")
        if self.fmt:
            where.append(f"format {self.fmt}")
        if self.line is not None:
            where.append(f"line {self.line}")
        s = ", ".join(where)
        msg = f"{s}: {self.reason}" if s else self.reason
        if self.text:
            msg += f" (got {self.text[:80]!r})"
        return msg


@dataclass(frozen=True)
class Context:
    """What the caller knows about the text: the device and port it came from, the command run."""

    device: str | None = None
    port: str | None = None
    command: str | None = None


@dataclass(frozen=True)
class Format:
    name: str
    func: Callable[[str, Context], Tables]
    tables: tuple[str, ...]
    description: str
    detect: Callable[[str], bool] | None
    priority: int  # lower is tried first by auto-detection


_REGISTRY: dict[str, Format] = {}
_LOADED = False


def register(name: str, *, tables: tuple[str, ...], description: str,
             detect: Callable[[str], bool] | None = None, priority: int = 50):
    """Decorator: register a parser function under the format `name`."""

    def deco(func):
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise RuntimeError(f"format {name!r} registered twice")
        for t in tables:
            if t not in model.TABLES:
                raise RuntimeError(f"format {name!r} names unknown table {t!r}")
        _REGISTRY[name] = Format(name, func, tuple(tables), description, detect, priority)
        return func

    return deco


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    _LOADED = True


def formats() -> dict[str, Format]:
    """All registered formats by name."""
    _load_all()
    return dict(sorted(_REGISTRY.items()))


def get(name: str) -> Format:
    _load_all()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ParseError(f"unknown format {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def decode(data: bytes | str) -> str:
    """Raw command output -> text. Binary data (NUL bytes, mostly undecodable) is a ParseError."""
    if isinstance(data, str):
        text = data
    else:
        if b"\x00" in data:
            raise ParseError("binary data (NUL bytes), not command output")
        text = data.decode("utf-8", errors="replace")
    if "\x00" in text:
        raise ParseError("binary data (NUL bytes), not command output")
    if text and text.count("\ufffd") > max(8, len(text) // 100):
        raise ParseError("binary data (mostly not UTF-8), not command output")
    return text


def detect(text: str) -> str:
    """Guess the format of `text` (the `--format auto` of `netdiag parse`)."""
    _load_all()
    cands = sorted((f for f in _REGISTRY.values() if f.detect), key=lambda f: (f.priority, f.name))
    for f in cands:
        try:
            if f.detect(text):
                return f.name
        except Exception:  # a detector must never crash detection
            continue
    raise ParseError("cannot tell the format of this output; pass --format (see --list-formats)")


def detect_all(text: str) -> list[str]:
    """Every format whose detector accepts `text`, in the order auto-detection tries them (the
    first is what `detect` returns). More than one means the output could be read more than one
    way: `netdiag parse` then says which it chose."""
    _load_all()
    cands = sorted((f for f in _REGISTRY.values() if f.detect), key=lambda f: (f.priority, f.name))
    out = []
    for f in cands:
        try:
            if f.detect(text):
                out.append(f.name)
        except Exception:  # a detector must never crash detection
            continue
    return out


#: the command whose output each format reads (`netdiag parse --list-formats`); a format missing
#: here shows the start of its description instead
COMMANDS = {
    "eos-counters-errors-json": "show interfaces counters errors | json",
    "eos-interfaces-status-json": "show interfaces status | json",
    "eos-lldp-neighbors-detail-json": "show lldp neighbors detail | json",
    "eos-lldp-neighbors-json": "show lldp neighbors | json",
    "eos-phy-detail-json": "show interfaces phy detail | json",
    "eos-transceiver-detail-json": "show interfaces transceiver detail | json",
    "eos-transceiver-detail-text": "show interfaces transceiver detail",
    "eos-transceiver-dom-thresholds-json": "show interfaces transceiver dom thresholds | json",
    "eos-transceiver-json": "show interfaces transceiver | json",
    "eos-transceiver-text": "show interfaces transceiver",
    "ethtool-fec": "ethtool -I --show-fec IFACE",
    "ethtool-link": "ethtool IFACE",
    "ethtool-module": "ethtool -m IFACE",
    "ethtool-module-json": "ethtool --json -m IFACE",
    "ethtool-stats": "ethtool -S IFACE",
    "ibdiagnet-cables": "ibdiagnet --get_cable_info (ibdiagnet2.cables)",
    "ibdiagnet-db-csv": "ibdiagnet (ibdiagnet2.db_csv)",
    "ibdiagnet-log": "ibdiagnet (ibdiagnet2.log / console)",
    "ibdiagnet-net-dump": "ibdiagnet (ibdiagnet2.net_dump)",
    "ibdiagnet-pm": "ibdiagnet --pm_pause_time N (ibdiagnet2.pm)",
    "iblinkinfo": "iblinkinfo [-l]",
    "ibnetdiscover": "ibnetdiscover -p",
    "ibstat": "ibstat / ibstatus",
    "ibswinfo": "ibswinfo.sh -d LID",
    "iosxe-transceiver-detail-text": "show interfaces transceiver detail",
    "iosxe-transceiver-text": "show interfaces transceiver",
    "ip-link-json": "ip -j -s -s -d link show",
    "junos-optics-text": "show interfaces diagnostics optics",
    "junos-optics-xml": "show interfaces diagnostics optics | display xml "
                        "(RPC get-interface-optics-diagnostics-information)",
    "lldpctl-json": "lldpcli -f json show neighbors details",
    "lldpctl-json0": "lldpcli -f json0 show neighbors details",
    "lldpctl-keyvalue": "lldpcli -f keyvalue show neighbors details",
    "lldpctl-text": "lldpcli show neighbors details",
    "mlxlink": "mlxlink -d DEV -p N -m -c -e",
    "nvue-counters-errors": "nv show interface IF counters errors",
    "nvue-interface": "nv show interface",
    "nvue-interface-json": "nv show interface [IF] -o json",
    "nvue-link-phy-detail": "nv show interface IF link phy-detail",
    "nvue-link-phy-detail-json": "nv show interface IF link phy-detail -o json",
    "nvue-transceiver": "nv show platform transceiver IF",
    "nvue-transceiver-brief": "nv show platform transceiver brief",
    "nvue-transceiver-channel": "nv show platform transceiver IF channel",
    "nvue-transceiver-json": "nv show platform transceiver [IF] -o json",
    "nvue-transceiver-thresholds": "nv show interface IF transceiver thresholds",
    "nxos-transceiver-json": "show interface transceiver details | json",
    "nxos-transceiver-text": "show interface transceiver details",
    "perfquery": "perfquery -x -l LID / perfquery (legacy)",
    "sonic-counters": "show interfaces counters -a",
    "sonic-counters-detailed": "show interfaces counters detailed PORT",
    "sonic-counters-fec-histogram": "show interfaces counters fec-histogram [PORT]",
    "sonic-counters-fec-stats": "show interfaces counters fec-stats",
    "sonic-interfaces-status": "show interfaces status",
    "sonic-klish-dom-summary": "show interface transceiver dom summary (KLISH)",
    "sonic-klish-transceiver-dom-kv": "show interface transceiver dom Ethernet N (KLISH, key-value form)",
    "cisco-interfaces": "show interface (NX-OS) / show interfaces (IOS-XE)",
    "cisco-lldp-neighbors-detail": "show lldp neighbors detail (NX-OS, IOS-XE)",
    "junos-interfaces-extensive": "show interfaces extensive",
    "junos-lldp-neighbors": "show lldp neighbors (Junos)",
    "sonic-klish-transceiver-dom": "show interface transceiver dom Ethernet N (KLISH)",
    "sonic-lldp-table": "show lldp table",
    "sonic-statedb-transceiver": "sonic-db-dump -n STATE_DB -k 'TRANSCEIVER_*' -y (or a pasted part)",
    "sonic-transceiver-eeprom": "show interfaces transceiver eeprom --dom [PORT]",
    "sonic-transceiver-pm": "show interfaces transceiver pm [PORT]",
    "sonic-transceiver-status": "show interfaces transceiver status [PORT]",
    "sysfs-net": "grep -H . /sys/class/net/*/{operstate,carrier,carrier_changes,mtu,speed,address}",
}


def command_of(name: str) -> str:
    """The command whose output format `name` reads (COMMANDS, else from its description)."""
    if name in COMMANDS:
        return COMMANDS[name]
    desc = get(name).description
    return desc.split(":", 1)[1].strip() if ":" in desc[:40] else desc


def _run(fmt: str, data: bytes | str, ctx: Context) -> dict:
    """Decode, pick the format, call the parser; every failure becomes a ParseError."""
    text = decode(data)
    if not text.strip():
        raise ParseError("empty output")
    f = get(detect(text) if fmt == "auto" else fmt)
    try:
        return f.func(text, ctx)
    except ParseError:
        raise
    except Exception as e:  # a parser bug must still be reported as unreadable input, with where
        err = ParseError(f"parser failed: {type(e).__name__}: {e}")
        err.internal = True
        raise err from e


def _fill_rows(t: str, rows, device, port) -> list[dict]:
    has_port = t != "collection" and "port" in model.COLUMN_SETS[t]
    filled = []
    for r in rows:
        r = dict(r)
        if device is not None and r.get("device") is None:
            r["device"] = device
        if has_port and port is not None and r.get("port") is None:
            r["port"] = port
        filled.append(r)
    return filled


def _fill_frame(t: str, df, device, port):
    """A parser's columnar result (a DataFrame) -> the schema's columns and dtypes."""
    extra = set(df.columns) - set(model.columns(t))
    if extra:
        raise KeyError(f"{t}: unknown column(s) {sorted(extra)}")
    df = df.copy()
    for col, val in (("device", device), ("port", port if t != "collection" else None)):
        if val is not None and col in model.columns(t):
            df[col] = df[col].where(df[col].notna(), val) if col in df.columns else val
    return model.conform(t, df)


def _check_columns(t: str, cols: dict):
    """A column-wise result: known column names, equal lengths. Returns the row count."""
    extra = set(cols) - model.COLUMN_SETS[t]
    if extra:
        raise KeyError(f"{t}: unknown column(s) {sorted(extra)}")
    ns = {len(v) for v in cols.values()}
    if len(ns) > 1:
        raise ValueError(f"{t}: columns of unequal length {sorted(ns)}")
    return ns.pop() if ns else 0


def _fill_columns(t: str, cols: dict, n: int, device, port) -> dict:
    cols = dict(cols)
    for col, val in (("device", device), ("port", port if t != "collection" else None)):
        if val is None or col not in model.COLUMN_SETS[t]:
            continue
        if col not in cols:
            cols[col] = [val] * n
        else:
            cols[col] = [val if x is None else x for x in cols[col]]
    return cols


def _guarded(fn):
    """Give ParseErrors the format/device/command; turn invalid rows into ParseErrors."""

    def wrapper(fmt, data, device=None, port=None, command=None):
        try:
            return fn(fmt, data, device, port, command)
        except ParseError as e:
            e.fmt = e.fmt or (None if fmt == "auto" else fmt)
            e.device = e.device or device
            e.command = e.command or command
            raise
        except (KeyError, ValueError, TypeError) as e:
            err = ParseError(f"parser produced invalid rows: {e}", fmt=fmt, device=device, command=command)
            err.internal = True
            raise err from e

    wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
    return wrapper


@_guarded
def parse_text(fmt: str, data: bytes | str, device: str | None = None, port: str | None = None,
               command: str | None = None) -> Tables:
    """Parse `data` as `fmt` ("auto" to guess) and return schema-validated rows per table.

    Every row gets `device` (when given) and, for per-port tables, `port` (when the text does not
    name one). Raises ParseError, never anything else, for unreadable input.
    """
    out: Tables = {}
    for t, rows in _run(fmt, data, Context(device, port, command)).items():
        if isinstance(rows, dict):
            rows = model.frame_from_columns(t, [rows]) if _check_columns(t, rows) else []
        if isinstance(rows, pd.DataFrame):
            if not rows.empty:
                out[t] = model.frame_records(t, _fill_frame(t, rows, device, port))
        elif rows:
            out[t] = model.normalize_rows(t, _fill_rows(t, rows, device, port))
    return out


@_guarded
def parse_frames(fmt: str, data: bytes | str, device: str | None = None, port: str | None = None,
                 command: str | None = None) -> dict[str, pd.DataFrame]:
    """As parse_text, but each table as a DataFrame with the schema's columns and dtypes: the
    path analysis uses, fast for parsers that build their tables column-wise."""
    out = {}
    for t, rows in _run(fmt, data, Context(device, port, command)).items():
        if isinstance(rows, dict):
            rows = model.frame_from_columns(t, [rows]) if _check_columns(t, rows) else []
        if isinstance(rows, pd.DataFrame):
            if not rows.empty:
                out[t] = _fill_frame(t, rows, device, port)
        elif rows:
            out[t] = model.to_frame(t, _fill_rows(t, rows, device, port))
    return out


@_guarded
def parse_rows(fmt: str, data: bytes | str, device: str | None = None, port: str | None = None,
               command: str | None = None) -> dict:
    """The analysis path: each table as the parser built it (rows or a DataFrame), device/port
    filled in and column names checked. Values are coerced to the schema once per table when the
    snapshot is built (model.Snapshot.from_parts), not per output: a fleet has many small outputs."""
    out = {}
    for t, rows in _run(fmt, data, Context(device, port, command)).items():
        if isinstance(rows, dict):
            n = _check_columns(t, rows)
            if n:
                out[t] = _fill_columns(t, rows, n, device, port)
        elif isinstance(rows, pd.DataFrame):
            if not rows.empty:
                out[t] = _fill_frame(t, rows, device, port)
        elif rows:
            allowed = model.COLUMN_SETS[t]
            filled = _fill_rows(t, rows, device, port)
            for r in filled:
                if not r.keys() <= allowed:
                    raise KeyError(f"{t}: unknown column(s) {sorted(set(r) - allowed)}")
            out[t] = filled
    return out


# --- small helpers shared by parsers -------------------------------------------------------------

def split_kv(line: str, sep: str = ":") -> tuple[str, str] | None:
    """'Key   : value' -> ('Key', 'value'); None when there is no separator."""
    if sep not in line:
        return None
    k, v = line.split(sep, 1)
    return k.strip(), v.strip()
