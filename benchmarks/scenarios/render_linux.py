"""Linux GPU host outputs, in the layouts the real tools print.

* ``ip -j -s -d link show`` — iproute2 JSON (one object per interface, ``stats64``, ``parentbus``);
* ``lldpctl -f json`` — lldpd 1.0 JSON (``interface`` a dict for one neighbor, a list for more);
* ``ethtool PORT`` — link settings;
* ``ethtool -m PORT`` — module EEPROM/DOM: SFF-8636 (QSFP56, 4 channels) or CMIS (OSFP, 8-lane
  bank) as ethtool 6.x prints them (``\\t%-41s : %s``), with lane status lists (ethtool >= 6.5);
* ``ethtool -S PORT`` — mlx5_core statistics (the ``*_phy`` physical-port counters);
* ``ethtool -I --show-fec PORT`` — FEC mode and block counters.
"""

from __future__ import annotations

import json

from benchmarks.scenarios.fabric import shown_thresholds, Device, End, dbm, module_view


def _kv(label: str, value) -> str:
    return f"\t{label:<41} : {value}"


def _pw(mwv: float) -> str:
    d = dbm(mwv)
    return f"{mwv:.4f} mW / {'-inf' if d == float('-inf') else f'{d:.2f}'} dBm"


def _yn(flags: list) -> str:
    return "[ " + ", ".join("Yes" if f else "No" for f in flags) + " ]"


