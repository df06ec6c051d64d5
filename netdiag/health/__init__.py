"""Health rules and their data files (thresholds, diagnosis, localization, history settings)."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from pathlib import Path


def load_toml(name: str, override: str | Path | None = None) -> dict:
    """A TOML file packaged in netdiag/health, deep-merged with a user's TOML file when given
    (the user's file holds only the keys it changes)."""
    base = tomllib.loads(resources.files("netdiag.health").joinpath(name).read_text())
    if override is None:
        return base
    merged = copy.deepcopy(base)

    def merge(dst: dict, src: dict) -> None:
        for k, v in src.items():
            if isinstance(v, dict) and isinstance(dst.get(k), dict):
                merge(dst[k], v)
            else:
                dst[k] = v

    from netdiag.config import load_user   # checked against the packaged file (docs/configuration.md)

    merge(merged, load_user(override, name))
    return merged
