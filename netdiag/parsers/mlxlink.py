"""mlxlink (NVIDIA/Mellanox MFT / mstflint) `mlxlink -d DEV -p N [-m] [-c] [-e]` text output.

Layout (MFT 4.x): sections titled on their own line and underlined with dashes
('Operational Info', 'Supported Info', 'Troubleshooting Info', 'Tool Information', 'Module Info',
'Physical Counters and BER Info', 'EYE Opening Info', 'Histogram of FEC Errors', ...), then
'Key<padding>: value' lines. Values may carry ANSI colour codes on a TTY and trailing spaces
(MFT 4.35). Per-lane values are comma lists; DOM readings may end with the module's alarm
thresholds in brackets ('54 [-5..75]', '1.886,1.989,2.281,1.976 [-10.41..6]': mlxlink prints
the PDDR module-info low/high thresholds, which are the module's alarm thresholds; e.g. a
voltage range [2970..3630] mV = 3.3 V +-10 %). BERs print as '<coef>E-<exp>' ('2E-9'); the
tool prints '15E-255' when no error was seen (see _ber).

mlxlink names no port in its output (the port is -p N): rows take the caller's port.
"""

from __future__ import annotations

import re

from netdiag import units
from netdiag.parsers import Context, ParseError, Tables, register

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_SECTION_DETECT = re.compile(
    r"^(?:Operational Info|Module Info|Physical Counters and BER Info|Troubleshooting Info)[ \t]*\r?\n"
    r"[ \t]*-{5,}", re.MULTILINE)
_KV = re.compile(r"^(?P<key>[^:\r\n]*?\S)\s*:\s?(?P<val>.*?)\s*$")
_DASHES = re.compile(r"^\s*-{3,}\s*$")
_RANGE = re.compile(r"^(?P<vals>.*?)\s*\[\s*(?P<lo>[-+]?[\d.]+(?:[eE][-+]?\d+)?)\s*\.\.\s*"
                    r"(?P<hi>[-+]?[\d.]+(?:[eE][-+]?\d+)?)\s*\]\s*$")
_BER = re.compile(r"^(?P<coef>\d+(?:\.\d+)?)\s*[eE]\s*(?P<exp>[-+]?\d+)$")
_NUM = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")

#: the IB link speeds mlxlink prints ('IB-NDR', 'HDR') -> Gb/s per lane (nominal data rate)
_IB_LANE_GBPS = {"SDR": 2.5, "DDR": 5.0, "QDR": 10.0, "FDR10": 10.0, "FDR": 14.0, "EDR": 25.0,
                 "HDR": 50.0, "NDR": 100.0, "XDR": 200.0}


def _unreported(v: str | None) -> bool:
    if v is None:
        return True
    t = v.strip().lower()
    return t in units.UNREPORTED or t.startswith("n/a")


def _ber(v: str | None) -> float | None:
    """'2E-9' -> 2e-9; '7.5E-12' and plain floats as given. mlxlink prints its BER as a mantissa
    and an exponent computed from the error count; with zero errors seen it prints the sentinel
    '15E-255' (older releases '1E-255'), which means "no errors", i.e. a BER of 0.0."""
    if _unreported(v):
        return None
    t = v.strip()
    m = _BER.match(t)
    if m:
        exp = int(m.group("exp"))
        if exp <= -255:  # the zero-errors sentinel
            return 0.0
        ber = float(f"{m.group('coef')}e{exp}")
        return ber if 0.0 <= ber <= 1.0 else None  # a ratio: anything else is garbled
    if _NUM.match(t):
        ber = float(t)
        return ber if 0.0 <= ber <= 1.0 else None
    return None


def _int(v: str | None) -> int | None:
    if _unreported(v):
        return None
    t = v.strip().replace(",", "")
    try:
        return int(float(t)) if _NUM.match(t) else None
    except (ValueError, OverflowError):
        return None


def _float(v: str | None) -> float | None:
    if _unreported(v):
        return None
    t = v.strip()
    return float(t) if _NUM.match(t) else None


def _split_range(v: str) -> tuple[str, tuple[float, float] | None]:
    """'1.2,1.3 [-10.41..6]' -> ('1.2,1.3', (-10.41, 6.0)); no brackets -> (v, None)."""
    m = _RANGE.match(v)
    if not m:
        return v, None
    return m.group("vals"), (float(m.group("lo")), float(m.group("hi")))


def _list(v: str | None) -> list[str]:
    if _unreported(v) and (v is None or "," not in v):
        return []
    return [p.strip() for p in v.split(",")]


def _speed(v: str | None, lanes: int | None) -> float | None:
    if _unreported(v):
        return None
    t = v.strip().upper()
    if t.startswith("IB-"):
        t = t[3:]
    t = t.split()[0] if t.split() else t
    if t in _IB_LANE_GBPS:
        return _IB_LANE_GBPS[t] * lanes if lanes else None
    m = re.match(r"^(\d+(?:\.\d+)?)\s*(G|M)(?:BE|B/S|BPS)?(?:_\d+X)?$", t)
    if m:
        n = float(m.group(1))
        return n if m.group(2) == "G" else units.mbps_to_gbps(n)
    if re.match(r"^BASET?X?(\d+)M$", t):  # 'BaseTx100M'
        return units.mbps_to_gbps(float(re.match(r"^BASET?X?(\d+)M$", t).group(1)))
    return None


