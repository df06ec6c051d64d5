"""Linux kernel link state and interface counters: `ip -j [-s [-s]] [-d] link show` and sysfs.

ip-link-json: one object per interface (iproute2 ip/ipaddress.c). Fields used:
  ifname, flags (admin UP, LOWER_UP), operstate, mtu, address, carrier_changes,
  stats64 | stats | stats644 -> {rx: {bytes, packets, errors, dropped, crc_errors...}, tx: {...}}.
Variants: iproute2 4.14 named the 64-bit block "stats644" (typo, fixed later); kernels without
IFLA_STATS64 give "stats" (32-bit counters, so *_bits = 32); "crc_errors" and "carrier_changes"
(inside "tx") only with -s -s; some builds/tools put "carrier_changes" at the top level; `ip -j -br
link` has no stats and no mtu. Every interface is kept (loopback too): downstream decides.
oper_up: operstate UP -> True; DOWN/LOWERLAYERDOWN/NOTPRESENT/DORMANT/TESTING -> False; UNKNOWN or
absent (loopback, tun, some virtual NICs) -> the LOWER_UP flag when flags are printed.

sysfs-net: `grep -H . /sys/class/net/*/{operstate,carrier,carrier_changes,mtu,speed,address}` lines
'/sys/class/net/eth0/carrier_changes:3' (also 'path: value', `head` '==> path <==' blocks and
statistics/rx_bytes etc.). speed -1 or unreadable ('grep: ...: Invalid argument') -> None;
carrier 1 -> oper_up True, 0 -> False (carrier is the kernel's link-up; operstate is used only
when carrier is not readable); flags (hex) -> admin_up.
"""

from __future__ import annotations

import json
import re

from netdiag import units
from netdiag.parsers import Context, ParseError, Tables, _json, register

_DOWN_STATES = {"DOWN", "LOWERLAYERDOWN", "NOTPRESENT", "DORMANT", "TESTING"}

# (json section, key) -> canonical counter
_RX = {"bytes": "rx_bytes", "packets": "rx_packets", "errors": "rx_errors", "dropped": "rx_discards",
       "crc_errors": "rx_crc_errors"}
_TX = {"bytes": "tx_bytes", "packets": "tx_packets", "errors": "tx_errors", "dropped": "tx_discards"}


def _int(v) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v if v >= 0 else None
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


def _oper(operstate, flags) -> bool | None:
    st = operstate.upper() if isinstance(operstate, str) else None
    if st == "UP":
        return True
    if st in _DOWN_STATES:
        return False
    if isinstance(flags, list):
        return "LOWER_UP" in flags
    return None


def _load_json(text: str):
    try:
        return _json.loads(text)
    except RecursionError:
        raise ParseError("JSON nested too deeply") from None
    except ValueError:
        pass
    # `ip -j` of some versions prints one array per netlink dump; tolerate concatenated arrays
    dec = json.JSONDecoder()
    out, i, s = [], 0, text.strip()
    while i < len(s):
        try:
            obj, j = dec.raw_decode(s, i)
        except RecursionError:
            raise ParseError("JSON nested too deeply") from None
        except ValueError as e:
            raise ParseError(f"invalid JSON: {e}") from None
        out.extend(obj if isinstance(obj, list) else [obj])
        i = j
        while i < len(s) and s[i].isspace():
            i += 1
    return out


def _json_looks_like(text: str) -> bool:
    head = text[:3000].lstrip()
    return head.startswith("[") and '"ifname"' in head and ('"operstate"' in head or '"flags"' in head) \
        and '"config"' not in head


@register("ip-link-json", tables=("ports", "counters"), detect=_json_looks_like, priority=45,
          description="ip -j [-s -s] [-d] link show: admin/oper state, MTU, MAC, carrier changes, "
                      "kernel interface counters")
def parse_ip_link_json(text: str, ctx: Context) -> Tables:
    data = _load_json(text.strip())
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ParseError("ip -j link: expected a JSON list of interfaces")
    ports, counters = [], []
    for ent in data:
        if not isinstance(ent, dict):
            continue
        name = ent.get("ifname")
        if not isinstance(name, str) or not name:
            continue
        flags = ent.get("flags") if isinstance(ent.get("flags"), list) else None
        row = {"port": name, "oper_up": _oper(ent.get("operstate"), flags)}
        if flags is not None:
            row["admin_up"] = "UP" in flags
        if _int(ent.get("mtu")) is not None:
            row["mtu"] = _int(ent.get("mtu"))
        if isinstance(ent.get("address"), str) and ent["address"]:
            row["mac"] = ent["address"]
        cc = _int(ent.get("carrier_changes"))
        stats, bits = None, None
        for key, b in (("stats64", 64), ("stats644", 64), ("stats", 32)):
            if isinstance(ent.get(key), dict):
                stats, bits = ent[key], b
                break
        crow: dict = {"port": name}
        if stats is not None:
            for sect, mapping in (("rx", _RX), ("tx", _TX)):
                d = stats.get(sect)
                if not isinstance(d, dict):
                    continue
                for k, col in mapping.items():
                    v = _int(d.get(k))
                    if v is not None:
                        crow[col] = v
                        crow[f"{col}_bits"] = bits
                if cc is None and sect == "tx":
                    cc = _int(d.get("carrier_changes"))
        if cc is not None:
            row["carrier_changes"] = cc
        ports.append(row)
        if len(crow) > 1:
            counters.append(crow)
    if not ports:
        raise ParseError("JSON holds no interface object with an 'ifname': not ip -j link output")
    out: Tables = {"ports": ports}
    if counters:
        out["counters"] = counters
    return out


