"""Community SONiC (sonic-utilities) outputs, laid out as intfutil / sfpshow / portstat / lldpshow print
them: column tables with a dashed rule under the header, `EthernetN: SFP EEPROM detected` blocks."""

from __future__ import annotations

from .model import LANES, Device, Port, mw


def _table(header: list[str], rows: list[list[str]], right=True) -> str:
    w = [len(h) for h in header]
    for r in rows:
        for i, c in enumerate(r):
            w[i] = max(w[i], len(c))
    fmt = lambda r: "  ".join(c.rjust(w[i]) if right else c.ljust(w[i]) for i, c in enumerate(r))  # noqa: E731
    return "\n".join([fmt(header), "  ".join("-" * x for x in w)] + [fmt(r) for r in rows]) + "\n"


def _n(v: int) -> str:
    return f"{v:,}"


def _lane_base(p: Port) -> int:
    return int(p.name.replace("Ethernet", ""))


def status(d: Device) -> str:
    rows = []
    for p in d.ports.values():
        b = _lane_base(p)
        lanes = ",".join(str(x) for x in (p.serdes or [b + i for i in range(LANES)]))
        if p.module is None:
            typ = "N/A"
        elif p.module.kind == "DR4":
            typ = "QSFP-DD Double Density 8X Pluggable Transceiver"
        else:
            typ = "QSFP28 or later"
        rows.append([p.name, lanes, f"{p.speed}G", "9100", p.fec if p.fec != "none" else "none", p.alias or p.name,
                     "routed", "up" if p.up else "down", "up" if p.admin_up else "down", typ, "off"])
    return _table(["Interface", "Lanes", "Speed", "MTU", "FEC", "Alias", "Vlan", "Oper", "Admin", "Type", "Asym PFC"],
                  rows)


def _dbm(x_mw: float) -> str:
    import math
    return "-inf" if x_mw <= 0 else f"{10 * math.log10(x_mw):.4f}"


