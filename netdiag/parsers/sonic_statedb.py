"""SONiC STATE_DB transceiver tables as JSON: a dump of redis hashes keyed 'TABLE|PORT'.

Accepted shapes:
* ``{"TRANSCEIVER_INFO|Ethernet0": {"type": "QSFP28 or later", ...}, ...}`` (sonic-utilities
  mock tables, ``sonic-db-dump``-style exports flattened to field maps);
* ``{"TRANSCEIVER_INFO|Ethernet0": {"type": "hash", "value": {...}, "ttl": -1}, ...}``
  (``sonic-db-dump -n STATE_DB -y``/redis-dump style).

Tables read: TRANSCEIVER_INFO (identity), TRANSCEIVER_DOM_SENSOR (temperature, Vcc, per-lane
rxNpower / txNpower in dBm, txNbias in mA), TRANSCEIVER_DOM_THRESHOLD, TRANSCEIVER_STATUS /
TRANSCEIVER_STATUS_FLAG / TRANSCEIVER_DOM_FLAG (per-lane txNfault, rxNlos, rxNcdrlol,
txNcdrlol_hostlane, txNlos_hostlane, module_state, <sensor>H/LAlarm/Warn flags) and TRANSCEIVER_PM
(prefec_ber_avg, uncorr_frames_avg). Other keys are ignored. Values are strings; 'N/A' is unreported.

redis-dump's JSON lines (one ``{"db": 6, "key": "TABLE|PORT", "type": "hash", "value": {...}}`` object
per line, or a list of them) are read as well. Pasted fragments are accepted too: '"TRANSCEIVER_DOM_SENSOR|Ethernet0": {...},' entries without the
outer braces and with trailing commas. Older schemas keep the thresholds (temphighalarm,
rxpowerlowwarning, ...) in the TRANSCEIVER_DOM_SENSOR hash itself; they are read from there.
"""

from __future__ import annotations

import json
import re

from netdiag.parsers import Context, ParseError, Tables, register
from netdiag.parsers import _sonic_common as sc

_TABLES = ("TRANSCEIVER_INFO", "TRANSCEIVER_DOM_SENSOR", "TRANSCEIVER_DOM_THRESHOLD", "TRANSCEIVER_STATUS",
           "TRANSCEIVER_STATUS_FLAG", "TRANSCEIVER_DOM_FLAG", "TRANSCEIVER_PM")
_LANE = re.compile(r"^(rx|tx)(\d{1,2})(power|bias)$")
_THR = re.compile(r"^(rxpower|txpower|txbias|temp|vcc)(high|low)(alarm|warning)$")
_FLAG = re.compile(r"^(?:(?P<sig>rx|tx)(?P<n>\d{1,2}))?(?P<sensor>power|bias|temp|vcc|lasertemp)(?P<hl>H|L)(?P<lvl>Alarm|Warn)$")
_LANE_FLAG = re.compile(r"^(rx|tx)(\d{1,2})(fault|los|cdrlol|los_hostlane|cdrlol_hostlane)$")
_SENSOR = {"rxpower": "rx_power_mw", "txpower": "tx_power_mw", "txbias": "tx_bias_ma", "temp": "temperature_c",
           "vcc": "voltage_v"}
_FLAG_NAME = {"temp": "temperature", "vcc": "voltage", "lasertemp": "laser_temperature"}


def _looks(text: str) -> bool:
    head = text[:200000]
    if re.search(r'"TRANSCEIVER_(INFO|DOM_SENSOR|DOM_THRESHOLD)\|', head) is None:
        return False
    # a whole dump starts with '{'; a pasted fragment with the first '"TABLE|PORT": {' entry
    return re.match(r'\s*(?:\{|"[A-Z_]+\|[^"]+"\s*:\s*\{)', head) is not None