# --- sysfs ----------------------------------------------------------------------------------------

_SYS = re.compile(r"^(?:\S*/)?net/(?P<port>[^/\s:]+)/(?P<attr>(?:statistics/)?[a-z_]+)\s*:\s?(?P<v>.*?)\s*$")
_SYS_ERR = re.compile(r"^(?:grep|cat|head): (?:\S*/)?net/(?P<port>[^/\s:]+)/(?P<attr>(?:statistics/)?[a-z_]+):")
_HEAD_BLOCK = re.compile(r"^==> (?:\S*/)?net/(?P<port>[^/\s:]+)/(?P<attr>(?:statistics/)?[a-z_]+) <==\s*$")
_SYS_STATS = {"rx_bytes": "rx_bytes", "tx_bytes": "tx_bytes", "rx_packets": "rx_packets",
              "tx_packets": "tx_packets", "rx_errors": "rx_errors", "tx_errors": "tx_errors",
              "rx_dropped": "rx_discards", "tx_dropped": "tx_discards", "rx_crc_errors": "rx_crc_errors"}
_SYS_ATTRS = {"operstate", "carrier", "carrier_changes", "mtu", "speed", "address", "flags"}


def _sys_looks_like(text: str) -> bool:
    n = bad = 0
    for ln in text[:8000].splitlines()[:80]:
        if not ln.strip():
            continue
        if _SYS.match(ln) or _SYS_ERR.match(ln) or _HEAD_BLOCK.match(ln):
            n += 1
        else:
            bad += 1
    return n >= 1 and "/net/" in text[:8000] and n >= 2 * bad


def _sys_value(port_rows: dict, counter_rows: dict, port: str, attr: str, v: str | None) -> bool:
    """Store one attribute; True when the attribute is one we read."""
    p = port_rows.setdefault(port, {"port": port})
    if attr.startswith("statistics/"):
        col = _SYS_STATS.get(attr.split("/", 1)[1])
        if col is None:
            return False
        if v is not None and v.isdigit():
            c = counter_rows.setdefault(port, {"port": port})
            c[col] = int(v)
        return True
    if attr not in _SYS_ATTRS:
        return False
    if v is None:
        return True  # unreadable (e.g. speed/carrier of a down link): unknown
    t = v.strip()
    if attr == "operstate":
        st = t.upper()
        p["_oper"] = True if st == "UP" else (False if st in _DOWN_STATES else None)
    elif attr == "carrier":
        if t in ("0", "1"):
            p["oper_up"] = t == "1"
    elif attr == "carrier_changes":
        if t.isdigit():
            p["carrier_changes"] = int(t)
    elif attr == "mtu":
        if t.isdigit():
            p["mtu"] = int(t)
    elif attr == "speed":
        # sysfs speed is Mb/s; -1 (SPEED_UNKNOWN) and 4294967295 mean unknown
        if t.isdigit() and 0 < int(t) < 4294967295:
            p["speed_gbps"] = units.speed_to_gbps(t)
    elif attr == "address":
        if t:
            p["mac"] = t
    elif attr == "flags":
        try:
            p["admin_up"] = bool(int(t, 16) & 0x1)  # IFF_UP
        except ValueError:
            pass
    return True


@register("sysfs-net", tables=("ports", "counters"), detect=_sys_looks_like, priority=45,
          description="grep -H . /sys/class/net/*/{operstate,carrier,carrier_changes,mtu,speed,address}")
def parse_sysfs_net(text: str, ctx: Context) -> Tables:
    ports: dict[str, dict] = {}
    counters: dict[str, dict] = {}
    used = 0
    pending: tuple[str, str] | None = None  # `head` block header waiting for its value line
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _HEAD_BLOCK.match(line)
        if m:
            pending = (m.group("port"), m.group("attr"))
            continue
        m = _SYS_ERR.match(line)
        if m:
            pending = None
            used += _sys_value(ports, counters, m.group("port"), m.group("attr"), None)
            continue
        m = _SYS.match(line)
        if m:
            pending = None
            used += _sys_value(ports, counters, m.group("port"), m.group("attr"), m.group("v"))
            continue
        if pending is not None:
            used += _sys_value(ports, counters, pending[0], pending[1], line.strip())
            pending = None
    if not used:
        first = text.strip().splitlines()[0] if text.strip() else None
        raise ParseError("no /sys/class/net/IFACE/ATTR:value lines: not sysfs net output", line=1, text=first)
    rows = []
    for p in ports.values():
        oper = p.pop("_oper", None)
        if p.get("oper_up") is None and oper is not None:
            p["oper_up"] = oper
        rows.append(p)
    out: Tables = {"ports": rows}
    if counters:
        out["counters"] = list(counters.values())
    return out
