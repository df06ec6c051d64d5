"""NVIDIA Cumulus Linux switch outputs (NVUE `nv show` text, Cumulus Linux 5.11 layouts).

``nv show interface``, ``nv show platform transceiver`` (brief table), per port
``nv show interface P link phy-detail`` (AmBER counters: raw errors per lane, BERs, FEC histogram,
time since clear), ``nv show interface P counters errors``, ``nv show platform transceiver P`` and
``... P channel``; LLDP comes from lldpd (``lldpctl -f json``, see render_linux).
A twin-port (2 x 400G) cage reports the same module, all its channels, on both of its sub-ports.
"""

from __future__ import annotations

import math

from benchmarks.scenarios.fabric import shown_thresholds, Device, End, dbm, module_view

_ID = {"OSFP": "OSFP", "QSFP-DD": "QSFP-DD", "QSFP56": "QSFP28"}


def _natural(port: str) -> list:
    return [int(x) for x in port[3:].replace("s", " ").split()]


def _ends(dev: Device) -> list[End]:
    return sorted(dev.ends.values(), key=lambda e: _natural(e.port))


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def fmt(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)) + " "
    return "\n".join([fmt(headers), "  ".join("-" * w for w in widths) + " "] + [fmt(r) for r in rows]) + "\n"


def interfaces(dev: Device, neighbors: list[tuple[End, Device, End]]) -> str:
    def port_id(far_dev: Device, far: End) -> str:
        if far_dev.lldp_port_id == "alias" and far.alias:
            return far.alias
        return far.mac if far_dev.lldp_port_id == "mac" else far.port
    seen = {local.port: (far_dev.name, port_id(far_dev, far)) for local, far_dev, far in neighbors}
    rows = [["eth0", "up", "up", "1G", "1500", "eth", "oob-mgmt-switch", "swp12",
             f"IP Address:            {dev.address}/24"],
            ["lo", "up", "unknown", "", "65536", "loopback", "", "", "IP Address:                  127.0.0.1/8"]]
    for e in _ends(dev):
        host, port = seen.get(e.port, ("", ""))
        rows.append([e.port, "up" if e.admin_up else "down", "up" if e.oper_up else "down",
                     f"{e.speed_gbps}G" if e.oper_up else "", "9216", "swp", host, port, ""])
    if not dev.unused_rows_dropped:
        for port, _alias in dev.unused_ports:
            rows.append([port, "down", "down", "", "1500", "swp", "", "", ""])
    return _table(["Interface", "Admin Status", "Oper Status", "Speed", "MTU", "Type", "Remote Host",
                   "Remote Port", "Summary"], rows)


def transceiver_brief(dev: Device) -> str:
    rows = []
    for e in _ends(dev):
        m = e.module
        rows.append([e.port, _ID[m.identifier], m.vendor, m.part_number, m.serial, "A4"])
    return _table(["Transceiver", "Identifier", "Vendor name", "Vendor PN", "Vendor SN", "Vendor revision"], rows)


def _ber(x: float) -> str:
    """NVUE prints BER as an integer mantissa and exponent; 15E-255 when nothing was seen."""
    if x <= 0:
        return "15E-255"
    e = math.floor(math.log10(x))
    return f"{round(x / 10 ** e)}E{e}"