def eeprom(d: Device) -> str:
    out = []
    for p in d.ports.values():
        m = p.module
        if p.cage and p.cage != p.name:
            continue  # a breakout sub-port: the module is shown once, under its cage's first port
        if m is None:
            out.append(f"{p.name}: SFP EEPROM Not detected\n")
            continue
        if m.kind == "DR4":
            out.append(_cmis_block(p))
            continue
        L = [f"{p.name}: SFP EEPROM detected", "        Application Advertisement: N/A"]
        if m.kind == "DAC":
            L += ["        Connector: No separable connector", "        Encoding: 64B66B",
                  "        Extended Identifier: Power Class 1(1.5W max)",
                  "        Extended RateSelect Compliance: QSFP+ Rate Select Version 1",
                  "        Identifier: QSFP28 or later", "        Length Cable Assembly(m): 2.0",
                  "        Nominal Bit Rate(100Mbs): 255", "        Specification compliance:",
                  "                Extended Specification Compliance: 100GBASE-CR4 or 25GBASE-CR CA-L",
                  "        Vendor Date Code(YYYY-MM-DD Lot): 2022-10-14", f"        Vendor Name: {m.vendor}",
                  "        Vendor OUI: 00-02-c9", f"        Vendor PN: {m.pn}", "        Vendor Rev: A3",
                  f"        Vendor SN: {m.serial}"]
            out.append("\n".join(L) + "\n")
            continue
        aoc = m.kind == "AOC"
        L += ["        Connector: No separable connector" if aoc else "        Connector: MPO 1x12",
              "        Encoding: 64B66B",
              "        Extended Identifier: Power Class 4(3.5W max), CDR present in Rx Tx",
              "        Extended RateSelect Compliance: QSFP+ Rate Select Version 1",
              "        Identifier: QSFP28 or later",
              f"        Length Cable Assembly(m): {'10.0' if aoc else '0.0'}",
              "        Length OM3(2m): 70" if not aoc else "        Length OM3(2m): 0",
              "        Nominal Bit Rate(100Mbs): 255", "        Specification compliance:",
              "                Extended Specification Compliance: " +
              ("100G AOC (Active Optical Cable) or 25GAUI C2M AOC" if aoc else "100GBASE-SR4 or 25GBASE-SR"),
              "        Vendor Date Code(YYYY-MM-DD Lot): 2023-04-12", f"        Vendor Name: {m.vendor}",
              "        Vendor OUI: 00-90-65" if m.vendor.startswith("FINISAR") else "        Vendor OUI: 00-02-c9",
              f"        Vendor PN: {m.pn}", "        Vendor Rev: A0", f"        Vendor SN: {m.serial}",
              "        ChannelMonitorValues:"]
        for i in range(LANES):
            L.append(f"                RX{i + 1}Power: {_dbm(mw(m.rx[i]))}dBm")
        for i in range(LANES):
            L.append(f"                TX{i + 1}Bias: {m.bias[i]:.4f}mA")
        for i in range(LANES):
            L.append(f"                TX{i + 1}Power: {_dbm(mw(m.tx[i]) if m.tx[i] > -39 else 0.0)}dBm")
        if m.thr:
            t = m.thr
            rx_lw, rx_la = t["rx"][2], t["rx"][3]
            rx_lw_s = "-inf" if m.zero_low_alarm else f"{rx_lw:.4f}"
            rx_la_s = "-inf" if m.zero_low_alarm else f"{rx_la:.4f}"
            L += ["        ChannelThresholdValues:",
                  f"                RxPowerHighAlarm  : {t['rx'][0]:.4f}dBm",
                  f"                RxPowerHighWarning: {t['rx'][1]:.4f}dBm",
                  f"                RxPowerLowAlarm   : {rx_la_s}dBm",
                  f"                RxPowerLowWarning : {rx_lw_s}dBm",
                  f"                TxBiasHighAlarm   : {t['bias'][0]:.4f}mA",
                  f"                TxBiasHighWarning : {t['bias'][1]:.4f}mA",
                  f"                TxBiasLowAlarm    : {t['bias'][3]:.4f}mA",
                  f"                TxBiasLowWarning  : {t['bias'][2]:.4f}mA",
                  f"                TxPowerHighAlarm  : {t['tx'][0]:.4f}dBm",
                  f"                TxPowerHighWarning: {t['tx'][1]:.4f}dBm",
                  f"                TxPowerLowAlarm   : {t['tx'][3]:.4f}dBm",
                  f"                TxPowerLowWarning : {t['tx'][2]:.4f}dBm"]
        else:
            # a module without alarm/warning thresholds: sfpshow prints the keys with N/A
            L += ["        ChannelThresholdValues:"] + [f"                {k}: N/A" for k in (
                "RxPowerHighAlarm  ", "RxPowerHighWarning", "RxPowerLowAlarm   ", "RxPowerLowWarning ",
                "TxBiasHighAlarm   ", "TxBiasHighWarning ", "TxBiasLowAlarm    ", "TxBiasLowWarning  ")]
        L += ["        ModuleMonitorValues:", f"                Temperature: {m.temp:.4f}C",
              f"                Vcc: {m.vcc:.4f}Volts"]
        if m.thr:
            t, v = m.thr["temp"], m.thr["vcc"]
            L += ["        ModuleThresholdValues:",
                  f"                TempHighAlarm  : {t[0]:.4f}C", f"                TempHighWarning: {t[1]:.4f}C",
                  f"                TempLowAlarm   : {t[3]:.4f}C", f"                TempLowWarning : {t[2]:.4f}C",
                  f"                VccHighAlarm   : {v[0]:.4f}Volts", f"                VccHighWarning : {v[1]:.4f}Volts",
                  f"                VccLowAlarm    : {v[3]:.4f}Volts", f"                VccLowWarning  : {v[2]:.4f}Volts"]
        out.append("\n".join(L) + "\n")
    return "\n".join(out)


