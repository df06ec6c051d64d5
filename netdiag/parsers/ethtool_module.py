"""`ethtool -m IFACE` (module EEPROM + DOM) in text and `ethtool --json -m IFACE` form.

Text output is printed by ethtool's sfpid.c/sfpdiag.c (SFF-8079/8472: SFP, SFP+, SFP28),
qsfp.c (SFF-8436/8636: QSFP+, QSFP28) and cmis.c / the 2020 "qsfp-dd.c" decoder (CMIS:
QSFP-DD, OSFP, QSFP112), all through ``printf("\\t%-41s : %s\\n", label, value)``: one
``Label   : value`` pair a line, tab- or space-indented. Variants handled (from the ethtool
sources and posted outputs):

* per-lane labels ``(Channel N)`` and ``(Chan N)``, with or without a space before ``(``
  (``Rcvr signal avg optical power(Channel 1)`` in qsfp.c), 1- or 2-digit lane numbers;
* readings ``0.5268 mW / -2.78 dBm``, ``0.0000 mW / -inf dBm``, ``33.76 degrees C / 92.77
  degrees F``, ``3.2505 V``, ``42.068 mA``, ``N/A`` / ``not supported`` (-> None);
* flags ``... high alarm : On|Off`` (module level, per lane, or single-lane for SFF-8472),
  thresholds ``... high alarm threshold : value``;
* lane status lines of ethtool >= 6.5 (``Rx loss of signal : None`` or
  ``[ Yes, No, ... ]``; also Tx loss of signal, Rx/Tx loss of lock, Tx fault, Tx adaptive eq
  fault) and ``Module State`` / ``Module state : 0x03 (ModuleReady)``;
* shell prompt lines (``# ethtool -m swp11 | grep ...``, ``$ ...``) in pasted or grep'ed
  fragments: they separate blocks; a prompt naming ``ethtool -m PORT`` switches to that port's
  module, and within one port a later block overrides an earlier one (the last block wins).

JSON (ethtool >= 6.14 ``--json``): one object per module with snake_case keys; the same key can
appear twice (``module_temperature`` is both the reading and the thresholds object), so pairs
are read in order instead of through a dict. Readings are in mW / mA / degrees C / V.
"""

from __future__ import annotations

import json
import math
import operator
import re
from typing import Any

from netdiag import units
from netdiag.model import THRESHOLD_COLUMNS
from netdiag.parsers import Context, ParseError, Tables, register

# --- shared vocabulary ----------------------------------------------------------------------------

#: SFF-8024 identifier byte -> canonical form-factor name (docs/tables.md `identifier`)
_ID_BY_CODE = {
    0x01: "GBIC", 0x02: "SOLDERED", 0x03: "SFP", 0x04: "300-PIN-XBI", 0x05: "XENPAK",
    0x06: "XFP", 0x07: "XFF", 0x08: "XFP-E", 0x09: "XPAK", 0x0A: "X2", 0x0B: "DWDM-SFP",
    0x0C: "QSFP", 0x0D: "QSFP+", 0x0E: "CXP", 0x0F: "HD4X", 0x10: "HD8X", 0x11: "QSFP28",
    0x12: "CXP2", 0x13: "CDFP", 0x14: "HD4X", 0x15: "HD8X", 0x16: "CDFP", 0x17: "microQSFP",
    0x18: "QSFP-DD", 0x19: "OSFP", 0x1A: "SFP-DD", 0x1B: "DSFP", 0x1C: "MiniLink",
    0x1D: "MiniLink",
    # 0x1E "QSFP+ or later with CMIS": in practice QSFP112 (400G) and CMIS QSFP56 modules.
    0x1E: "QSFP112",
    0x1F: "SFP-DD", 0x20: "SFP",
}
#: description keywords when there is no hex code (most specific first)
_ID_BY_TEXT = (
    ("qsfp-dd", "QSFP-DD"), ("osfp", "OSFP"), ("qsfp28", "QSFP28"), ("qsfp112", "QSFP112"),
    ("qsfp56", "QSFP56"), ("qsfp+ or later", "QSFP112"), ("qsfp+", "QSFP+"), ("microqsfp", "microQSFP"),
    ("qsfp", "QSFP"), ("sfp-dd", "SFP-DD"), ("dwdm-sfp", "DWDM-SFP"), ("dsfp", "DSFP"),
    ("sfp", "SFP"), ("xfp", "XFP"), ("gbic", "GBIC"), ("cxp", "CXP"),
)
_SINGLE_LANE_IDS = {"SFP", "DWDM-SFP", "GBIC", "XFP"}
#: an optical PMD named in "Transceiver type" (SFF-8024 compliance codes): 100GBASE-DR, 100G Base-LR4,
#: 100G CWDM4 MSA, 100GBASE-FR1 ... The trailing count is the optical lanes; none is one lane.
_PMD = re.compile(r"\b(\d+)G ?(?:BASE)?[- ]?(SR|DR|FR|LR|ER|ZR|CWDM|PSM|SWDM)(\d*)\b", re.IGNORECASE)


def _pmd_lanes(ttypes) -> int | None:
    """Optical lanes of the PMDs a module's "Transceiver type" lines name (the most any of them
    uses), None when they name none: a QSFP28 100GBASE-DR or -FR1 module lights one lane of the
    four its DOM prints (SFF-8636 reports four channels whatever the module uses)."""
    best = None
    for t in ttypes or ():
        for m in _PMD.finditer(t):
            if int(m.group(1)) < 40:   # '100G Base-LR4 or 25GBase-LR': the 25G name is one breakout lane
                continue
            n = int(m.group(3)) if m.group(3) else 1
            best = n if best is None else max(best, n)
    return best
