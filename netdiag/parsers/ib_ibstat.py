"""ibstat (infiniband-diags) and ibstatus: HCA port state, rate and link layer.

ibstat prints one block per CA::

    CA 'mlx5_0'
            CA type: MT4129
            ...
            Port 1:
                    State: Active
                    Physical state: LinkUp
                    Rate: 200
                    ...
                    Link layer: InfiniBand

`ibstat mlx5_0 1` prints ``CA: 'mlx5_0'`` and the port block without indentation. ibstatus (a shell
script over sysfs) prints ``Infiniband device 'mlx5_0' port 1 status:`` blocks with ``state: 4:
ACTIVE``, ``phys state: 5: LinkUp``, ``rate: 200 Gb/sec (4X HDR)``. Ports are named ``<ca>/<port>``
(``mlx5_0/1``, see ib_common); the device is the host the command ran on.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers.ib_common import SPEED_PER_LANE, port_name

_CA = re.compile(r"^\s*CA:?\s+'([^']+)'\s*$")
_PORT = re.compile(r"^\s*Port\s+(\d+):\s*$")
_KV = re.compile(r"^\s*([A-Za-z][A-Za-z _/-]*?)\s*:\s*(.*?)\s*$")
_IBSTATUS = re.compile(r"^\s*Infiniband device\s+'([^']+)'\s+port\s+(\d+)\s+status:\s*$", re.IGNORECASE)
_RATE = re.compile(r"^(\d+(?:\.\d+)?)(?:\s*Gb/sec)?(?:\s*\((\d+)X(?:\s+(\w+))?\))?", re.IGNORECASE)


def _looks_like(text: str) -> bool:
    head = text[:4000]
    if _IBSTATUS.search(head) or re.search(r"(?m)^\s*Infiniband device\s+'", head):
        return True
    return bool(re.search(r"(?m)^\s*CA:?\s+'[^']+'\s*$", head)) and (
        "Physical state:" in head or "CA type:" in head or "Number of ports:" in head)


def _state(v: str) -> str:
    # ibstatus: '4: ACTIVE' ; ibstat: 'Active'
    return v.split(":", 1)[1].strip() if re.match(r"^\d+:", v) else v.strip()


@register("ibstat", tables=("ports",), detect=_looks_like, priority=40,
          description="ibstat / ibstatus: InfiniBand HCA port state, physical state, rate, link layer")
def parse_ibstat(text: str, ctx: Context) -> Tables:
    rows: dict[str, dict] = {}
    ca = None
    cur = None
    seen_header = False
    for ln, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _CA.match(line)
        if m:
            ca, cur, seen_header = m.group(1), None, True
            continue
        m = _IBSTATUS.match(line)
        if m:
            ca, seen_header = m.group(1), True
            name = port_name(ca, m.group(2))
            cur = rows.setdefault(name, {"port": name})
            continue
        m = _PORT.match(line)
        if m and ca is not None:
            name = port_name(ca, m.group(1))
            cur = rows.setdefault(name, {"port": name})
            continue
        m = _KV.match(line)
        if not m or cur is None:
            continue
        key, val = m.group(1).strip().lower(), m.group(2)
        if key == "state":
            st = _state(val).lower()
            if st:
                cur["oper_up"] = st == "active"
        elif key in ("physical state", "phys state"):
            ps = _state(val)
            if ps:
                if ps.lower() != "linkup":
                    cur["oper_up"] = False
                else:
                    cur["_phys_up"] = True
                cur["admin_up"] = ps.lower() != "disabled"  # IB: enabled unless Disabled
        elif key == "rate":
            r = _RATE.match(val.strip())
            if r:
                speed = float(r.group(1))
                width = int(r.group(2)) if r.group(2) else None
                if width:
                    cur["lanes"] = width
                # a port that is not up reports its default/last rate (e.g. 'Rate: 10'): not a speed
                cur["_rate"] = speed
                if r.group(3) and width and r.group(3).upper() in SPEED_PER_LANE:
                    cur["_rate"] = width * SPEED_PER_LANE[r.group(3).upper()]
        # 'Link layer' (InfiniBand / Ethernet) has no canonical column: not stored.
    if not seen_header or not rows:
        raise ParseError("no 'CA' / 'Port N:' blocks: not ibstat output")
    out = []
    for r in rows.values():
        rate = r.pop("_rate", None)
        # 'Initializing' / 'Armed' with physical state LinkUp (no subnet manager yet): the link
        # trained and its rate is real, though the port carries no traffic (oper_up False)
        if rate is not None and (r.pop("_phys_up", False) or r.get("oper_up") is not False):
            r["speed_gbps"] = rate
        r.pop("_phys_up", None)
        out.append(r)
    return {"ports": out}
