"""Cisco NX-OS renderer: the text outputs of the nxos platform driver's discovery commands.

* `show interface` — per front-panel port: ``<port> is up`` / ``is down (Link not connected)`` /
  ``is down (Administratively down)``, ``admin state is up|down``, hardware address, MTU, speed,
  and the RX/TX counter lines for the counters the tables know (CRC, input/output error and
  discard, packets, bytes);
* `show interface transceiver details` — ``transceiver is present`` / ``not present``, identity,
  ``DOM is not supported`` (dom_supported False) or the diagnostics tables: one for a single-lane
  module, one per ``Lane Number:N Network Lane`` for a multi-lane one (temperature and voltage in
  lane 1), readings flagged (``++ + - --``) against the module's thresholds, N/A for unknowns;
* `show lldp neighbors detail` — one record per neighbor, local port in NX-OS's short form (Eth1/1).

A counter the tables do not know is left out of its line; a reading not known is N/A. No light
(0.0 mW) is -40.00 dBm.
"""

from __future__ import annotations

from netdiag import platforms
from netdiag.simulate.render import DeviceTables, register
from netdiag.simulate.render._cli_common import FLAG, Dev, cisco_mac, dbm, level

_TABLE_HEAD = """           SFP Detail Diagnostics Information (internal calibration)
  ----------------------------------------------------------------------------
                Current              Alarms                  Warnings
                Measurement     High        Low         High          Low
  ----------------------------------------------------------------------------
"""
_TABLE_FOOT = """  ----------------------------------------------------------------------------
  Note: ++  high-alarm; +  high-warning; --  low-alarm; -  low-warning
"""
_ROWS = (("Temperature", "temperature_c", "C", False), ("Voltage", "voltage_v", "V", False),
         ("Current", "tx_bias_ma", "mA", False), ("Tx Power", "tx_power_mw", "dBm", True),
         ("Rx Power", "rx_power_mw", "dBm", True))


def _num(v: float | None, unit: str, power: bool) -> str:
    if v is None:
        return "N/A"
    return f"{dbm(v) if power else v:.2f} {unit}"


def _row(label: str, value: float | None, mod: dict, sensor: str, unit: str, power: bool) -> str:
    lv = level(value, mod, sensor)
    flag = FLAG[lv] if lv else ""
    th = [_num(mod.get(f"{sensor}_{x}"), unit, power) for x in ("high_alarm", "low_alarm", "high_warn", "low_warn")]
    return f"  {label:<12s}{_num(value, unit, power):>10s} {flag:<3s}{th[0]:>11s}  {th[1]:>10s}  {th[2]:>10s}  {th[3]:>10s}\n"