def _cmis_block(p: Port) -> str:
    """A 400G QSFP-DD DR4 module in CMIS layout (sfpshow for CMIS modules)."""
    m = p.module
    t = m.thr
    L = [f"{p.name}: SFP EEPROM detected", "        Active Firmware: 46.120"]
    L += [f"        Active application selected code assigned to host lane {i}: 1" for i in range(1, 9)]
    L += ["        Application Advertisement: 400GAUI-8 C2M (Annex 120E) - Host Assign (0x1) - 400GBASE-DR4 (Cl 124) - Media Assign (0x1)",
          "                                   100GAUI-2 C2M (Annex 135G) - Host Assign (0x55) - 100GBASE-DR (Cl 140) - Media Assign (0xf)",
          "        CMIS Rev: 5.0", "        Connector: MPO 1x12", "        Encoding: Not supported for CMIS cables",
          "        Extended Identifier: Power Class 6(12.0W Max)",
          "        Extended RateSelect Compliance: Not supported for CMIS cables", "        Host Lane Count: 8",
          "        Identifier: QSFP-DD Double Density 8X Pluggable Transceiver", "        Inactive Firmware: 46.100",
          "        Length Cable Assembly(m): 0.0", "        Media Interface Technology: 1310 nm EML",
          "        Media Lane Count: 4", "        Module Hardware Rev: 1.0",
          "        Nominal Bit Rate(100Mbs): Not supported for CMIS cables",
          "        Specification compliance: sm_media_interface", "        Vendor Date Code(YYYY-MM-DD Lot): 2023-08-17",
          f"        Vendor Name: {m.vendor}", "        Vendor OUI: 00-02-c9", f"        Vendor PN: {m.pn}",
          "        Vendor Rev: A2", f"        Vendor SN: {m.serial}", "        ChannelMonitorValues:"]
    L += [f"                RX{i + 1}Power: {_dbm(mw(m.rx[i]))}dBm" for i in range(m.nlanes)]
    for i in range(m.nlanes):
        L += [f"                TX{i + 1}Bias: {m.bias[i]:.4f}mA",
              f"                TX{i + 1}Power: {_dbm(mw(m.tx[i]) if m.tx[i] > -39 else 0.0)}dBm"]
    if t:
        L += ["        ChannelThresholdValues:",
              f"                RxPowerHighAlarm  : {t['rx'][0]:.4f}dBm", f"                RxPowerHighWarning: {t['rx'][1]:.4f}dBm",
              f"                RxPowerLowAlarm   : {t['rx'][3]:.4f}dBm", f"                RxPowerLowWarning : {t['rx'][2]:.4f}dBm",
              f"                TxBiasHighAlarm   : {t['bias'][0]:.4f}mA", f"                TxBiasHighWarning : {t['bias'][1]:.4f}mA",
              f"                TxBiasLowAlarm    : {t['bias'][3]:.4f}mA", f"                TxBiasLowWarning  : {t['bias'][2]:.4f}mA",
              f"                TxPowerHighAlarm  : {t['tx'][0]:.4f}dBm", f"                TxPowerHighWarning: {t['tx'][1]:.4f}dBm",
              f"                TxPowerLowAlarm   : {t['tx'][3]:.4f}dBm", f"                TxPowerLowWarning : {t['tx'][2]:.4f}dBm"]
    else:
        L += ["        ChannelThresholdValues:"] + [f"                {k}: N/A" for k in (
            "RxPowerHighAlarm  ", "RxPowerHighWarning", "RxPowerLowAlarm   ", "RxPowerLowWarning ",
            "TxBiasHighAlarm   ", "TxBiasHighWarning ", "TxBiasLowAlarm    ", "TxBiasLowWarning  ",
            "TxPowerHighAlarm  ", "TxPowerHighWarning", "TxPowerLowAlarm   ", "TxPowerLowWarning ")]
    L += ["        ModuleMonitorValues:", f"                Temperature: {m.temp:.4f}C", f"                Vcc: {m.vcc:.4f}Volts"]
    if t:
        tt, v = t["temp"], t["vcc"]
        L += ["        ModuleThresholdValues:",
              f"                TempHighAlarm  : {tt[0]:.4f}C", f"                TempHighWarning: {tt[1]:.4f}C",
              f"                TempLowAlarm   : {tt[3]:.4f}C", f"                TempLowWarning : {tt[2]:.4f}C",
              f"                VccHighAlarm   : {v[0]:.4f}Volts", f"                VccHighWarning : {v[1]:.4f}Volts",
              f"                VccLowAlarm    : {v[3]:.4f}Volts", f"                VccLowWarning  : {v[2]:.4f}Volts"]
    return "\n".join(L) + "\n"


def tstatus(d: Device) -> str:
    out = []
    for p in d.ports.values():
        m = p.module
        if p.cage and p.cage != p.name:
            continue
        if m is None:
            out.append(f"{p.name}: SFP EEPROM Not detected\n")
            continue
        if m.kind == "DAC":
            out.append(f"{p.name}: Transceiver status info not applicable\n")
            continue
        L = [f"{p.name}: "]
        tf = lambda b: "True" if b else "False"  # noqa: E731
        if m.kind == "DR4":
            L += ["        CMIS State (SW): READY"]
        L += [f"        Tx fault flag on media lane {i + 1}: {tf(m.tx_fault[i])}" for i in range(LANES)]
        L += [f"        Rx loss of signal flag on media lane {i + 1}: {tf(m.rx_los[i])}" for i in range(LANES)]
        L += [f"        TX disable status on lane {i + 1}: {tf(not p.admin_up)}" for i in range(LANES)]
        L += [f"        Disabled TX channels: {0 if p.admin_up else 15}"]
        L += [f"        Tx loss of signal flag on host lane {i + 1}: {tf(m.host_txlos[i])}" for i in range(LANES)]
        L += [f"        Tx clock and data recovery loss of lock on host lane {i + 1}: {tf(m.host_txlos[i])}"
              for i in range(LANES)]
        L += [f"        Rx clock and data recovery loss of lock on media lane {i + 1}: {tf(m.rx_lol[i])}"
              for i in range(LANES)]
        if m.kind == "DR4":
            L += ["        Current module state: ModuleReady", "        Reason of entering the module fault state: No Fault detected"]
            L += [f"        Data path state indicator on host lane {i}: DataPathActivated" for i in range(1, 9)]
        out.append("\n".join(L) + "\n")
    return "\n".join(out)


