"""lldpd's client output (`lldpctl` / `lldpcli show neighbors`) -> neighbors.

lldpd prints every format from one tree of tags (src/client/display.c): per neighbor an
`interface` tag (attrs name, via, rid, age) holding a `chassis` (id{type}, name, descr, mgmt-ip...,
capability...) and a `port` (id{type}, descr, ttl in lldpd >= 1.0; older releases put ttl in the
chassis), then vlan/ppvid/pi/lldp-med/unknown-tlvs. The writers render that tree as:

* `-f json` (json_writer / jansson / json-c): arrays of one element are collapsed, objects whose
  only key is "value" become the value, and an object with a string "name" is wrapped in a new
  object keyed by that name. So "interface" is a list of one-key dicts (several neighbors) or a
  dict keyed by the interface name (one neighbor), "chassis" is keyed by the system name when
  there is one, mgmt-ip is a string or a list of strings. No neighbors: `{"lldp": {}}`.
* `-f json0`: the same tree without that cleanup: every tag is a list of objects, data is under
  "value", attributes (name, type, via, enabled...) are plain keys. No neighbors: `{"lldp": [{}]}`.
* `-f keyvalue` (kv_writer): `lldp.<iface>.<tag>...=<data>`; a "name" or "type" attribute replaces
  the last key part, hence `lldp.eth0.chassis.mac=...`, `lldp.eth0.port.ifname=...`,
  `lldp.eth0.chassis.Bridge.enabled=on`. Data with newlines continues on lines without a key.
  No neighbors: no output at all (which parse_text reports as empty output).
* text (text_writer, the default): `Interface:    eth0, via: LLDP, RID: 1, Time: 0 day, 12:21:21`
  then indented `ChassisID:    mac 00:..`, `SysName:`, `PortID:       ifname Ethernet0`,
  `PortDescr:`... between lines of dashes; continuation lines of multi-line data are indented
  14+ columns. No neighbors: only the `LLDP neighbors:` header.

Rows: port = the local interface, remote_device = chassis name (SysName), remote_port = port id
value whatever its type (mac, ifname, local...), remote_port_descr = port description,
remote_chassis_id = chassis id value, remote_mgmt_ip = first management address, ttl_s = TTL.
protocol is "lldp" for LLDP (lldpd can also show CDP/EDP/FDP/SONMP neighbors: "cdp", ...).

A valid output with no neighbors yields no rows (not an error).
"""

from __future__ import annotations

import json
import re
from typing import Any

from netdiag.parsers import Context, ParseError, Tables, _json, register

# --- shared ---------------------------------------------------------------------------------------

_VIA = {"lldp": "lldp", "cdpv1": "cdp", "cdpv2": "cdp", "cdp": "cdp", "edp": "edp", "fdp": "fdp",
        "sonmp": "sonmp"}


def _protocol(via: str | None) -> str:
    if not via:
        return "lldp"
    return _VIA.get(via.strip().lower(), via.strip().lower())


def _clean(s: Any) -> str | None:
    if s is None:
        return None
    s = str(s).strip()
    return s or None


def _ttl(s: Any) -> float | None:
    s = _clean(s)
    if s is None:
        return None
    m = re.match(r"^(\d+(?:\.\d+)?)", s)
    return float(m.group(1)) if m else None


def _row(port, via, chassis_id, sysname, port_id, port_descr, mgmt_ip, ttl) -> dict:
    port_id = _clean(port_id)
    port_descr = _clean(port_descr)
    return {
        "port": _clean(port),
        "remote_device": _clean(sysname),
        # the port id as advertised, whatever its subtype (a MAC for Linux lldpd by default);
        # only when a neighbor sends no id at all does the description stand in for it
        "remote_port": port_id if port_id is not None else port_descr,
        "remote_port_descr": port_descr,
        "remote_chassis_id": _clean(chassis_id),
        "protocol": _protocol(via),
        "remote_mgmt_ip": _clean(mgmt_ip),
        "ttl_s": _ttl(ttl),
    }


# --- JSON (json and json0) ------------------------------------------------------------------------

