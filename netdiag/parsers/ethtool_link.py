"""Plain `ethtool IFACE` (link settings and link state) -> ports.

    Settings for eth0:
            Supported ports: [ FIBRE ]
            ...
            Speed: 100000Mb/s               ('Unknown!' when the link is down or the driver cannot tell)
            Lanes: 4                        (netlink ethtool >= 5.10, when the driver reports it)
            Duplex: Full                    (ignored)
            Auto-negotiation: on
            Port: Direct Attach Copper      (FIBRE, Twisted Pair, Other, None, ... kept as reported)
            Link detected: yes              ('no', or 'no (No cable)' etc. with the extended link state)

Indentation is a tab or spaces depending on the version. Several interfaces may be concatenated: one
row per 'Settings for' block. ``ethtool -I IFACE`` may add ``Link Down Events: N`` (Linux >= 6.4,
u32 in netlink): that goes to counters.link_down_events. Lines ethtool prints on errors ("netlink
error: ...", "Cannot get wake-on-lan settings: ...") are skipped.
"""

from __future__ import annotations

import re

from netdiag import units
from netdiag.parsers import Context, ParseError, Tables, register

_HEAD = re.compile(r"^\s*Settings for (?P<port>\S+?)\s*:\s*$")
_KV = re.compile(r"^\s*(?P<k>[A-Za-z][A-Za-z /()-]*?)\s*:\s*(?P<v>.*?)\s*$")
_KEYS = ("speed", "link detected", "port", "auto-negotiation", "lanes", "duplex", "supported ports",
         "supported link modes", "transceiver")


_LABEL = re.compile(r"[A-Za-z][A-Za-z /()-]*")
#: text before a line's first ':' -> its label lower-cased, or "" when _KV would not match it
_KEY_OF: dict[str, str] = {}


def _key_of(raw: str) -> str:
    k = raw.strip()
    return k.lower() if _LABEL.fullmatch(k) else ""


def _yes_no(v: str) -> bool | None:
    t = v.strip().lower()
    if t.startswith("yes") or t == "on":
        return True
    if t.startswith("no") or t == "off":
        return False
    return None


def _looks_like(text: str) -> bool:
    lines = text[:8000].splitlines()[:60]
    for i, ln in enumerate(lines):
        if _HEAD.match(ln):
            rest = "\n".join(lines[i + 1:]).lower()
            return any(f"{k}:" in rest for k in ("speed", "link detected", "supported ports",
                                                  "supported link modes"))
    return False


@register("ethtool-link", tables=("ports", "counters"), detect=_looks_like, priority=45,
          description="ethtool IFACE: speed, lanes, autoneg, port type and link state")
def parse_ethtool_link(text: str, ctx: Context) -> Tables:
    ports: list[dict] = []
    counters: list[dict] = []
    cur: dict | None = None
    known = 0
    keys = _KEY_OF
    for line in text.splitlines():
        i = line.find(":")
        if i < 0:  # blank lines and link-mode continuation lines: no field (cheap test)
            continue
        raw = line[:i]
        if "Settings for" in raw:
            m = _HEAD.match(line)
            if m:
                cur = {"port": m.group("port")}
                ports.append(cur)
                continue
        # what _KV finds: the label before the first ':' (letters, spaces, '/()-'), lower-cased
        k = keys.get(raw)
        if k is None:
            k = _key_of(raw)
            if len(keys) < 4096:
                keys[raw] = k
        if not k:
            continue  # continuation lines of link-mode lists and message levels
        v = line[i + 1:].strip()
        if k not in ("speed", "link detected", "port", "auto-negotiation", "lanes", "link down events"):
            if k in _KEYS:
                known += 1
            continue
        if cur is None:  # the 'Settings for' line was cut off: the port is the one asked for
            cur = {}
            ports.append(cur)
        known += 1
        if k == "speed":
            try:
                sp = units.speed_to_gbps(v)
            except ValueError:
                sp = None  # e.g. 'Unknown! (65535)' variants
            cur["speed_gbps"] = sp if sp is not None and 0 < sp < 1e6 else None
        elif k == "link detected":
            cur["oper_up"] = _yes_no(v)
        elif k == "auto-negotiation":
            cur["autoneg"] = _yes_no(v)
        elif k == "port":
            pt = v.strip()
            cur["port_type"] = pt if pt and pt.lower() not in units.UNREPORTED else None
        elif k == "lanes":
            cur["lanes"] = int(v) if v.strip().isdigit() else None
        elif k == "link down events":
            if v.strip().isdigit():
                c = {"link_down_events": int(v), "link_down_events_bits": 32}
                if "port" in cur:
                    c["port"] = cur["port"]
                counters.append(c)
    if not ports or not known:
        first = text.strip().splitlines()[0] if text.strip() else None
        raise ParseError("no 'Settings for IFACE:' block with link fields: not plain ethtool output",
                         line=1, text=first)
    out: Tables = {"ports": ports}
    if counters:
        out["counters"] = counters
    return out
