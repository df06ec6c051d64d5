"""JSON decoding for the parsers: orjson when it is installed (the `fast` extra), else the
standard library; the same objects either way.

orjson only takes a whole document and is stricter than `json` (no NaN/Infinity literals, no
leading blanks before a raw_decode): whatever it does not accept goes to the standard decoder, so
that results and error messages are those of `json`. One difference remains: an integer outside
the 64-bit range (below -2**63 or above 2**64-1) comes back from orjson as the float `float(n)`
instead of the int `n`. No device prints such a number (counters are at most u64), and the parsers
using these functions read every number through float() or clip counters to int64 anyway
(_eos_common.num, model.INT64_MAX), so their rows are the same either way.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the installation
    _orjson = None

_DECODER = json.JSONDecoder()
_JSON_SPACE = (" ", "\t", "\n", "\r", "")


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
    if _orjson is not None and text[start:start + 1] not in _JSON_SPACE:  # json rejects leading blanks
        try:
            return _orjson.loads(text[start:] if start else text)
        except _orjson.JSONDecodeError:
            pass  # trailing text, or something only `json` reads (or rejects with its message)
    return _DECODER.raw_decode(text, start)[0]