_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _load(text: str):
    """A dump, or a fragment of one as pasted: '"TABLE|PORT": {...},' entries without the outer
    braces, trailing commas (redis-dump / hand-edited JSON). Anything else is a ParseError."""
    try:
        return _records(json.loads(text))
    except ValueError:
        pass
    lines = [ln.strip().rstrip(",") for ln in text.splitlines() if ln.strip()]
    if len(lines) > 1 and all(ln.startswith("{") and '"key"' in ln for ln in lines[:50]):
        try:  # redis-dump: one {"db": 6, "key": ..., "type": "hash", "value": {...}} object per line
            return _records([json.loads(ln) for ln in lines])
        except ValueError:
            pass
    s = text.strip().rstrip(",").strip()
    if not s.startswith("{"):
        s = "{" + s + "}"
    s = _TRAILING_COMMA.sub(r"\1", s)
    try:
        return _records(json.loads(s))
    except ValueError as e:
        raise ParseError(f"not JSON (nor a pasted fragment of a STATE_DB dump): {e}",
                         line=getattr(e, "lineno", None)) from None


def _fields(v):
    if isinstance(v, dict) and isinstance(v.get("value"), dict) and "type" in v:
        return v["value"]
    return v if isinstance(v, dict) else None


def _num(v) -> str:
    return v if isinstance(v, str) else str(v)


def _records(data):
    """redis-dump records ([{"key": "TABLE|PORT", "value": {...}}, ...] or one such object) -> the
    {"TABLE|PORT": {...}} map the parser reads; anything else unchanged."""
    recs = data if isinstance(data, list) else [data] if isinstance(data, dict) and "key" in data else None
    if recs is None or not all(isinstance(r, dict) and isinstance(r.get("key"), str) for r in recs):
        return data
    return {r["key"]: r.get("value") for r in recs}


def _thresholds(th: dict, f: dict) -> None:
    for k, v in f.items():
        tm = _THR.match(k)
        if not tm:
            continue
        col = _SENSOR[tm.group(1)]
        lvl = "warn" if tm.group(3) == "warning" else "alarm"
        raw = sc.number(v)  # as stored: dBm for power
        conv = sc.power_mw(v) if col.endswith("power_mw") else raw
        th[f"{col}_{tm.group(2)}_{lvl}"] = (conv, raw)


@register("sonic-statedb-transceiver", tables=("modules", "lanes", "counters"), priority=30, detect=_looks,
          description="SONiC STATE_DB TRANSCEIVER_* tables as a JSON dump (sonic-db-dump / mock tables)")
