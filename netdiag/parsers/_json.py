"""JSON decoding for the parsers: orjson when it is installed (the `fast` extra), else the
standard library; the same objects either way.

orjson only takes a whole document and is stricter than `json` (no NaN/Infinity literals, no
integers beyond 64 bits): whatever it does not accept goes to the standard decoder, so that
results and error messages are exactly those of `json`.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the installation
    _orjson = None

_DECODER = json.JSONDecoder()


def loads(text: str) -> Any:
    """json.loads(text)."""
    if _orjson is not None:
        try:
            return _orjson.loads(text)
        except _orjson.JSONDecodeError:
            pass
    return json.loads(text)


def raw_decode(text: str, start: int = 0) -> Any:
    """The first JSON value of text[start:] (trailing text allowed), as
    json.JSONDecoder().raw_decode gives it; its errors are json's."""
    if _orjson is not None:
        try:
            return _orjson.loads(text[start:] if start else text)
        except _orjson.JSONDecodeError:
            pass  # trailing text, or something only `json` reads (or rejects with its message)
    return _DECODER.raw_decode(text, start)[0]
