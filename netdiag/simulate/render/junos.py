"""Juniper Junos renderer: the text outputs of the junos platform driver's discovery commands.

* `show interfaces extensive` — per front-panel port: ``Physical interface: et-0/0/0, Enabled,
  Physical link is Up`` (``Administratively down`` when admin down), ``Link-level type`` with MTU
  and speed, ``Current address``, traffic statistics, input/output errors and drops, carrier
  transitions, MAC CRC/Align errors and the FEC corrected / uncorrected codewords — each only
  when the tables know it;
* `show interfaces diagnostics optics` — per module: module temperature and voltage with their
  thresholds and on/off flags, then ``Lane N`` blocks (from 0) with bias, output power, receiver
  power and their flags; power as ``0.8760 mW / -0.58 dBm``, no light as ``0.0000 mW / - Inf dBm``;
* `show lldp neighbors` — the table (Local Interface, Parent Interface, Chassis Id, Port info,
  System Name).
"""

from __future__ import annotations

import math

from netdiag import platforms
from netdiag.simulate.render import DeviceTables, register
from netdiag.simulate.render._cli_common import Dev, colon_mac, level

_LV_WORD = {"high_alarm": "high alarm", "low_alarm": "low alarm", "high_warn": "high warning",
            "low_warn": "low warning"}


def _pw(mw: float | None) -> str | None:
    if mw is None:
        return None
    if mw <= 0:
        return "0.0000 mW / - Inf dBm"
    return f"{mw:.4f} mW / {10 * math.log10(mw):.2f} dBm"


def _temp(c: float | None) -> str | None:
    if c is None:
        return None
    return f"{c:.0f} degrees C / {c * 9 / 5 + 32:.0f} degrees F"


def _kv(label: str, value: str | None, indent: int = 4) -> str:
    return "" if value is None else f"{' ' * indent}{label:<42s}:  {value}\n"


