"""Cisco NX-OS (Nexus 9000) text outputs: `show interface`, `show interface transceiver details`
(QSFP28 one table per network lane), `show lldp neighbors detail`."""

from __future__ import annotations


from .model import LANES, Device, Port


def _mac_dotted(mac: str) -> str:
    h = mac.replace(":", "")
    return f"{h[0:4]}.{h[4:8]}.{h[8:12]}"


def _iface(d: Device, p: Port) -> str:
    if not p.admin_up:
        head = f"{p.name} is down (Administratively down)\nadmin state is down, Dedicated Interface"
    elif p.up:
        head = f"{p.name} is up\nadmin state is up, Dedicated Interface"
    elif p.module is None:
        head = f"{p.name} is down (XCVR not inserted)\nadmin state is up, Dedicated Interface"
    else:
        head = f"{p.name} is down (Link not connected)\nadmin state is up, Dedicated Interface"
    mac = _mac_dotted(p.mac)
    fec = "Rs-fec" if p.fec == "rs" else "Fec-off"
    admin_fec = "rs-fec" if p.fec == "rs" else "off"
    speed = "full-duplex, 100 Gb/s, media type is 100G" if p.up else "auto-duplex, auto-speed, media type is 100G"
    upt = d.uptime_s
    wk = int(upt // (7 * 86400))
    dy = int((upt % (7 * 86400)) // 86400)
    in_err = p.crc
    return f"""{head}
  Hardware: 40000/100000 Ethernet, address: {mac} (bia {mac})
  MTU 9216 bytes, BW 100000000 Kbit , DLY 10 usec
  reliability 255/255, txload 1/255, rxload 1/255
  Encapsulation ARPA, medium is broadcast
  Port mode is routed
  {speed}
  Beacon is turned off
  Auto-Negotiation is turned off  FEC mode is {admin_fec}
  Input flow-control is off, output flow-control is off
  Auto-mdix is turned off
  Rate mode is dedicated
  Switchport monitor is off
  EtherType is 0x8100
  EEE (efficient-ethernet) : n/a
    admin fec state is {admin_fec}, oper fec state is {fec if p.up else 'down'}
  Last link flapped {wk}week(s) {dy}day(s)
  Last clearing of "show interface" counters never
  {p.link_down} interface resets
  Load-Interval #1: 30 seconds
    30 seconds input rate {int(p.rx_bytes * 8 / upt) if p.up else 0} bits/sec, {int(p.rx_frames / upt) if p.up else 0} packets/sec
    30 seconds output rate {int(p.tx_bytes * 8 / upt) if p.up else 0} bits/sec, {int(p.tx_frames / upt) if p.up else 0} packets/sec
    input rate {int(p.rx_bytes * 8 / upt) if p.up else 0} bps, {int(p.rx_frames / upt) if p.up else 0} pps; output rate {int(p.tx_bytes * 8 / upt) if p.up else 0} bps, {int(p.tx_frames / upt) if p.up else 0} pps
  Load-Interval #2: 5 minute (300 seconds)
    300 seconds input rate 0 bits/sec, 0 packets/sec
    300 seconds output rate 0 bits/sec, 0 packets/sec
    input rate 0 bps, 0 pps; output rate 0 bps, 0 pps
  RX
    {p.rx_frames} unicast packets  {1022} multicast packets  0 broadcast packets
    {p.rx_frames + 1022} input packets  {p.rx_bytes} bytes
    {p.rx_frames} jumbo packets  0 storm suppression packets
    0 runts  0 giants  {p.crc} CRC  0 no buffer
    {in_err} input error  0 short frame  0 overrun   0 underrun  0 ignored
    0 watchdog  0 bad etype drop  0 bad proto drop  0 if down drop
    0 input with dribble  {p.rx_drops} input discard
    0 Rx pause
    {p.stomped} Stomped CRC
  TX
    {p.tx_frames} unicast packets  2044 multicast packets  0 broadcast packets
    {p.tx_frames + 2044} output packets  {p.tx_bytes} bytes
    {p.tx_frames} jumbo packets
    0 output error  0 collision  0 deferred  0 late collision
    0 lost carrier  0 no carrier  0 babble  0 output discard
    0 Tx pause
"""


def show_interface(d: Device) -> str:
    mgmt = f"""mgmt0 is up
admin state is up
  Hardware: GigabitEthernet, address: {_mac_dotted(d.mac)} (bia {_mac_dotted(d.mac)})
  Internet Address is 10.1.1.10/24
  MTU 1500 bytes, BW 1000000 Kbit , DLY 10 usec
  reliability 255/255, txload 1/255, rxload 1/255
  Encapsulation ARPA, medium is broadcast
  full-duplex, 1000 Mb/s
  Auto-Negotiation is turned on
  Auto-mdix is turned off
  EtherType is 0x0000
  1 minute input rate 2512 bits/sec, 2 packets/sec
  1 minute output rate 1640 bits/sec, 1 packets/sec
  Rx
    2210812 input packets 1109812 unicast packets 1002211 multicast packets
    98789 broadcast packets 291082334 bytes
  Tx
    1203411 output packets 1180112 unicast packets 23211 multicast packets
    88 broadcast packets 180211233 bytes

"""
    return mgmt + "\n".join(_iface(d, p) for p in d.ports.values())


def _row(name: str, val: str, thr: tuple, unit: str, flag: str) -> str:
    return f"  {name:<12}{val:>9}{flag:<4}{thr[0]:>9.2f} {unit:<3}{thr[1]:>8.2f} {unit:<4}{thr[2]:>7.2f} {unit:<5}{thr[3]:>8.2f} {unit}"


def _flag(v, hi_a, hi_w, lo_w, lo_a) -> str:
    if v > hi_a:
        return " ++"
    if v > hi_w:
        return " +"
    if v < lo_a:
        return " --"
    if v < lo_w:
        return " -"
    return ""


def transceiver(d: Device) -> str:
    out = []
    for p in d.ports.values():
        m = p.module
        if m is None:
            out.append(f"{p.name}\n    transceiver is not present\n")
            continue
        aoc = m.kind == "AOC"
        head = [p.name, "    transceiver is present",
                f"    type is {'QSFP-100G-AOC10M' if aoc else 'QSFP-100G-SR4-S'}",
                f"    name is {'CISCO-FINISAR' if m.vendor.startswith('FINISAR') else m.vendor.split()[0].upper()}",
                f"    part number is {m.pn}", "    revision is A0", f"    serial number is {m.serial}",
                "    nominal bitrate is 25500 MBit/sec per channel",
                "    Link length supported for 50/125um OM3 fiber is 70 m" if not aoc else
                "    Link length supported for copper is 10 m",
                "    cisco id is 17", "    cisco extended id number is 220",
                f"    cisco part number is 10-3142-03", f"    cisco product id is {'QSFP-100G-AOC10M' if aoc else 'QSFP-100G-SR4-S'}",
                "    cisco version id is V03", "    firmware version is N/A", "    Link length is 70 m",
                f"    number of lanes {LANES}", ""]
        body = []
        if not m.thr:
            body.append("    DOM is not supported\n")
        else:
            t = m.thr
            for i in range(LANES):
                rx = m.rx[i]
                tx = m.tx[i]
                rxs = "-40.00 dBm" if rx <= -40 else f"{rx:.2f} dBm"
                txs = "-40.00 dBm" if tx <= -39 else f"{tx:.2f} dBm"
                rx_thr = t["rx"]
                if m.zero_low_alarm:
                    rx_thr = (rx_thr[0], rx_thr[1], -40.0, -40.0)
                rows = [f"Lane Number:{i + 1} Network Lane",
                        "           SFP Detail Diagnostics Information (internal calibration)",
                        "  ----------------------------------------------------------------------------",
                        "                Current              Alarms                  Warnings",
                        "                Measurement     High        Low         High          Low",
                        "  ----------------------------------------------------------------------------",
                        _row("Temperature", f"{m.temp:.2f} C", (t['temp'][0], t['temp'][3], t['temp'][1], t['temp'][2]), "C",
                             _flag(m.temp, *t["temp"])),
                        _row("Voltage", f"{m.vcc:.2f} V", (t['vcc'][0], t['vcc'][3], t['vcc'][1], t['vcc'][2]), "V",
                             _flag(m.vcc, *t["vcc"])),
                        _row("Current", f"{m.bias[i]:.2f} mA", (t['bias'][0], t['bias'][3], t['bias'][1], t['bias'][2]),
                             "mA", _flag(m.bias[i], *t["bias"])),
                        _row("Tx Power", txs, (t['tx'][0], t['tx'][3], t['tx'][1], t['tx'][2]), "dBm",
                             _flag(tx, *t["tx"])),
                        _row("Rx Power", rxs, (rx_thr[0], rx_thr[3], rx_thr[1], rx_thr[2]), "dBm",
                             _flag(rx, *rx_thr)),
                        "  Transmit Fault Count = 0",
                        "  ----------------------------------------------------------------------------",
                        "  Note: ++  high-alarm; +  high-warning; --  low-alarm; -  low-warning", ""]
                body += rows
        out.append("\n".join(head + body) + "\n")
    return "\n".join(out)


def lldp(d: Device) -> str:
    L = ["Capability codes:", "  (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device",
         "  (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other", ""]
    n = 0
    for p in d.ports.values():
        if not p.lldp or not p.up:
            continue
        sysname, cmac, typ, pid, descr, sysdescr = p.lldp
        n += 1
        L += [f"Chassis id: {_mac_dotted(cmac)}", f"Port id: {pid if typ != 'mac' else _mac_dotted(pid)}",
              f"Local Port id: {p.name.replace('Ethernet', 'Eth')}", f"Port Description: {descr or 'null'}",
              f"System Name: {sysname}", f"System Description: {sysdescr.splitlines()[0]}",
              "Time remaining: 101 seconds", "System Capabilities: B, R", "Enabled Capabilities: B, R",
              "Management Address: not advertised", "Management Address IPV6: not advertised",
              "Vlan ID: not advertised", ""]
    L.append(f"Total entries displayed: {n}")
    return "\n".join(L) + "\n"


def commands(d: Device) -> list[tuple[str, str, int, str]]:
    return [("show interface", show_interface(d), 0, ""),
            ("show interface transceiver details", transceiver(d), 0, ""),
            ("show lldp neighbors detail", lldp(d), 0, "")]