def _interfaces(d: Dev) -> str:
    out = []
    for p in d.names:
        r = d.ports.get(p)
        if r is None:
            continue
        c = d.counters.get(p, {})
        admin, oper = r.get("admin_up"), r.get("oper_up")
        if oper:
            head = f"{p} is up"
        elif admin is False:
            head = f"{p} is down (Administratively down)"
        else:
            head = f"{p} is down (Link not connected)"
        lines = [head, f"admin state is {'down' if admin is False else 'up'}, Dedicated Interface"]
        m = cisco_mac(d.name, p)
        lines.append(f"  Hardware: 100000/200000/400000 Ethernet, address: {m} (bia {m})")
        bw = int((r.get("speed_gbps") or 400) * 1e6)
        mtu = f"MTU {r['mtu']} bytes, " if r.get("mtu") is not None else ""
        lines.append(f"  {mtu}BW {bw} Kbit , DLY 10 usec")
        if oper and r.get("speed_gbps") is not None:
            lines.append(f"  full-duplex, {r['speed_gbps']:g} Gb/s, media type is {r['speed_gbps']:g}G")
        else:
            lines.append("  auto-duplex, auto-speed")
        lines.append("  RX")
        if c.get("rx_packets") is not None or c.get("rx_bytes") is not None:
            lines.append(f"    {c.get('rx_packets') or 0} input packets  {c.get('rx_bytes') or 0} bytes")
        if c.get("rx_crc_errors") is not None:
            lines.append(f"    {c['rx_crc_errors']} CRC")
        rx = [f"{c['rx_errors']} input error"] if c.get("rx_errors") is not None else []
        if c.get("rx_discards") is not None:
            rx.append(f"{c['rx_discards']} input discard")
        if rx:
            lines.append("    " + "  ".join(rx))
        lines.append("  TX")
        if c.get("tx_packets") is not None or c.get("tx_bytes") is not None:
            lines.append(f"    {c.get('tx_packets') or 0} output packets  {c.get('tx_bytes') or 0} bytes")
        tx = [f"{c['tx_errors']} output error"] if c.get("tx_errors") is not None else []
        if c.get("tx_discards") is not None:
            tx.append(f"{c['tx_discards']} output discard")
        if tx:
            lines.append("    " + "  ".join(tx))
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def _transceivers(d: Dev) -> str:
    out = []
    for p in d.names:
        mod = d.modules.get(p)
        if mod is None and p not in d.ports:
            continue
        block = [f"{p}\n"]
        if mod is None or mod.get("present") is False:
            block.append("    transceiver is not present\n")
            out.append("".join(block))
            continue
        block.append("    transceiver is present\n")
        for label, col in (("type", "identifier"), ("name", "vendor"), ("part number", "part_number"),
                           ("revision", "revision"), ("serial number", "serial")):
            if mod.get(col) is not None:
                block.append(f"    {label} is {mod[col]}\n")
        if mod.get("media") in ("dac", "acc") and mod.get("length_m") is not None:
            block.append(f"    Link length supported for copper is {mod['length_m']:g} m\n")
        lanes = d.lanes.get(p, [])
        if mod.get("media_lanes"):
            block.append(f"    media lane count is {mod['media_lanes']}\n")
        block.append("\n")
        if mod.get("dom_supported") is False or (not lanes and mod.get("temperature_c") is None):
            block.append("DOM is not supported\n")
            out.append("".join(block))
            continue
        lanes = lanes or [{"lane": 1}]
        multi = len(lanes) > 1
        for i, ln in enumerate(lanes):
            if multi:
                block.append(f"Lane Number:{ln['lane']} Network Lane\n")
            block.append(_TABLE_HEAD)
            for label, col, unit, power in _ROWS:
                if col in ("temperature_c", "voltage_v"):
                    if i > 0:
                        continue
                    v = mod.get(col)
                else:
                    v = ln.get(col)
                block.append(_row(label, v, mod, col, unit, power))
            block.append("  Transmit Fault Count = 0\n")
            block.append(_TABLE_FOOT)
            block.append("\n")
        out.append("".join(block))
    return "\n".join(out)


def _short(port: str) -> str:
    return "Eth" + port[len("Ethernet"):] if port.startswith("Ethernet") else port


def _lldp(d: Dev) -> str:
    out = ["Capability codes:\n  (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device\n"
           "  (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other\n"
           "Device ID            Local Intf      Hold-time  Capability  Port ID  \n\n"]
    n = 0
    for p in d.names:
        for nb in d.neighbors.get(p, ()):
            n += 1
            rdev, rport = nb.get("remote_device") or "", nb.get("remote_port") or ""
            chassis = nb.get("remote_chassis_id") or cisco_mac(rdev)
            ttl = int(nb["ttl_s"]) if nb.get("ttl_s") is not None else 120
            out.append(f"Chassis id: {chassis}\nPort id: {rport}\nLocal Port id: {_short(p)}\n"
                       f"Port Description: {nb.get('remote_port_descr') or 'null'}\nSystem Name: {rdev}\n"
                       f"System Description: Cisco Nexus Operating System (NX-OS) Software 10.4(3)\n"
                       f"Time remaining: {ttl} seconds\nSystem Capabilities: B, R\nEnabled Capabilities: B, R\n"
                       f"Management Address: {nb.get('remote_mgmt_ip') or 'not advertised'}\nVlan ID: not advertised\n\n\n")
    out.append(f"Total entries displayed: {n}\n")
    return "".join(out)


_OUTPUTS = {
    "show interface": _interfaces,
    "show interface transceiver details": _transceivers,
    "show lldp neighbors detail": _lldp,
}


@register("nxos")
def render_nxos(dev: DeviceTables) -> list[tuple[str, bytes]]:
    plat = platforms.get("nxos")
    d = Dev(dev)
    out = []
    for cmd in plat.discovery:
        try:
            fn = _OUTPUTS[cmd]
        except KeyError:
            raise NotImplementedError(f"nxos renderer: no output for discovery command {cmd!r}") from None
        out.append((cmd, fn(d).encode()))
    if plat.per_port:
        raise NotImplementedError(f"nxos renderer: per-port commands {plat.per_port!r} not rendered")
    return out
