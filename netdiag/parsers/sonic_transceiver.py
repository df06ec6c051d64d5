"""SONiC transceiver commands (sonic-utilities sfpshow / sfputil, and the KLISH CLI):

* ``show interfaces transceiver eeprom --dom [PORT]`` (also ``sfputil show eeprom -d``): one block
  per port, ``Ethernet0: SFP EEPROM detected`` / ``SFP EEPROM Not detected`` / old ``SFP detected``
  / ``SFP EEPROM is not applicable for RJ45 port``, then indented ``Key: value`` lines (old
  releases print ``Key : value``) and the DOM sections ``ChannelMonitorValues``,
  ``ChannelThresholdValues``, ``ModuleMonitorValues``, ``ModuleThresholdValues`` (QSFP/OSFP/CMIS)
  or ``MonitorData`` / ``ThresholdData`` (SFP, single lane), and on co-packaged optics
  ``ELSMonitorValues`` / ``ELSThresholdValues`` (external laser source: not module lanes, skipped).
  Units are glued to numbers ('0.3802dBm', '-infdBm', '3.2824Volts', '30.9258C', '6.5mA'); values
  the database holds as N/A are left out by sfpshow.
* KLISH ``show interface transceiver dom Ethernet 12``: a dashed banner around the port name, then
  ``Rx1Power: -inf dBm`` / ``Tx1Power: N/A dBm`` lines (value, space, unit). Newer releases print
  the same command as ``key   value`` lines: handed to sonic_klish_summary.parse_klish_dom_kv.
* ``show interfaces transceiver pm [PORT]``: 400ZR / C-CMIS performance monitoring table.
* ``show interfaces transceiver status [PORT]``: per-lane and module flags, CMIS states.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers import _sonic_common as sc

_PORTNAME = r"[A-Za-z][\w./:-]*?\d[\w./:-]*?"
_BLOCK = re.compile(rf"^(?P<port>{_PORTNAME}):\s*(?P<rest>.*?)\s*$")
_EEPROM_STATE = re.compile(r"(SFP|QSFP|EEPROM|transceiver|module).*?(detected|applicable|present)", re.I)
_EEPROM_DETECT = re.compile(
    rf"^\s*{_PORTNAME}:\s*SFP\s+(?:EEPROM\s+)?(?:is\s+)?(?:not\s+)?detected\s*$", re.I | re.M)
_KV = re.compile(r"^(?P<indent>\s*)(?P<key>[^:]*?[^\s:])\s*:\s*(?P<val>.*?)\s*$")
_LANE_KEY = re.compile(r"^(rx|tx)(\d{1,2})(power|bias)$")
_SFP_LANE_KEY = re.compile(r"^(rx|tx)(power|bias)$")
_THRESH_KEY = re.compile(r"^(rxpower|txpower|txbias|temp|temperature|vcc|voltage)(high|low)(alarm|warning|warn)$")
_SENSOR = {"rxpower": "rx_power_mw", "txpower": "tx_power_mw", "txbias": "tx_bias_ma",
           "temp": "temperature_c", "temperature": "temperature_c", "vcc": "voltage_v", "voltage": "voltage_v"}
_NM = re.compile(r"(\d{3,4}(?:\.\d+)?)\s*nm\b", re.I)

_VENDOR_KEYS = {
    "vendorname": "vendor", "manufacturer": "vendor",
    "vendorpn": "part_number", "vendorpart": "part_number", "vendorpartnumber": "part_number",
    "partnumber": "part_number", "model": "part_number",
    "vendorsn": "serial", "vendorserial": "serial", "vendorserialnumber": "serial", "serialnumber": "serial",
    "vendorrev": "revision", "vendorrevision": "revision",
    "connector": "connector",
}


def _threshold_value(sensor_col: str, text: str) -> float | None:
    if sensor_col in ("rx_power_mw", "tx_power_mw"):
        return sc.power_mw(text)
    if sensor_col == "tx_bias_ma":
        return sc.current_ma(text)
    if sensor_col == "temperature_c":
        return sc.temperature_c(text)
    return sc.voltage_v(text)


def _kv_parts(line: str) -> tuple[str, str] | None:
    """(key, value) as _KV's groups, by str methods: the text around the first ':', stripped;
    None when there is no ':' or nothing before it."""
    key, sep, val = line.partition(":")
    if not sep:
        return None
    key = key.strip()
    return (key, val.strip()) if key else None


_KEY_KINDS: dict[str, tuple] = {}


def _key_kind(k: str) -> tuple:
    """(_LANE_KEY, _SFP_LANE_KEY, _THRESH_KEY) matches of a normalised key: keys repeat on every
    port of a fleet, so each is matched once."""
    got = _KEY_KINDS.get(k)
    if got is None:
        got = (_LANE_KEY.match(k), _SFP_LANE_KEY.match(k), _THRESH_KEY.match(k))
        if len(_KEY_KINDS) < 20000:
            _KEY_KINDS[k] = got
    return got


class _Module:
    """Accumulates one port's module row and lane rows."""

    def __init__(self, port: str | None):
        self.port = port
        self.mod: dict = {"port": port}
        self.lanes: dict[int, dict] = {}
        self.thresholds: dict[str, float | None] = {}
        self.raw_thresholds: dict[str, float | None] = {}  # as printed (dBm for power)
        self.media_texts: list[str] = []
        self.host_lanes: int | None = None
        self.media_lane_count: int | None = None

    def lane(self, n: int) -> dict:
        row = self.lanes.get(n)
        if row is None:
            row = self.lanes[n] = {"port": self.port, "lane": n}
        return row

    def field(self, key: str, val: str, section: str) -> bool:
        """One 'Key: value' line of a block (raises ValueError on an unreadable value)."""
        k = sc.norm_key(key)
        if section.startswith("els"):
            return True  # external laser source of co-packaged optics: not the module's lanes/sensors
        m, m_sfp, m_thr = _key_kind(k)
        if m:
            n = int(m.group(2))
            if n < 1:
                return False
            if m.group(3) == "bias":
                if m.group(1) == "tx":
                    self.lane(n)["tx_bias_ma"] = sc.current_ma(val)
                return True
            self.lane(n)["rx_power_mw" if m.group(1) == "rx" else "tx_power_mw"] = sc.power_mw(val)
            return True
        m = m_sfp
        if m and section in ("monitordata", "channelmonitorvalues"):
            if m.group(2) == "bias":
                if m.group(1) == "tx":
                    self.lane(1)["tx_bias_ma"] = sc.current_ma(val)
                return True
            self.lane(1)["rx_power_mw" if m.group(1) == "rx" else "tx_power_mw"] = sc.power_mw(val)
            return True
        m = m_thr
        if m:
            col = _SENSOR[m.group(1)]
            level = f"{m.group(2)}_{'warn' if m.group(3).startswith('warn') else 'alarm'}"
            self.thresholds[f"{col}_{level}"] = _threshold_value(col, val)
            lead = re.match(r"^\s*([-+]?\d+(?:\.\d*)?)", val)
            self.raw_thresholds[f"{col}_{level}"] = float(lead.group(1)) if lead else None
            return True
        if k in ("temperature", "temp", "moduletemperature"):
            self.mod["temperature_c"] = sc.temperature_c(val)
            return True
        if k in ("vcc", "voltage", "supplyvoltage"):
            v = sc.voltage_v(val)
            # 0 V cannot be read by a powered module: passive cables without DOM print it
            self.mod["voltage_v"] = None if v == 0.0 else v
            return True
        if k == "identifier":
            self.mod["identifier"] = sc.identifier(val)
            return True
        if k in _VENDOR_KEYS:
            col = _VENDOR_KEYS[k]
            self.mod[col] = None if sc.is_na(val) else val.strip()
            return True
        if k.startswith("length") and not k.startswith("lengthkm") and val:
            self._length(key, val)
            return True
        if k in ("wavelength", "laserwavelength"):
            w = _NM.search(val) or re.match(r"^\s*(\d+(?:\.\d+)?)\s*$", val)
            if w:
                self.mod["wavelength_nm"] = float(w.group(1))
            return True
        if k == "mediainterfacetechnology":
            self.media_texts.append(val)
            w = _NM.search(val)
            if w and "wavelength_nm" not in self.mod:
                self.mod["wavelength_nm"] = float(w.group(1))
            return True
        if k == "medialanecount":
            self.media_lane_count = sc.count(val)
            return True
        if k == "hostlanecount":
            self.host_lanes = sc.count(val)
            return True
        if section == "specificationcompliance" or k in ("specificationcompliance", "applicationadvertisement") \
                or "compliance" in k or "transmissionmedia" in k or "transmittertechnology" in k:
            if not sc.is_na(val) and "not supported" not in val.lower():
                self.media_texts.append(val)
            return True
        return False

    def _length(self, key: str, val: str) -> None:
        m = re.search(r"\((k?m)\)", key, re.I)
        v = sc.number(val)
        if m is None or v is None or v <= 0:
            return
        self.mod["length_m"] = v * (1000.0 if m.group(1).lower() == "km" else 1.0)

    def finish(self) -> tuple[dict, list[dict]]:
        # thresholds: a sensor whose four thresholds are all zero is unpopulated, not a limit
        by_sensor: dict[str, list[str]] = {}
        for c in self.thresholds:
            by_sensor.setdefault(c.rsplit("_", 2)[0], []).append(c)
        for sensor, cols in by_sensor.items():
            # as printed: '0.0dBm' x4 is as unpopulated as '0.0C' x4
            vals = [self.raw_thresholds.get(c) for c in cols]
            zero = all(v is not None and v == 0.0 for v in vals)
            for c in cols:
                self.mod[c] = None if zero else self.thresholds[c]
        media = sc.media_from(self.media_texts)
        if media:
            self.mod["media"] = media
        if self.media_lane_count:
            self.mod["media_lanes"] = self.media_lane_count
        elif self.host_lanes and media in ("dac", "acc"):
            self.mod["media_lanes"] = self.host_lanes  # copper: the electrical lanes are the lanes
        lanes = [self.lanes[n] for n in sorted(self.lanes)]
        # a lane whose every reading is unreported (N/A) carries nothing: dropped
        lanes = [r for r in lanes if any(r.get(c) is not None for c in ("tx_power_mw", "rx_power_mw", "tx_bias_ma"))]
        return self.mod, lanes