def _extensive(d: Dev) -> str:
    out = []
    for p in d.names:
        r = d.ports.get(p)
        if r is None:
            continue
        c = d.counters.get(p, {})
        admin = "Administratively down" if r.get("admin_up") is False else "Enabled"
        link = "Up" if r.get("oper_up") else "Down"
        lines = [f"Physical interface: {p}, {admin}, Physical link is {link}",
                 "  Interface index: 650, SNMP ifIndex: 515, Generation: 153"]
        ll = ["Ethernet"]
        if r.get("mtu") is not None:
            ll.append(f"MTU: {r['mtu']}")
        ll.append("LAN-PHY mode")
        if r.get("speed_gbps") is not None:
            ll.append(f"Speed: {r['speed_gbps']:g}Gbps")
        lines.append("  Link-level type: " + ", ".join(ll) + ", Media type: Fiber")
        m = colon_mac(d.name, p)
        lines.append(f"  Current address: {m}, Hardware address: {m}")
        lines.append("  Traffic statistics:")
        for key, label in (("rx_bytes", "Input  bytes  "), ("tx_bytes", "Output bytes  "),
                           ("rx_packets", "Input  packets"), ("tx_packets", "Output packets")):
            if c.get(key) is not None:
                lines.append(f"   {label}:{c[key]:>20d}                    0 {'bps' if 'bytes' in key else 'pps'}")
        ie = [f"Errors: {c['rx_errors']}"] if c.get("rx_errors") is not None else []
        if c.get("rx_discards") is not None:
            ie.append(f"Drops: {c['rx_discards']}")
        if ie:
            lines += ["  Input errors:", "    " + ", ".join(ie) + ", Framing errors: 0, Runts: 0"]
        oe = []
        if r.get("carrier_changes") is not None:
            oe.append(f"Carrier transitions: {r['carrier_changes']}")
        if c.get("tx_errors") is not None:
            oe.append(f"Errors: {c['tx_errors']}")
        if c.get("tx_discards") is not None:
            oe.append(f"Drops: {c['tx_discards']}")
        if oe:
            lines += ["  Output errors:", "    " + ", ".join(oe) + ", Collisions: 0, Aged packets: 0"]
        if c.get("rx_crc_errors") is not None:
            lines += ["  MAC statistics:                      Receive         Transmit",
                      f"    CRC/Align errors            {c['rx_crc_errors']:>12d}                0"]
        if c.get("fec_corrected_cw") is not None or c.get("fec_uncorrectable_cw") is not None:
            lines.append("  Ethernet FEC statistics              Errors")
            if c.get("fec_corrected_cw") is not None:
                lines.append(f"    FEC Corrected Errors              {c['fec_corrected_cw']:>10d}")
            if c.get("fec_uncorrectable_cw") is not None:
                lines.append(f"    FEC Uncorrected Errors            {c['fec_uncorrectable_cw']:>10d}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


_MOD = (("Module temperature", "temperature_c", _temp), ("Module voltage", "voltage_v",
                                                        lambda v: None if v is None else f"{v:.4f} V"))
_LANE = (("Laser bias current", "tx_bias_ma", lambda v: None if v is None else f"{v:.3f} mA"),
         ("Laser output power", "tx_power_mw", _pw), ("Laser receiver power", "rx_power_mw", _pw))
_TH_LABEL = {"temperature_c": "Module temperature", "voltage_v": "Module voltage",
             "tx_bias_ma": "Laser bias current", "tx_power_mw": "Laser output power",
             "rx_power_mw": "Laser rx power"}


def _optics(d: Dev) -> str:
    out = []
    for p in d.names:
        mod = d.modules.get(p)
        if mod is None or mod.get("present") is False or mod.get("dom_supported") is False:
            continue
        b = [f"Physical interface: {p}\n"]
        for label, col, fmt in _MOD:
            b.append(_kv(label, fmt(mod.get(col))))
        for label, col, _fmt in _MOD:
            if mod.get(col) is None:
                continue
            lv = level(mod.get(col), mod, col)
            for x, word in _LV_WORD.items():
                b.append(_kv(f"{label} {word}", "On" if lv == x else "Off"))
        for col, label in _TH_LABEL.items():
            fmt = {"temperature_c": _temp, "voltage_v": lambda v: f"{v:.3f} V", "tx_bias_ma": lambda v: f"{v:.3f} mA"}.get(col, _pw)
            for x, word in _LV_WORD.items():
                v = mod.get(f"{col}_{x}")
                if v is not None:
                    b.append(_kv(f"{label} {word} threshold", fmt(v)))
        for ln in d.lanes.get(p, []):
            b.append(f"  Lane {ln['lane'] - 1}\n")
            for label, col, fmt in _LANE:
                b.append(_kv(label, fmt(ln.get(col))))
            for label, col, _fmt in _LANE:
                if ln.get(col) is None:
                    continue
                lv = level(ln.get(col), mod, col)
                name = "Laser rx power" if col == "rx_power_mw" else label
                for x, word in _LV_WORD.items():
                    b.append(_kv(f"{name} {word}", "On" if lv == x else "Off"))
        out.append("".join(b))
    return "\n".join(out)


def _lldp(d: Dev) -> str:
    rows = ["Local Interface    Parent Interface    Chassis Id          Port info          System Name"]
    for p in d.names:
        for nb in d.neighbors.get(p, ()):
            chassis = nb.get("remote_chassis_id") or colon_mac(nb.get("remote_device") or "")
            rows.append(f"{p:<19s}{'-':<20s}{chassis:<20s}{(nb.get('remote_port') or ''):<19s}{nb.get('remote_device') or ''}")
    return "\n".join(rows) + "\n"


_OUTPUTS = {
    "show interfaces extensive": _extensive,
    "show interfaces diagnostics optics": _optics,
    "show lldp neighbors": _lldp,
}


@register("junos")
def render_junos(dev: DeviceTables) -> list[tuple[str, bytes]]:
    plat = platforms.get("junos")
    d = Dev(dev)
    out = []
    for cmd in plat.discovery:
        try:
            fn = _OUTPUTS[cmd]
        except KeyError:
            raise NotImplementedError(f"junos renderer: no output for discovery command {cmd!r}") from None
        out.append((cmd, fn(d).encode()))
    if plat.per_port:
        raise NotImplementedError(f"junos renderer: per-port commands {plat.per_port!r} not rendered")
    return out