def phy_detail(e: End) -> str:
    n = 8
    used = e.lanes_used
    bits = e.rx_bytes * 8
    rows = [("time-since-last-clear-min", str(int(e.uptime_s // 60))), ("phy-received-bits", str(bits)),
            ("symbol-errors", str(e.symbol_errors)), ("effective-errors", str(e.fec_uncorrectable))]
    rows += [(f"phy-raw-errors-lane{i}", str(e.lane_errors[i] if i < used else 0)) for i in range(n)]
    rows += [("raw-ber", _ber(e.pre_fec_ber)), ("symbol-ber", _ber(e.post_fec_ber)),
             ("effective-ber", _ber(e.post_fec_ber))]
    rows += [(f"raw-ber-lane{i}", _ber(e.pre_fec_ber if i < used else 0.0)) for i in range(n)]
    corr = e.fec_corrected
    ratio = 0.08 if e.pre_fec_ber < 1e-6 else 0.35 if e.pre_fec_ber < 1e-4 else 0.6
    w = [ratio ** k for k in range(14)]
    bins = [int(corr * x / sum(w)) for x in w]
    if e.pre_fec_ber < 1e-6:
        bins = [b if k < 8 else 0 for k, b in enumerate(bins)]
    hist = [max(bits // 5440 - corr - e.fec_uncorrectable, 0) if bits else 0] + bins + [e.fec_uncorrectable]
    rows += [(f"rs-num-corr-err-bin{k}", str(v)) for k, v in enumerate(hist)]
    out = ["                           operational ", "-------------------------  ---------------- "]
    out += [f"{k:<25}  {v} " for k, v in rows]
    return "\n".join(out) + "\n"


def counters_errors(e: End) -> str:
    rows = [("Alignment Errors", "0", "n/a"), ("FCS Errors", str(e.crc_errors), "n/a"), ("Jabber Errors", "0", "n/a"),
            ("Length Errors", "0", "n/a"), ("Oversize Errors", "0", "n/a"),
            ("Symbol Errors", str(e.symbol_errors), "n/a"), ("Total Errors", str(e.crc_errors), "0"),
            ("Undersize Errors", "0", "n/a")]
    out = ["Counter           Receive  Transmit", "----------------  -------  --------"]
    out += [f"{a:<16}  {b:<7}  {c:<8}" for a, b, c in rows]
    return "\n".join(out) + "\n"


def _pw(mwv: float) -> str:
    d = dbm(mwv)
    return f"{mwv:.4f} mW / {'-inf' if d == -math.inf else f'{d:.2f}'} dBm"


def _alarm(value: float, t: dict | None, key: str) -> str:
    if t is None:
        return "N/A"
    if value >= t[f"{key}_high_alarm"]:
        return "High"
    if value <= t[f"{key}_low_alarm"]:
        return "Low"
    return "Off"


def _channels(group: list[End], dev: Device) -> list[str]:
    m = group[0].module
    t = shown_thresholds(m, dev)
    V = module_view(group)
    out = ["channel: "]
    for i in range(m.bank_lanes):
        out.append(f"  channel-{i + 1}: ")
        for name, key, val, unit in (("rx-power", "rx", V["rx"][i], "dBm"), ("tx-power", "tx", V["tx"][i], "dBm"),
                                     ("tx-bias-current", "bias", V["bias"][i], "mA")):
            out.append(f"    {name}: ")
            out.append(f"        {'power' if unit == 'dBm' else 'current':<22}: "
                       f"{_pw(val) if unit == 'dBm' else f'{val:.3f} mA'} ")
            if t is not None:
                fmt = (lambda x: f"{x:.2f} dBm") if unit == "dBm" else (lambda x: f"{x:.3f} mA")
                out += [f"        high-alarm-threshold  : {fmt(t[key + '_high_alarm'])} ",
                        f"        low-alarm-threshold   : {fmt(t[key + '_low_alarm'])} ",
                        f"        high-warning-threshold: {fmt(t[key + '_high_warn'])} ",
                        f"        low-warning-threshold : {fmt(t[key + '_low_warn'])} "]
            level = dbm(val) if unit == "dBm" else val
            out.append(f"        alarm                 : {_alarm(level, t, key) if V['used'][i] else 'Off'} ")
    return out


def transceiver(e: End, dev: Device) -> str:
    m = e.module
    group = [x for x in sorted(dev.ends.values(), key=lambda x: x.lane_offset) if x.module is m]
    t = shown_thresholds(m, dev)
    out = [f"cable-type             : {'Optical module' if m.kind == 'fiber' else 'Active cable' if m.kind == 'aoc' else 'Passive copper cable'} ",
           "supported-cable-length : 0m om1, 0m om2, 0m om3, 0m om4, 0m om5 ",
           f"diagnostics-status     : {'Diagnostic Data Available' if m.kind != 'dac' else 'N/A'} ",
           "status                 : plugged_enabled ", "error-status           : N/A ",
           "vendor-date-code       : 231109__ ", f"identifier             : {_ID[m.identifier]} ",
           "vendor-rev             : A4 ", f"vendor-name            : {m.vendor} ",
           f"vendor-pn              : {m.part_number} ", f"vendor-sn              : {m.serial} "]
    if m.kind == "dac":
        return "\n".join(out) + "\n"
    out += ["temperature: ", f"  temperature           : {e.temp_c:.2f} C "]
    if t is not None:
        out += [f"  high-alarm-threshold  : {t['temp_high_alarm']:.2f} C ",
                f"  low-alarm-threshold   : {t['temp_low_alarm']:.2f} C ",
                f"  high-warning-threshold: {t['temp_high_warn']:.2f} C ",
                f"  low-warning-threshold : {t['temp_low_warn']:.2f} C "]
    out += [f"  alarm                 : {_alarm(e.temp_c, t, 'temp')} ",
            "voltage: ", f"  voltage               : {e.vcc_v:.4f} V "]
    if t is not None:
        out += [f"  high-alarm-threshold  : {t['vcc_high_alarm']:.4f} V ",
                f"  low-alarm-threshold   : {t['vcc_low_alarm']:.4f} V ",
                f"  high-warning-threshold: {t['vcc_high_warn']:.4f} V ",
                f"  low-warning-threshold : {t['vcc_low_warn']:.4f} V "]
    out += [f"  alarm                 : {_alarm(e.vcc_v, t, 'vcc')} "]
    out += _channels(group, dev)
    return "\n".join(out) + "\n"


def transceiver_channel(e: End, dev: Device) -> str:
    m = e.module
    if m.kind == "dac":
        return "channel: \n"
    group = [x for x in sorted(dev.ends.values(), key=lambda x: x.lane_offset) if x.module is m]
    return "\n".join(_channels(group, dev)) + "\n"