_LEAD_NUMBER = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?)")
#: (normalised key, section) -> what _Module.field does with such a line, for the lines every port
#: prints (lane readings, thresholds): worked out once, as field() decides it
_FIELD_PLANS: dict[tuple[str, str], tuple] = {}


def _field_plan(k: str, section: str) -> tuple:
    """("lane", lane, column, converter), ("threshold", column_level, sensor column), ("none",)
    for a line field() reads and ignores, or ("field",): field() itself."""
    if section.startswith("els"):
        return ("none",)
    m, m_sfp, m_thr = _key_kind(k)
    if m:
        n = int(m.group(2))
        if n < 1:
            return ("none",)
        if m.group(3) == "bias":
            return ("lane", n, "tx_bias_ma", sc.current_ma) if m.group(1) == "tx" else ("none",)
        return ("lane", n, "rx_power_mw" if m.group(1) == "rx" else "tx_power_mw", sc.power_mw)
    if m_sfp and section in ("monitordata", "channelmonitorvalues"):
        if m_sfp.group(2) == "bias":
            return ("lane", 1, "tx_bias_ma", sc.current_ma) if m_sfp.group(1) == "tx" else ("none",)
        return ("lane", 1, "rx_power_mw" if m_sfp.group(1) == "rx" else "tx_power_mw", sc.power_mw)
    if m_thr:
        col = _SENSOR[m_thr.group(1)]
        level = f"{m_thr.group(2)}_{'warn' if m_thr.group(3).startswith('warn') else 'alarm'}"
        return ("threshold", f"{col}_{level}", col)
    if (k in ("temperature", "temp", "moduletemperature", "vcc", "voltage", "supplyvoltage", "identifier",
              "wavelength", "laserwavelength", "mediainterfacetechnology", "medialanecount", "hostlanecount")
            or k in _VENDOR_KEYS or k.startswith("length") or section == "specificationcompliance"
            or k in ("specificationcompliance", "applicationadvertisement") or "compliance" in k
            or "transmissionmedia" in k or "transmittertechnology" in k):
        return ("field",)
    return ("none",)  # a key field() reads nothing from