def _fec(v: str | None) -> str | None:
    """mlxlink FEC names -> rs528 / rs544 / rs272 / fc / none; anything else lower-cased as given."""
    if _unreported(v):
        return None
    t = v.strip().lower()
    if "no fec" in t or t in ("none", "no_fec", "off"):
        return "none"
    if "544" in t:
        return "rs544"
    if "528" in t:
        return "rs528"
    if "272" in t:
        return "rs272"  # Ethernet Consortium low-latency RS(272,257+1) (IB NDR/HDR PLR)
    if "271" in t:
        return "rs271"
    if "firecode" in t or "fc_fec" in t or "fc-fec" in t or "base-r" in t or "base_r" in t:
        return "fc"
    return t


def _media(cable_type: str | None, technology: str | None) -> str | None:
    for v in (cable_type, technology):
        if _unreported(v):
            continue
        t = v.lower()
        if "copper" in t:
            if "passive" in t:
                return "dac"
            if "active" in t or "linear" in t or "equalized" in t and "unequalized" not in t:
                return "acc"
            return "dac"
        if "active optical" in t or t.startswith("aoc"):
            return "aoc"
        if "optical" in t or "nm" in t or "vcsel" in t or "laser" in t or "fiber" in t or "fibre" in t:
            return "optical"
    return None


def _flags(v: str | None) -> list[bool | None]:
    out = []
    for p in _list(v):
        if p in ("1", "Yes", "yes", "True", "true", "ON", "On"):
            out.append(True)
        elif p in ("0", "No", "no", "False", "false", "OFF", "Off"):
            out.append(False)
        else:
            out.append(None)
    return out


def _looks_like(text: str) -> bool:
    head = _ANSI.sub("", text[:8000])
    return _SECTION_DETECT.search(head) is not None


@register("mlxlink", tables=("ports", "modules", "lanes", "counters", "fec_histogram"),
          detect=_looks_like, priority=30,
          description="mlxlink -d DEV -p N [-m] [-c] [-e] [--show_fec] (NVIDIA MFT/mstflint 4.x): "
                      "link state, module DOM, per-lane power/bias/errors, BER counters")
