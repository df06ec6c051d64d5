"""Cisco IOS-XE renderer: the text outputs of the iosxe platform driver's discovery commands.

* `show interfaces` — per front-panel port: ``<port> is up, line protocol is up (connected)`` /
  ``is down, line protocol is down (notconnect)`` / ``is administratively down, line protocol is
  down (disabled)``, hardware address, MTU, ``Full-duplex, 100Gb/s``, and the counter lines for what
  the tables know (packets/bytes input and output, input errors and CRC, output errors);
* `show interfaces transceiver detail` — one table per sensor (Temperature, Voltage, Current,
  Transmit Power, Receive Power): the reading with its flag (``++ + - --``) and the module's
  thresholds in IOS order High Alarm, High Warn, Low Warn, Low Alarm; multi-lane modules print one
  row per lane (port, then lane number) for current and power; ports in IOS short form (Hu1/0/1);
* `show lldp neighbors detail` — IOS records separated by dashed rules, local port in short form.

Unknown values are N/A or left out; no light (0.0 mW) is -40.0 dBm.
"""

from __future__ import annotations

from netdiag import platforms
from netdiag.simulate.render import DeviceTables, register
from netdiag.simulate.render._cli_common import FLAG, Dev, cisco_mac, dbm, level

_SHORT = (("FourHundredGigE", "Fou"), ("TwoHundredGigE", "TH"), ("HundredGigE", "Hu"), ("FiftyGigE", "Fif"),
          ("FortyGigabitEthernet", "Fo"), ("TwentyFiveGigE", "Twe"), ("TenGigabitEthernet", "Te"),
          ("FiveGigabitEthernet", "Fi"), ("TwoGigabitEthernet", "Tw"), ("GigabitEthernet", "Gi"))
_SENSORS = (("Temperature", "(Celsius)", "temperature_c", False),
            ("Voltage", "(Volts)", "voltage_v", False),
            ("Current", "(milliamperes)", "tx_bias_ma", False),
            ("Transmit Power", "(dBm)", "tx_power_mw", True),
            ("Receive Power", "(dBm)", "rx_power_mw", True))
_LEGEND = ("mA: milliamperes, dBm: decibels (milliwatts), NA or N/A: not applicable.\n"
           "++ : high alarm, +  : high warning, -  : low warning, -- : low alarm.\n"
           "A2D readouts (if they differ), are reported in parentheses.\n"
           "The threshold values are calibrated.\n\n")


def short(port: str) -> str:
    for full, s in _SHORT:
        if port.startswith(full):
            return s + port[len(full):]
    return port


def _v(v: float | None, power: bool, digits: int = 1) -> str:
    if v is None:
        return "N/A"
    return f"{dbm(v) if power else v:.{digits}f}"


def _interfaces(d: Dev) -> str:
    out = []
    for p in d.names:
        r = d.ports.get(p)
        if r is None:
            continue
        c = d.counters.get(p, {})
        admin, oper = r.get("admin_up"), r.get("oper_up")
        if oper:
            head = f"{p} is up, line protocol is up (connected) "
        elif admin is False:
            head = f"{p} is administratively down, line protocol is down (disabled) "
        else:
            head = f"{p} is down, line protocol is down (notconnect) "
        m = cisco_mac(d.name, p)
        lines = [head, f"  Hardware is Hundred Gigabit Ethernet, address is {m} (bia {m})"]
        bw = int((r.get("speed_gbps") or 100) * 1e6)
        mtu = f"MTU {r['mtu']} bytes, " if r.get("mtu") is not None else ""
        lines.append(f"  {mtu}BW {bw} Kbit/sec, DLY 10 usec, ")
        if oper and r.get("speed_gbps") is not None:
            lines.append(f"  Full-duplex, {r['speed_gbps']:g}Gb/s, link type is force-up, media type is QSFP")
        else:
            lines.append("  Auto-duplex, Auto-speed, link type is auto, media type is QSFP")
        if c.get("rx_packets") is not None or c.get("rx_bytes") is not None:
            lines.append(f"     {c.get('rx_packets') or 0} packets input, {c.get('rx_bytes') or 0} bytes, 0 no buffer")
        rx = [f"{c['rx_errors']} input errors"] if c.get("rx_errors") is not None else []
        if c.get("rx_crc_errors") is not None:
            rx.append(f"{c['rx_crc_errors']} CRC")
        if rx:
            lines.append("     " + ", ".join(rx))
        if c.get("tx_packets") is not None or c.get("tx_bytes") is not None:
            lines.append(f"     {c.get('tx_packets') or 0} packets output, {c.get('tx_bytes') or 0} bytes, 0 underruns")
        if c.get("tx_errors") is not None:
            lines.append(f"     {c['tx_errors']} output errors")
        out.append("\n".join(lines) + "\n")
    return "".join(out)