_JSON_START = re.compile(r"^\s*\{\s*\"lldp\"\s*:\s*(?P<open>[\[{])")
_CHASSIS_FIELDS = {"id", "name", "descr", "mgmt-ip", "mgmt-iface", "capability", "ttl"}
_IFACE_FIELDS = {"via", "rid", "age", "chassis", "port", "vlan", "ppvid", "pi", "lldp-med",
                 "unknown-tlvs", "name"}


def _scalar(v: Any) -> Any:
    """json0 wraps data as [{"value": x}]; json gives x. Either -> x (the first one for lists)."""
    for _ in range(8):
        if isinstance(v, list):
            if not v:
                return None
            v = v[0]
        elif isinstance(v, dict):
            if "value" in v:
                v = v["value"]
            else:
                return None
        else:
            break
    if isinstance(v, (list, dict)):
        return None
    if isinstance(v, bool):
        return "yes" if v else "no"
    return v


def _values(v: Any) -> list:
    if v is None:
        return []
    if isinstance(v, list):
        return [x for x in (_scalar(e) for e in v) if x is not None]
    x = _scalar(v)
    return [] if x is None else [x]


def _obj(v: Any) -> dict | None:
    """A tag that holds one object: json gives the object, json0 a list of one."""
    while isinstance(v, list):
        if not v:
            return None
        v = v[0]
    return v if isinstance(v, dict) else None


def _typed(v: Any) -> tuple[Any, Any]:
    """An id tag: {"type": t, "value": v} (json0: in a list); a bare string when typeless."""
    o = _obj(v)
    if o is None:
        return None, _scalar(v)
    return _scalar(o.get("type")), _scalar(o.get("value"))


def _interfaces(lldp: Any):
    """Yield (interface name, neighbor body) for every shape lldpd's JSON writers produce."""
    if isinstance(lldp, list):  # json0: [{"interface": [...]}]
        for part in lldp:
            yield from _interfaces(part)
        return
    if not isinstance(lldp, dict):
        if lldp in (None, ""):
            return
        raise ParseError("'lldp' is neither an object nor a list")
    ifaces = lldp.get("interface")
    if ifaces is None:
        return
    items = ifaces if isinstance(ifaces, list) else [ifaces]
    for it in items:
        if not isinstance(it, dict):
            raise ParseError("an 'interface' entry is not an object")
        if "name" in it and not isinstance(it.get("name"), dict) and (
                "chassis" in it or "port" in it or "via" in it):
            yield _scalar(it["name"]), it           # json0 (or un-cleaned) form
            continue
        if set(it) & {"chassis", "port"} and not any(isinstance(v, dict) and ("chassis" in v or "port" in v)
                                                     for v in it.values()):
            yield None, it                          # body without a name
            continue
        for name, body in it.items():               # {"eth0": {...}} (one or several keys)
            bodies = body if isinstance(body, list) else [body]
            for b in bodies:
                if not isinstance(b, dict):
                    raise ParseError(f"interface {name!r} is not an object")
                yield name, b


def _chassis(v: Any) -> tuple[Any, dict]:
    """(system name, chassis body): json keys the body by the name, json0 has a 'name' field."""
    o = _obj(v)
    if o is None:
        return None, {}
    if len(o) == 1:
        (name, body), = o.items()
        b = _obj(body)
        if b is not None and set(b) & _CHASSIS_FIELDS:  # json: {"spine1": {"id": ..., ...}}
            return name, b
    if set(o) & _CHASSIS_FIELDS:                       # json0, or json without a system name
        return _scalar(o.get("name")), o
    # unexpected: take what we recognise
    return _scalar(o.get("name")), o


