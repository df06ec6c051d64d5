"""Juniper Junos (QFX) CLI text: `show interfaces extensive`, `show interfaces diagnostics optics`,
`show lldp neighbors`. Multi-lane modules print `Lane N` blocks numbered from 0; no light prints as
`0.0000 mW / - Inf dBm`."""

from __future__ import annotations

import math

from .model import Device, Port, mw


def _pw(x_mw: float) -> str:
    return f"{x_mw:.4f} mW / - Inf dBm" if x_mw <= 0 else f"{x_mw:.4f} mW / {10 * math.log10(x_mw):.2f} dBm"


def _onoff(b: bool) -> str:
    return "On" if b else "Off"


def _ext(d: Device, p: Port, idx: int) -> str:
    state = "Enabled" if p.admin_up else "Administratively down"
    link = "Up" if p.up else "Down"
    fec = "FEC91" if p.fec == "rs" else "NONE"
    upt = d.uptime_s
    bps_in = int(p.rx_bytes * 8 / upt) if p.up else 0
    bps_out = int(p.tx_bytes * 8 / upt) if p.up else 0
    alarms = "None" if p.up or not p.admin_up else "LINK"
    defects = "None" if p.up or not p.admin_up else "LINK, LOCAL-FAULT"
    return f"""Physical interface: {p.name}, {state}, Physical link is {link}
  Interface index: {650 + idx}, SNMP ifIndex: {515 + idx}, Generation: {153 + idx}
  Link-level type: Ethernet, MTU: 9192, LAN-PHY mode, Speed: {p.speed}Gbps, BPDU Error: None, Loop Detect PDU Error: None, Ethernet-Switching Error: None, MAC-REWRITE Error: None, Loopback: Disabled, Source filtering: Disabled, Flow control: Disabled, Media type: Fiber
  Device flags   : Present Running
  Interface flags: SNMP-Traps Internal: 0x4000
  Link flags     : None
  CoS queues     : 12 supported, 12 maximum usable queues
  Hold-times     : Up 0 ms, Down 0 ms
  Damping        : half-life: 0 sec, max-suppress: 0 sec, reuse: 0, suppress: 0, state: unsuppressed
  Current address: {p.mac}, Hardware address: {p.mac}
  Last flapped   : 2026-09-12 11:20:31 UTC (11w4d 14:39 ago)
  Statistics last cleared: Never
  Traffic statistics:
   Input  bytes  : {p.rx_bytes:>19} {bps_in:>18} bps
   Output bytes  : {p.tx_bytes:>19} {bps_out:>18} bps
   Input  packets: {p.rx_frames:>19} {int(p.rx_frames / upt) if p.up else 0:>18} pps
   Output packets: {p.tx_frames:>19} {int(p.tx_frames / upt) if p.up else 0:>18} pps
  Input errors:
    Errors: {p.crc}, Drops: {p.rx_drops}, Framing errors: {p.crc}, Runts: 0, Policed discards: 0, L3 incompletes: 0, L2 channel errors: 0, L2 mismatch timeouts: 0, FIFO errors: 0, Resource errors: 0
  Output errors:
    Carrier transitions: {2 * p.link_down + 1}, Errors: 0, Drops: 0, Collisions: 0, Aged packets: 0, FIFO errors: 0, HS link CRC errors: 0, MTU errors: 0, Resource errors: 0
  Active alarms  : {alarms}
  Active defects : {defects}
  PCS statistics                      Seconds
    Bit errors                             0
    Errored blocks                         0
  Ethernet FEC Mode  :                  {fec}
  Ethernet FEC statistics              Errors
    FEC Corrected Errors        {p.fec_corr:>18}
    FEC Uncorrected Errors      {p.fec_uncorr:>18}
    FEC Corrected Errors Rate               0
    FEC Uncorrected Errors Rate             0
  MAC statistics:                      Receive         Transmit
    Total octets                {p.rx_bytes:>18} {p.tx_bytes:>16}
    Total packets               {p.rx_frames:>18} {p.tx_frames:>16}
    Unicast packets             {p.rx_frames - 1022:>18} {p.tx_frames - 2044:>16}
    Broadcast packets                      0                0
    Multicast packets                   1022             2044
    CRC/Align errors            {p.crc:>18}                0
    FIFO errors                            0                0
    MAC control frames                     0                0
    MAC pause frames                       0                0
    Oversized frames                       0
    Jabber frames                          0
    Fragment frames                        0
    VLAN tagged frames                     0
    Code violations                        0
    Total errors                {p.crc:>18}                0
  Filter statistics:
    Input packet count                     0
    Input packet rejects                   0
    Input DA rejects                       0
    Input SA rejects                       0
    Output packet count                                    0
    Output packet pad count                                0
    Output packet error count                              0
    CAM destination filters: 0, CAM source filters: 0
  Packet Forwarding Engine configuration:
    Destination slot: 0 (0x00)
  CoS information:
    Direction : Output
    CoS transmit queue               Bandwidth               Buffer Priority   Limit
                              %            bps     %           usec
    0 best-effort            95    95000000000    95              0      low    none
    3 fcoe                    0              0     0              0      low    none
  Interface transmit statistics: Disabled
  Link Degrade :
    Link Monitoring                   :  Disable
"""