def pm(d: Device) -> str:
    return "\n".join(f"{p.name}: Transceiver performance monitoring not applicable" for p in d.ports.values()
                     if p.module is not None and not (p.cage and p.cage != p.name)) + "\n"


def _state(p: Port) -> str:
    return "X" if not p.admin_up else ("U" if p.up else "D")


def counters_a(d: Device) -> str:
    rows = []
    for p in d.ports.values():
        bps = "0.00 B/s" if not p.up else f"{(p.rx_bytes / d.uptime_s) / 1e6:.2f} MB/s"
        tbps = "0.00 B/s" if not p.up else f"{(p.tx_bytes / d.uptime_s) / 1e6:.2f} MB/s"
        util = "0.00%" if not p.up else f"{p.rx_bytes * 8 / d.uptime_s / 1e9:.2f}%"
        rows.append([p.name, _state(p), _n(p.rx_frames), bps, f"{p.rx_frames / d.uptime_s:.2f}/s" if p.up else "0.00/s",
                     util, _n(p.crc), _n(p.rx_drops), "0", _n(p.tx_frames), tbps,
                     f"{p.tx_frames / d.uptime_s:.2f}/s" if p.up else "0.00/s", util, "0", "0", "0"])
    return _table(["IFACE", "STATE", "RX_OK", "RX_BPS", "RX_PPS", "RX_UTIL", "RX_ERR", "RX_DRP", "RX_OVR", "TX_OK",
                   "TX_BPS", "TX_PPS", "TX_UTIL", "TX_ERR", "TX_DRP", "TX_OVR"], rows)


def counters_errors(d: Device) -> str:
    rows = [[p.name, _state(p), _n(p.crc), _n(p.rx_drops), "0", "0", "0", "0"] for p in d.ports.values()]
    return _table(["IFACE", "STATE", "RX_ERR", "RX_DRP", "RX_OVR", "TX_ERR", "TX_DRP", "TX_OVR"], rows)


def fec_stats(d: Device) -> str:
    rows = []
    for p in d.ports.values():
        if p.fec == "none":
            rows.append([p.name, _state(p), "0", "0", "0", "N/A", "N/A", "N/A", "N/A", "N/A", "N/A"])
            continue
        pre = sum(p.ber) / max(1, len(p.ber)) if p.up else 0.0
        post = pre and (p.fec_uncorr * 5280 / max(1.0, d.uptime_s * 103.125e9))
        sym = int(p.fec_corr * 1.07)
        rows.append([p.name, _state(p), _n(p.fec_corr), _n(p.fec_uncorr), _n(sym),
                     f"{pre:.2e}" if p.up else "N/A", f"{post:.2e}" if p.up else "N/A", "N/A", "N/A", "N/A", "N/A"])
    return _table(["IFACE", "STATE", "FEC_CORR", "FEC_UNCORR", "FEC_SYMBOL_ERR", "FEC_PRE_BER", "FEC_POST_BER",
                   "FEC_PRE_BER_MAX", "FLR(O)", "FLR(P) (Accuracy)", "FEC_MAX_T"], rows)


def fec_hist(p: Port) -> str:
    rows = [[f"BIN{i}", str(p.hist[i])] for i in range(16)]
    w = 28
    L = ["Symbol Errors Per Codeword      Codewords", "----------------------------  -----------"]
    L += [f"{r[0]:<{w}}  {int(r[1]):>11}" for r in rows]
    return "\n".join(L) + "\n"


def lldp_table(d: Device) -> str:
    rows = []
    for p in d.ports.values():
        if not p.lldp or not p.up:
            continue
        sysname, _mac, _typ, pid, descr, _sd = p.lldp
        rows.append([p.name, sysname, pid, "BR" if "SONiC" in _sd or "NX-OS" in _sd else "", descr or ""])
    body = "Capability codes: (R) Router, (B) Bridge, (O) Other\n"
    body += _table(["LocalPort", "RemoteDevice", "RemotePortID", "Capability", "RemotePortDescr"], rows, right=False)
    body += "-" * 50 + f"\nTotal entries displayed:  {len(rows)}\n"
    return body


def commands(d: Device) -> list[tuple[str, str, int, str]]:
    out = [("show interfaces status", status(d), 0, ""),
           ("show interfaces transceiver eeprom --dom", eeprom(d), 0, ""),
           ("show interfaces transceiver status", tstatus(d), 0, ""),
           ("show interfaces transceiver pm", pm(d), 0, ""),
           ("show interfaces counters -a", counters_a(d), 0, ""),
           ("show interfaces counters errors", counters_errors(d), 0, ""),
           ("show interfaces counters fec-stats", fec_stats(d), 0, ""),
           ("show lldp table", lldp_table(d), 0, "")]
    for p in d.ports.values():
        if p.admin_up and p.fec == "rs":
            out.append((f"show interfaces counters fec-histogram {p.name}", fec_hist(p), 0, ""))
    return out