def _json_rows(text: str) -> list[dict]:
    m = _JSON_START.search(text)
    start = text.find("{") if m is None else text.find("{", m.start())
    if start < 0:
        raise ParseError("not lldpctl JSON output (no JSON object)", line=1, text=text.lstrip()[:80])
    try:
        doc = _json.raw_decode(text, start)
    except json.JSONDecodeError as e:
        raise ParseError(f"invalid JSON: {e.msg}", line=e.lineno) from None
    if not isinstance(doc, dict) or "lldp" not in doc:
        raise ParseError("not lldpctl neighbors JSON (no top-level 'lldp' key)")
    rows = []
    for name, body in _interfaces(doc["lldp"]):
        if not ({"chassis", "port"} & set(body)):
            raise ParseError(f"interface {name!r} has neither chassis nor port: not a neighbors output "
                             "(lldpcli show statistics/interfaces?)")
        sysname, ch = _chassis(body.get("chassis"))
        _, chassis_id = _typed(ch.get("id"))
        port = _obj(body.get("port")) or {}
        _, port_id = _typed(port.get("id"))
        mgmt = _values(ch.get("mgmt-ip"))
        ttl = _scalar(port.get("ttl")) if port.get("ttl") is not None else _scalar(ch.get("ttl"))
        rows.append(_row(name, _scalar(body.get("via")), chassis_id, sysname, port_id,
                         _scalar(port.get("descr")), mgmt[0] if mgmt else None, ttl))
    return rows


def _looks_like_json(text: str) -> bool:
    return _JSON_START.match(text[:200]) is not None


def _looks_like_json_cleaned(text: str) -> bool:
    m = _JSON_START.match(text[:200])
    return m is not None and m.group("open") == "{"


def _looks_like_json0(text: str) -> bool:
    m = _JSON_START.match(text[:200])
    return m is not None and m.group("open") == "["


@register("lldpctl-json", tables=("neighbors",), detect=_looks_like_json_cleaned, priority=30,
          description="lldpctl -f json / lldpcli -f json show neighbors [details] (lldpd 0.7+); "
                      "also reads the json0 shape")
def parse_lldpctl_json(text: str, ctx: Context) -> Tables:
    return {"neighbors": _json_rows(text)}


@register("lldpctl-json0", tables=("neighbors",), detect=_looks_like_json0, priority=30,
          description="lldpctl -f json0 / lldpcli -f json0 show neighbors (every value in a list "
                      "of {value: ...}); same parser as lldpctl-json")
def parse_lldpctl_json0(text: str, ctx: Context) -> Tables:
    return {"neighbors": _json_rows(text)}


# --- keyvalue -------------------------------------------------------------------------------------

_KV_LINE = re.compile(r"^lldp\.(?P<key>[^=]+)=(?P<val>.*)$")
# fallback when a block does not start with its "via" line (truncated output): the first
# known tag after the interface name
_KV_SPLIT = re.compile(r"^(?P<iface>.+?)\.(?P<rest>(?:via|rid|age)$|(?:chassis|port)\..+$)")
_KV_DETECT = re.compile(r"^lldp\.\S+?\.(?:via|rid|age|chassis\.[^=]+|port\.[^=]+)=", re.MULTILINE)
_CHASSIS_KV = {"name", "descr", "mgmt-ip", "mgmt-ip6", "mgmt-iface", "ttl", "id"}
_PORT_KV = {"descr", "ttl", "mfs", "aggregation", "id"}


def _looks_like_kv(text: str) -> bool:
    return _KV_DETECT.search(text[:4000]) is not None


@register("lldpctl-keyvalue", tables=("neighbors",), detect=_looks_like_kv, priority=30,
          description="lldpctl -f keyvalue / lldpcli -f keyvalue show neighbors: lldp.IFACE.chassis.name=...")