def parse_mlxlink(text: str, ctx: Context) -> Tables:
    text = _ANSI.sub("", text)
    lines = text.splitlines()
    kv: dict[str, str] = {}
    hist: dict[int, int] = {}
    section = None
    sections = 0
    for i, raw in enumerate(lines):
        line = raw.rstrip()
        if not line.strip() or _DASHES.match(line):
            continue
        if i + 1 < len(lines) and _DASHES.match(lines[i + 1]) and ":" not in line:
            section = line.strip()
            sections += 1
            continue
        m = _KV.match(line)
        if not m:
            continue
        key, val = m.group("key").strip(), m.group("val").strip()
        if section and section.lower().startswith("histogram of fec"):
            b = re.match(r"^Bin\s*(\d+)$", key)
            if b:
                nums = re.findall(r"(?<![\d.\[])\d+(?![\d.\]])", re.sub(r"\[[^\]]*\]", " ", val))
                if nums:
                    hist[int(b.group(1))] = int(nums[-1])
            continue
        kv.setdefault(key, val)
    known = {"State", "Physical state", "Speed", "Width", "FEC", "Identifier", "Vendor Name",
             "Raw Physical BER", "Effective Physical BER", "Link Down Counter", "Temperature [C]"}
    if sections == 0 and len(known & set(kv)) < 3:
        first = next((ln for ln in lines if ln.strip()), "")
        raise ParseError("no mlxlink sections (Operational Info, Module Info, ...)", line=1, text=first)

    def get(*names: str) -> str | None:
        for n in names:
            if n in kv:
                return kv[n]
        return None

    out: Tables = {}

    # --- ports ----------------------------------------------------------------------------------
    width = get("Width")
    lanes_n = None
    if not _unreported(width):
        mw = re.match(r"^\s*(\d+)\s*[xX]?", width)
        lanes_n = int(mw.group(1)) if mw else None
    state = get("State")
    port: dict = {}
    if state is not None and not _unreported(state):
        port["oper_up"] = state.strip().lower() == "active"
    speed = _speed(get("Speed"), lanes_n)
    if speed is not None:
        port["speed_gbps"] = speed
    if lanes_n:
        port["lanes"] = lanes_n
    fec = _fec(get("FEC"))
    if fec is not None:
        port["fec"] = fec
    an = get("Auto Negotiation")
    if an is not None and an.strip().upper() in ("ON", "OFF"):
        port["autoneg"] = an.strip().upper() == "ON"
    if port:
        out["ports"] = [port]

    # --- modules --------------------------------------------------------------------------------
    mod: dict = {}
    thresholds: dict = {}

    def reading(name: str, conv, sensor: str | None, th_conv=None):
        """'54 [-5..75]' -> (values, ) and the alarm thresholds into `thresholds`."""
        v = get(name)
        if _unreported(v):
            return []
        vals, rng = _split_range(v)
        if rng is not None and rng == (0.0, 0.0):
            # all-zero thresholds and readings: the module (a passive cable) has no monitors
            return []
        res = [conv(p) for p in _list(vals)]
        if rng is not None and sensor:
            f = th_conv or conv
            lo, hi = f(repr(rng[0])), f(repr(rng[1]))
            thresholds[f"{sensor}_low_alarm"] = lo
            thresholds[f"{sensor}_high_alarm"] = hi
        return res

    def dbm(p: str) -> float | None:
        return None if _unreported(p) or not _NUM.match(p.strip()) and p.strip().lower() != "-inf" \
            else units.dbm_to_mw(float(p))

    def mv(p: str) -> float | None:
        f = _float(p)
        return None if f is None else units.mv_to_v(f)

    temp = reading("Temperature [C]", _float, "temperature_c")
    volt = reading("Voltage [mV]", mv, "voltage_v")
    bias = reading("Bias Current [mA]", _float, "tx_bias_ma")
    rxp = reading("Rx Power Current [dBm]", dbm, "rx_power_mw")
    txp = reading("Tx Power Current [dBm]", dbm, "tx_power_mw")
    if temp and temp[0] is not None:
        mod["temperature_c"] = temp[0]
    if volt and volt[0] is not None:
        mod["voltage_v"] = volt[0]
    mod.update({k: v for k, v in thresholds.items() if v is not None})

    ident = get("Identifier")
    if not _unreported(ident):
        mod["identifier"] = ident
        mod["present"] = True
    for col, name in (("vendor", "Vendor Name"), ("part_number", "Vendor Part Number"),
                      ("serial", "Vendor Serial Number"), ("revision", "Rev"),
                      ("module_state", "Module State")):
        v = get(name)
        if not _unreported(v):
            mod[col] = v
    media = _media(get("Cable Type"), get("Cable Technology"))
    if media:
        mod["media"] = media
    wl = get("Wavelength [nm]")
    if not _unreported(wl):
        mwl = re.match(r"^\s*([\d.]+)", wl)
        if mwl:
            mod["wavelength_nm"] = float(mwl.group(1))
    dist = get("Transfer Distance [m]")
    if not _unreported(dist):
        mdist = re.match(r"^\s*([\d.]+)\s*(km|m|cm)?", dist)
        if mdist:
            mod["length_m"] = units.length_to_m(mdist.group(1) + (mdist.group(2) or "m"))
    if "length_m" not in mod:
        smf = get("SMF Length")
        if not _unreported(smf):
            try:
                ln = units.length_to_m(smf)
                if ln:
                    mod["length_m"] = ln
            except ValueError:
                pass
    ddm = get("Digital Diagnostic Monitoring")
    if ddm is not None and ddm.strip().lower() in ("yes", "no"):
        mod["dom_supported"] = ddm.strip().lower() == "yes"
    if mod:
        out["modules"] = [mod]

    # --- lanes ----------------------------------------------------------------------------------
    per_lane = {
        "rx_power_mw": rxp, "tx_power_mw": txp, "tx_bias_ma": bias,
        "raw_errors": [_int(p) for p in _list(get("Raw Physical Errors Per Lane"))],
        "raw_ber": [_ber(p) for p in _list(get("Raw Physical BER Per Lane"))],
        "rx_los": _flags(get("Rx LOS [per lane]")), "tx_los": _flags(get("Tx LOS [per lane]")),
        "tx_fault": _flags(get("Tx Fault [per lane]")), "rx_lol": _flags(get("Rx CDR LOL [per lane]")),
        "tx_lol": _flags(get("Tx CDR LOL [per lane]")),
    }
    n_lanes = max((len(v) for v in per_lane.values() if any(x is not None for x in v)), default=0)
    if n_lanes:
        rows = []
        for i in range(n_lanes):
            r = {"lane": i + 1}
            for col, vals in per_lane.items():
                if i < len(vals) and vals[i] is not None:
                    r[col] = vals[i]
            rows.append(r)
        out["lanes"] = rows

    # --- counters -------------------------------------------------------------------------------
    cnt: dict = {}
    for col, names, conv in (
            ("raw_ber", ("Raw Physical BER",), _ber),
            ("effective_ber", ("Effective Physical BER",), _ber),
            ("symbol_ber", ("Symbol BER",), _ber),
            ("link_down_events", ("Link Down Counter",), _int),
            ("link_error_recovery", ("Link Error Recovery Counter",), _int),
            # IB 'Symbol Errors' (after FEC and PLR) when printed, else the post-FEC errors
            ("symbol_errors", ("Symbol Errors", "Effective Physical Errors"), _int),
    ):
        v = conv(get(*names))
        if v is not None:
            cnt[col] = v
    tsc = _float(get("Time Since Last Clear [Min]"))
    if tsc is not None:
        cnt["time_since_clear_s"] = tsc * 60.0
    if cnt:
        out["counters"] = [cnt]
    if hist:
        out["fec_histogram"] = [{"bin": b, "count": c} for b, c in sorted(hist.items())]
    return out
