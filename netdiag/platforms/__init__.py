"""Platform drivers: which commands a sweep runs on a device, and which parser reads each.

All platform knowledge lives in one module per platform (linux.py, sonic.py, cumulus.py, eos.py,
infiniband.py). A driver is a :class:`Platform` with

* ``discovery``: commands run first, with no port in them (list interfaces, LLDP, whole-device
  tables such as SONiC's ``show interfaces transceiver eeprom --dom``);
* ``ports_from(tables)``: the ports worth asking about, from the discovery commands' parsed tables;
* ``per_port``: command templates run for each of those ports (``{port}`` is replaced by the
  shell-quoted, validated port name);
* ``commands``: (regex, format) pairs saying which parser reads a command as issued; a named group
  ``port`` gives the port the output belongs to. Replay uses only this, so a capture recorded by
  hand or by another tool replays as long as its command text matches.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import shlex
from dataclasses import dataclass, field
from typing import Callable

from netdiag import model

#: port names a device may report and that we are willing to put into a command line
_SAFE_PORT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./:@+-]{0,63}$")


class UnsafeName(ValueError):
    """A device-supplied name that must not go into a command."""


def quote_port(name: str) -> str:
    """Validate a device-supplied port name and shell-quote it for a command line."""
    if not _SAFE_PORT.match(name or ""):
        raise UnsafeName(f"refusing to use device-supplied port name {name!r} in a command")
    return shlex.quote(name)


def split_safe(names: list[str]) -> tuple[list[str], list[str]]:
    """(names safe to use in commands, names refused)."""
    safe, refused = [], []
    for n in names:
        (safe if _SAFE_PORT.match(n or "") else refused).append(n)
    return safe, refused


@dataclass(frozen=True)
class Platform:
    name: str
    description: str
    discovery: tuple[str, ...]
    per_port: tuple[str, ...]
    commands: tuple[tuple[str, str], ...]          # (regex over the command text, format name)
    ports_from: Callable[[model.Tables], list[str]] = field(default=lambda tables: [])
    #: extra {fields} for per-port templates, derived from the port name (each validated and quoted)
    port_fields: Callable[[str], dict[str, str]] | None = None
    _compiled: tuple = field(default=(), compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "_compiled", tuple((re.compile(rx), fmt) for rx, fmt in self.commands))

    def parser_for(self, command: str) -> tuple[str, str | None] | None:
        """(format, port or None) for a command as issued, or None when no parser reads it."""
        cmd = " ".join(command.split())
        if cmd.startswith("sudo "):
            cmd = cmd[5:]
        for rx, fmt in self._compiled:
            m = rx.fullmatch(cmd)
            if m:
                g = m.groupdict()
                port = g.get("port")
                if port is None and g.get("ca") and g.get("pnum"):
                    port = f"{g['ca']}/{g['pnum']}"  # an HCA port named from -d/-C and -p/-P
                if port is not None:
                    port = port.strip("'\"")
                return fmt, port
        return None

    def port_commands(self, ports: list[str]) -> list[str]:
        """The per-port commands for `ports`, names validated and quoted (UnsafeName otherwise)."""
        out = []
        for p in ports:
            fields = {"port": quote_port(p)}
            if self.port_fields is not None:
                fields.update({k: quote_port(v) for k, v in self.port_fields(p).items()})
            out.extend(t.format(**fields) for t in self.per_port)
        return out


_REGISTRY: dict[str, Platform] = {}
_LOADED = False


def register(platform: Platform) -> Platform:
    if platform.name in _REGISTRY:
        raise RuntimeError(f"platform {platform.name!r} registered twice")
    _REGISTRY[platform.name] = platform
    return platform


def _load_all() -> None:
    global _LOADED
    if not _LOADED:
        for info in pkgutil.iter_modules(__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{__name__}.{info.name}")
        _LOADED = True


def get(name: str) -> Platform:
    _load_all()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown platform {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def platforms() -> dict[str, Platform]:
    _load_all()
    return dict(sorted(_REGISTRY.items()))
