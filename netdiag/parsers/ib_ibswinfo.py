"""ibswinfo.sh (unmanaged Mellanox/NVIDIA IB switch info read with MADs via mlxreg/mstflint).

Pipe-delimited ``key | value`` lines between ``====``/``----`` rules: part number, serial, PSID,
GUID, firmware, uptime, per-PSU status / DC power / fan status, temperatures, fan status and rpm.
None of it is per port, so it maps to no canonical port table: each status line (``... status``,
``DC power``) becomes one ``collection`` row ``ibswinfo: <item>`` with ``ok`` = value is ``OK`` and
the value in ``error`` otherwise -- enough to surface a failed fan or PSU. Other values are not kept.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register

_KV = re.compile(r"^(\s*)([^|]*?)\s*\|\s*(.*?)\s*$")


def _looks_like(text: str) -> bool:
    head = text[:4000]
    return bool(re.search(r"(?m)^part number\s*\|", head)) and bool(
        re.search(r"(?m)^(PSID|GUID|firmware version|fan status)\s*\|", head))


@register("ibswinfo", tables=("collection",), detect=_looks_like, priority=50,
          description="ibswinfo.sh: unmanaged IB switch inventory and PSU/fan status (status lines only)")
def parse_ibswinfo(text: str, ctx: Context) -> Tables:
    rows = []
    group = None
    seen = 0
    for ln, line in enumerate(text.splitlines(), 1):
        if not line.strip() or set(line.strip()) <= set("=-"):
            continue
        m = _KV.match(line)
        if not m:
            continue
        seen += 1
        indent, key, val = m.groups()
        if not indent:
            g = re.match(r"^(PSU\d+|FAN\d+)\b", key, re.IGNORECASE)
            group = g.group(1) if g else None
        label = key if (not indent or not group) else f"{group} {key}"
        low = key.lower()
        if not (low.endswith("status") or low == "dc power"):
            continue
        ok = val.strip().upper() == "OK"
        rows.append({"command": f"ibswinfo: {label}", "ok": ok,
                     "error": None if ok else (val.strip() or "no value"), "parser": "ibswinfo"})
    if not seen or not rows:
        raise ParseError("no 'key | value' status lines: not ibswinfo output")
    return {"collection": rows}
