"""Arista EOS renderer: the `| json` outputs of the eos platform driver's discovery commands.

What each output carries (and so what a simulated EOS switch can tell the analysis):

* `show interfaces status | json` — linkStatus (connected / notconnect / disabled), the negotiated
  bandwidth (bits/s) of connected interfaces, the transceiver type;
* `show interfaces transceiver detail | json` — per interface: mediaType, vendorSn, temperature,
  voltage, the interface's own Tx bias / Tx / Rx (EOS prints one figure per interface: lane 1 here)
  and `details` thresholds (power in dBm);
* `show interfaces transceiver dom thresholds | json` — every channel of the interface's lanes
  ("1".."N", numbered within the interface, so the second port of a twin-port cage also starts at
  "1") for txBias / txPower / rxPower, module-wide temperature / voltage as channel "-", thresholds;
* `show interfaces phy detail | json` (revision 2) — one line-side PHY per interface: FEC corrected /
  uncorrected codewords, pre-FEC BER;
* `show interfaces counters errors | json` — FCS, symbol, in/out errors;
* `show lldp neighbors detail | json` — switches advertise their interface name (quoted, as EOS
  shows an interfaceName id), Linux hosts (lldpd) a MAC port id with the interface name as the
  port description, as in the real samples.

* `show inventory | json` — xcvrSlots: per cage (keyed by its number, "24" for Ethernet24/1 and
  Ethernet24/5), the module's mfgName, modelName (part number), serialNum, hardwareRev.

Not carried by any EOS format: module identifier, wavelength, length, lane flags, traffic
counters, MTU, FEC mode.

Layout: the CLI prints `| json` as JSON indented by 4 spaces with ", " / ": " separators (json.dumps
with indent=4) and a final newline; floats as Python's repr. The text is built from templates, one
pass per device, so that a whole large fabric renders in seconds. A null in the tables is a missing
key (EOS omits what it does not know); no light (0.0 mW) is EOS's floor of -30.0 dBm.
"""

from __future__ import annotations

import math
import re
import zlib
from json.encoder import encode_basestring_ascii as _q

import numpy as np
import pandas as pd

from netdiag import platforms
from netdiag.fabric.naming import cage_of
from netdiag.simulate.render import DeviceTables, register

#: updateTime / lastChange epoch of the readings (the simulator's default sweep time,
#: 2026-11-28T03:00:00Z): DeviceTables does not carry the snapshot's time
_NOW = 1795834800.0
_NO_LIGHT_DBM = -30.0
_PORT_NUM = re.compile(r"\d+")

# indentation of json.dumps(indent=4) at depth n
_I = ["\n" + " " * (4 * n) for n in range(9)]


_PORT_KEYS: dict[str, tuple] = {}


def _port_key(name: str) -> tuple:
    """Natural order of interface names (Ethernet2/5 before Ethernet10/1), memoised."""
    k = _PORT_KEYS.get(name)
    if k is None:
        k = (_PORT_NUM.sub("", name), tuple(int(x) for x in _PORT_NUM.findall(name)))
        if len(_PORT_KEYS) < 100_000:
            _PORT_KEYS[name] = k
    return k


def _obj(items: list[str], depth: int) -> str:
    """A JSON object whose members ('"key": value' strings) sit at `depth`."""
    if not items:
        return "{}"
    return "{" + _I[depth] + ("," + _I[depth]).join(items) + _I[depth - 1] + "}"


def _arr(items: list[str], depth: int) -> str:
    if not items:
        return "[]"
    return "[" + _I[depth] + ("," + _I[depth]).join(items) + _I[depth - 1] + "]"


def _fmt_floats(a: np.ndarray) -> list[str | None]:
    """Floats as JSON numbers (Python repr, as EOS prints them); NaN -> None."""
    return [None if v != v else repr(v) for v in a.tolist()]


def _dbm(mw: float) -> float:
    """mW -> dBm as EOS reports it: 0.0 (no light) is its -30.0 dBm floor."""
    return 10.0 * math.log10(mw) if mw > 0 else _NO_LIGHT_DBM