_QUAD_IDS = {"QSFP", "QSFP+", "QSFP28"}  # SFF-8436/8636: 4 lanes

_SENSOR_SHORT = {"tx_bias_ma": "tx_bias", "tx_power_mw": "tx_power", "rx_power_mw": "rx_power",
                 "temperature_c": "temperature", "voltage_v": "voltage"}
_MODULE_SENSORS = ("temperature_c", "voltage_v")

_STATUS_FIELDS = {
    "rx loss of signal": "rx_los", "tx loss of signal": "tx_los",
    "rx loss of lock": "rx_lol", "tx loss of lock": "tx_lol",
    "tx fault": "tx_fault", "tx adaptive eq fault": "tx_adaptive_eq_fault",
}
_STATUS_COLUMNS = {"rx_los", "tx_los", "rx_lol", "tx_lol", "tx_fault"}

_TRUE = {"on", "yes", "true", "1", "asserted"}
_FALSE = {"off", "no", "false", "0", "none", "deasserted"}

_OPTICAL_CONNECTORS = ("lc", "mpo", "sc", "mu", "cs optical", "mxc", "fibrejack", "optical pigtail",
                       "mt-rj", "sg", "fc")
_OPTICAL_TECH = re.compile(r"vcsel|dfb|eml|\bfp\b|\d{3,4}\s*nm|laser", re.I)


def _sensor_of(label: str) -> str | None:
    """Which DOM sensor a (lower-case, single-spaced) label or JSON key talks about."""
    s = label.replace("_", " ")
    if "bias" in s:
        return "tx_bias_ma"
    if "temperature" in s:
        return "temperature_c"
    if "voltage" in s or "vcc" in s:
        return "voltage_v"
    if "rx power" in s or "receiv" in s or "rcvr" in s or "rx optical" in s:
        return "rx_power_mw"
    if "output power" in s or "tx power" in s or "transmit" in s or "tx optical" in s:
        return "tx_power_mw"
    return None


def _level_of(label: str) -> str | None:
    s = label.replace("_", " ")
    hi = re.search(r"\bhigh\b", s)
    lo = re.search(r"\blow\b", s)
    if bool(hi) == bool(lo):
        return None
    if "alarm" in s:
        kind = "alarm"
    elif "warn" in s:
        kind = "warn"
    else:
        return None
    return f"{'high' if hi else 'low'}_{kind}"


def _alarm_name(sensor: str, level: str) -> str:
    return f"{_SENSOR_SHORT[sensor]}_{level}"


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str):
        t = value.strip().lower()
        if t in _TRUE:
            return True
        if t in _FALSE:
            return False
    return None


def _reading(sensor: str, text: str, *, is_threshold: bool = False) -> float | None:
    """A printed value -> canonical unit. Readings at/below the no-light floor are 0.0 mW."""
    try:
        if sensor in ("tx_power_mw", "rx_power_mw"):
            mw = units.power_to_mw(text)
            if mw is not None and not is_threshold and 0.0 < mw and \
                    units.mw_to_dbm(mw) <= units.NO_LIGHT_DBM + 1e-9:
                mw = 0.0  # 0.0001 mW / -40.00 dBm is the floor of the scale: no light
            return mw
        if sensor == "tx_bias_ma":
            return units.current_to_ma(text)
        if sensor == "temperature_c":
            return units.temperature_to_c(text)
        if sensor == "voltage_v":
            return units.voltage_to_v(text)
    except (ValueError, ArithmeticError, IndexError):
        return None
    return None


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    return None


#: the four thresholds of each sensor
_THRESHOLD_GROUPS = tuple([f"{sensor}_{lv}" for lv in ("high_alarm", "high_warn", "low_warn", "low_alarm")]
                          for sensor in _SENSOR_SHORT)
#: (transceiver types, technology, connector, active/passive cu flags, a wavelength) -> media
_MEDIA: dict[tuple, str] = {}