def parse_lldpctl_keyvalue(text: str, ctx: Context) -> Tables:
    rows: list[dict] = []
    cur: dict | None = None
    seen_any = False

    def flush():
        if cur is not None and (cur["chassis"] or cur["port"]):
            ch, pt = cur["chassis"], cur["port"]
            rows.append(_row(cur["iface"], cur["via"], ch.get("id"), ch.get("name"), pt.get("id"),
                             pt.get("descr"), ch.get("mgmt-ip"), pt.get("ttl") or ch.get("ttl")))

    for n, line in enumerate(text.splitlines(), 1):
        m = _KV_LINE.match(line)
        if not m:
            continue  # blank line, or the continuation of a multi-line value (a description)
        key, val = m.group("key"), m.group("val")
        if key.endswith(".via"):  # every neighbor block starts with name + via
            flush()
            cur = {"iface": key[:-4], "via": val, "chassis": {}, "port": {}}
            seen_any = True
            continue
        if cur is not None and key.startswith(cur["iface"] + "."):
            iface, rest = cur["iface"], key[len(cur["iface"]) + 1:]
        else:
            s = _KV_SPLIT.match(key)
            if not s:
                continue
            iface, rest = s.group("iface"), s.group("rest")
            if cur is None or iface != cur["iface"]:
                flush()
                cur = {"iface": iface, "via": None, "chassis": {}, "port": {}}
        seen_any = True
        parts = rest.split(".")
        if len(parts) != 2 or parts[0] not in ("chassis", "port"):
            continue
        sect, field = parts
        store = cur[sect]
        known = _CHASSIS_KV if sect == "chassis" else _PORT_KV
        if field in known:
            store.setdefault(field, val)  # first mgmt-ip wins
        else:
            store.setdefault("id", val)   # chassis.<id type>= / port.<id type>= (mac, ifname, local...)
    flush()
    if not seen_any:
        raise ParseError("no lldp.<interface>.* lines: not lldpctl keyvalue output", line=1,
                         text=text.lstrip().splitlines()[0] if text.strip() else None)
    return {"neighbors": rows}


# --- text -----------------------------------------------------------------------------------------

_TXT_HEADER = re.compile(r"^LLDP neighbors:\s*$", re.MULTILINE)
_TXT_IFACE = re.compile(r"^Interface:\s*(?P<name>[^,]*?)\s*,\s*via:\s*(?P<via>[^,]*?)\s*"
                        r"(?:,\s*RID:\s*(?P<rid>[^,]*?)\s*)?(?:,\s*Time:.*)?$")
_TXT_KEY = re.compile(r"^(?P<ind>[ \t]{1,12})(?P<key>ChassisID|SysName|PortID|PortDescr|TTL|MgmtIP):"
                      r"[ \t]*(?P<val>.*?)\s*$")
_TXT_DETECT = re.compile(r"^(?:LLDP neighbors:\s*$|Interface:\s*\S+, via: )", re.MULTILINE)


def _looks_like_text(text: str) -> bool:
    head = text[:4000]
    return _TXT_DETECT.search(head) is not None and ("ChassisID:" in head or "LLDP neighbors:" in head)


def _split_typed(val: str) -> str | None:
    """'mac 00:01:02:03:04:05' / 'ifname GigabitEthernet 0/2' / 'local Eth1/2' -> the id value."""
    parts = val.split(None, 1)
    if not parts:
        return None
    return parts[1] if len(parts) == 2 else parts[0]


@register("lldpctl-text", tables=("neighbors",), detect=_looks_like_text, priority=40,
          description="lldpctl / lldpcli show neighbors [details|summary] human-readable text "
                      "(also SONiC 'show lldp neighbors')")
def parse_lldpctl_text(text: str, ctx: Context) -> Tables:
    rows: list[dict] = []
    cur: dict | None = None
    header = _TXT_HEADER.search(text) is not None

    def flush():
        if cur is not None and ("ChassisID" in cur or "PortID" in cur or "SysName" in cur):
            rows.append(_row(cur["iface"], cur["via"], cur.get("ChassisID"), cur.get("SysName"),
                             cur.get("PortID"), cur.get("PortDescr"), cur.get("MgmtIP"), cur.get("TTL")))

    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("Interface:"):
            m = _TXT_IFACE.match(line.rstrip())
            if not m:
                raise ParseError("unreadable Interface line", line=n, text=line)
            flush()
            cur = {"iface": m.group("name"), "via": m.group("via")}
            continue
        if cur is None:
            continue
        m = _TXT_KEY.match(line)
        if not m:
            continue  # Capability/VLAN/LLDP-MED lines, separators, continuation lines
        key, val = m.group("key"), m.group("val")
        if key in ("ChassisID", "PortID"):
            val = _split_typed(val)
        if key not in cur and val:
            cur[key] = val  # the first MgmtIP
    flush()
    if not rows and not header:
        raise ParseError("no 'LLDP neighbors:' header and no Interface: blocks: not lldpctl text output",
                         line=1, text=text.lstrip().splitlines()[0] if text.strip() else None)
    return {"neighbors": rows}
