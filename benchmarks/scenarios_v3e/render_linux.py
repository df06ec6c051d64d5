"""Linux GPU host outputs: `ip -j -s -d link show`, `lldpctl -f json`, `ethtool P`, `ethtool -m P`,
`ethtool -S P` (mlx5_core names), `ethtool -I --show-fec P`.

Layouts follow the real outputs (iproute2 JSON; lldpd's json format; ethtool's SFF-8636 module dump
as printed for a QSFP28 on ConnectX; mlx5 `_phy` statistics; ethtool >= 5.13 FEC statistics).
"""

from __future__ import annotations

import json
import math

from .model import LANES, Device, Port, mw


def _dbm(v_mw: float) -> str:
    return "-inf" if v_mw <= 0 else f"{10 * math.log10(v_mw):.2f}"


def ip_link(d: Device) -> str:
    out = [{"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP", "LOWER_UP"], "mtu": 65536, "qdisc": "noqueue",
            "operstate": "UNKNOWN", "linkmode": "DEFAULT", "group": "default", "txqlen": 1000,
            "link_type": "loopback", "address": "00:00:00:00:00:00", "broadcast": "00:00:00:00:00:00",
            "promiscuity": 0, "min_mtu": 0, "max_mtu": 0, "inet6_addr_gen_mode": "eui64",
            "num_tx_queues": 1, "num_rx_queues": 1, "gso_max_size": 65536, "gso_max_segs": 65535,
            "stats64": {"rx": {"bytes": 190233, "packets": 1822, "errors": 0, "dropped": 0, "over_errors": 0,
                               "multicast": 0},
                        "tx": {"bytes": 190233, "packets": 1822, "errors": 0, "dropped": 0,
                               "carrier_errors": 0, "collisions": 0}}},
           {"ifindex": 2, "ifname": "eno1", "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"], "mtu": 1500,
            "qdisc": "mq", "operstate": "UP", "linkmode": "DEFAULT", "group": "default", "txqlen": 1000,
            "link_type": "ether", "address": d.mac, "broadcast": "ff:ff:ff:ff:ff:ff", "promiscuity": 0,
            "min_mtu": 68, "max_mtu": 9000, "inet6_addr_gen_mode": "eui64", "num_tx_queues": 8,
            "num_rx_queues": 8, "gso_max_size": 65536, "gso_max_segs": 65535, "parentbus": "pci",
            "parentdev": "0000:c1:00.0",
            "stats64": {"rx": {"bytes": 88120311, "packets": 612004, "errors": 0, "dropped": 12,
                               "over_errors": 0, "multicast": 4410},
                        "tx": {"bytes": 41203312, "packets": 320110, "errors": 0, "dropped": 0,
                               "carrier_errors": 0, "collisions": 0}}}]
    idx = 3
    for p in d.ports.values():
        if not p.present:
            continue
        flags = ["BROADCAST", "MULTICAST"]
        if p.admin_up:
            flags.append("UP")
            if p.up:
                flags.append("LOWER_UP")
            else:
                flags.insert(0, "NO-CARRIER")
        oper = "UP" if p.up else ("DOWN" if p.admin_up else "DOWN")
        out.append({"ifindex": idx, "ifname": p.name, "flags": flags, "mtu": 4200, "qdisc": "mq",
                    "operstate": oper, "linkmode": "DEFAULT", "group": "default", "txqlen": 1000,
                    "link_type": "ether", "address": p.mac, "broadcast": "ff:ff:ff:ff:ff:ff", "promiscuity": 0,
                    "min_mtu": 68, "max_mtu": 9978, "inet6_addr_gen_mode": "none", "num_tx_queues": 252,
                    "num_rx_queues": 63, "gso_max_size": 65536, "gso_max_segs": 65535, "parentbus": "pci",
                    "parentdev": p.pci,
                    "stats64": {"rx": {"bytes": p.rx_bytes, "packets": p.rx_frames, "errors": p.crc,
                                       "dropped": p.rx_drops, "over_errors": 0, "multicast": 1022},
                                "tx": {"bytes": p.tx_bytes, "packets": p.tx_frames, "errors": 0, "dropped": 0,
                                       "carrier_errors": 0, "collisions": 0}}})
        idx += 1
    return json.dumps(out)