class _Module:
    """What one module's output said, accumulated line by line (later lines override)."""

    def __init__(self) -> None:
        self.id_code: int | None = None
        self.id_text: str | None = None
        self.info: dict[str, Any] = {}
        self.ttypes: list[str] = []
        self.tech: str = ""
        self.connector: str | None = None
        self.cable_len: float | None = None
        self.passive_cu = False
        self.active_cu = False
        self.dom_flag: bool | None = None
        self.module_vals: dict[str, float | None] = {}
        self.thresholds: dict[str, float | None] = {}
        self.module_alarms: dict[str, bool] = {}
        self.lanes: dict[int, dict[str, Any]] = {}
        self.lane_alarms: dict[int, dict[str, bool]] = {}
        self.status: dict[str, Any] = {}  # field -> "none" | list[bool] | bool
        self.status_lanes = 0
        self.zero_based = False
        self.fields = 0

    # lane helpers
    def lane(self, n: int) -> dict[str, Any]:
        return self.lanes.setdefault(n, {})

    def lane_alarm(self, n: int, name: str, on: bool) -> None:
        self.lane_alarms.setdefault(n, {})[name] = on
        self.lane(n)

    def set_status(self, field: str, value: Any) -> None:
        self.status[field] = value
        if isinstance(value, list):  # remembered even when a later block says "None"
            self.status_lanes = max(self.status_lanes, len(value))

    # --- result ----------------------------------------------------------------------------------
    def identifier(self) -> str | None:
        if self.id_code is not None and self.id_code in _ID_BY_CODE:
            return _ID_BY_CODE[self.id_code]
        t = (self.id_text or "").lower().replace("_", "-")
        for key, name in _ID_BY_TEXT:
            if key in t:
                return name
        return None

    def media(self, wavelength: float | None) -> str:
        key = (tuple(self.ttypes), self.tech, self.connector, self.active_cu, self.passive_cu, bool(wavelength))
        m = _MEDIA.get(key)
        if m is None:
            m = self._media(wavelength)
            if len(_MEDIA) < 4096:
                _MEDIA[key] = m
        return m

    def _media(self, wavelength: float | None) -> str:
        tt = " | ".join(self.ttypes).lower()
        tech = self.tech.lower()
        conn = (self.connector or "").lower()
        optical_tech = bool(_OPTICAL_TECH.search(tech)) and "copper" not in tech
        if "active optical cable" in tt or re.search(r"\baoc\b", tt):
            return "aoc"
        if "copper cable" in tech or "copper" in tech:
            return "acc" if "active" in tech else "dac"
        if re.search(r"\bacc\b|active copper", tt):
            return "acc"
        if "active cable" in tt or self.active_cu or "copper active" in tt:
            if "copper" in conn:
                return "acc"
            if "no separable" in conn or optical_tech or wavelength:
                return "aoc"  # SFP+ AOCs set the same "Active Cable" bit, without a copper pigtail
            return "acc"
        if ("passive cable" in tt or self.passive_cu or "copper passive" in tt or "twin axial" in tt
                or "twinax" in tt or re.search(r"\bbase-?cr\d*\b|\bcr\d\b|-cx\b|base-cx", tt)
                or "copper pigtail" in conn):
            return "dac"
        if "no separable" in conn and (optical_tech or wavelength):
            return "aoc"
        if any(re.search(rf"\b{re.escape(c)}\b", conn) for c in _OPTICAL_CONNECTORS):
            return "optical"
        if optical_tech or wavelength:
            return "optical"
        return "unknown"

    def rows(self, port: str | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        if self.zero_based:  # lanes from 1 whatever the source uses
            self.lanes = {n + 1: v for n, v in self.lanes.items()}
            self.lane_alarms = {n + 1: v for n, v in self.lane_alarms.items()}
            self.zero_based = False
        ident = self.identifier()
        wavelength = self.info.get("wavelength_nm")
        media = self.media(wavelength)
        temp = self.module_vals.get("temperature_c")
        volt = self.module_vals.get("voltage_v")
        lane_vals = [v.get(k) for v in self.lanes.values() for k in ("tx_power_mw", "rx_power_mw", "tx_bias_ma")]
        lanes_zero = all(x in (None, 0.0) for x in lane_vals)
        if lanes_zero and ((temp == 0.0 and volt == 0.0)
                           or (media == "dac" and temp in (None, 0.0) and volt in (None, 0.0))):
            # passive copper (e.g. the CMIS DAC sample) prints unimplemented monitor registers as
            # zeros: 0.00 degrees C, 0.0000 V, 0 mA, 0 mW. Not measurements, and not "no light".
            temp = volt = None
            for v in self.lanes.values():
                for k in ("tx_power_mw", "rx_power_mw", "tx_bias_ma"):
                    v.pop(k, None)
            if not any(v for v in self.lanes.values()) and not self.lane_alarms:
                self.lanes.clear()
            if self.dom_flag is None:
                self.dom_flag = False
        has_lane_readings = any(
            v.get(k) is not None for v in self.lanes.values() for k in ("tx_power_mw", "rx_power_mw", "tx_bias_ma"))
        if self.dom_flag is False:
            dom = False
        elif temp is not None or volt is not None or has_lane_readings:
            dom = True
        elif self.dom_flag is True:
            dom = True
        elif self.id_code is not None or self.id_text is not None:
            dom = False
        else:
            dom = None
        if dom is False:
            temp = volt = None

        mod: dict[str, Any] = {
            "present": not (self.id_code == 0 and not self.info.get("vendor")),
            "identifier": ident,
            "media": media if (self.id_code is not None or self.id_text or self.connector or self.ttypes
                               or self.tech) else None,
            "vendor": self.info.get("vendor"),
            "part_number": self.info.get("part_number"),
            "serial": self.info.get("serial"),
            "revision": self.info.get("revision"),
            "wavelength_nm": wavelength,
            "length_m": self.cable_len if media in ("dac", "acc", "aoc") else None,
            "temperature_c": temp,
            "voltage_v": volt,
            "connector": self.connector,
            "module_state": self.info.get("module_state"),
            "dom_supported": dom,
        }
        for c in THRESHOLD_COLUMNS:
            mod[c] = self.thresholds.get(c)
        for cols in _THRESHOLD_GROUPS:
            if all(mod[c] == 0.0 for c in cols):
                # all four thresholds 0 (0 mA, 0 mW / -inf dBm, 0 degrees C, 0 V): the module
                # does not implement them; reporting 0 would put every reading out of range
                for c in cols:
                    mod[c] = None
        if self.module_alarms:
            mod["alarms"] = sorted(k for k, on in self.module_alarms.items() if on)
        ml = self.info.get("media_lanes")
        if ml is None:
            if ident in _SINGLE_LANE_IDS:
                ml = 1
            elif ident in _QUAD_IDS:
                ml = _pmd_lanes(self.ttypes) or 4
        mod["media_lanes"] = ml
        if port is not None:
            mod["port"] = port

        # lanes: every lane any line reported; status lists may name more lanes than readings
        lane_ids = set(self.lanes) | set(range(1, self.status_lanes + 1))
        for v in self.status.values():
            if isinstance(v, list):
                lane_ids.update(range(1, len(v) + 1))
            elif isinstance(v, bool):
                lane_ids.add(1)
        if dom is False and not self.status_lanes and not has_lane_readings and not self.lane_alarms \
                and not any(isinstance(v, bool) for v in self.status.values()):
            lane_ids = set()
        lanes = []
        for n in sorted(lane_ids):
            row: dict[str, Any] = {"lane": n}
            row.update({k: v for k, v in self.lanes.get(n, {}).items()})
            alarms = {k for k, on in self.lane_alarms.get(n, {}).items() if on}
            seen_alarm_lines = n in self.lane_alarms
            for field, v in self.status.items():
                if v == "none":
                    val = False
                elif isinstance(v, list):
                    val = v[n - 1] if n - 1 < len(v) else None
                elif isinstance(v, bool):
                    val = v if n == 1 else None
                else:
                    val = None
                if val is None:
                    continue
                if field in _STATUS_COLUMNS:
                    row[field] = val
                else:
                    seen_alarm_lines = True
                    if val:
                        alarms.add(field)
            if seen_alarm_lines:
                row["alarms"] = sorted(alarms)
            if port is not None:
                row["port"] = port
            lanes.append(row)
        return mod, lanes


# --- text ----------------------------------------------------------------------------------------

_KNOWN_LABELS = (
    "identifier", "extended identifier", "connector", "transceiver codes", "transceiver type",
    "encoding", "br, nominal", "vendor name", "vendor oui", "vendor pn", "vendor rev", "vendor sn",
    "date code", "laser wavelength", "module temperature", "module voltage", "laser bias current",
    "laser output power", "receiver signal average optical power", "optical diagnostics support",
    "alarm/warning flags implemented", "rx loss of signal", "tx loss of signal", "rx loss of lock",
    "tx loss of lock", "module state", "transmitter technology", "revision compliance",
    "cable assembly length", "power class", "max power", "laser tx bias current",
    "transmit avg optical power", "rcvr signal avg optical power", "tx fault",
)
_DETECT = re.compile(
    r"^[ \t]*(" + "|".join(re.escape(k) for k in _KNOWN_LABELS) + r")(?:[ \t]*\((?:channel|chan)[ \t]*\d+\))?"
    r"[ \t]+:", re.I | re.M)
_CHAN = re.compile(r"\s*\(\s*(?:channel|chan|lane)\s*(\d{1,3})\s*\)", re.I)
_HEX_DESC = re.compile(r"^\s*0x([0-9a-f]{1,2})\s*(?:\((.*)\))?\s*$", re.I)
_PROMPT = re.compile(r"^\s*(?:[#$]|\S+@\S+[:~].*?[#$])\s")
_ETHTOOL_M = re.compile(r"\bethtool\b.*?(?:\s-m|\s--module-info|\s--dump-module-eeprom)\s+(?:\S+\s+)*?([^\s|;&'\"-][^\s|;&'\"]*)")
_SPACES = re.compile(r"\s+")
_ETHTOOL_ERROR = re.compile(r"^(cannot |netlink error|no such device|operation not supported|"
                            r"ethtool: |module eeprom|.*not supported)", re.I)
_HEXDUMP = re.compile(r"^(offset\s+values|0x[0-9a-f]{4}:)", re.I)
_LIST = re.compile(r"^\[(.*)\]$")


def _looks_like_text(text: str) -> bool:
    head = text[:200000]
    if head.lstrip()[:1] in ("[", "{"):
        return False
    found = {m.group(1).lower() for m in _DETECT.finditer(head)}
    return len(found) >= 2


def _hexdesc(value: str) -> tuple[int | None, str]:
    m = _HEX_DESC.match(value)
    if not m:
        return None, value.strip()
    desc = m.group(2) or ""
    return int(m.group(1), 16), desc.strip()


def _status_value(value: str) -> Any:
    v = value.strip()
    m = _LIST.match(v)
    if m:
        items = [p.strip() for p in m.group(1).split(",")]
        out = []
        for p in items:
            if not p:
                continue
            b = _bool(p)
            out.append(b)
        return out if out else None
    t = v.lower()
    if t == "none":
        return "none"
    b = _bool(t)
    return b


def _length(value: str, *, metres_if_km: bool = False) -> float | None:
    v = value.strip()
    if not v or v.startswith(">"):
        return None
    try:
        if metres_if_km:
            m = re.match(r"^\s*([-+]?\d+(?:\.\d*)?)", v)
            if not m:
                return None
            n = float(m.group(1))
            if v.lower().rstrip().endswith("km") and "." in m.group(1):
                # the 2020 CMIS decoder printed the cable length in metres with a "km" suffix
                return n if n > 0 else None
            n = units.length_to_m(v)
            return n if n else None
        n = units.length_to_m(v)
    except ValueError:
        return None
    return n if n else None


# Labels repeat across every module of a fleet: what a label means (its field, sensor, level and
# lane) is worked out once per distinct label text and kept in a table; each line then only
# converts its value. Plans: (action, lane or None, zero_based, arg1, arg2).
_INFO_LABELS = {"vendor name": "vendor", "vendor pn": "part_number", "vendor sn": "serial",
                "vendor rev": "revision"}
_LENGTH_LABELS = ("length (copper)", "length (copper or active cable)", "length (active cable)",
                  "length (copper or active)")
_IGNORED_PREFIXES = ("identifier", "extended identifier", "vendor oui", "date code", "transceiver codes",
                     "encoding", "br, nominal", "revision compliance")
_KEY_PLANS: dict[str, tuple] = {}  # the text before the ':', padding included, as printed
_NOT_KV = ("not a label",)
_PLANS_MAX = 20000


def _label_plan(label: str) -> tuple:
    """What a `label` (as printed) tells; the same decisions, in the same order, for every line."""
    lab = _SPACES.sub(" ", label.strip()).lower()
    chan = None
    m = _CHAN.search(lab)
    if m:
        chan = int(m.group(1))
        lab = (lab[:m.start()] + lab[m.end():]).strip()
    zero = chan == 0  # ethtool 4.x qsfp.c printed "(Channel 0)".."(Channel 3)"

    def plan(action: str, a: Any = None, b: Any = None) -> tuple:
        return (action, chan, zero, a, b)

    if lab in ("identifier", "connector", "transceiver type", "transmitter technology",
               "laser wavelength", "cable assembly length", "module state"):
        return plan(lab)
    if lab in _INFO_LABELS:
        return plan("info", _INFO_LABELS[lab])
    if lab.startswith("passive cu"):
        return plan("passive cu")
    if lab.startswith("active cu"):
        return plan("active cu")
    if lab in _LENGTH_LABELS:
        return plan("length")
    if lab in ("optical diagnostics support", "diagnostics support"):
        return plan("dom")
    if lab in ("media lane count", "media lanes"):
        return plan("media lanes")
    if lab in _STATUS_FIELDS:
        return plan("status", _STATUS_FIELDS[lab])
    if lab == "alarm/warning flags implemented" or lab.startswith(_IGNORED_PREFIXES):
        return plan("ignore")
    sensor = _sensor_of(lab)
    if sensor is None:
        return plan("unknown")
    if lab.endswith("threshold") or lab.endswith("thresh"):
        level = _level_of(lab)
        return plan("unknown") if level is None else plan("threshold", sensor, f"{sensor}_{level}")
    if ("alarm" in lab or "warn" in lab) and _level_of(lab):
        name = _alarm_name(sensor, _level_of(lab))
        if sensor in _MODULE_SENSORS and chan is None:
            return plan("module alarm", name)
        return plan("lane alarm", name, 1 if chan is None else chan)
    if sensor in _MODULE_SENSORS:
        if chan is not None or not lab.startswith(("module", "supply", "internal", "transceiver")):
            return plan("unknown")
        return plan("module value", sensor)
    if lab.startswith(("laser", "transmit", "receiver", "rcvr", "rx", "tx")):
        return plan("lane value", sensor, 1 if chan is None else chan)
    return plan("unknown")


#: the printed forms of the common readings -> (unit token(s) after the number)
_FAST_UNIT = {"tx_power_mw": "mW", "rx_power_mw": "mW", "tx_bias_ma": "mA", "voltage_v": "V",
              "temperature_c": "degrees"}
_BOOL_TEXT = {"On": True, "Off": False, "Yes": True, "No": False, "on": True, "off": False,
              "yes": True, "no": False, "None": False, "none": False}


def _fast_reading(sensor: str, value: str, is_threshold: bool = False) -> float | None:
    """_reading for the forms ethtool prints ('1.1621 mW / 0.65 dBm', '9.092 mA', '3.2863 V',
    '43.69 degrees C / 110.64 degrees F'): one split and one float(); anything else, or a
    number float() reads differently from the unit parsers, goes the general way."""
    parts = value.split(None, 3)
    if len(parts) >= 2 and parts[1] == _FAST_UNIT[sensor] and "_" not in parts[0]:
        if sensor == "temperature_c" and (len(parts) < 3 or parts[2] != "C"):
            return _reading(sensor, value, is_threshold=is_threshold)
        try:
            v = float(parts[0])
        except ValueError:
            return _reading(sensor, value, is_threshold=is_threshold)
        if v - v != 0.0:  # inf / nan: the unit parsers decide
            return _reading(sensor, value, is_threshold=is_threshold)
        if sensor in ("tx_power_mw", "rx_power_mw"):
            v = max(v, 0.0)
            if not is_threshold and 0.0 < v and units.mw_to_dbm(v) <= units.NO_LIGHT_DBM + 1e-9:
                v = 0.0  # 0.0001 mW / -40.00 dBm is the floor of the scale: no light
        return v
    return _reading(sensor, value, is_threshold=is_threshold)


def _apply(mod: _Module, p: tuple, value: str) -> bool:
    action, chan, zero, a, b = p
    if zero:
        mod.zero_based = True
    if action == "lane alarm":
        on = _BOOL_TEXT.get(value)
        if on is None:
            on = _bool(value)
            if on is None:
                return False
        mod.lane_alarm(b, a, on)
        return True
    if action == "lane value":
        mod.lane(b)[a] = _fast_reading(a, value)
        return True
    if action == "module alarm":
        on = _BOOL_TEXT.get(value)
        if on is None:
            on = _bool(value)
            if on is None:
                return False
        mod.module_alarms[a] = on
        return True
    if action == "threshold":
        mod.thresholds[b] = _fast_reading(a, value, is_threshold=True)
        return True
    if action == "module value":
        mod.module_vals[a] = _fast_reading(a, value)
        return True
    if action == "unknown":
        return False
    if action == "ignore":
        return True
    if action == "info":
        mod.info[a] = value.strip() or None
        return True
    if action == "identifier":
        code, desc = _hexdesc(value)
        mod.id_code, mod.id_text = code, desc or None
        return True
    if action == "connector":
        code, desc = _hexdesc(value)
        mod.connector = desc or (value.strip() or None)
        return True
    if action == "transceiver type":
        if value.strip():
            mod.ttypes.append(value.strip())
        return True
    if action == "transmitter technology":
        mod.tech = _hexdesc(value)[1]
        return True
    if action == "passive cu":
        mod.passive_cu = True
        return True
    if action == "active cu":
        mod.active_cu = True
        return True
    if action == "laser wavelength":
        try:
            m2 = re.match(r"^\s*(\d+(?:\.\d*)?)\s*nm", value)
            wl = float(m2.group(1)) if m2 else None
        except ValueError:
            wl = None
        mod.info["wavelength_nm"] = wl if wl else None
        return True
    if action == "cable assembly length":
        mod.cable_len = _length(value, metres_if_km=True)
        return True
    if action == "length":
        n = _length(value)
        if n is not None or mod.cable_len is None:
            mod.cable_len = n
        return True
    if action == "dom":
        mod.dom_flag = _bool(value)
        return True
    if action == "module state":
        code, desc = _hexdesc(value)
        mod.info["module_state"] = desc or (value.strip() or None)
        return True
    if action == "media lanes":
        try:
            mod.info["media_lanes"] = int(value.strip().split()[0])
        except (ValueError, IndexError):
            pass
        return True
    if action == "status":
        sv = _status_value(value)
        field = a
        if chan is not None and isinstance(sv, bool):
            idx = max(chan - 1, 0) if chan <= 64 else 63
            cur = mod.status.get(field)
            lst = list(cur) if isinstance(cur, list) else []
            while len(lst) <= idx:
                lst.append(False)
            lst[idx] = sv
            mod.set_status(field, lst)
        elif sv is not None:
            mod.set_status(field, sv)
        return True
    raise AssertionError(f"unhandled label plan {action!r}")


_FIRST_COLON = re.compile(r"^([^:\n]*):(.*)$", re.M)
#: (sensor, printed value, is threshold) -> reading: thresholds and dark lanes repeat across a fleet
_READINGS: dict[tuple, float | None] = {}
_READINGS_MAX = 50000


def _colon_columns(text: str) -> tuple[tuple[str, ...], list[str]]:
    """What _FIRST_COLON.findall gives for text with "\n" line ends only, as two columns: (the
    text before the first ':' of each line that has one, the text after it)."""
    parts = [ln.partition(":") for ln in text.split("\n")]
    return tuple([q[0] for q in parts if q[1]]), [q[2] for q in parts if q[1]]
#: line ends str.splitlines() knows besides "\n": text with them takes the line-by-line way
_ODD_EOL = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_ODD_EOL_CHARS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"   # the same, tested one by one (faster)


def _pairs_by_line(text: str):
    """(text before the first ':', the rest) per line as _FIRST_COLON finds them, for text with
    prompt lines or other line ends; a prompt naming `ethtool -m PORT` gives (None, PORT)."""
    for line in text.splitlines():
        if ("#" in line or "$" in line) and _PROMPT.match(line):
            p = _port_from_prompt(line)
            if p:
                yield None, p
            continue
        i = line.find(":")
        if i >= 0:
            yield line[:i], line[i + 1:]


def _port_from_prompt(line: str) -> str | None:
    m = _ETHTOOL_M.search(line)
    return m.group(1) if m else None


#: the label column of an output (labels before the ':' of each line, as printed) -> its layout
_LAYOUTS: dict[tuple, tuple] = {}
_LAYOUTS_MAX = 2000


def _layout(keys: tuple) -> tuple:
    """What the alarm flag lines of an output with these labels do when all read "Off":
    (their positions, the positions of the other lines that can change anything, {lane: {alarm:
    False}}, zero-based, a getter of their values, the lane readings and thresholds as (position,
    sensor, lane or column, zero-based, is threshold) each printed once, {module alarm: False}).
    No positions when two labels name the same flag or there are fewer than two flags: such
    outputs take the line-by-line way."""
    none = ((), (), {}, False, None, (), {})
    flags, rest, tpl, zero, seen = [], [], {}, False, set()
    lane_values, targets, module_flags = [], {}, {}
    for i, key in enumerate(keys):
        p = _KEY_PLANS.get(key)
        if p is None:
            label = key.strip()
            p = _label_plan(label) if label else _NOT_KV
        if p is _NOT_KV or (p[0] == "unknown" and not p[2]):  # lines that change nothing
            continue
        if p[0] == "lane alarm" or p[0] == "module alarm":
            target = (p[4], p[3]) if p[0] == "lane alarm" else p[3]
            if target in seen:
                return none
            seen.add(target)
            flags.append(i)
            if p[0] == "lane alarm":
                tpl.setdefault(p[4], {})[p[3]] = False
            else:
                module_flags[p[3]] = False
            zero = zero or bool(p[2])
        elif p[0] == "lane value" or p[0] == "threshold":
            thr = p[0] == "threshold"
            lane_values.append((i, p[3], p[4], p[2], thr))
            targets[(thr, p[3], p[4])] = targets.get((thr, p[3], p[4]), 0) + 1
        else:
            rest.append(i)
    if len(flags) < 2:
        return none
    if any(k > 1 for k in targets.values()):  # a reading printed twice: the later one wins, in order
        rest = sorted(rest + [lv[0] for lv in lane_values])
        lane_values = []
    return (tuple(flags), tuple(rest), tpl, zero, operator.itemgetter(*flags), tuple(lane_values), module_flags)


@register("ethtool-module", tables=("modules", "lanes"), detect=_looks_like_text, priority=40,
          description="ethtool -m IFACE: SFF-8472 / SFF-8636 / CMIS module EEPROM and DOM (text)")
def parse_ethtool_module(text: str, ctx: Context) -> Tables:
    mods: dict[str | None, _Module] = {}
    order: list[str | None] = []
    port = None
    known = 0
    mod = None
    plans = _KEY_PLANS
    not_kv = _NOT_KV
    readings = _READINGS
    prompts = "#" in text or "$" in text  # no prompt line can be there otherwise
    if prompts or any(c in text for c in _ODD_EOL_CHARS):
        pairs = _pairs_by_line(text)
    else:  # "\n" line ends only: (text before the first ':', the rest) of every line with a ':'
        keys, values = _colon_columns(text)
        lay = _LAYOUTS.get(keys)
        if lay is None:
            lay = _layout(keys)
            if len(_LAYOUTS) < _LAYOUTS_MAX:
                _LAYOUTS[keys] = lay
        flags, rest, tpl, zero, flag_values, lane_values, module_flags = lay
        if flags and flag_values(values).count(" Off") == len(flags):
            # every alarm flag of this output (lane and module) is "Off", what a healthy fleet
            # prints line after line: their effect is the layout's, without a pass over them
            mod = mods[None] = _Module()
            order.append(None)
            mod.lane_alarms = {n: dict(names) for n, names in tpl.items()}
            for n in tpl:
                mod.lanes.setdefault(n, {})
            if zero:
                mod.zero_based = True
            mod.fields += len(flags)
            known += len(flags)
            readings = _READINGS
            lanes = mod.lanes
            thresholds = mod.thresholds
            if module_flags:
                mod.module_alarms = dict(module_flags)
            # as the loop below does for "lane value" and "threshold" lines
            for i, sensor, n, z, thr in lane_values:
                value = values[i]
                if value:
                    if value[0].isspace():
                        value = value[1:].rstrip()
                    else:
                        continue
                if z:
                    mod.zero_based = True
                rk = (sensor, value, thr)
                v = readings.get(rk, readings)
                if v is readings:
                    v = _fast_reading(sensor, value, is_threshold=thr)
                    if len(readings) < _READINGS_MAX:
                        readings[rk] = v
                if thr:
                    thresholds[n] = v
                else:
                    la = lanes.get(n)
                    if la is None:
                        la = lanes[n] = {}
                    la[sensor] = v
                mod.fields += 1
                known += 1
            pairs = [(keys[i], values[i]) for i in rest]
        else:
            pairs = zip(keys, values)
    for key, value in pairs:
        if key is None:  # a prompt line
            port = value
            mod = None
            continue
        p = plans.get(key)
        if p is None:
            label = key.strip()
            p = _label_plan(label) if label else not_kv
            if len(plans) < _PLANS_MAX:
                plans[key] = p
        if p is not_kv:
            continue
        if value:
            if value[0].isspace():
                value = value[1:].rstrip()
            else:
                continue  # a ':' glued to text, as in 'http://x', separates no label
        if mod is None:
            mod = mods.get(port)
            if mod is None:
                mod = mods[port] = _Module()
                order.append(port)
        action = p[0]
        if action == "lane alarm":  # the most frequent lines first, inline
            on = _BOOL_TEXT.get(value)
            if on is None:
                on = _bool(value)
                if on is None:
                    continue
            n = p[4]
            la = mod.lane_alarms.get(n)
            if la is None:
                la = mod.lane_alarms[n] = {}
                mod.lanes.setdefault(n, {})
            la[p[3]] = on
            if p[2]:
                mod.zero_based = True
        elif action == "lane value" or action == "threshold":  # as _apply does, readings memoised
            if p[2]:
                mod.zero_based = True
            thr = action == "threshold"
            rk = (p[3], value, thr)
            v = readings.get(rk, readings)
            if v is readings:
                v = _fast_reading(p[3], value, is_threshold=thr)
                if len(readings) < _READINGS_MAX:
                    readings[rk] = v
            if thr:
                mod.thresholds[p[4]] = v
            else:
                la = mod.lanes.get(p[4])
                if la is None:
                    la = mod.lanes[p[4]] = {}
                la[p[3]] = v
        elif not _apply(mod, p, value):
            continue
        mod.fields += 1
        known += 1
    if known == 0:
        ln, t = 1, ""
        for ln, raw in enumerate(text.splitlines(), 1):
            if raw.strip():
                t = raw.strip()
                break
        else:
            ln = 1
        if _ETHTOOL_ERROR.match(t):
            raise ParseError("ethtool reported an error instead of module data", line=ln, text=t)
        if _HEXDUMP.match(t):
            raise ParseError("raw/hex EEPROM dump, not the decoded ethtool -m output", line=ln, text=t)
        raise ParseError("no ethtool -m (module EEPROM) fields found", line=ln, text=t)
    modules, lanes = [], []
    for p in order:
        mod = mods[p]
        if mod.fields == 0:
            continue
        row, lrows = mod.rows(p)
        modules.append(row)
        lanes.extend(lrows)
    return {"modules": modules, "lanes": lanes}


# --- JSON ----------------------------------------------------------------------------------------

_JSON_STATUS = {"rx_loss_of_signal": "rx_los", "tx_loss_of_signal": "tx_los",
                "rx_loss_of_lock": "rx_lol", "tx_loss_of_lock": "tx_lol", "tx_fault": "tx_fault",
                "tx_adaptive_eq_fault": "tx_adaptive_eq_fault"}
_JSON_THRESHOLD_KEYS = {"high_alarm_threshold": "high_alarm", "low_alarm_threshold": "low_alarm",
                        "high_warning_threshold": "high_warn", "low_warning_threshold": "low_warn"}


def _looks_like_json(text: str) -> bool:
    head = text.lstrip()[:4000]
    if not head[:1] in ("[", "{"):
        return False
    return '"identifier"' in head or '"vendor_pn"' in head or '"module_temperature' in head \
        or '"laser_tx_bias_current"' in head or '"rx_loss_of_signal"' in head


def _pairs(obj: Any) -> list[tuple[str, Any]]:
    return obj if isinstance(obj, list) and all(isinstance(p, tuple) for p in obj) else []


def _is_obj(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(p, tuple) for p in v) or v == []


def _json_module(pairs: list[tuple[str, Any]]) -> _Module:
    mod = _Module()
    for key, v in pairs:
        k = key.strip().lower().replace(" ", "_")
        if k.endswith("_units"):
            continue
        mod.fields += 1
        if k == "identifier" and _num(v) is not None:
            mod.id_code = int(v)
        elif k == "identifier_description" and isinstance(v, str):
            mod.id_text = " ".join(v.split())
        elif k == "connector_description" and isinstance(v, str):
            mod.connector = v
        elif k == "transmitter_technology_description" and isinstance(v, str):
            mod.tech = v
        elif k == "transceiver_type" and isinstance(v, str):
            mod.ttypes.append(" ".join(v.split()))
        elif k in ("vendor_name", "vendor_pn", "vendor_sn", "vendor_rev") and isinstance(v, str):
            col = {"vendor_name": "vendor", "vendor_pn": "part_number", "vendor_sn": "serial",
                   "vendor_rev": "revision"}[k]
            mod.info[col] = v.strip() or None
        elif k == "laser_wavelength":
            wl = _num(v)
            mod.info["wavelength_nm"] = wl if wl else None
        elif k in ("cable_assembly_length", "length_(copper_or_active_cable)", "length_(copper)"):
            n = _num(v)
            if n or mod.cable_len is None:
                mod.cable_len = n if n else None
        elif k.startswith("passive_cu"):
            mod.passive_cu = True
        elif k.startswith("active_cu"):
            mod.active_cu = True
        elif k == "optical_diagnostics_support":
            mod.dom_flag = _bool(v)
        elif k == "module_state_description" and isinstance(v, str):
            mod.info["module_state"] = v
        elif k in ("media_lane_count", "media_lanes") and _num(v) is not None:
            mod.info["media_lanes"] = int(v)
        elif k in _JSON_STATUS:
            field = _JSON_STATUS[k]
            if isinstance(v, list) and not _is_obj(v):
                mod.set_status(field, [_bool(x) for x in v])
            elif isinstance(v, str) and v.strip().lower() == "none" or v is False:
                mod.set_status(field, "none")
            elif v is True:
                mod.set_status(field, True)
        elif _is_obj(v):
            sub = dict(_pairs(v))
            sensor = _sensor_of(k)
            if sensor and any(t in sub for t in _JSON_THRESHOLD_KEYS):
                for tk, level in _JSON_THRESHOLD_KEYS.items():
                    if tk in sub:
                        n = _num(sub[tk])
                        mod.thresholds[f"{sensor}_{level}"] = n
            elif k == "rx_power" or (sensor == "rx_power_mw"):
                vals = sub.get("values", sub.get("value"))
                _json_lane_values(mod, "rx_power_mw", vals)
        else:
            sensor = _sensor_of(k)
            if sensor is None:
                continue
            level = _level_of(k)
            if level and ("alarm" in k or "warn" in k) and not k.endswith("threshold"):
                name = _alarm_name(sensor, level)
                if sensor in _MODULE_SENSORS:
                    b = _bool(v)
                    if b is not None:
                        mod.module_alarms[name] = b
                elif isinstance(v, list):
                    for i, x in enumerate(v, 1):
                        b = _bool(x)
                        if b is not None:
                            mod.lane_alarm(i, name, b)
                else:
                    b = _bool(v)
                    if b is not None:
                        mod.lane_alarm(1, name, b)
            elif level is None and k.startswith(("module_temperature", "module_voltage")):
                n = _num(v)
                if n is not None:
                    mod.module_vals[sensor] = n
            elif level is None and sensor not in _MODULE_SENSORS and "flags" not in k:
                _json_lane_values(mod, sensor, v)
    return mod


def _json_lane_values(mod: _Module, sensor: str, vals: Any) -> None:
    seq = vals if isinstance(vals, list) else [vals] if vals is not None else []
    for i, x in enumerate(seq, 1):
        n = _num(x)
        if n is None:
            continue
        if sensor in ("tx_power_mw", "rx_power_mw"):
            n = max(n, 0.0)
            if 0.0 < n and units.mw_to_dbm(n) <= units.NO_LIGHT_DBM + 1e-9:
                n = 0.0  # 0.0001 mW (-40 dBm) is the floor of the scale: no light
        mod.lane(i)[sensor] = n


@register("ethtool-module-json", tables=("modules", "lanes"), detect=_looks_like_json, priority=40,
          description="ethtool --json -m IFACE: module EEPROM and DOM as JSON (ethtool >= 6.14)")
def parse_ethtool_module_json(text: str, ctx: Context) -> Tables:
    start = min((i for i in (text.find("["), text.find("{")) if i >= 0), default=-1)
    if start < 0:
        raise ParseError("not JSON: no '[' or '{' found", line=1, text=text.strip()[:80])
    try:
        # strict=False: posted samples wrap long strings over two lines; duplicate keys kept
        data = json.loads(text[start:], strict=False, object_pairs_hook=lambda p: p)
    except ValueError as e:
        line = getattr(e, "lineno", None)
        raise ParseError(f"invalid JSON: {e}", line=line) from None
    objs: list[list[tuple[str, Any]]]
    if _is_obj(data):
        objs = [data]
    elif isinstance(data, list):
        objs = [o for o in data if _is_obj(o)]
    else:
        objs = []
    modules, lanes = [], []
    for o in objs:
        keys = {k.strip().lower() for k, _ in o}
        if not keys & {"identifier", "identifier_description", "vendor_pn", "vendor_name",
                       "module_temperature", "rx_loss_of_signal", "laser_tx_bias_current"}:
            continue
        mod = _json_module(o)
        row, lrows = mod.rows(None)
        modules.append(row)
        lanes.extend(lrows)
    if not modules:
        raise ParseError("JSON holds no ethtool -m module object (no identifier / vendor keys)", line=1)
    if len(modules) > 1 and ctx.port is not None:
        raise ParseError("several modules in one ethtool --json -m output but one port given")
    return {"modules": modules, "lanes": lanes}
