"""Render a simulated fabric's canonical tables as the command outputs real devices print.

One module per platform registers a renderer::

    @register("sonic")
    def render_sonic(dev: DeviceTables) -> list[tuple[str, bytes]]:
        return [("show interfaces status", b"..."), ...]

A renderer returns, for one device, the outputs of exactly the commands the platform driver runs
(netdiag/platforms/<platform>.py: its discovery commands, then its per-port commands for the ports
its `ports_from` picks), in that order, in the real format of that platform and tool version, so
that the capture goes through the same parsers as real data. What the tables do not know is
printed as the platform prints "not available" (N/A, -inf, missing line), never invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

_RENDERERS: dict[str, Callable[["DeviceTables"], list[tuple[str, bytes]]]] = {}


@dataclass
class DeviceTables:
    """One device's rows of each canonical table (DataFrames with the schema columns) and its
    inventory row (name, platform, role, plane, site, hall, row, rack, u)."""

    name: str
    platform: str
    info: dict
    ports: pd.DataFrame
    modules: pd.DataFrame
    lanes: pd.DataFrame
    counters: pd.DataFrame
    neighbors: pd.DataFrame


def register(platform: str):
    def deco(fn):
        _RENDERERS[platform] = fn
        return fn
    return deco


def renderer(platform: str):
    import importlib
    import pkgutil

    if platform not in _RENDERERS:
        for info in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{info.name}")
    try:
        return _RENDERERS[platform]
    except KeyError:
        raise KeyError(f"no simulator renderer for platform {platform!r}") from None
