"""Juniper Junos optics DOM: `show interfaces diagnostics optics` as XML (RPC) and as CLI text.

Formats
-------
* ``junos-optics-xml`` — the RPC ``get-interface-optics-diagnostics-information`` (or the CLI
  with ``| display xml``): ``interface-information/physical-interface`` with ``name`` and
  ``optics-diagnostics``; module-wide ``module-temperature`` ("45 degrees C / 113 degrees F"),
  ``module-voltage`` (V), thresholds ``<sensor>-(high|low)-(alarm|warn)-threshold`` (mW with a
  ``-dbm`` twin for power, mA for bias, V, "°C / °F"), flags ``<sensor>-(high|low)-(alarm|warn)``
  on/off. Single-lane modules (SFP) give ``laser-bias-current``, ``laser-output-power`` (mW) and
  ``rx-signal-avg-optical-power`` (mW) directly; multi-lane modules one
  ``optics-diagnostics-lane-values`` per lane (``lane-index`` from 0, ``laser-bias-current``,
  ``laser-output-power``, ``laser-rx-optical-power``, per-lane flags). Namespaces and an
  ``rpc-reply`` wrapper are accepted; DTDs/entities are refused.
* ``junos-optics-text`` — the same command as CLI text: ``Physical interface: xe-0/0/0`` then
  ``Label   :  value`` lines, multi-lane modules with ``Lane N`` sub-blocks (N from 0).

Values: the mW figure is used when printed (``0.7320 mW / -1.35 dBm``); dBm alone is converted;
Junos prints no light as ``0.0000 mW / - Inf dBm`` (or ``-Inf``): 0.0 mW. Lanes are numbered from 1
(lane-index 0 -> lane 1). A flag "on" becomes an alarm ``<sensor>_<level>`` (``rx_power_low_alarm``)
on the lane (bias, Tx, Rx) or module (temperature, voltage); "Rx loss of signal" / "Tx loss of signal
functionality alarm" on/off are the lane's rx_los / tx_los. Laser temperature and other
module-specific sensors are not stored.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from netdiag import units
from netdiag.parsers import Context, ParseError, Tables, register

#: Junos sensor word -> (column, table, threshold sensor, alarm prefix)
_SENS = {
    "bias": ("tx_bias_ma", "lanes", "tx_bias_ma", "tx_bias"),
    "tx": ("tx_power_mw", "lanes", "tx_power_mw", "tx_power"),
    "rx": ("rx_power_mw", "lanes", "rx_power_mw", "rx_power"),
    "temp": ("temperature_c", "modules", "temperature_c", "temperature"),
    "volt": ("voltage_v", "modules", "voltage_v", "voltage"),
}


def _sensor(label: str) -> str | None:
    """A Junos label/tag (without level words) -> sensor key."""
    s = label.lower().replace("-", " ")
    if "laser temperature" in s or "tec" in s.split() or "wavelength" in s or "frequency" in s:
        return None
    if "bias" in s:
        return "bias"
    if "output power" in s or "tx power" in s or "tx optical power" in s:
        return "tx"
    if "receiver" in s or "rx " in s + " " or "rx power" in s or "receive" in s or "rx signal" in s or "optical power" in s:
        return "rx"
    if "module temperature" in s or s.strip() == "temperature":
        return "temp"
    if "voltage" in s:
        return "volt"
    return None


_LEVEL = re.compile(r"\b(high|low)[ -](alarm|warn(?:ing)?)s?\b", re.IGNORECASE)


def _power(text: str) -> float | None:
    """'0.7320 mW / -1.35 dBm', '0.0000 mW / - Inf dBm', '- Inf', '-1.35' (dBm) -> mW."""
    t = text.strip()
    t = re.sub(r"-\s+inf", "-inf", t, flags=re.IGNORECASE)
    if not t:
        return None
    parts = [p.strip() for p in t.split("/")]
    for p in parts:
        if p.lower().endswith("mw"):
            return units.power_to_mw(p)
    p = parts[0]
    if p.lower().endswith("dbm"):
        return units.power_to_mw(p)
    return units.power_to_mw(p, default_unit="dbm")


def _value(sensor: str, text: str, mw_default: bool) -> float | None:
    t = text.strip()
    if sensor in ("tx", "rx"):
        if mw_default and "dbm" not in t.lower() and "inf" not in t.lower():
            return units.power_to_mw(t, default_unit="mw")
        return _power(t)
    if sensor == "temp":
        return units.temperature_to_c(" ".join(t.split()))
    if sensor == "volt":
        return units.voltage_to_v(t)
    return units.current_to_ma(t)


class _Acc:
    """One physical interface being read: module row, lanes, thresholds."""

    def __init__(self, port: str):
        self.mod: dict = {"port": port}
        self.lanes: dict[int, dict] = {}
        self.dom = False

    def lane(self, n: int) -> dict:
        return self.lanes.setdefault(n, {"port": self.mod["port"], "lane": n})

    def reading(self, sensor: str, value: float | None, lane: int | None):
        if value is None:
            return
        col, table, _t, _p = _SENS[sensor]
        self.dom = True
        if table == "modules":
            self.mod[col] = value
        else:
            self.lane(lane or 1)[col] = value

    def threshold(self, sensor: str, level: str, value: float | None):
        if value is None:
            return
        col = _SENS[sensor][2]
        self.mod.setdefault(f"{col}_{level}", value)

    def flag(self, sensor: str, level: str, on: bool, lane: int | None):
        if not on:
            return
        _c, table, _t, prefix = _SENS[sensor]
        name = f"{prefix}_{level}"
        if table == "modules":
            self.mod.setdefault("alarms", []).append(name)
        else:
            self.lane(lane or 1).setdefault("alarms", []).append(name)

    def rows(self) -> tuple[dict, list[dict]]:
        if self.dom:
            self.mod["present"] = True
            self.mod["dom_supported"] = True
        lanes = [self.lanes[n] for n in sorted(self.lanes)
                 if any(self.lanes[n].get(c) is not None for c in ("tx_power_mw", "rx_power_mw", "tx_bias_ma"))
                 or self.lanes[n].get("alarms")]
        return self.mod, lanes


def _level(m: re.Match) -> str:
    return f"{m.group(1).lower()}_{'alarm' if m.group(2).lower().startswith('alarm') else 'warn'}"


def _item(acc: _Acc, label: str, val: str, lane: int | None, xml: bool):
    """One label (tag or CLI text) with its value."""
    lab = label.strip()
    low = lab.lower().replace("-", " ")
    if low.endswith(" dbm") and xml:
        return  # the mW twin is read instead (the dBm one only when no mW is given: see caller)
    if "loss of signal" in low:
        v = val.strip().lower()
        if v in ("on", "off"):
            col = "rx_los" if low.startswith(("rx", "laser rx")) else "tx_los" if low.startswith("tx") else None
            if col:
                acc.lane(lane or 1)[col] = v == "on"
        return
    sensor = _sensor(_LEVEL.sub("", low))
    if sensor is None or (not _LEVEL.search(low) and val.strip().lower() in ("on", "off")):
        return
    lm = _LEVEL.search(low)
    if lm and "threshold" in low:
        acc.threshold(sensor, _level(lm), _value(sensor, val, xml))
    elif lm:
        v = val.strip().lower()
        if v in ("on", "off"):
            acc.flag(sensor, _level(lm), v == "on", lane)
    else:
        acc.reading(sensor, _value(sensor, val, xml), lane)


# --- XML -------------------------------------------------------------------------------------------

def _looks_xml(text: str) -> bool:
    head = text[:20000]
    return "<optics-diagnostics" in head and "<physical-interface" in head


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _items_xml(acc: _Acc, elem, lane: int | None):
    kids = list(elem)
    names = {_local(k.tag) for k in kids}
    for k in kids:
        tag = _local(k.tag)
        if tag == "optics-diagnostics-lane-values":
            idx = next((c.text for c in k if _local(c.tag) == "lane-index"), None)
            try:
                n = int((idx or "").strip()) + 1
            except ValueError:
                raise ParseError(f"{acc.mod['port']}: lane-index {idx!r} is not a number") from None
            _items_xml(acc, k, n)
            continue
        if len(k):
            continue
        val = (k.text or "").strip()
        if not val or tag == "lane-index":
            continue
        if tag.endswith("-dbm") and tag[:-4] in names:
            continue
        if tag.endswith("-dbm"):
            # only a dBm figure given: read it as dBm
            base = tag[:-4]
            sensor = _sensor(_LEVEL.sub("", base.replace("-", " ")))
            if sensor in ("tx", "rx"):
                lm = _LEVEL.search(base.replace("-", " "))
                v = _power(val if "dbm" in val.lower() else val + " dBm")
                if lm and "threshold" in base:
                    acc.threshold(sensor, _level(lm), v)
                elif not lm:
                    acc.reading(sensor, v, lane)
            continue
        try:
            _item(acc, tag, val, lane, True)
        except ValueError as e:
            raise ParseError(f"{acc.mod['port']}: unreadable <{tag}>: {e}") from None


@register("junos-optics-xml", tables=("modules", "lanes"), detect=_looks_xml, priority=38,
          description="Junos: get-interface-optics-diagnostics-information RPC / "
                      "show interfaces diagnostics optics | display xml")
def parse_junos_optics_xml(text: str, ctx: Context) -> Tables:
    head = text[:4000]
    if "<!DOCTYPE" in head or "<!ENTITY" in text:
        raise ParseError("XML with a DTD or entity declarations is refused")
    s = text.strip()
    i = s.find("<")
    if i < 0:
        raise ParseError("not XML", line=1)
    s = re.sub(r"^<\?xml[^>]*\?>\s*", "", s[i:])
    tag = re.match(r"<([\w:.-]+)", s)
    if tag:  # a CLI capture may end with the prompt or '{master:0}' after the document
        end = s.rfind(f"</{tag.group(1)}>")
        if end >= 0:
            s = s[:end + len(tag.group(1)) + 3]
    try:
        root = ET.fromstring(s)
    except ET.ParseError as e:
        raise ParseError(f"Junos optics XML: invalid or truncated XML: {e}",
                         line=getattr(e, "position", (None,))[0]) from None
    modules, lanes = [], []
    nphys = 0
    for phys in root.iter():
        if _local(phys.tag) != "physical-interface":
            continue
        nphys += 1
        name = next((c.text for c in phys if _local(c.tag) == "name"), None)
        if not name or not name.strip():
            continue
        acc = _Acc(name.strip())
        for od in phys:
            if _local(od.tag) == "optics-diagnostics":
                _items_xml(acc, od, None)
        m, ls = acc.rows()
        modules.append(m)
        lanes.extend(ls)
    if nphys == 0:
        raise ParseError("no <physical-interface> element: not Junos optics diagnostics XML")
    return {"modules": modules, "lanes": lanes}


# --- CLI text ---------------------------------------------------------------------------------------

_PHYS = re.compile(r"^\s*Physical interface:\s*(\S+?),?\s*(?:\s.*)?$")
_LANE = re.compile(r"^\s*Lane\s+(\d+)\s*$")
_KV = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 ()/_.-]*?)\s*:\s*(.*?)\s*$")


def _looks_text(text: str) -> bool:
    head = text[:6000]
    return re.search(r"(?m)^\s*Physical interface:\s*\S+", head) is not None and (
        "Laser bias current" in head or "Module temperature" in head or "Laser output power" in head
        or "Receiver signal average optical power" in head or "Laser receiver power" in head)


@register("junos-optics-text", tables=("modules", "lanes"), detect=_looks_text, priority=38,
          description="Junos: show interfaces diagnostics optics (CLI text, per lane)")
def parse_junos_optics_text(text: str, ctx: Context) -> Tables:
    modules, lanes = [], []
    acc: _Acc | None = None
    lane: int | None = None
    items = 0

    def finish():
        if acc is not None:
            m, ls = acc.rows()
            modules.append(m)
            lanes.extend(ls)

    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _PHYS.match(line)
        if m:
            finish()
            acc, lane = _Acc(m.group(1)), None
            continue
        if acc is None:
            continue
        m = _LANE.match(line)
        if m:
            lane = int(m.group(1)) + 1
            continue
        m = _KV.match(line)
        if not m:
            continue
        label, val = m.group(1), m.group(2)
        if not val:
            continue
        try:
            _item(acc, label, val, lane, False)
        except ValueError as e:
            raise ParseError(f"{acc.mod['port']}: unreadable value for {label.strip()!r}: {e}",
                             line=i, text=line.strip()) from None
        items += 1
    finish()
    if not modules:
        raise ParseError("no 'Physical interface:' block: not Junos show interfaces diagnostics optics", line=1)
    return {"modules": modules, "lanes": lanes}