def show_interfaces_extensive(d: Device) -> str:
    head = f"""Physical interface: em0, Enabled, Physical link is Up
  Interface index: 17, SNMP ifIndex: 17, Generation: 136
  Type: Ethernet, Link-level type: Ethernet, MTU: 1514, Speed: 1000mbps
  Current address: {d.mac}, Hardware address: {d.mac}
  Traffic statistics:
   Input  bytes  :           612308311                 2120 bps
   Output bytes  :           233112092                 1630 bps
   Input  packets:             4120331                    2 pps
   Output packets:             1911203                    1 pps
  Input errors:
    Errors: 0, Drops: 0, Framing errors: 0, Runts: 0, Policed discards: 0, L3 incompletes: 0, L2 channel errors: 0, L2 mismatch timeouts: 0, FIFO errors: 0, Resource errors: 0
  Output errors:
    Carrier transitions: 1, Errors: 0, Drops: 0, Collisions: 0, Aged packets: 0, FIFO errors: 0, HS link CRC errors: 0, MTU errors: 0, Resource errors: 0

"""
    return head + "\n".join(_ext(d, p, i) for i, p in enumerate(d.ports.values()))


def optics(d: Device) -> str:
    out = []
    for p in d.ports.values():
        m = p.module
        if m is None or not m.optical:
            continue
        L = [f"Physical interface: {p.name}",
             f"    Module temperature                        :  {round(m.temp)} degrees C / {round(m.temp * 9 / 5 + 32)} degrees F",
             f"    Module voltage                            :  {m.vcc:.4f} V"]
        t = m.thr
        if t:
            tt, v = t["temp"], t["vcc"]
            L += [f"    Module temperature high alarm             :  {_onoff(m.temp > tt[0])}",
                  f"    Module temperature low alarm              :  {_onoff(m.temp < tt[3])}",
                  f"    Module temperature high warning           :  {_onoff(m.temp > tt[1])}",
                  f"    Module temperature low warning            :  {_onoff(m.temp < tt[2])}",
                  "    Module voltage high alarm                 :  Off", "    Module voltage low alarm                  :  Off",
                  "    Module voltage high warning               :  Off", "    Module voltage low warning                :  Off",
                  f"    Module temperature high alarm threshold   :  {tt[0]:.0f} degrees C / {tt[0] * 9 / 5 + 32:.0f} degrees F",
                  f"    Module temperature low alarm threshold    :  {tt[3]:.0f} degrees C / {tt[3] * 9 / 5 + 32:.0f} degrees F",
                  f"    Module temperature high warning threshold :  {tt[1]:.0f} degrees C / {tt[1] * 9 / 5 + 32:.0f} degrees F",
                  f"    Module temperature low warning threshold  :  {tt[2]:.0f} degrees C / {tt[2] * 9 / 5 + 32:.0f} degrees F",
                  f"    Module voltage high alarm threshold       :  {v[0]:.3f} V", f"    Module voltage low alarm threshold        :  {v[3]:.3f} V",
                  f"    Module voltage high warning threshold     :  {v[1]:.3f} V", f"    Module voltage low warning threshold      :  {v[2]:.3f} V",
                  f"    Laser bias current high alarm threshold   :  {t['bias'][0]:.3f} mA",
                  f"    Laser bias current low alarm threshold    :  {t['bias'][3]:.3f} mA",
                  f"    Laser bias current high warning threshold :  {t['bias'][1]:.3f} mA",
                  f"    Laser bias current low warning threshold  :  {t['bias'][2]:.3f} mA"]
            for nm, i in (("high alarm", 0), ("low alarm", 3), ("high warning", 1), ("low warning", 2)):
                L.append(f"    {'Laser output power ' + nm + ' threshold':<42}:  {_pw(mw(t['tx'][i]))}")
            rx_t = list(t["rx"])
            if m.zero_low_alarm:
                rx_t[2] = rx_t[3] = -40.0
            for nm, i in (("high alarm", 0), ("low alarm", 3), ("high warning", 1), ("low warning", 2)):
                L.append(f"    {'Laser receiver power ' + nm + ' threshold':<42}:  {_pw(mw(rx_t[i]))}")
        for i in range(m.nlanes):
            tx = mw(m.tx[i]) if m.tx[i] > -39 else 0.0
            rx = mw(m.rx[i])
            L += [f"    Lane {i}",
                  f"      Laser bias current                      :  {m.bias[i]:.3f} mA",
                  f"      Laser output power                      :  {_pw(tx)}",
                  f"      Laser receiver power                    :  {_pw(rx)}"]
            if t:
                b, txt, rxt = t["bias"], t["tx"], (rx_t if t else None)
                L += [f"      Laser bias current high alarm           :  {_onoff(m.bias[i] > b[0])}",
                      f"      Laser bias current low alarm            :  {_onoff(m.used[i] and m.bias[i] < b[3])}",
                      f"      Laser bias current high warning         :  {_onoff(m.bias[i] > b[1])}",
                      f"      Laser bias current low warning          :  {_onoff(m.used[i] and m.bias[i] < b[2])}",
                      f"      Laser output power high alarm           :  {_onoff(m.tx[i] > txt[0])}",
                      f"      Laser output power low alarm            :  {_onoff(m.used[i] and m.tx[i] < txt[3])}",
                      f"      Laser output power high warning         :  {_onoff(m.tx[i] > txt[1])}",
                      f"      Laser output power low warning          :  {_onoff(m.used[i] and m.tx[i] < txt[2])}",
                      f"      Laser receiver power high alarm         :  {_onoff(m.rx[i] > rxt[0])}",
                      f"      Laser receiver power low alarm          :  {_onoff(m.used[i] and m.rx[i] < rxt[3])}",
                      f"      Laser receiver power high warning       :  {_onoff(m.rx[i] > rxt[1])}",
                      f"      Laser receiver power low warning        :  {_onoff(m.used[i] and m.rx[i] < rxt[2])}"]
            L += [f"      Tx loss of signal functionality alarm   :  {_onoff(m.host_txlos[i])}",
                  f"      Rx loss of signal alarm                 :  {_onoff(m.rx_los[i])}",
                  f"      Tx laser disabled alarm                 :  {_onoff(not p.admin_up)}"]
        out.append("\n".join(L) + "\n")
    return "\n".join(out)


def lldp(d: Device) -> str:
    rows = []
    for p in d.ports.values():
        if not p.lldp or not p.up:
            continue
        sysname, cmac, typ, pid, descr, _sd = p.lldp
        # "Port info": the neighbor's port description when it sends one, else its port id (the
        # device's junos_port_id variant prints the port id always)
        info = pid if d.junos_port_id else (descr or pid)
        rows.append((p.name, "-", cmac, info, sysname))
    L = [f"{'Local Interface':<19}{'Parent Interface':<20}{'Chassis Id':<20}{'Port info':<19}System Name"]
    L += [f"{a:<19}{b:<20}{c:<20}{dd:<19}{e}" for a, b, c, dd, e in rows]
    return "\n".join(L) + "\n"


def commands(d: Device) -> list[tuple[str, str, int, str]]:
    return [("show interfaces extensive", show_interfaces_extensive(d), 0, ""),
            ("show interfaces diagnostics optics", optics(d), 0, ""),
            ("show lldp neighbors", lldp(d), 0, "")]