def lldpctl(d: Device) -> str:
    ifaces = []
    for i, p in enumerate(d.ports.values()):
        if not p.present or not p.lldp or not p.up:
            continue
        sysname, chassis_mac, id_type, pid, descr, sysdescr = p.lldp
        ifaces.append({p.name: {
            "via": "LLDP", "rid": str(i + 1), "age": "0 day, 03:12:44",
            "chassis": {sysname: {"id": {"type": "mac", "value": chassis_mac},
                                  "descr": sysdescr,
                                  "mgmt-ip": f"10.{200 + i % 50}.0.{1 + i}",
                                  "capability": [{"type": "Bridge", "enabled": True},
                                                 {"type": "Router", "enabled": True}]}},
            "port": {"id": {"type": id_type, "value": pid}, "descr": descr, "ttl": "120",
                     "mfs": "9236"}}})
    if not ifaces:
        return json.dumps({"lldp": {}}, indent=2)
    return json.dumps({"lldp": {"interface": ifaces if len(ifaces) > 1 else ifaces[0]}}, indent=2)


_MODES = ["1000baseKX/Full", "10000baseKR/Full", "40000baseKR4/Full", "40000baseCR4/Full", "40000baseSR4/Full",
          "40000baseLR4/Full", "25000baseCR/Full", "25000baseKR/Full", "25000baseSR/Full", "50000baseCR2/Full",
          "50000baseKR2/Full", "100000baseKR4/Full", "100000baseSR4/Full", "100000baseCR4/Full",
          "100000baseLR4_ER4/Full"]


def ethtool(p: Port) -> str:
    port_t = "Direct Attach Copper" if p.module and p.module.kind == "DAC" else "FIBRE"
    sup = "\n".join(("        Supported link modes:   " if i == 0 else "                                ") + m
                    for i, m in enumerate(_MODES))
    adv = "\n".join(("        Advertised link modes:  " if i == 0 else "                                ") + m
                    for i, m in enumerate(["100000baseKR4/Full", "100000baseSR4/Full", "100000baseCR4/Full",
                                           "100000baseLR4_ER4/Full"]))
    fec = "RS" if p.fec == "rs" else "None"
    speed = f"{p.speed * 1000}Mb/s" if p.up else "Unknown!"
    duplex = "Full" if p.up else "Unknown! (255)"
    return f"""Settings for {p.name}:
        Supported ports: [ {"FIBRE" if port_t == "FIBRE" else "DA"} ]
{sup}
        Supported pause frame use: Symmetric
        Supports auto-negotiation: Yes
        Supported FEC modes: None        RS      BASER
{adv}
        Advertised pause frame use: No
        Advertised auto-negotiation: No
        Advertised FEC modes: {fec}
        Speed: {speed}
        Duplex: {duplex}
        Auto-negotiation: off
        Port: {port_t}
        PHYAD: 0
        Transceiver: internal
        Supports Wake-on: d
        Wake-on: d
        Current message level: 0x00000004 (4)
                               link
        Link detected: {"yes" if p.up else "no"}
"""


def _kv(k: str, v: str) -> str:
    return f"\t{k:<41} : {v}"


def _lane_flags(vals: list) -> str:
    if not any(vals):
        return "None"
    return "[ " + ", ".join("Yes" if v else "No" for v in vals) + " ]"