def parse_statedb(text: str, ctx: Context) -> Tables:
    data = _load(text)
    if not isinstance(data, dict):
        raise ParseError("not a STATE_DB dump (top level is not an object)")
    mods: dict[str, dict] = {}
    lanes: dict[tuple[str, int], dict] = {}
    counters: dict[str, dict] = {}
    thresholds: dict[str, dict] = {}
    n = 0

    def mod(port):
        return mods.setdefault(port, {"port": port})

    def lane(port, i):
        return lanes.setdefault((port, i), {"port": port, "lane": i})

    for key, val in data.items():
        if not isinstance(key, str) or "|" not in key:
            continue
        table, _, port = key.partition("|")
        if table not in _TABLES or not port:
            continue
        f = _fields(val)
        if f is None:
            continue
        n += 1
        f = {str(k): _num(v) for k, v in f.items()}
        try:
            if table == "TRANSCEIVER_INFO":
                m = mod(port)
                if f.get("type") == "RJ45":
                    mods.pop(port, None)
                    continue
                m["present"] = True
                m["identifier"] = sc.identifier(f.get("type"))
                for src, col in (("manufacturer", "vendor"), ("model", "part_number"), ("serial", "serial"),
                                 ("vendor_rev", "revision"), ("connector", "connector")):
                    if src in f and not sc.is_na(f[src]):
                        m[col] = f[src].strip()
                ct = f.get("cable_type", "")
                ln = sc.number(f.get("cable_length", "N/A"))
                if ln and re.search(r"\((k?m)\)", ct, re.I):
                    m["length_m"] = ln * (1000.0 if "(km)" in ct.lower() else 1.0)
                texts = [f.get(x, "") for x in ("specification_compliance", "media_interface_technology",
                                                "application_advertisement")]
                media = sc.media_from([t for t in texts if t and not sc.is_na(t) and "not supported" not in t.lower()])
                if media:
                    m["media"] = media
                mlc = sc.count(f.get("media_lane_count", "N/A"))
                if mlc:
                    m["media_lanes"] = mlc
            elif table == "TRANSCEIVER_DOM_SENSOR":
                m = mod(port)
                if "temperature" in f:
                    m["temperature_c"] = sc.temperature_c(f["temperature"])
                if "voltage" in f:
                    v = sc.voltage_v(f["voltage"])
                    m["voltage_v"] = None if v == 0.0 else v
                for k, v in f.items():
                    lm = _LANE.match(k)
                    if not lm or sc.is_na(v):
                        continue
                    i = int(lm.group(2))
                    if i < 1:
                        continue
                    if lm.group(3) == "bias":
                        lane(port, i)["tx_bias_ma"] = sc.current_ma(v)
                    else:
                        lane(port, i)[f"{lm.group(1)}_power_mw"] = sc.power_mw(v)
                # older schemas keep the thresholds in the sensor hash itself (temphighalarm ...)
                if any(_THR.match(k) for k in f):
                    _thresholds(thresholds.setdefault(port, {}), f)
            elif table == "TRANSCEIVER_DOM_THRESHOLD":
                _thresholds(thresholds.setdefault(port, {}), f)
            elif table == "TRANSCEIVER_PM":
                c = counters.setdefault(port, {"port": port})
                if "prefec_ber_avg" in f:
                    c["raw_ber"] = sc.number(f["prefec_ber_avg"])
                if "uncorr_frames_avg" in f:
                    c["effective_ber"] = sc.number(f["uncorr_frames_avg"])
            else:  # status / flags
                m = mod(port)
                alarms = m.setdefault("alarms", [])
                for k, v in f.items():
                    b = sc.boolean(v)
                    if k == "module_state" and not sc.is_na(v):
                        m["module_state"] = v
                        continue
                    lf = _LANE_FLAG.match(k)
                    if lf:
                        i = int(lf.group(2))
                        if i < 1 or b is None:
                            continue
                        col = {"txfault": "tx_fault", "rxlos": "rx_los", "rxcdrlol": "rx_lol",
                               "txcdrlol_hostlane": "tx_lol", "txlos_hostlane": "tx_los"}.get(lf.group(1) + lf.group(3))
                        if col:
                            lane(port, i)[col] = b
                        continue
                    fm = _FLAG.match(k)
                    if fm and b:
                        if fm.group("sig"):
                            name = f"{fm.group('sig')}_{fm.group('sensor')}_{'high' if fm.group('hl') == 'H' else 'low'}_" \
                                   f"{'warn' if fm.group('lvl') == 'Warn' else 'alarm'}"
                            lane(port, int(fm.group("n"))).setdefault("alarms", []).append(name)
                        else:
                            name = f"{_FLAG_NAME.get(fm.group('sensor'), fm.group('sensor'))}_" \
                                   f"{'high' if fm.group('hl') == 'H' else 'low'}_{'warn' if fm.group('lvl') == 'Warn' else 'alarm'}"
                            alarms.append(name)
                    elif k in ("datapath_firmware_fault", "module_firmware_fault") and b:
                        alarms.append(k)
        except ValueError as e:
            raise ParseError(f"unreadable value in {key!r}: {e}") from None
    if n == 0:
        raise ParseError("no TRANSCEIVER_*|PORT hashes found")
    for port, th in thresholds.items():
        if port not in mods:
            continue
        by: dict[str, list] = {}
        for c, v in th.items():
            by.setdefault(c.rsplit("_", 2)[0], []).append((c, v))
        for items in by.values():
            zero = all(raw == 0.0 for _, (_, raw) in items)  # all-zero thresholds: unpopulated
            for c, (conv, _) in items:
                mods[port][c] = None if zero else conv
    lane_rows = [r for (p, _), r in sorted(lanes.items(), key=lambda kv: (kv[0][0], kv[0][1]))]
    return {"modules": list(mods.values()), "lanes": lane_rows, "counters": list(counters.values())}
