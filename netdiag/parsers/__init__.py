"""Parser registry: one module per output format, each a pure function text -> canonical rows.

A parser module registers its formats with :func:`register`::

    @register("ethtool-module", tables=("modules", "lanes"), detect=_looks_like,
              description="ethtool -m IFACE: SFF-8472, SFF-8636 and CMIS module EEPROM")
    def parse_ethtool_module(text: str, ctx: Context) -> Tables: ...

`ctx` carries what the text itself may not say: the device (inventory name) and the port the
command was run for. The function returns ``{table: [row dict, ...]}`` using the column names of
:mod:`netdiag.model`, and raises :class:`ParseError` (with the 1-based line number where it can)
for output it cannot read. Callers use :func:`parse_text`, which validates rows against the
schema, turns unexpected exceptions into ParseError and fills in device/command/format.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

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


def parse_text(fmt: str, data: bytes | str, device: str | None = None, port: str | None = None,
               command: str | None = None) -> Tables:
    """Parse `data` as `fmt` ("auto" to guess) and return schema-validated rows per table.

    Every row gets `device` (when given) and, for per-port tables, `port` (when the text does not
    name one). Raises ParseError, never anything else, for unreadable input.
    """
    ctx = Context(device=device, port=port, command=command)
    try:
        text = decode(data)
        if not text.strip():
            raise ParseError("empty output")
        name = detect(text) if fmt == "auto" else fmt
        f = get(name)
        try:
            tables = f.func(text, ctx)
        except ParseError:
            raise
        except Exception as e:  # a parser bug must still be reported as unreadable input, with where
            err = ParseError(f"parser failed: {type(e).__name__}: {e}")
            err.internal = True
            raise err from e
        out: Tables = {}
        for t, rows in tables.items():
            if not rows:
                continue
            filled = []
            for r in rows:
                r = dict(r)
                if device is not None and r.get("device") is None:
                    r["device"] = device
                if t != "collection" and port is not None and "port" in dict(model.TABLES[t]) \
                        and r.get("port") is None:
                    r["port"] = port
                filled.append(r)
            out[t] = model.normalize_rows(t, filled)
        return out
    except ParseError as e:
        e.fmt = e.fmt or (None if fmt == "auto" else fmt)
        e.device = e.device or device
        e.command = e.command or command
        raise
    except (KeyError, ValueError, TypeError) as e:
        raise ParseError(f"parser produced invalid rows: {e}", fmt=fmt, device=device, command=command) from e


# --- small helpers shared by parsers -------------------------------------------------------------

def split_kv(line: str, sep: str = ":") -> tuple[str, str] | None:
    """'Key   : value' -> ('Key', 'value'); None when there is no separator."""
    if sep not in line:
        return None
    k, v = line.split(sep, 1)
    return k.strip(), v.strip()