def ethtool_m(p: Port) -> str:
    m = p.module
    if m is None:
        return ""
    L = []
    if m.kind == "DAC":
        L += [_kv("Identifier", "0x11 (QSFP28)"), _kv("Extended identifier", "0x00"),
              _kv("Extended identifier description", "1.5W max. Power consumption"),
              _kv("Extended identifier description", "No CDR in TX, No CDR in RX"),
              _kv("Extended identifier description", "High Power Class (> 3.5 W) not enabled"),
              _kv("Power set", "Off"), _kv("Power override", "On"),
              _kv("Connector", "0x23 (No separable connector)"),
              _kv("Transceiver codes", "0x80 0x00 0x00 0x00 0x00 0x00 0x00 0x00"),
              _kv("Transceiver type", "100G Ethernet: 100G Base-CR4 or 25G Base-CR CA-L"),
              _kv("Encoding", "0x05 (64B/66B)"), _kv("BR, Nominal", "25500Mbps"),
              _kv("Rate identifier", "0x00"), _kv("Length (SMF,km)", "0km"),
              _kv("Length (OM3 50um)", "0m"), _kv("Length (OM2 50um)", "0m"), _kv("Length (OM1 62.5um)", "0m"),
              _kv("Length (Copper or Active cable)", "2m"),
              _kv("Transmitter technology", "0xa0 (Copper cable unequalized)"),
              _kv("Attenuation at 2.5GHz", "3db"), _kv("Attenuation at 5.0GHz", "4db"),
              _kv("Attenuation at 7.0GHz", "5db"), _kv("Attenuation at 12.9GHz", "8db"),
              _kv("Vendor name", m.vendor), _kv("Vendor OUI", "00:02:c9"), _kv("Vendor PN", m.pn),
              _kv("Vendor rev", "A3"), _kv("Vendor SN", m.serial), _kv("Date code", "221014"),
              _kv("Revision Compliance", "SFF-8636 Rev 2.5/2.6/2.7"),
              _kv("Module temperature", "0.00 degrees C / 32.00 degrees F"),
              _kv("Module voltage", "0.0000 V")]
        return "\n".join(L) + "\n"
    aoc = m.kind == "AOC"
    dr = m.kind == "DR1"
    L += [_kv("Identifier", "0x11 (QSFP28)"), _kv("Extended identifier", "0xcc"),
          _kv("Extended identifier description", "3.5W max. Power consumption"),
          _kv("Extended identifier description", "CDR present in TX, CDR present in RX"),
          _kv("Extended identifier description", "High Power Class (> 3.5 W) not enabled"),
          _kv("Power set", "Off"), _kv("Power override", "On"),
          _kv("Connector", "0x23 (No separable connector)" if aoc else ("0x07 (LC)" if dr else "0x0c (MPO Parallel Optic)")),
          _kv("Transceiver codes", "0x80 0x00 0x00 0x00 0x00 0x00 0x00 0x00"),
          _kv("Transceiver type", "100G Ethernet: 100G AOC or 25GAUI C2M AOC with worst BER of 5x10^(-5)" if aoc
              else ("100GBASE-DR (clause 140), CAUI-4 (no FEC)" if dr else
                    "100G Ethernet: 100G Base-SR4 or 25GBase-SR")),
          _kv("Encoding", "0x07 ((256B/257B (transcoded FEC-enabled data))"), _kv("BR, Nominal", "25500Mbps"),
          _kv("Rate identifier", "0x00"), _kv("Length (SMF,km)", "0km"),
          _kv("Length (OM3 50um)", "70m" if not aoc else "0m"), _kv("Length (OM2 50um)", "0m"),
          _kv("Length (OM1 62.5um)", "0m"), _kv("Length (Copper or Active cable)", "10m" if aoc else "0m"),
          _kv("Transmitter technology", "0x40 (1310 nm DFB)" if dr else "0x00 (850 nm VCSEL)"),
          _kv("Laser wavelength", "1311.000nm" if dr else "850.000nm"),
          _kv("Laser wavelength tolerance", "15.000nm"), _kv("Vendor name", m.vendor),
          _kv("Vendor OUI", "00:90:65" if m.vendor.startswith("FINISAR") else "00:02:c9"),
          _kv("Vendor PN", m.pn), _kv("Vendor rev", "A0"), _kv("Vendor SN", m.serial),
          _kv("Date code", "230412"), _kv("Revision Compliance", "SFF-8636 Rev 2.5/2.6/2.7"),
          _kv("Module temperature", f"{m.temp:.2f} degrees C / {m.temp * 9 / 5 + 32:.2f} degrees F"),
          _kv("Module voltage", f"{m.vcc:.4f} V"),
          _kv("Alarm/warning flags implemented", "Yes" if m.thr else "No")]
    for i in range(LANES):
        L.append(_kv(f"Laser tx bias current (Channel {i + 1})", f"{m.bias[i]:.3f} mA"))  # 0.000 on unused lanes
    for i in range(LANES):
        t = 0.0 if m.tx[i] <= -39 else mw(m.tx[i])
        L.append(_kv(f"Transmit avg optical power (Channel {i + 1})", f"{t:.4f} mW / {_dbm(t)} dBm"))
    for i in range(LANES):
        r = mw(m.rx[i])
        L.append(f"\t{'Rcvr signal avg optical power(Channel ' + str(i + 1) + ')':<41} : {r:.4f} mW / {_dbm(r)} dBm")
    L.append(_kv("Rx loss of signal", _lane_flags(m.rx_los)))
    L.append(_kv("Tx loss of signal", _lane_flags(m.host_txlos)))
    L.append(_kv("Rx loss of lock", _lane_flags(m.rx_lol)))
    L.append(_kv("Tx loss of lock", _lane_flags(m.host_txlos)))
    L.append(_kv("Tx fault", _lane_flags(m.tx_fault)))
    if not m.thr:
        return "\n".join(L) + "\n"
    thr = m.thr
    rx_t = [mw(x) for x in thr["rx"]]
    if m.zero_low_alarm:
        rx_t[2] = 0.0
        rx_t[3] = 0.0
    tx_t = [mw(x) for x in thr["tx"]]

    def flag(val, hi_a, hi_w, lo_w, lo_a, name, unit_chan):
        return [_kv(f"{name} high alarm   ({unit_chan})", "On" if val > hi_a else "Off"),
                _kv(f"{name} low alarm    ({unit_chan})", "On" if val < lo_a else "Off"),
                _kv(f"{name} high warning ({unit_chan})", "On" if val > hi_w else "Off"),
                _kv(f"{name} low warning  ({unit_chan})", "On" if val < lo_w else "Off")]

    for i in range(LANES):
        L += flag(m.bias[i], *thr["bias"], "Laser bias current", f"Chan {i + 1}")
    t = thr["temp"]
    L += [_kv("Module temperature high alarm", "On" if m.temp > t[0] else "Off"),
          _kv("Module temperature low alarm", "On" if m.temp < t[3] else "Off"),
          _kv("Module temperature high warning", "On" if m.temp > t[1] else "Off"),
          _kv("Module temperature low warning", "On" if m.temp < t[2] else "Off"),
          _kv("Module voltage high alarm", "Off"), _kv("Module voltage low alarm", "Off"),
          _kv("Module voltage high warning", "Off"), _kv("Module voltage low warning", "Off")]
    for i in range(LANES):
        L += flag(mw(m.tx[i]) if m.tx[i] > -39 else 0.0, *tx_t, "Laser tx power", f"Channel {i + 1}")
    for i in range(LANES):
        L += flag(mw(m.rx[i]), *rx_t, "Laser rx power", f"Channel {i + 1}")
    b = thr["bias"]
    L += [_kv("Laser bias current high alarm threshold", f"{b[0]:.3f} mA"),
          _kv("Laser bias current low alarm threshold", f"{b[3]:.3f} mA"),
          _kv("Laser bias current high warning threshold", f"{b[1]:.3f} mA"),
          _kv("Laser bias current low warning threshold", f"{b[2]:.3f} mA")]
    for nm, idx in (("high alarm", 0), ("low alarm", 3), ("high warning", 1), ("low warning", 2)):
        L.append(_kv(f"Laser output power {nm} threshold", f"{tx_t[idx]:.4f} mW / {_dbm(tx_t[idx])} dBm"))
    L += [_kv("Module temperature high alarm threshold", f"{t[0]:.2f} degrees C / {t[0] * 9 / 5 + 32:.2f} degrees F"),
          _kv("Module temperature low alarm threshold", f"{t[3]:.2f} degrees C / {t[3] * 9 / 5 + 32:.2f} degrees F"),
          _kv("Module temperature high warning threshold", f"{t[1]:.2f} degrees C / {t[1] * 9 / 5 + 32:.2f} degrees F"),
          _kv("Module temperature low warning threshold", f"{t[2]:.2f} degrees C / {t[2] * 9 / 5 + 32:.2f} degrees F")]
    v = thr["vcc"]
    L += [_kv("Module voltage high alarm threshold", f"{v[0]:.4f} V"),
          _kv("Module voltage low alarm threshold", f"{v[3]:.4f} V"),
          _kv("Module voltage high warning threshold", f"{v[1]:.4f} V"),
          _kv("Module voltage low warning threshold", f"{v[2]:.4f} V")]
    for nm, idx in (("high alarm", 0), ("low alarm", 3), ("high warning", 1), ("low warning", 2)):
        L.append(_kv(f"Laser rx power {nm} threshold", f"{rx_t[idx]:.4f} mW / {_dbm(rx_t[idx])} dBm"))
    return "\n".join(L) + "\n"


