"""Arista EOS `show interfaces phy detail | json` (revision 2) -> counters (FEC codewords, pre-FEC BER).

Shape (ANTA's VerifyInterfacesBER reads revision 2)::

    {"interfacePhyStatuses": {"Ethernet1/1": {
        "phyStatuses": [                                   # one entry per PHY chip/side on the path
            {"description": {"phyChipName": "BCM88690-TSCBH", "location": "line"},
             "fec": {"correctedCodewords": {"value": 3, "changes": .., "lastChange": ..},
                     "uncorrectedCodewords": {"value": 0, ...}, "hiSer": {...}?, "laneMap"?: {..}},
             "preFecBer": {"value": 2.5e-2}, "phyState": {"value": "linkUp", ...}, ...},
            {"description": {"phyChipName": "CRT50216"}, "chip": {...}},          # no data
            {"description": {"phyChipName": "CRT50216", "location": "system"}, "fec": .., "preFecBer": ..},
            {"description": {"phyChipName": "CRT50216", "location": "line"}, "fec": .., "preFecBer": ..}],
        "interfaceState": {}, "transceiver": {}, "macFaults": {}}}}

Which PHY (documented decision): the list runs from the switch ASIC towards the front panel
(ASIC serdes, then an external retimer/gearbox with its "system" side facing the ASIC and its
"line" side facing the module). The cable/optics health is what the PHY closest to the module
sees, so the counters come from the LAST entry whose location is "line" and that reports FEC
codewords or a pre-FEC BER. If no line-side entry has data, the last entry with data is used
(single-chip platforms may not say "location"). Entries are never summed: the ASIC's line side and
the retimer's line side count different hops of the same link.

Columns: fec_corrected_cw = fec.correctedCodewords.value, fec_uncorrectable_cw =
fec.uncorrectedCodewords.value, raw_ber = preFecBer.value (a plain float; it is the BER the device
itself computes). Values are cumulative counters as EOS keeps them.
"""

from __future__ import annotations

from typing import Any

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers._eos_common import count, finite, load_json


def _data(ps: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    fec = ps.get("fec")
    if isinstance(fec, dict):
        c = count(fec.get("correctedCodewords"))
        u = count(fec.get("uncorrectedCodewords"))
        if c is not None:
            out["fec_corrected_cw"] = c
        if u is not None:
            out["fec_uncorrectable_cw"] = u
    ber = ps.get("preFecBer")
    if isinstance(ber, dict):
        ber = ber.get("value")
    b = finite(ber)
    if b is not None and b >= 0:
        out["raw_ber"] = b
    return out


def _location(ps: dict) -> str | None:
    d = ps.get("description")
    if isinstance(d, dict) and isinstance(d.get("location"), str):
        return d["location"].strip().lower()
    return None


@register("eos-phy-detail-json", tables=("counters",),
          detect=lambda t: '"interfacePhyStatuses"' in t[:5000], priority=40,
          description="Arista EOS: show interfaces phy detail | json (rev 2): FEC codewords, pre-FEC BER")
def parse_eos_phy_detail_json(text: str, ctx: Context) -> Tables:
    doc = load_json(text, "interfacePhyStatuses", "EOS show interfaces phy detail")
    intfs = doc.get("interfacePhyStatuses")
    if not isinstance(intfs, dict):
        raise ParseError("EOS show interfaces phy detail: 'interfacePhyStatuses' is not an object")
    rows = []
    for name, e in intfs.items():
        if not isinstance(name, str) or not isinstance(e, dict):
            continue
        phys = e.get("phyStatuses")
        if not isinstance(phys, list):
            continue
        chosen: dict[str, Any] | None = None
        fallback: dict[str, Any] | None = None
        for ps in phys:
            if not isinstance(ps, dict):
                continue
            d = _data(ps)
            if not d:
                continue
            fallback = d
            if _location(ps) == "line":
                chosen = d
        pick = chosen if chosen is not None else fallback
        if pick:
            rows.append({"port": name, **pick})
    return {"counters": rows}