def ip_link(dev: Device, rng) -> str:
    rows = [
        {"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP", "LOWER_UP"], "mtu": 65536, "qdisc": "noqueue",
         "operstate": "UNKNOWN", "linkmode": "DEFAULT", "group": "default", "txqlen": 1000, "link_type": "loopback",
         "address": "00:00:00:00:00:00", "broadcast": "00:00:00:00:00:00", "promiscuity": 0, "allmulti": 0,
         "min_mtu": 0, "max_mtu": 0, "num_tx_queues": 1, "num_rx_queues": 1,
         "stats64": {"rx": {"bytes": 81234, "packets": 912, "errors": 0, "dropped": 0, "over_errors": 0,
                            "multicast": 0},
                     "tx": {"bytes": 81234, "packets": 912, "errors": 0, "dropped": 0, "carrier_errors": 0,
                            "collisions": 0}}},
        {"ifindex": 2, "ifname": "eno1", "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"], "mtu": 1500,
         "qdisc": "mq", "operstate": "UP", "linkmode": "DEFAULT", "group": "default", "txqlen": 1000,
         "link_type": "ether", "address": "3c:ec:ef:10:22:" + f"{rng.randint(0, 255):02x}",
         "broadcast": "ff:ff:ff:ff:ff:ff", "promiscuity": 0, "allmulti": 0, "min_mtu": 68, "max_mtu": 9216,
         "num_tx_queues": 8, "num_rx_queues": 8, "parentbus": "pci", "parentdev": "0000:03:00.0",
         "stats64": {"rx": {"bytes": 9123456, "packets": 81234, "errors": 0, "dropped": 12, "over_errors": 0,
                            "multicast": 3312},
                     "tx": {"bytes": 7123456, "packets": 61234, "errors": 0, "dropped": 0, "carrier_errors": 0,
                            "collisions": 0}}},
    ]
    for i, end in enumerate(dev.ends.values()):
        if end.vanished:
            continue
        flags = ["BROADCAST", "MULTICAST"]
        if end.admin_up:
            flags.append("UP")
        if end.oper_up:
            flags.append("LOWER_UP")
        elif end.admin_up:
            flags.insert(0, "NO-CARRIER")
        rows.append({
            "ifindex": 3 + i, "ifname": end.port, "flags": flags, "mtu": 9000, "qdisc": "mq",
            "operstate": "UP" if end.oper_up else "DOWN", "linkmode": "DEFAULT", "group": "default",
            "txqlen": 1000, "link_type": "ether", "address": end.mac, "broadcast": "ff:ff:ff:ff:ff:ff",
            "promiscuity": 0, "allmulti": 0, "min_mtu": 68, "max_mtu": 9978, "inet6_addr_gen_mode": "eui64",
            "num_tx_queues": 252, "num_rx_queues": 63, "gso_max_size": 65536, "gso_max_segs": 65535,
            "parentbus": "pci", "parentdev": end.pci,
            "stats64": {"rx": {"bytes": end.rx_bytes, "packets": end.rx_packets,
                               "errors": end.crc_errors, "dropped": end.rx_discards, "over_errors": 0,
                               "multicast": end.rx_packets // 5000},
                        "tx": {"bytes": end.tx_bytes, "packets": end.tx_packets, "errors": 0, "dropped": 0,
                               "carrier_errors": 0, "collisions": 0}}})
    return json.dumps(rows, separators=(",", ":")) + "\n"


_SYSTEM_DESCR = {
    "sonic": "SONiC Software Version: SONiC.202311.1 - HwSku: Mellanox-SN5600-V256 - Distribution: Debian 12.5 - "
             "Kernel: 6.1.0-11-2-amd64",
    "cumulus": "Cumulus Linux version 5.11.0 running on Nvidia SN5600",
    "eos": "Arista Networks EOS version 4.32.2F running on an Arista Networks DCS-7060X6-64PE",
    "linux": "Ubuntu 22.04.4 LTS Linux 5.15.0-113-generic #123-Ubuntu SMP x86_64",
}


def lldpctl_json(dev: Device, neighbors: list[tuple[End, Device, End]]) -> str:
    """neighbors: (local end, far device, far end) for each port that hears the far end."""
    items = []
    for local, far_dev, far in neighbors:
        if far_dev.lldp_port_id == "alias" and far.alias:
            pid = {"type": "local", "value": far.alias}
            descr = far.port
        elif far_dev.lldp_port_id == "mac":
            pid = {"type": "mac", "value": far.mac}
            descr = far.port
        else:
            pid = {"type": "ifname", "value": far.port}
            descr = ""
        port = {"id": pid}
        if descr:
            port["descr"] = descr
        port["ttl"] = "120"
        items.append({local.port: {
            "via": "LLDP", "rid": str(len(items) + 1), "age": "12 days, 03:14:07",
            "chassis": {far_dev.name: {
                "id": {"type": "mac", "value": far.mac[:-2] + "00"},
                "descr": _SYSTEM_DESCR[far_dev.platform],
                "mgmt-ip": far_dev.address,
                "capability": [{"type": "Bridge", "enabled": True}, {"type": "Router", "enabled": True}]}},
            "port": port}})
    if len(items) == 1:
        body = {"lldp": {"interface": items[0]}}
    else:
        body = {"lldp": {"interface": items}}
    return json.dumps(body, indent=2) + "\n"


def ethtool_link(end: End) -> str:
    m = end.module
    port = "Direct Attach Copper" if m and m.kind == "dac" else "FIBRE"
    modes = {100: ["100000baseCR4/Full", "100000baseSR4/Full", "100000baseKR4/Full", "100000baseLR4_ER4/Full"],
             400: ["400000baseCR4/Full", "400000baseKR4/Full", "400000baseSR4/Full", "400000baseDR4/Full"],
             200: ["200000baseCR4/Full", "200000baseKR4/Full", "200000baseSR4/Full"],
             800: ["800000baseCR8/Full", "800000baseDR8/Full"]}[end.speed_gbps]
    lines = [f"Settings for {end.port}:", "\tSupported ports: [ Backplane ]",
             "\tSupported link modes:   " + modes[0]]
    lines += ["\t                        " + x for x in modes[1:]]
    lines += ["\tSupported pause frame use: Symmetric", "\tSupports auto-negotiation: Yes",
              "\tSupported FEC modes: Not reported", "\tAdvertised link modes:  " + modes[0]]
    lines += ["\t                        " + x for x in modes[1:]]
    lines += ["\tAdvertised pause frame use: No", "\tAdvertised auto-negotiation: No",
              "\tAdvertised FEC modes: Not reported"]
    if end.oper_up:
        lines += [f"\tSpeed: {end.speed_gbps * 1000}Mb/s", f"\tLanes: {end.lanes_used}", "\tDuplex: Full"]
    else:
        lines += ["\tSpeed: Unknown!", "\tDuplex: Unknown! (255)"]
    lines += ["\tAuto-negotiation: off", f"\tPort: {port}", "\tPHYAD: 0", "\tTransceiver: internal",
              "\tSupports Wake-on: d", "\tWake-on: d", "\tCurrent message level: 0x00000004 (4)",
              "\t\t\t       link", f"\tLink detected: {'yes' if end.oper_up else 'no'}"]
    return "\n".join(lines) + "\n"


def _cmis(end: End, module_lanes: dict, dev: Device) -> list[str]:
    m = end.module
    t = shown_thresholds(m, dev)
    ident = {"OSFP": "0x19 (OSFP 8X Pluggable Transceiver)",
             "QSFP-DD": "0x18 (QSFP-DD Double Density 8X Pluggable Transceiver (INF-8628))"}[m.identifier]
    out = [_kv("Identifier", ident), _kv("Power class", "5" if m.kind != "dac" else "1"),
           _kv("Max power", "10.00W" if m.kind != "dac" else "0.25W")]
    if m.kind == "dac":
        out += [_kv("Connector", "0x23 (No separable connector)"),
                _kv("Cable assembly length", f"{m.length_m:.2f}m"),
                _kv("Transmitter technology", "0x0a (Copper cable, unequalized)"),
                _kv("Attenuation at 5GHz", "3db"), _kv("Attenuation at 7GHz", "4db"),
                _kv("Attenuation at 12.9GHz", "6db"), _kv("Attenuation at 25.8GHz", "12db")]
    elif m.kind == "aoc":
        out += [_kv("Connector", "0x23 (No separable connector)"),
                _kv("Cable assembly length", f"{m.length_m:.2f}m"),
                _kv("Transmitter technology", "0x00 (850 nm VCSEL)"),
                _kv("Laser wavelength", "850.000nm"), _kv("Laser wavelength tolerance", "10.000nm")]
    else:
        out += [_kv("Connector", "0x0c (MPO 1x12)"), _kv("Cable assembly length", "0.00m"),
                _kv("Transmitter technology", "0x06 (1310 nm EML)"),
                _kv("Laser wavelength", "1311.000nm"), _kv("Laser wavelength tolerance", "6.500nm"),
                _kv("Length (SMF)", "0.50km")]
    out += [_kv("Vendor name", m.vendor), _kv("Vendor OUI", "00:02:c9"), _kv("Vendor PN", m.part_number),
            _kv("Vendor rev", "A4"), _kv("Vendor SN", m.serial), _kv("Date code", "231109"),
            _kv("Revision compliance", "Rev. 5.0")]
    n = m.bank_lanes
    if m.kind == "dac":
        out += [_kv("Module State", "0x03 (ModuleReady)")]
        return out
    L = module_lanes
    out += [_kv("Rx loss of signal", _yn(L["rx_los"])), _kv("Tx loss of signal", _yn(L["host_tx_los"])),
            _kv("Rx loss of lock", _yn(L["rx_lol"])), _kv("Tx loss of lock", _yn(L["host_tx_lol"])),
            _kv("Tx fault", _yn(L["tx_fault"])),
            _kv("Module State", "0x03 (ModuleReady)"), _kv("LowPwrAllowRequestHW", "Off"),
            _kv("LowPwrRequestSW", "Off"),
            _kv("Module temperature", f"{end.temp_c:.2f} degrees C / {end.temp_c * 9 / 5 + 32:.2f} degrees F"),
            _kv("Module voltage", f"{end.vcc_v:.4f} V")]
    for i in range(n):
        out.append(_kv(f"Laser tx bias current (Channel {i + 1})", f"{L['bias'][i]:.3f} mA"))
    for i in range(n):
        out.append(_kv(f"Transmit avg optical power (Channel {i + 1})", _pw(L["tx"][i])))
    for i in range(n):
        out.append(_kv(f"Rcvr signal avg optical power (Channel {i + 1})", _pw(L["rx"][i])))
    if t is None:
        return out
    out += _alarm_lines(end, L, t, n)
    out += _threshold_lines(t)
    return out


def _alarm_lines(end: End, L: dict, t: dict, n: int) -> list[str]:
    def on(x):
        return "On" if x else "Off"
    out = [_kv("Module temperature high alarm", on(end.temp_c >= t["temp_high_alarm"])),
           _kv("Module temperature low alarm", on(end.temp_c <= t["temp_low_alarm"])),
           _kv("Module temperature high warning", on(end.temp_c >= t["temp_high_warn"])),
           _kv("Module temperature low warning", on(end.temp_c <= t["temp_low_warn"])),
           _kv("Module voltage high alarm", "Off"), _kv("Module voltage low alarm", "Off"),
           _kv("Module voltage high warning", "Off"), _kv("Module voltage low warning", "Off")]
    used = L["used"]
    for i in range(n):
        u = used[i]
        b = L["bias"][i]
        out += [_kv(f"Laser bias current high alarm   (Chan {i + 1})", on(u and b >= t["bias_high_alarm"])),
                _kv(f"Laser bias current low alarm    (Chan {i + 1})", on(u and b <= t["bias_low_alarm"])),
                _kv(f"Laser bias current high warning (Chan {i + 1})", on(u and b >= t["bias_high_warn"])),
                _kv(f"Laser bias current low warning  (Chan {i + 1})", on(u and b <= t["bias_low_warn"]))]
    for i in range(n):
        u = used[i]
        d = dbm(L["tx"][i])
        out += [_kv(f"Laser tx power high alarm   (Channel {i + 1})", on(u and d >= t["tx_high_alarm"])),
                _kv(f"Laser tx power low alarm    (Channel {i + 1})", on(u and d <= t["tx_low_alarm"])),
                _kv(f"Laser tx power high warning (Channel {i + 1})", on(u and d >= t["tx_high_warn"])),
                _kv(f"Laser tx power low warning  (Channel {i + 1})", on(u and d <= t["tx_low_warn"]))]
    for i in range(n):
        u = used[i]
        d = dbm(L["rx"][i])
        out += [_kv(f"Laser rx power high alarm   (Channel {i + 1})", on(u and d >= t["rx_high_alarm"])),
                _kv(f"Laser rx power low alarm    (Channel {i + 1})", on(u and d <= t["rx_low_alarm"])),
                _kv(f"Laser rx power high warning (Channel {i + 1})", on(u and d >= t["rx_high_warn"])),
                _kv(f"Laser rx power low warning  (Channel {i + 1})", on(u and d <= t["rx_low_warn"]))]
    return out


def _mwdbm(d: float) -> str:
    return f"{10 ** (d / 10):.4f} mW / {d:.2f} dBm"


def _threshold_lines(t: dict) -> list[str]:
    return [
        _kv("Laser bias current high alarm threshold", f"{t['bias_high_alarm']:.3f} mA"),
        _kv("Laser bias current low alarm threshold", f"{t['bias_low_alarm']:.3f} mA"),
        _kv("Laser bias current high warning threshold", f"{t['bias_high_warn']:.3f} mA"),
        _kv("Laser bias current low warning threshold", f"{t['bias_low_warn']:.3f} mA"),
        _kv("Laser output power high alarm threshold", _mwdbm(t["tx_high_alarm"])),
        _kv("Laser output power low alarm threshold", _mwdbm(t["tx_low_alarm"])),
        _kv("Laser output power high warning threshold", _mwdbm(t["tx_high_warn"])),
        _kv("Laser output power low warning threshold", _mwdbm(t["tx_low_warn"])),
        _kv("Module temperature high alarm threshold",
            f"{t['temp_high_alarm']:.2f} degrees C / {t['temp_high_alarm'] * 9 / 5 + 32:.2f} degrees F"),
        _kv("Module temperature low alarm threshold",
            f"{t['temp_low_alarm']:.2f} degrees C / {t['temp_low_alarm'] * 9 / 5 + 32:.2f} degrees F"),
        _kv("Module temperature high warning threshold",
            f"{t['temp_high_warn']:.2f} degrees C / {t['temp_high_warn'] * 9 / 5 + 32:.2f} degrees F"),
        _kv("Module temperature low warning threshold",
            f"{t['temp_low_warn']:.2f} degrees C / {t['temp_low_warn'] * 9 / 5 + 32:.2f} degrees F"),
        _kv("Module voltage high alarm threshold", f"{t['vcc_high_alarm']:.4f} V"),
        _kv("Module voltage low alarm threshold", f"{t['vcc_low_alarm']:.4f} V"),
        _kv("Module voltage high warning threshold", f"{t['vcc_high_warn']:.4f} V"),
        _kv("Module voltage low warning threshold", f"{t['vcc_low_warn']:.4f} V"),
        _kv("Laser rx power high alarm threshold", _mwdbm(t["rx_high_alarm"])),
        _kv("Laser rx power low alarm threshold", _mwdbm(t["rx_low_alarm"])),
        _kv("Laser rx power high warning threshold", _mwdbm(t["rx_high_warn"])),
        _kv("Laser rx power low warning threshold", _mwdbm(t["rx_low_warn"])),
    ]


def _sff8636(end: End, L: dict, dev: Device) -> list[str]:
    """QSFP56 (SFF-8636) as ethtool prints it: 4 channels."""
    m = end.module
    t = shown_thresholds(m, dev)
    out = [_kv("Identifier", "0x11 (QSFP28)")]
    out += [_kv("Extended identifier", "0xcf"),
            _kv("Extended identifier description", "3.5W max. Power consumption"),
            _kv("Extended identifier description", "CDR present in TX, CDR present in RX"),
            _kv("Extended identifier description", "High Power Class (> 3.5 W) enabled"),
            _kv("Power set", "Off"), _kv("Power override", "On")]
    if m.kind == "dac":
        out += [_kv("Connector", "0x23 (No separable connector)"),
                _kv("Transceiver codes", "0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00"),
                _kv("Transceiver type", "100G Ethernet: 100G Base-CR4 or 25G Base-CR CA-L" if end.nrz
                    else "Extended: 200GBASE-CR4"),
                _kv("Encoding", "0x06 (64B/66B)" if end.nrz else "0x08 (PAM4)"), _kv("BR, Nominal", "25500Mbps"),
                _kv("Length (Copper or Active cable)", f"{int(m.length_m)}m"),
                _kv("Transmitter technology", "0xa0 (Copper cable unequalized)")]
    elif m.kind == "aoc":
        out += [_kv("Connector", "0x23 (No separable connector)"),
                _kv("Transceiver codes", "0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00"),
                _kv("Transceiver type", "Extended: 100G AOC or 25GAUI C2M AOC" if end.nrz
                    else "Extended: 200G AOC"),
                _kv("Encoding", "0x06 (64B/66B)" if end.nrz else "0x08 (PAM4)"),
                _kv("BR, Nominal", "25500Mbps"), _kv("Length (Copper or Active cable)", f"{int(m.length_m)}m"),
                _kv("Transmitter technology", "0x00 (850 nm VCSEL)"),
                _kv("Laser wavelength", "850.000nm"), _kv("Laser wavelength tolerance", "10.000nm")]
    else:
        out += [_kv("Connector", "0x0c (MPO 1x12)"),
                _kv("Transceiver codes", "0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00"),
                _kv("Transceiver type", "100G Ethernet: 100G Base-SR4 or 25GBase-SR" if end.nrz
                    else "Extended: 200GBASE-SR4"),
                _kv("Encoding", "0x06 (64B/66B)" if end.nrz else "0x08 (PAM4)"),
                _kv("BR, Nominal", "25500Mbps"), _kv("Length (OM3 50um)", "70m"),
                _kv("Length (OM4 50um)", "100m"), _kv("Transmitter technology", "0x00 (850 nm VCSEL)"),
                _kv("Laser wavelength", "850.000nm"), _kv("Laser wavelength tolerance", "10.000nm")]
    out += [_kv("Vendor name", m.vendor), _kv("Vendor OUI", "00:90:65" if "FINISAR" in m.vendor else "00:02:c9"),
            _kv("Vendor PN", m.part_number), _kv("Vendor rev", "A0"), _kv("Vendor SN", m.serial),
            _kv("Date code", "220614"), _kv("Revision Compliance", "SFF-8636 Rev 2.5/2.6/2.7")]
    if m.kind == "dac":
        return out
    out += [_kv("Module temperature", f"{end.temp_c:.2f} degrees C / {end.temp_c * 9 / 5 + 32:.2f} degrees F"),
            _kv("Module voltage", f"{end.vcc_v:.4f} V"),
            _kv("Alarm/warning flags implemented", "Yes" if t is not None else "No")]
    for i in range(4):
        out.append(_kv(f"Laser tx bias current (Channel {i + 1})", f"{L['bias'][i]:.3f} mA"))
    for i in range(4):
        out.append(_kv(f"Transmit avg optical power (Channel {i + 1})", _pw(L["tx"][i])))
    for i in range(4):
        out.append(f"\tRcvr signal avg optical power(Channel {i + 1})  : {_pw(L['rx'][i])}")
    if t is None:
        return out
    out += _alarm_lines(end, L, t, 4)
    out += _threshold_lines(t)
    return out


def ethtool_module(end: End, dev: Device) -> str:
    """The module in `end`'s cage; a twin-port module prints its whole lane bank on each of its ports."""
    if end.module is None:
        return ""
    L = module_view([e for e in sorted(dev.ends.values(), key=lambda e: e.lane_offset) if e.module is end.module])
    lines = _sff8636(end, L, dev) if end.module.identifier == "QSFP56" else _cmis(end, L, dev)
    return "\n".join(lines) + "\n"


def ethtool_stats(end: End) -> str:
    rows = [("rx_packets", end.rx_packets), ("rx_bytes", end.rx_bytes), ("tx_packets", end.tx_packets),
            ("tx_bytes", end.tx_bytes), ("tx_tso_packets", end.tx_packets // 3),
            ("rx_csum_complete", end.rx_packets - 11), ("rx_out_of_buffer", 0), ("rx_wqe_err", 0),
            ("rx_buff_alloc_err", 0), ("tx_queue_dropped", 0),
            ("rx_vport_unicast_packets", end.rx_packets), ("tx_vport_unicast_packets", end.tx_packets),
            ("rx_vport_rdma_unicast_packets", end.rx_packets * 7), ("tx_vport_rdma_unicast_packets", end.tx_packets * 7),
            ("tx_packets_phy", end.tx_packets), ("rx_packets_phy", end.rx_packets + end.crc_errors),
            ("rx_crc_errors_phy", end.crc_errors), ("tx_bytes_phy", end.tx_bytes), ("rx_bytes_phy", end.rx_bytes),
            ("tx_multicast_phy", 2881), ("tx_broadcast_phy", 7), ("rx_multicast_phy", 8102),
            ("rx_broadcast_phy", 233), ("rx_in_range_len_errors_phy", 0), ("rx_out_of_range_len_phy", 0),
            ("rx_oversize_pkts_phy", 0), ("rx_symbol_err_phy", end.symbol_errors),
            ("tx_mac_control_phy", 0), ("rx_mac_control_phy", 0), ("rx_unsupported_op_phy", 0),
            ("rx_pause_ctrl_phy", 0), ("tx_pause_ctrl_phy", 0), ("rx_discards_phy", end.rx_discards),
            ("tx_discards_phy", 0), ("tx_errors_phy", 0), ("rx_undersize_pkts_phy", 0),
            ("rx_fragments_phy", 0), ("rx_jabbers_phy", 0), ("rx_64_bytes_phy", 41604),
            ("rx_65_to_127_bytes_phy", end.rx_packets // 9), ("link_down_events_phy", end.link_down_events),
            ("rx_pcs_symbol_err_phy", end.symbol_errors), ("rx_corrected_bits_phy", end.corrected_bits)]
    for i in range(end.lanes_used):
        rows.append((f"rx_err_lane_{i}_phy", end.lane_errors[i]))
    rows += [("rx_buffer_passed_thres_phy", 0), ("rx_pci_signal_integrity", 0), ("tx_pci_signal_integrity", 0),
             ("outbound_pci_buffer_overflow", 0), ("module_unplug", 0), ("module_bus_stuck", 0),
             ("module_high_temp", 0), ("module_bad_shorted", 0)]
    return "NIC statistics:\n" + "".join(f"     {k}: {v}\n" for k, v in rows)


def ethtool_fec(end: End) -> str:
    active = "RS" if end.fec == "rs" else "Off"
    lines = [f"FEC parameters for {end.port}:", "Supported/Configured FEC encodings: Auto",
             f"Active FEC encoding: {active}", "Statistics:",
             f"  corrected_blocks: {end.fec_corrected}"]
    per = [end.fec_corrected // max(end.lanes_used, 1)] * end.lanes_used
    if per:
        per[0] += end.fec_corrected - sum(per)
    lines += [f"    Lane {i}: {v}" for i, v in enumerate(per)]
    lines += [f"  uncorrectable_blocks: {end.fec_uncorrectable}"]
    return "\n".join(lines) + "\n"