def _dbm_strs(mw: np.ndarray) -> list[str | None]:
    """mW -> dBm text: 0.0 (no light) is EOS's -30.0 floor, NaN is None."""
    mw = np.asarray(mw, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        dbm = np.where(mw > 0, 10.0 * np.log10(np.where(mw > 0, mw, 1.0)), _NO_LIGHT_DBM)
    dbm[np.isnan(mw)] = np.nan
    return _fmt_floats(dbm)


def _col(df: pd.DataFrame, c: str) -> list:
    """A column as Python values with every kind of null (None, NaN, <NA>) as None."""
    if c not in df.columns:
        return [None] * len(df)
    return [None if v is None or v is pd.NA or v != v else v for v in df[c].tolist()]


def _fcol(df: pd.DataFrame, c: str) -> np.ndarray:
    if c not in df.columns:
        return np.full(len(df), np.nan)
    return df[c].to_numpy(dtype="float64", na_value=np.nan)


def _mac(*parts: str) -> str:
    """A stable locally-administered MAC, in EOS's dotted form, for a name."""
    x = f"{(0x02 << 40) | (zlib.crc32('/'.join(parts).encode()) << 8 & 0xFFFFFFFFFF):012x}"
    return f"{x[0:4]}.{x[4:8]}.{x[8:12]}"


def _media_type(media, wavelength, speed, lanes) -> str:
    sp = f"{speed:g}"
    if media == "optical":
        return f"{sp}GBASE-{'SR' if wavelength is not None and wavelength < 1000 else 'DR'}{lanes}"
    if media == "aoc":
        return f"{sp}GBASE-AR4" if lanes == 4 else f"{sp}G-AOC"
    if media == "dac":
        return f"{sp}GBASE-CR{lanes}"
    if media == "acc":
        return f"{sp}GBASE-CR{lanes}-ACC"
    return f"{sp}GBASE-UNKNOWN"


_LEVELS = (("highAlarm", "high_alarm"), ("highWarn", "high_warn"), ("lowWarn", "low_warn"),
           ("lowAlarm", "low_alarm"))
_OVERRIDDEN = ("highAlarmOverridden", "highWarnOverridden", "lowAlarmOverridden", "lowWarnOverridden")
# EOS sensor key, canonical sensor, unit printed by `dom thresholds`, power (mW -> dBm)
_SENSORS = (("temperature", "temperature_c", "C", False), ("voltage", "voltage_v", "V", False),
            ("txBias", "tx_bias_ma", "mA", False), ("txPower", "tx_power_mw", "dBm", True),
            ("rxPower", "rx_power_mw", "dBm", True))
_TH_COLS = tuple(f"{sensor}_{lv}" for _k, sensor, _u, _p in _SENSORS for _e, lv in _LEVELS)
_OVR = "".join(f",{_I[6]}\"{k}\": false" for k in _OVERRIDDEN)
_TH_BLOCKS: dict[tuple, tuple] = {}


def _th_block(vals: tuple) -> tuple[str | None, dict[str, str]]:
    """A module's thresholds (canonical units, in _TH_COLS order; None = none) -> the `"details": {...}`
    member of `transceiver detail` (or None) and, per EOS sensor, the `"threshold": {...}` member of
    `dom thresholds`. Memoised: modules of one type share their thresholds."""
    hit = _TH_BLOCKS.get(vals)
    if hit is not None:
        return hit
    det, dom = [], {}
    i = 0
    for key, _s, _u, power in _SENSORS:
        lv = []
        for eos_lv, _lv in _LEVELS:
            v = vals[i]
            i += 1
            if v is not None:
                lv.append(f'"{eos_lv}": {(_dbm(v) if power else float(v))!r}')
        if lv:
            det.append(f'"{key}": ' + _obj(lv, 5))
            dom[key] = '"threshold": {' + _I[6] + ("," + _I[6]).join(lv) + _OVR + _I[5] + "}"
    res = ('"details": ' + _obj(det, 4) if det else None, dom)
    if len(_TH_BLOCKS) < 10_000:
        _TH_BLOCKS[vals] = res
    return res


class _Dev:
    """One device's tables as plain per-port Python values (converted once)."""

    def __init__(self, dev: DeviceTables):
        P, M, L, C, N = dev.ports, dev.modules, dev.lanes, dev.counters, dev.neighbors
        names = set(P["port"].tolist()) | set(M["port"].tolist()) | set(L["port"].tolist()) \
            | set(C["port"].tolist()) | set(N["port"].tolist())
        self.ports = sorted((p for p in names if isinstance(p, str)), key=_port_key)
        self._mtypes: dict[str, str | None] = {}

        speeds = _fcol(P, "speed_gbps").tolist()
        self.port = {p: (a, o, s, ln) for p, a, o, s, ln in zip(
            P["port"].tolist(), _col(P, "admin_up"), _col(P, "oper_up"), speeds, _col(P, "lanes"))}
        known = [s for s in speeds if s == s and s > 0]
        self.default_speed = max(set(known), key=known.count) if known else None

        # modules: plain values, thresholds as ready-made text blocks
        self.mod = {}
        if len(M):
            n = len(M)
            ths = zip(*[_col(M, c) if c in M.columns else [None] * n for c in _TH_COLS])
            temp, volt = _fmt_floats(_fcol(M, "temperature_c")), _fmt_floats(_fcol(M, "voltage_v"))
            cols = [_col(M, c) for c in ("port", "present", "media", "serial", "dom_supported", "media_lanes",
                                         "identifier", "wavelength_nm")]
            for port, present, media, serial, dom, mlanes, ident, wl, t, v, th in zip(*cols, temp, volt, ths):
                self.mod[port] = {"present": present, "media": media, "serial": serial, "dom": dom,
                                  "lanes": mlanes, "ident": ident, "wl": wl, "temp": t, "volt": v,
                                  "th": _th_block(th)}

        # show inventory: per cage, the module's maker, part number, serial, revision
        self.xcvr: dict[str, tuple] = {}
        if len(M):
            for port, present, *ident in zip(*[_col(M, c) for c in ("port", "present", "vendor", "part_number",
                                                                    "serial", "revision")]):
                if present is not False and ident[0] is not None:
                    self.xcvr.setdefault(cage_of("eos", port), tuple(ident))

        # lanes: per port, sorted by lane, values preformatted
        self.lanes: dict[str, list[tuple[int, str | None, str | None, str | None]]] = {}
        if len(L):
            tx, rx = _dbm_strs(_fcol(L, "tx_power_mw")), _dbm_strs(_fcol(L, "rx_power_mw"))
            bias = _fmt_floats(_fcol(L, "tx_bias_ma"))
            for port, lane, t, r, b in zip(L["port"].tolist(), L["lane"].tolist(), tx, rx, bias):
                self.lanes.setdefault(port, []).append((int(lane), t, r, b))
            for v in self.lanes.values():
                v.sort(key=lambda x: x[0])

        self.cnt = {}
        if len(C):
            names_c = ("fec_corrected_cw", "fec_uncorrectable_cw", "rx_crc_errors", "symbol_errors",
                       "rx_errors", "tx_errors", "link_down_events")
            vals = [_col(C, c) for c in names_c]
            ber = _fmt_floats(_fcol(C, "raw_ber"))
            for i, port in enumerate(C["port"].tolist()):
                d = {c: (None if v[i] is None else int(v[i])) for c, v in zip(names_c, vals)}
                d["raw_ber"] = ber[i]
                self.cnt[port] = d

        self.nbr: dict[str, list[tuple]] = {}
        if len(N):
            for row in zip(N["port"].tolist(), _col(N, "remote_device"), _col(N, "remote_port"),
                           _col(N, "remote_chassis_id"), _col(N, "remote_port_descr"), _col(N, "remote_mgmt_ip"),
                           _fcol(N, "ttl_s").tolist()):
                self.nbr.setdefault(row[0], []).append(row[1:])

    def type_speed(self, port: str, m: dict | None) -> float:
        """The interface's speed for naming its media (the link's, or the switch's usual one)."""
        st = self.port.get(port)
        if st is not None and st[2] == st[2] and st[2] > 0:
            return st[2]
        if self.default_speed:
            return self.default_speed
        return 400.0 if m and m.get("ident") == "OSFP" else 200.0

    def media_type(self, port: str) -> str | None:
        try:
            return self._mtypes[port]
        except KeyError:
            pass
        t = self._mtypes[port] = self._media_type(port)
        return t

    def _media_type(self, port: str) -> str | None:
        m = self.mod.get(port)
        if m is None or m["present"] is False:
            return None
        st = self.port.get(port)
        lanes = m["lanes"] or (st[3] if st else None) or len(self.lanes.get(port, ())) or 4
        return _media_type(m["media"], m["wl"], self.type_speed(port, m), int(lanes))


# --- show interfaces status | json ------------------------------------------------------------

def _status(d: _Dev) -> str:
    items = []
    for p in d.ports:
        st = d.port.get(p)
        admin, oper = (st[0], st[1]) if st else (None, None)
        m = d.mod.get(p)
        mtype = d.media_type(p)
        if admin is False:
            link, proto = "disabled", "down"
        elif oper:
            link, proto = "connected", "up"
        else:
            link, proto = "notconnect", ("notPresent" if mtype is None else "down")
        bw = int(round(d.type_speed(p, m) * 1e9))
        items.append(
            f'{_q(p)}: {{{_I[3]}"vlanInformation": {{{_I[4]}"interfaceMode": "routed",{_I[4]}'
            f'"interfaceForwardingModel": "routed"{_I[3]}}},{_I[3]}"bandwidth": {bw},{_I[3]}'
            f'"interfaceType": {_q(mtype or "Not Present")},{_I[3]}"description": "",{_I[3]}'
            f'"autoNegotiateActive": false,{_I[3]}"duplex": "duplexFull",{_I[3]}'
            f'"autoNegotigateActive": false,{_I[3]}"linkStatus": "{link}",{_I[3]}'
            f'"lineProtocolStatus": "{proto}"{_I[2]}}}')
    return "{" + _I[1] + '"interfaceStatuses": ' + _obj(items, 2) + _I[0] + "}\n"


# --- show interfaces transceiver detail | json -------------------------------------------------

def _xcvr_detail(d: _Dev) -> str:
    items = []
    for p in d.ports:
        m = d.mod.get(p)
        if m is None:
            continue
        f = [f'"updateTime": {_NOW!r}']
        if m["present"] is False:
            f.append('"mediaType": "Not Present"')
            items.append(f"{_q(p)}: " + _obj(f, 3))
            continue
        f.append(f'"mediaType": {_q(d.media_type(p))}')
        if m["serial"] is not None:
            f.append(f'"vendorSn": {_q(m["serial"])}')
        if m["dom"] is False:
            items.append(f"{_q(p)}: " + _obj(f, 3))
            continue
        lanes = d.lanes.get(p) or []
        first = lanes[0] if lanes and lanes[0][0] == 1 else None
        for key, v in (("temperature", m["temp"]), ("voltage", m["volt"]),
                       ("txBias", first and first[3]), ("txPower", first and first[1]),
                       ("rxPower", first and first[2])):
            if v is not None:
                f.append(f'"{key}": {v}')
        f.append('"narrowBand": false')
        if m["th"][0] is not None:
            f.append(m["th"][0])
        items.append(f"{_q(p)}: " + _obj(f, 3))
    return "{" + _I[1] + '"interfaces": ' + _obj(items, 2) + _I[0] + "}\n"


# --- show interfaces transceiver dom thresholds | json -----------------------------------------

def _dom(d: _Dev) -> str:
    items = []
    for p in d.ports:
        m = d.mod.get(p)
        if m is None:
            continue
        if m["present"] is False:
            items.append(f"{_q(p)}: {{}}")
            continue
        f = [f'"displayName": {_q(p)}']
        if m["serial"] is not None:
            f.append(f'"vendorSn": {_q(m["serial"])}')
        f.append(f'"mediaType": {_q(d.media_type(p))}')
        params = []
        if m["dom"] is not False:
            lanes = d.lanes.get(p) or []
            thr = m["th"][1]
            for key, _s, unit, _p in _SENSORS:
                if key == "temperature":
                    chans = [f'"-": {m["temp"]}'] if m["temp"] is not None else []
                elif key == "voltage":
                    chans = [f'"-": {m["volt"]}'] if m["volt"] is not None else []
                else:
                    j = {"txBias": 3, "txPower": 1, "rxPower": 2}[key]
                    chans = [f'"{ln[0]}": {ln[j]}' for ln in lanes if ln[j] is not None]
                th = thr.get(key)
                if not chans and th is None:
                    continue
                body = [f'"unit": "{unit}"', '"channels": ' + _obj(chans, 6)]
                if th is not None:
                    body.append(th)
                params.append(f'"{key}": ' + _obj(body, 5))
        f.append('"parameters": ' + _obj(params, 4))
        items.append(f"{_q(p)}: " + _obj(f, 3))
    return "{" + _I[1] + '"interfaces": ' + _obj(items, 2) + _I[0] + "}\n"


# --- show interfaces phy detail | json ----------------------------------------------------------

def _phy(d: _Dev) -> str:
    items = []
    for p in d.ports:
        c = d.cnt.get(p)
        st = d.port.get(p)
        if c is None and st is None:
            continue
        c = c or {}
        oper = bool(st and st[1])
        lde = c.get("link_down_events") or 0
        n_lanes = (st[3] if st and st[3] else None) or len(d.lanes.get(p, ())) or 4
        ps = [f'"description": {{{_I[6]}"phyChipName": "BCM78900-PM8X100",{_I[6]}"location": "line"{_I[5]}}}']
        fec = []
        for k, col in (("correctedCodewords", "fec_corrected_cw"), ("uncorrectedCodewords", "fec_uncorrectable_cw")):
            v = c.get(col)
            if v is not None:
                fec.append(f'"{k}": {{{_I[7]}"value": {v},{_I[7]}"changes": {2 * v if v else 0},{_I[7]}'
                           f'"lastChange": {(_NOW - 60.0) if v else 0.0!r}{_I[6]}}}')
        if fec:
            fec.append('"laneMap": ' + _obj([f'"{i}": {i}' for i in range(int(n_lanes))], 7))
            ps.append('"fec": ' + _obj(fec, 6))
        if c.get("raw_ber") is not None:
            ps.append(f'"preFecBer": {{{_I[6]}"value": {c["raw_ber"]}{_I[5]}}}')
        ps.append(f'"pma": {{{_I[6]}"laneTxStatus": {{}}{_I[5]}}}')
        ps.append(f'"phyState": {{{_I[6]}"value": "{"linkUp" if oper else "linkDown"}",{_I[6]}'
                  f'"changes": {2 * lde + (2 if oper else 1)},{_I[6]}"lastChange": {_NOW - 86400.0!r}{_I[5]}}}')
        items.append(f'{_q(p)}: {{{_I[3]}"phyStatuses": [{_I[4]}' + _obj(ps, 5) + f'{_I[3]}],{_I[3]}'
                     f'"interfaceState": {{}},{_I[3]}"transceiver": {{}},{_I[3]}"macFaults": {{}}{_I[2]}}}')
    return "{" + _I[1] + '"interfacePhyStatuses": ' + _obj(items, 2) + _I[0] + "}\n"


# --- show interfaces counters errors | json ----------------------------------------------------

def _errors(d: _Dev) -> str:
    items = []
    for p in d.ports:
        c = d.cnt.get(p)
        if c is None:
            continue
        f = []
        for k, v in (("inErrors", c["rx_errors"]), ("frameTooLongs", 0), ("outErrors", c["tx_errors"]),
                     ("frameTooShorts", 0), ("fcsErrors", c["rx_crc_errors"]), ("alignmentErrors", 0),
                     ("symbolErrors", c["symbol_errors"])):
            if v is not None:
                f.append(f'"{k}": {v}')
        items.append(f"{_q(p)}: " + _obj(f, 3))
    return "{" + _I[1] + '"interfaceErrorCounters": ' + _obj(items, 2) + _I[0] + "}\n"


# --- show lldp neighbors detail | json ----------------------------------------------------------

_SWITCH_CAPS = _obj(['"bridge": true', '"router": true'], 6)
_HOST_CAPS = _obj(['"bridge": false', '"router": false', '"wlanAccessPoint": false', '"stationOnly": true'], 6)


def _lldp(d: _Dev) -> str:
    items = []
    for p in d.ports:
        infos = []
        for rdev, rport, chassis, descr, mgmt, ttl in d.nbr.get(p, ()):
            switch = isinstance(rport, str) and rport.startswith("Ethernet")
            chassis = chassis or _mac(rdev or "")
            if switch:
                idtype, pid = "interfaceName", _q(f'"{rport}"')
                pdescr = descr or ""
                sysdescr = "Arista Networks EOS version 4.33.1F running on an Arista 7060X6"
                caps, auto = _SWITCH_CAPS, "notCapable"
            else:
                idtype, pid = "macAddress", _q(_mac(rdev or "", rport or ""))
                pdescr = descr or rport or ""
                sysdescr = "Ubuntu 22.04.5 LTS Linux 5.15.0-131-generic #141-Ubuntu SMP x86_64"
                caps, auto = _HOST_CAPS, "notCapable"
            mg = []
            if mgmt:
                mg.append(_obj(['"oidString": ""', '"interfaceNumType": "ifIndex"', '"interfaceNum": 1',
                                f'"address": {_q(mgmt)}', f'"addressType": "{"ipv6" if ":" in mgmt else "ipv4"}"'],
                               7))
            ttl_s = int(ttl) if ttl == ttl and ttl is not None else 120
            nii = _obj(['"portAndProtocolVlanEnabled": {}', '"linkAggregationStatus": "capableAndDisabled"',
                        '"unknownTlvs": []', f'"interfaceIdType": "{idtype}"', f'"interfaceId": {pid}',
                        f'"interfaceDescription": {_q(pdescr)}', f'"autoNegCapability": "{auto}"',
                        '"autoNegAdvertisedCapabilities": []', '"protocolIdentityInfo": []',
                        '"portAndProtocolVlanSupported": {}', '"operMauType": "Unknown"', '"vlanNames": {}',
                        '"maxFrameSize": 9236', '"linkAggregationInterfaceId": 0', '"unknownOrgDefinedTlvs": []'], 6)
            infos.append(_obj([f'"systemCapabilities": {caps}',
                               f'"lastChangeTime": {_NOW - 86400.0!r}', f'"neighborInterfaceInfo": {nii}',
                               f'"neighborDiscoveryTime": {_NOW - 86400.0!r}', f'"lastContactTime": {_NOW - 12.0!r}',
                               f'"chassisId": {_q(chassis)}', f'"systemName": {_q(rdev or "")}',
                               f'"systemDescription": {_q(sysdescr)}', f'"ttl": {ttl_s}',
                               '"managementAddresses": ' + _arr(mg, 6), '"chassisIdType": "macAddress"'], 5))
        items.append(f'{_q(p)}: {{{_I[3]}"lldpNeighborInfo": ' + _arr(infos, 4) + _I[2] + "}")
    return "{" + _I[1] + '"lldpNeighbors": ' + _obj(items, 2) + _I[0] + "}\n"


# --- show inventory | json -----------------------------------------------------------------------

def _inventory(d: _Dev) -> str:
    """The transceiver slots of `show inventory | json` (keyed by cage number, as EOS does); the
    chassis parts are not simulated."""
    items = []
    for cage in sorted(d.xcvr, key=_port_key):
        vendor, pn, serial, rev = d.xcvr[cage]
        items.append(f'{_q(cage.removeprefix("Ethernet"))}: ' + _obj([
            f'"mfgName": {_q(vendor or "")}', f'"modelName": {_q(pn or "")}',
            f'"serialNum": {_q(serial or "")}', f'"hardwareRev": {_q(rev or "")}'], 3))
    return "{" + _I[1] + '"xcvrSlots": ' + _obj(items, 2) + "," + _I[1] + \
        f'"portCount": {len(d.ports)}' + _I[0] + "}\n"


_OUTPUTS = {
    "show interfaces status | json": _status,
    "show interfaces transceiver detail | json": _xcvr_detail,
    "show interfaces transceiver dom thresholds | json": _dom,
    "show interfaces phy detail | json": _phy,
    "show interfaces counters errors | json": _errors,
    "show lldp neighbors detail | json": _lldp,
    "show inventory | json": _inventory,
}


@register("eos")
def render_eos(dev: DeviceTables) -> list[tuple[str, bytes]]:
    plat = platforms.get("eos")
    d = _Dev(dev)
    out = []
    for cmd in plat.discovery:
        try:
            fn = _OUTPUTS[cmd]
        except KeyError:
            raise NotImplementedError(f"eos renderer: no output for discovery command {cmd!r}") from None
        out.append((cmd, fn(d).encode()))
    # the driver has no per-port commands today; render them here if it ever gains some
    per_port = plat.port_commands(d.ports) if plat.per_port else []
    if per_port:
        raise NotImplementedError(f"eos renderer: per-port commands {plat.per_port!r} not rendered")
    return out
