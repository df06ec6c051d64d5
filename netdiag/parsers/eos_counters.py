"""Arista EOS `show interfaces counters errors | json` -> counters.

Shape: ``{"interfaceErrorCounters": {"Ethernet1": {"inErrors", "outErrors", "fcsErrors",
"alignmentErrors", "symbolErrors", "frameTooLongs", "frameTooShorts"}}}`` (cumulative since the
last `clear counters`). Mapping: rx_crc_errors = fcsErrors, symbol_errors = symbolErrors,
rx_errors = inErrors, tx_errors = outErrors. Alignment errors and runts/giants have no canonical
column and are not kept. Missing or non-numeric values are None (not 0).
"""

from __future__ import annotations

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers._eos_common import count, load_json

_MAP = (("fcsErrors", "rx_crc_errors"), ("symbolErrors", "symbol_errors"),
        ("inErrors", "rx_errors"), ("outErrors", "tx_errors"))


@register("eos-counters-errors-json", tables=("counters",),
          detect=lambda t: '"interfaceErrorCounters"' in t[:5000], priority=40,
          description="Arista EOS: show interfaces counters errors | json (FCS, symbol, in/out errors)")
def parse_eos_counters_errors_json(text: str, ctx: Context) -> Tables:
    doc = load_json(text, "interfaceErrorCounters", "EOS show interfaces counters errors")
    intfs = doc.get("interfaceErrorCounters")
    if not isinstance(intfs, dict):
        raise ParseError("EOS show interfaces counters errors: 'interfaceErrorCounters' is not an object")
    rows = []
    for name, e in intfs.items():
        if not isinstance(name, str) or not isinstance(e, dict):
            continue
        row = {"port": name}
        for key, col in _MAP:
            if key in e:
                row[col] = count(e.get(key))
        if len(row) > 1:
            rows.append(row)
    return {"counters": rows}