def _detail(d: Dev) -> str:
    parts = [_LEGEND]
    mods = [(p, d.modules[p]) for p in d.names
            if p in d.modules and d.modules[p].get("present") is not False and d.modules[p].get("dom_supported") is not False]
    for label, unit, col, power in _SENSORS:
        pre = "Optical" if power else ""
        u = "(dBm)" if power else ("(mA)" if col == "tx_bias_ma" else unit)
        parts.append(f"               {pre:<17s}High Alarm  High Warn  Low Warn   Low Alarm\n"
                     f"           {label:<21s}Threshold   Threshold  Threshold  Threshold\n"
                     f"Port       {unit:<21s}{u:<12s}{u:<11s}{u:<11s}{u}\n"
                     "---------  -----------------  ----------  ---------  ---------  ---------\n")
        for p, mod in mods:
            digits = 2 if col == "voltage_v" else 1   # IOS prints volts to 0.01
            th = "  ".join(f"{_v(mod.get(f'{col}_{x}'), power, digits):>9s}"
                           for x in ("high_alarm", "high_warn", "low_warn", "low_alarm"))
            if col in ("temperature_c", "voltage_v"):
                rows = [(None, mod.get(col))]
            else:
                lanes = d.lanes.get(p, [])
                rows = [(ln["lane"] if len(lanes) > 1 else None, ln.get(col)) for ln in lanes] or [(None, None)]
            for lane, v in rows:
                lv = level(v, mod, col)
                flag = FLAG[lv] if lv else ""
                who = f"{short(p):<10s}" + (f" {lane:<3d}" if lane is not None else "")
                parts.append(f"{who:<12s}{_v(v, power, digits):>6s} {flag:<3s}         {th}\n")
        parts.append("\n")
    return "".join(parts)


def _lldp(d: Dev) -> str:
    out = ["------------------------------------------------\n"]
    n = 0
    for p in d.names:
        for nb in d.neighbors.get(p, ()):
            n += 1
            rdev, rport = nb.get("remote_device") or "", nb.get("remote_port") or ""
            chassis = nb.get("remote_chassis_id") or cisco_mac(rdev)
            ttl = int(nb["ttl_s"]) if nb.get("ttl_s") is not None else 120
            mgmt = nb.get("remote_mgmt_ip")
            out.append(f"Local Intf: {short(p)}\nChassis id: {chassis}\nPort id: {rport}\n"
                       f"Port Description: {nb.get('remote_port_descr') or 'not advertised'}\nSystem Name: {rdev}\n\n"
                       f"System Description: \nCisco IOS Software [IOSXE], Catalyst L3 Switch Software\n\n"
                       f"Time remaining: {ttl} seconds\nSystem Capabilities: B,R\nEnabled Capabilities: B,R\n"
                       + (f"Management Addresses:\n    IP: {mgmt}\n" if mgmt else "Management Addresses - not advertised\n")
                       + "Auto Negotiation - not supported\nPhysical media capabilities - not advertised\n"
                       "Media Attachment Unit type - not advertised\nVlan ID: - not advertised\n\n"
                       "------------------------------------------------\n")
    out.append(f"\nTotal entries displayed: {n}\n")
    return "".join(out)


_OUTPUTS = {
    "show interfaces": _interfaces,
    "show interfaces transceiver detail": _detail,
    "show lldp neighbors detail": _lldp,
}


@register("iosxe")
def render_iosxe(dev: DeviceTables) -> list[tuple[str, bytes]]:
    plat = platforms.get("iosxe")
    d = Dev(dev)
    out = []
    for cmd in plat.discovery:
        try:
            fn = _OUTPUTS[cmd]
        except KeyError:
            raise NotImplementedError(f"iosxe renderer: no output for discovery command {cmd!r}") from None
        out.append((cmd, fn(d).encode()))
    if plat.per_port:
        raise NotImplementedError(f"iosxe renderer: per-port commands {plat.per_port!r} not rendered")
    return out