def _looks_eeprom(text: str) -> bool:
    return _EEPROM_DETECT.search(text) is not None


@register("sonic-transceiver-eeprom", tables=("modules", "lanes"), priority=30, detect=_looks_eeprom,
          description="SONiC show interfaces transceiver eeprom --dom [PORT] (sfpshow / sfputil): "
                      "module identity, DOM readings per lane, thresholds (SFF-8472/8636, CMIS, CPO)")
def parse_eeprom(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    plans = _FIELD_PLANS
    modules, lanes = [], []
    cur: _Module | None = None
    base_indent = 0
    section = ""
    section_indent = -1
    cont_indent = None  # indentation of a multi-line value's key (Application Advertisement)
    nblocks = 0

    def close():
        nonlocal cur
        if cur is not None:
            m, ls = cur.finish()
            modules.append(m)
            lanes.extend(ls)
        cur = None

    for i, line in enumerate(lines):
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        # a block header is only looked for where one can start (the regex costs more than the test)
        b = _BLOCK.match(stripped) if (cur is None or indent <= base_indent) else None
        if b and (
                not b.group("rest") or _EEPROM_STATE.search(b.group("rest"))):
            rest = b.group("rest").lower()
            if not rest:
                continue  # a bare 'Ethernet0:' line is not an EEPROM block header
            close()
            nblocks += 1
            base_indent = indent
            section, section_indent, cont_indent = "", -1, None
            if "not applicable" in rest:
                continue  # RJ45: no pluggable module
            cur = _Module(b.group("port"))
            cur.mod["present"] = not ("not detected" in rest or "not present" in rest)
            if not cur.mod["present"]:
                close()
            continue
        if cur is None:
            continue
        if cont_indent is not None:
            if indent > cont_indent and ":" not in stripped:
                cur.media_texts.append(stripped)
                continue
            cont_indent = None
        kv = _kv_parts(line)
        if kv is None:
            continue
        key, val = kv
        k = sc.norm_key(key)
        if not val:
            # a section header ('ChannelMonitorValues:', 'Specification compliance:')
            section, section_indent = k, indent
            continue
        if section and indent <= section_indent:
            section, section_indent = "", -1
        if k == "applicationadvertisement":
            cont_indent = indent
        try:
            p = plans.get((k, section))
            if p is None:
                p = _field_plan(k, section)
                if len(plans) < 20000:
                    plans[(k, section)] = p
            kind = p[0]
            if kind == "lane":
                row = cur.lanes.get(p[1])
                if row is None:
                    row = cur.lanes[p[1]] = {"port": cur.port, "lane": p[1]}
                row[p[2]] = p[3](val)
            elif kind == "threshold":
                cur.thresholds[p[1]] = _threshold_value(p[2], val)
                lead = _LEAD_NUMBER.match(val)
                cur.raw_thresholds[p[1]] = float(lead.group(1)) if lead else None
            elif kind == "field":
                cur.field(key, val, section)
        except ValueError as e:
            raise ParseError(f"unreadable value for {key.strip()!r}: {e}", line=i + 1, text=line) from None
    close()
    if nblocks == 0:
        raise ParseError("no 'PORT: SFP EEPROM detected / Not detected' block found")
    return {"modules": modules, "lanes": lanes}


# --- KLISH ------------------------------------------------------------------------------------

_BANNER = re.compile(r"^\s*-{10,}\s*$")
_KLISH_FIELD = re.compile(r"^\s*(Rx|Tx)\d+(Power|Bias)\s*:", re.I | re.M)


def _looks_klish(text: str) -> bool:
    if _looks_eeprom(text) or _KLISH_FIELD.search(text) is None:
        return False
    return any(_BANNER.match(ln) for ln in text.splitlines()[:12])


@register("sonic-klish-transceiver-dom", tables=("modules", "lanes"), priority=35, detect=_looks_klish,
          description="SONiC KLISH show interface transceiver dom Ethernet N: per-lane Rx/Tx power, bias")
def parse_klish_dom(text: str, ctx: Context) -> Tables:
    # newer KLISH releases print the same command as 'key   value' lines (sonic_klish_summary.py)
    from netdiag.parsers import sonic_klish_summary as kv
    if kv._looks_kv(text):
        return kv.parse_klish_dom_kv(text, ctx)
    lines = text.splitlines()
    modules, lanes = [], []
    cur: _Module | None = None
    section = ""
    nfields = 0
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or _BANNER.match(line):
            continue
        prev = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        nxt = next((lines[j] for j in range(i + 1, len(lines)) if lines[j].strip()), "")
        if ":" not in s and (_BANNER.match(prev) or _BANNER.match(nxt)) and re.match(rf"^{_PORTNAME}$", s.replace(" ", "")):
            if cur is not None:
                m, ls = cur.finish()
                modules.append(m)
                lanes.extend(ls)
            cur = _Module(s.replace(" ", ""))
            cur.mod["present"] = True
            section = ""
            continue
        kv = _KV.match(line)
        if not kv:
            continue
        if cur is None:
            cur = _Module(ctx.port)
            cur.mod["present"] = True
        key, val = kv.group("key"), kv.group("val")
        if not val:
            section = sc.norm_key(key)
            continue
        try:
            known = cur.field(key, val, section)
        except ValueError as e:
            raise ParseError(f"unreadable value for {key.strip()!r}: {e}", line=i + 1, text=line) from None
        nfields += 1 if known else 0
    if cur is not None:
        m, ls = cur.finish()
        modules.append(m)
        lanes.extend(ls)
    if nfields == 0:
        raise ParseError("no transceiver DOM fields (RxNPower, TxNBias ...) found")
    return {"modules": modules, "lanes": lanes}


# --- PM (400ZR) -------------------------------------------------------------------------------

_PM_HDR = re.compile(r"^\s*Parameter\s+Unit\s+Min\s+Avg\s+Max\b", re.M)
_PM_NA = re.compile(r"performance monitoring not applicable", re.I)


def _snake(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")


def _looks_pm(text: str) -> bool:
    return bool(_PM_HDR.search(text)) and sc.RULE.search(text) is not None


@register("sonic-transceiver-pm", tables=("counters", "modules"), priority=40, detect=_looks_pm,
          description="SONiC show interfaces transceiver pm [PORT]: 400ZR/C-CMIS performance monitoring "
                      "(pre-/post-FEC BER, threshold crossing alerts)")
def parse_pm(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    counters, modules = [], []
    found = False
    # port labels: 'Ethernet44:' (sfpshow prints 'Ethernet44: ' then the table)
    labels = [(i, m.group("port")) for i, ln in enumerate(lines)
              for m in [_BLOCK.match(ln.strip())] if m and not m.group("rest") and not ln[:1].isspace()]
    for r in sc.find_rules(lines):
        t = sc.read_table(lines, r)
        hdr = [sc.norm_key(h) for h in t.header]
        if not hdr or hdr[0] != "parameter" or "avg" not in hdr:
            continue
        found = True
        port = ctx.port
        for li, p in labels:
            if li < r:
                port = p
        col = {h: i for i, h in enumerate(hdr)}
        tca_hi = next((i for h, i in col.items() if "crossing" in h and "high" in h), None)
        tca_lo = next((i for h, i in col.items() if "crossing" in h and "low" in h), None)
        crow: dict = {"port": port}
        alarms: list[str] = []
        for _, cells in t.rows:
            name = cells[0]
            key = sc.norm_key(name)
            avg = sc.number(cells[col["avg"]])
            if key == "prefecber":
                crow["raw_ber"] = avg
            elif key == "postfecber":
                crow["effective_ber"] = avg
            if tca_hi is not None and sc.boolean(cells[tca_hi]) is True:
                alarms.append(f"{_snake(name)}_high_alarm")
            if tca_lo is not None and sc.boolean(cells[tca_lo]) is True:
                alarms.append(f"{_snake(name)}_low_alarm")
        counters.append(crow)
        modules.append({"port": port, "alarms": alarms})
    if not found and not any(_BLOCK.match(ln.strip()) and _PM_NA.search(ln) for ln in lines):
        raise ParseError("no 'Parameter Unit Min Avg Max ...' PM table found")
    return {"counters": counters, "modules": modules}


# --- status -----------------------------------------------------------------------------------

_ST_LANE = re.compile(r"^(?P<what>.*?)\s+(?:on\s+)?(?:(?:media|host)\s+)?(?:lane|line)\s+(?P<n>\d+)$", re.I)
_ST_FLAG = re.compile(r"^(?P<what>.*?)\s+(?P<hl>high|low)\s+(?P<lvl>alarm|warning)(?:\s+flag)?$", re.I)
_ST_NOT_APPLICABLE = re.compile(r"status info not applicable|not applicable", re.I)
_ST_DETECT = re.compile(r"^\s*(Tx fault flag on media lane \d|Rx loss of signal flag on media lane \d|"
                        r"CMIS State \(SW\)|Current module state|TX disable status on lane \d|"
                        r"Disabled TX channels)\s*:", re.I | re.M)

_SENSOR_NAMES = {"tx power": "tx_power", "rx power": "rx_power", "tx bias": "tx_bias",
                 "temperature": "temperature", "vcc": "voltage"}


def _looks_status(text: str) -> bool:
    return _ST_DETECT.search(text) is not None


def _status_field(mod: dict, lanes: dict, port, key: str, val: str) -> bool:
    """One 'Key: value' line of a port's status: what the key means is worked out once per key
    text (_status_plan; keys repeat on every port of a fleet), then applied to the value."""
    plan = _STATUS_PLANS.get(key)
    if plan is None:
        plan = _status_plan(key)
        if len(_STATUS_PLANS) < 20000:
            _STATUS_PLANS[key] = plan
    what = plan[0]
    if what == "other":
        return plan[1]
    if what == "module state":
        mod["module_state"] = None if sc.is_na(val) else val.strip()
        return True
    b = sc.boolean(val)
    if what == "lane column":
        n = plan[1]
        r = lanes.get(n)
        if r is None:
            r = lanes[n] = {"port": port, "lane": n, "alarms": []}
        r[plan[2]] = b
        return True
    if what == "lane alarm":  # (a set flag only)
        if b:
            n = plan[1]
            r = lanes.get(n)
            if r is None:
                r = lanes[n] = {"port": port, "lane": n, "alarms": []}
            r["alarms"].append(plan[2])
        return True
    if what == "module alarm":  # (a set flag only; otherwise as the key's `other` answer)
        if b:
            mod["alarms"].append(plan[1])
            return True
        return plan[2]
    raise AssertionError(f"unhandled status plan {what!r}")


_STATUS_PLANS: dict[str, tuple] = {}
_LANE_COLUMNS = (("tx fault", "tx_fault"), ("rx loss of signal", "rx_los"), ("tx loss of signal", "tx_los"),
                 ("rx clock and data recovery loss of lock", "rx_lol"), ("rx cdr loss of lock", "rx_lol"),
                 ("tx clock and data recovery loss of lock", "tx_lol"), ("tx cdr loss of lock", "tx_lol"))


def _status_plan(key: str) -> tuple:
    """What a status key (as printed) is: ("module state",), ("lane column", lane, column),
    ("lane alarm", lane, alarm or None), ("module alarm", alarm, answer when not set) or
    ("other", answer)."""
    k = " ".join(key.split())
    kl = k.lower()
    other = bool(re.search(r"\b(flag|fault|state|status|channels)\b", kl))
    if kl in ("current module state", "module state"):
        return ("module state",)
    if kl in ("datapath firmware fault", "module firmware fault"):
        # a set fault is the module's alarm; a clear one reads as any other key (neither names a
        # lane nor a high/low flag)
        return ("module alarm", _snake(k), other)
    return _status_plan_rest(k, kl, other)


def _module_flag(f) -> str:
    sensor = _SENSOR_NAMES.get(f.group("what").strip().lower(), _snake(f.group("what")))
    lvl = "warn" if f.group("lvl").lower().startswith("warn") else "alarm"
    return f"{sensor}_{f.group('hl').lower()}_{lvl}"


def _status_plan_rest(k: str, kl: str, other: bool) -> tuple:
    """The plan of any other key: a lane's flag, a module flag, or neither."""
    m = _ST_LANE.match(k)
    if m:
        n = int(m.group("n"))
        if n < 1:
            return ("other", False)
        what = m.group("what").lower()
        if not re.search(r"flag|status|loss of lock|fault", what):
            return ("other", False)
        for prefix, col in _LANE_COLUMNS:
            if what.startswith(prefix):
                return ("lane column", n, col)
        if what.startswith("tx disable status"):
            return ("lane alarm", n, "tx_disabled")
        f = _ST_FLAG.match(what)
        return ("lane alarm", n, _module_flag(f)) if f else ("other", True)
    f = _ST_FLAG.match(k)
    if f:
        return ("module alarm", _module_flag(f), other)
    return ("other", other)


@register("sonic-transceiver-status", tables=("modules", "lanes"), priority=40, detect=_looks_status,
          description="SONiC show interfaces transceiver status [PORT]: per-lane Tx fault / Rx LOS / CDR "
                      "LOL flags, lane and module alarm flags, CMIS module state")
def parse_status(text: str, ctx: Context) -> Tables:
    lines = text.splitlines()
    modules, lanes_out = [], []
    mod: dict | None = None
    lanes: dict[int, dict] = {}
    nfields = 0
    port = ctx.port

    def close():
        nonlocal mod, lanes
        if mod is not None:
            modules.append(mod)
            lanes_out.extend(lanes[n] for n in sorted(lanes))
        mod, lanes = None, {}

    for line in lines:
        if not line.strip():
            continue
        b = None if line[:1].isspace() else _BLOCK.match(line.strip())
        if b and (not b.group("rest") or _ST_NOT_APPLICABLE.search(b.group("rest"))):
            close()
            port = b.group("port")
            if not b.group("rest"):
                mod = {"port": port, "alarms": []}
            continue
        kv = _kv_parts(line)  # (_KV's key and value groups)
        if kv is None or not kv[1]:
            continue
        if mod is None:
            mod = {"port": port, "alarms": []}  # per-port output without a 'PORT:' label
        if _status_field(mod, lanes, port, kv[0], kv[1]):
            nfields += 1
    close()
    if nfields == 0 and not any(_ST_NOT_APPLICABLE.search(ln) and _BLOCK.match(ln.strip()) for ln in lines):
        raise ParseError("no transceiver status flags found")
    return {"modules": modules, "lanes": lanes_out}