def ethtool_S(p: Port) -> str:
    """mlx5_core statistics (the physical-port `_phy` group and a few software ones)."""
    rows = [("rx_packets", p.rx_frames), ("rx_bytes", p.rx_bytes), ("tx_packets", p.tx_frames),
            ("tx_bytes", p.tx_bytes), ("tx_tso_packets", p.tx_frames // 40), ("rx_lro_packets", 0),
            ("rx_csum_unnecessary", p.rx_frames - 17), ("rx_csum_none", 17), ("tx_queue_stopped", 0),
            ("tx_queue_dropped", 0), ("rx_wqe_err", 0), ("rx_buff_alloc_err", 0),
            ("rx_cache_reuse", p.rx_frames // 3), ("ch_events", 12008311), ("ch_poll", 99120412),
            ("rx_out_of_buffer", 0), ("rx_if_down_packets", 0),
            ("link_down_events_phy", p.link_down),
            ("rx_vport_unicast_packets", p.rx_frames - 1022), ("rx_vport_unicast_bytes", p.rx_bytes - 90000),
            ("tx_vport_unicast_packets", p.tx_frames), ("tx_vport_unicast_bytes", p.tx_bytes),
            ("rx_vport_rdma_unicast_packets", p.rx_frames // 2), ("tx_vport_rdma_unicast_packets", p.tx_frames // 2),
            ("tx_packets_phy", p.tx_frames), ("rx_packets_phy", p.rx_frames + p.crc),
            ("rx_crc_errors_phy", p.crc), ("tx_bytes_phy", p.tx_bytes), ("rx_bytes_phy", p.rx_bytes),
            ("tx_multicast_phy", 2044), ("tx_broadcast_phy", 3), ("rx_multicast_phy", 1022),
            ("rx_broadcast_phy", 0), ("rx_in_range_len_errors_phy", 0), ("rx_out_of_range_len_phy", 0),
            ("rx_oversize_pkts_phy", 0), ("rx_symbol_err_phy", p.symbol_err), ("tx_mac_control_phy", 0),
            ("rx_mac_control_phy", 0), ("rx_unsupported_op_phy", 0), ("rx_pause_ctrl_phy", 0),
            ("tx_pause_ctrl_phy", 0), ("rx_discards_phy", p.rx_drops), ("tx_discards_phy", 0),
            ("tx_errors_phy", 0), ("rx_undersize_pkts_phy", 0), ("rx_fragments_phy", 0),
            ("rx_jabbers_phy", 0), ("rx_64_bytes_phy", 1204), ("rx_65_to_127_bytes_phy", 99120),
            ("rx_1519_to_2047_bytes_phy", 0), ("rx_2048_to_4095_bytes_phy", p.rx_frames),
            ("rx_prio3_bytes", p.rx_bytes // 2), ("rx_prio3_packets", p.rx_frames // 2),
            ("tx_prio3_bytes", p.tx_bytes // 2), ("tx_prio3_packets", p.tx_frames // 2),
            ("rx_corrected_bits_phy", p.corrected_bits if p.fec == "rs" else 0),
            ("rx_err_lane_0_phy", p.fec_corr_lane[0]), ("rx_err_lane_1_phy", p.fec_corr_lane[1]),
            ("rx_err_lane_2_phy", p.fec_corr_lane[2]), ("rx_err_lane_3_phy", p.fec_corr_lane[3]),
            ("rx_global_pause", 0), ("tx_global_pause", 0), ("module_unplug", 0), ("module_bus_stuck", 0),
            ("module_high_temp", 0), ("module_bad_shorted", 0)]
    return "NIC statistics:\n" + "\n".join(f"     {k}: {v}" for k, v in rows) + "\n"


def ethtool_fec(p: Port) -> str:
    fec = "RS" if p.fec == "rs" else "None"
    L = [f"FEC parameters for {p.name}:", f"Supported/Configured FEC encodings: {fec}",
         f"Active FEC encoding: {fec if p.up else 'None'}"]
    if p.fec == "rs":
        L.append("Statistics:")
        L.append(f"  corrected_blocks: {p.fec_corr}")
        for i in range(LANES):
            L.append(f"    Lane {i}: {p.fec_corr_lane[i]}")
        L.append(f"  uncorrectable_blocks: {p.fec_uncorr}")
        for i in range(LANES):
            L.append(f"    Lane {i}: {p.fec_uncorr_lane[i]}")
    return "\n".join(L) + "\n"


def commands(d: Device) -> list[tuple[str, str, int, str]]:
    """(command, stdout, exit status, stderr) in the order a sweep runs them."""
    out = [("ip -j -s -d link show", ip_link(d), 0, ""), ("lldpctl -f json", lldpctl(d), 0, "")]
    for p in d.ports.values():
        if not p.present:
            # the NIC fell off the bus: discovery no longer lists the port, so nothing is run for it
            continue
        out.append((f"ethtool {p.name}", ethtool(p), 0, ""))
        if p.module is None:
            out.append((f"ethtool -m {p.name}", "", 1, "netlink error: Failed to get module EEPROM information"))
        else:
            out.append((f"ethtool -m {p.name}", ethtool_m(p), 0, ""))
        out.append((f"ethtool -S {p.name}", ethtool_S(p), 0, ""))
        out.append((f"ethtool -I --show-fec {p.name}", ethtool_fec(p), 0, ""))
    return out
