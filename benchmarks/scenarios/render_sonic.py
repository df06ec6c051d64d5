"""SONiC switch outputs (sonic-utilities CLI), in the layouts `show` prints.

``show interfaces status``, ``show interfaces transceiver eeprom --dom``, ``show interfaces
transceiver status``, ``show interfaces counters -a``, ``show interfaces counters errors``,
``show interfaces counters fec-stats``, ``show lldp table`` and, per port,
``show interfaces counters fec-histogram PORT``.
"""

from __future__ import annotations

import math

from benchmarks.scenarios.fabric import shown_thresholds, Device, End, dbm, module_groups, module_view

_IDENT = {"OSFP": "OSFP 8X Pluggable Transceiver", "QSFP-DD": "QSFP-DD Double Density 8X Pluggable Transceiver",
          "QSFP56": "QSFP28 or later"}


_COMPLIANCE = {"fiber": "sm_media_interface", "dac": "passive_copper_media_interface", "aoc": "mm_media_interface"}


def _table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    right = right or set()

    def fmt(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return "\n".join([fmt(headers), "  ".join("-" * w for w in widths)] + [fmt(r) for r in rows]) + "\n"


def _n(v: int) -> str:
    return f"{v:,}"


def _sorted_ends(dev: Device) -> list[End]:
    return sorted(dev.ends.values(), key=lambda e: int(e.port[8:]))


def _lanes_of(end: End) -> str:
    first = int(end.port[8:])
    return ",".join(str(first + i) for i in range(end.lanes_used if end.speed_gbps != 200 else 4))


def interfaces_status(dev: Device) -> str:
    rows = []
    for e in _sorted_ends(dev):
        typ = _IDENT[e.module.identifier] if e.module else "N/A"
        if e.module and e.module.kind == "dac":
            typ = f"{e.module.identifier}-Copper" if e.module.identifier != "QSFP56" else "QSFP28-Copper"
        rows.append([e.port, _lanes_of(e), f"{e.speed_gbps}G", "9100", e.fec if e.fec != "none" else "none",
                     e.alias, "routed", "up" if e.oper_up else "down", "up" if e.admin_up else "down", typ, "N/A"])
    if not dev.unused_rows_dropped:
        for port, alias in dev.unused_ports:
            first = int(port[8:])
            rows.append([port, ",".join(str(first + i) for i in range(8)), "400G", "9100", "rs", alias, "routed",
                         "down", "down", "N/A", "N/A"])
    return _table(["Interface", "Lanes", "Speed", "MTU", "FEC", "Alias", "Vlan", "Oper", "Admin", "Type",
                   "Asym PFC"], rows, right={0, 1, 2, 3, 4})


def _compliance(e: End) -> str:
    if e.nrz:
        return "100GBASE-CR4, 25GBASE-CR CA-25G-L or 50GBASE-CR2 with RS" if e.module.kind == "dac" \
            else "100GBASE-SR4 or 25GBASE-SR"
    return "200GBASE-CR4" if e.module.kind == "dac" else "200GBASE-SR4"


def _dbm_str(mwv: float) -> str:
    d = dbm(mwv)
    return "-infdBm" if d == -math.inf else f"{d:.3f}dBm"


def _eeprom_one(group: list[End], dev: Device) -> list[str]:
    e = group[0]
    m = e.module
    V = module_view(group)
    lines = [f"{e.port}: SFP EEPROM detected"]
    cmis = m.identifier != "QSFP56"
    n = m.bank_lanes
    if cmis:
        lines += ["        Active Firmware: 46.120.0"]
        app = 2 if len(group) > 1 else 1     # a cage split 2 x 400G runs the 400G application on both halves
        lines += [f"        Active application selected code assigned to host lane {i + 1}: {app}" for i in range(8)]
        if m.kind == "dac":
            lines += ["        Application Advertisement: 400GAUI-4-L C2M (Annex 120G) - Host Assign (0x11) - "
                      "Copper cable - Media Assign (0x11)"]
        elif m.media_lanes == 8:
            lines += ["        Application Advertisement: 800GAUI-8 S C2M (Annex 120G) - Host Assign (0x1) - "
                      "800GBASE-DR8 (Cl 124) - Media Assign (0x1)",
                      "                                   400GAUI-4-S C2M (Annex 120G) - Host Assign (0x11) - "
                      "400GBASE-DR4 (Cl 124) - Media Assign (0x11)"]
        else:
            lines += ["        Application Advertisement: 400GAUI-4-S C2M (Annex 120G) - Host Assign (0x11) - "
                      "400GBASE-DR4 (Cl 124) - Media Assign (0x11)"]
        lines += ["        CMIS Rev: 5.0",
                  f"        Connector: {'No separable connector' if m.kind != 'fiber' else 'MPO 1x12'}",
                  "        Encoding: N/A", "        Extended Identifier: Power Class 8 (16.0W Max)",
                  "        Extended RateSelect Compliance: N/A", "        Host Lane Count: 8",
                  f"        Identifier: {_IDENT[m.identifier]}", "        Inactive Firmware: 46.110.0",
                  f"        Length Cable Assembly(m): {m.length_m:.1f}",
                  f"        Media Interface Technology: {m.technology if m.kind != 'dac' else 'Copper cable unequalized'}",
                  f"        Media Lane Count: {m.media_lanes}", "        Module Hardware Rev: 1.0",
                  "        Nominal Bit Rate(100Mbs): 0",
                  f"        Specification compliance: {_COMPLIANCE[m.kind]}",
                  "        Vendor Date Code(YYYY-MM-DD Lot): 2023-11-09", f"        Vendor Name: {m.vendor}",
                  "        Vendor OUI: 00-02-c9", f"        Vendor PN: {m.part_number}", "        Vendor Rev: A4",
                  f"        Vendor SN: {m.serial}"]
    else:
        lines += ["        Application Advertisement: N/A",
                  f"        Connector: {'No separable connector' if m.kind != 'fiber' else 'MPO 1x12'}",
                  f"        Encoding: {'64B/66B' if e.nrz else 'PAM4'}",
                  "        Extended Identifier: Power Class 4 (3.5W max), CDR present in Rx Tx",
                  "        Extended RateSelect Compliance: QSFP+ Rate Select Version 1",
                  "        Identifier: QSFP28 or later", f"        Length Cable Assembly(m): {int(m.length_m)}",
                  "        Nominal Bit Rate(100Mbs): 255", "        Specification compliance:",
                  f"                Extended Specification Compliance: {_compliance(e)}",
                  "        Vendor Date Code(YYYY-MM-DD Lot): 2022-06-14", f"        Vendor Name: {m.vendor}",
                  "        Vendor OUI: 00-02-c9", f"        Vendor PN: {m.part_number}", "        Vendor Rev: A0",
                  f"        Vendor SN: {m.serial}"]
    if m.kind == "dac":
        return lines
    lines.append("        ChannelMonitorValues:")
    for i in range(n):
        lines.append(f"                RX{i + 1}Power: {_dbm_str(V['rx'][i])}")
    for i in range(n):
        lines.append(f"                TX{i + 1}Bias: {V['bias'][i]:.1f}mA")
        lines.append(f"                TX{i + 1}Power: {_dbm_str(V['tx'][i])}")
    t = shown_thresholds(m, dev)
    if t is not None:
        lines += ["        ChannelThresholdValues:",
                  f"                RxPowerHighAlarm  : {t['rx_high_alarm']:.1f}dBm",
                  f"                RxPowerHighWarning: {t['rx_high_warn']:.1f}dBm",
                  f"                RxPowerLowAlarm   : {t['rx_low_alarm']:.1f}dBm",
                  f"                RxPowerLowWarning : {t['rx_low_warn']:.1f}dBm",
                  f"                TxBiasHighAlarm   : {t['bias_high_alarm']:.1f}mA",
                  f"                TxBiasHighWarning : {t['bias_high_warn']:.1f}mA",
                  f"                TxBiasLowAlarm    : {t['bias_low_alarm']:.1f}mA",
                  f"                TxBiasLowWarning  : {t['bias_low_warn']:.1f}mA",
                  f"                TxPowerHighAlarm  : {t['tx_high_alarm']:.1f}dBm",
                  f"                TxPowerHighWarning: {t['tx_high_warn']:.1f}dBm",
                  f"                TxPowerLowAlarm   : {t['tx_low_alarm']:.1f}dBm",
                  f"                TxPowerLowWarning : {t['tx_low_warn']:.1f}dBm"]
    lines += ["        ModuleMonitorValues:", f"                Temperature: {e.temp_c:.1f}C",
              f"                Vcc: {e.vcc_v:.3f}Volts"]
    if t is not None:
        lines += ["        ModuleThresholdValues:",
                  f"                TempHighAlarm  : {t['temp_high_alarm']:.1f}C",
                  f"                TempHighWarning: {t['temp_high_warn']:.1f}C",
                  f"                TempLowAlarm   : {t['temp_low_alarm']:.1f}C",
                  f"                TempLowWarning : {t['temp_low_warn']:.1f}C",
                  f"                VccHighAlarm   : {t['vcc_high_alarm']:.2f}Volts",
                  f"                VccHighWarning : {t['vcc_high_warn']:.3f}Volts",
                  f"                VccLowAlarm    : {t['vcc_low_alarm']:.2f}Volts",
                  f"                VccLowWarning  : {t['vcc_low_warn']:.3f}Volts"]
    return lines


def transceiver_eeprom(dev: Device) -> str:
    blocks = []
    # on a breakout cage the module is reported once, on its first sub-port
    for group in sorted(module_groups(_sorted_ends(dev)), key=lambda g: int(g[0].port[8:])):
        e = group[0]
        blocks.append("\n".join(_eeprom_one(group, dev) if e.module else [f"{e.port}: SFP EEPROM not detected"]))
    if not dev.unused_rows_dropped:
        for port, _alias in dev.unused_ports:
            blocks.append(f"{port}: SFP EEPROM not detected")
    return "\n\n".join(blocks) + "\n"


def _cmis_status(V: dict, n: int, used: list, tf) -> list[str]:
    """The CMIS-only part of a module's status: module and data-path state, host-side Tx flags."""
    L = ["        Current module state: ModuleReady",
         "        Reason of entering the module fault state: No Fault detected",
         "        Datapath firmware fault: False", "        Module firmware fault: False",
         "        Module state changed: False"]
    L += [f"        Data path state indicator on host lane {i + 1}: "
          f"{'DataPathActivated' if used[i] else 'DataPathDeactivated'}" for i in range(n)]
    L += [f"        Tx loss of signal flag on host lane {i + 1}: {tf(V['host_tx_los'][i])}" for i in range(n)]
    L += [f"        Tx clock and data recovery loss of lock on host lane {i + 1}: {tf(V['host_tx_lol'][i])}"
          for i in range(n)]
    L += [f"        Rx clock and data recovery loss of lock on media lane {i + 1}: {tf(V['rx_lol'][i] and used[i])}"
          for i in range(n)]
    return L


def transceiver_status(dev: Device) -> str:
    blocks = []
    for group in sorted(module_groups(_sorted_ends(dev)), key=lambda g: int(g[0].port[8:])):
        e = group[0]
        m = e.module
        cmis = m is not None and m.identifier != "QSFP56"
        if m is None or m.kind == "dac":
            blocks.append(f"{e.port}:\n        CMIS State (SW): READY\n        Current module state: ModuleReady\n"
                          "        Reason of entering the module fault state: No Fault detected" if cmis else
                          f"{e.port}:\n        Transceiver status: N/A")
            continue
        n = m.bank_lanes
        V = module_view(group)
        used = V["used"]
        t = shown_thresholds(m, dev)

        def tf(x):
            return "True" if x else "False"
        L = [f"{e.port}:"] + (["        CMIS State (SW): READY"] if cmis else [])
        L += [f"        Tx fault flag on media lane {i + 1}: {tf(V['tx_fault'][i])}" for i in range(n)]
        L += [f"        Rx loss of signal flag on media lane {i + 1}: {tf(V['rx_los'][i] and used[i])}" for i in range(n)]
        L += [f"        TX disable status on lane {i + 1}: False" for i in range(n)]
        L += ["        Disabled TX channels: 0"]
        if cmis:
            L += _cmis_status(V, n, used, tf)
        if t is not None:
            temp = e.temp_c
            L += [f"        Temperature high alarm flag: {tf(temp >= t['temp_high_alarm'])}",
                  f"        Temperature high warning flag: {tf(temp >= t['temp_high_warn'])}",
                  "        Temperature low warning flag: False", "        Temperature low alarm flag: False",
                  "        Vcc high alarm flag: False", "        Vcc high warning flag: False",
                  "        Vcc low warning flag: False", "        Vcc low alarm flag: False"]
            for i in range(n):
                d = dbm(V['tx'][i])
                L.append(f"        Tx power high alarm flag on lane {i + 1}: {tf(used[i] and d >= t['tx_high_alarm'])}")
                L.append(f"        Tx power low alarm flag on lane {i + 1}: {tf(used[i] and d <= t['tx_low_alarm'])}")
            for i in range(n):
                d = dbm(V['rx'][i])
                L.append(f"        Rx power high alarm flag on lane {i + 1}: {tf(used[i] and d >= t['rx_high_alarm'])}")
                L.append(f"        Rx power low alarm flag on lane {i + 1}: {tf(used[i] and d <= t['rx_low_alarm'])}")
        blocks.append("\n".join(L))
    return "\n\n".join(blocks) + "\n"


def counters_all(dev: Device, rng) -> str:
    rows = []
    for e in _sorted_ends(dev):
        st = "U" if e.oper_up else ("D" if e.admin_up else "X")
        rate = e.speed_gbps * 1e9 / 8 * rng.uniform(0.02, 0.3) if e.oper_up else 0.0
        util = f"{rate * 8 / (e.speed_gbps * 1e9) * 100:.2f}%"
        mbs = f"{rate / 1e6:.2f} MB/s" if rate else "0.00 B/s"
        pps = f"{rate / 4000:.2f}/s"
        rows.append([e.port, st, _n(e.rx_packets), mbs, pps, util, _n(e.crc_errors), _n(e.rx_discards), "0",
                     _n(e.tx_packets), mbs, pps, util, "0", "0", "0"])
    if not dev.unused_rows_dropped:
        for port, _alias in dev.unused_ports:
            rows.append([port, "X", "0", "0.00 B/s", "0.00/s", "0.00%", "0", "0", "0", "0", "0.00 B/s", "0.00/s",
                         "0.00%", "0", "0", "0"])
    return _table(["IFACE", "STATE", "RX_OK", "RX_BPS", "RX_PPS", "RX_UTIL", "RX_ERR", "RX_DRP", "RX_OVR",
                   "TX_OK", "TX_BPS", "TX_PPS", "TX_UTIL", "TX_ERR", "TX_DRP", "TX_OVR"],
                  rows, right=set(range(16)))


def counters_errors(dev: Device) -> str:
    rows = []
    for e in _sorted_ends(dev):
        st = "U" if e.oper_up else ("D" if e.admin_up else "X")
        rows.append([e.port, st, _n(e.crc_errors), _n(e.rx_discards), "0", "0", "0", "0"])
    return _table(["IFACE", "STATE", "RX_ERR", "RX_DRP", "RX_OVR", "TX_ERR", "TX_DRP", "TX_OVR"], rows,
                  right=set(range(8)))


def fec_stats(dev: Device) -> str:
    rows = []
    for e in _sorted_ends(dev):
        st = "U" if e.oper_up else ("D" if e.admin_up else "X")
        if e.oper_up and e.fec != "none":
            pre, post = f"{e.pre_fec_ber:.2e}", f"{e.post_fec_ber:.2e}"
        else:
            pre = post = "N/A"
        rows.append([e.port, st, _n(e.fec_corrected), _n(e.fec_uncorrectable),
                     _n(int(e.corrected_bits / 1.05)), pre, post])
    return _table(["IFACE", "STATE", "FEC_CORR", "FEC_UNCORR", "FEC_SYMBOL_ERR", "FEC_PRE_BER", "FEC_POST_BER"],
                  rows, right=set(range(7)))


def fec_histogram(e: End) -> str:
    """Codewords by number of symbol errors, consistent with the port's corrected/uncorrectable counts."""
    total = max(int(e.rx_bytes / 640), 1) if e.oper_up else 0
    corr = e.fec_corrected
    bins = [0] * 16
    if total:
        # geometric tail: most corrected codewords carry 1 symbol error, fewer carry more
        ratio = 0.08 if e.pre_fec_ber < 1e-6 else 0.35 if e.pre_fec_ber < 1e-4 else 0.6
        weights = [ratio ** k for k in range(15)]
        s = sum(weights)
        for k in range(1, 16):
            bins[k] = int(corr * weights[k - 1] / s)
        if e.pre_fec_ber < 1e-6:
            for k in range(9, 16):
                bins[k] = 0
        bins[0] = max(total - sum(bins[1:]), 0)
    rows = [[f"BIN{k}", _n(v)] for k, v in enumerate(bins)]
    return _table(["Symbol Errors Per Codeword", "Codewords"], rows)


def lldp_table(dev: Device, neighbors: list[tuple[End, Device, End]]) -> str:
    rows = []
    for local, far_dev, far in neighbors:
        if far_dev.lldp_port_id == "alias" and far.alias:
            pid, descr = far.alias, far.port
        elif far_dev.lldp_port_id == "mac":
            pid, descr = far.mac, far.port
        else:
            pid, descr = far.port, (f"to {local.device} {local.port}" if far_dev.platform == "sonic" else "")
        cap = "BR" if far_dev.platform == "sonic" else "R"
        rows.append([local.port, far_dev.name, pid, cap, descr])
    out = "Capability codes: (R) Router, (B) Bridge, (O) Other\n"
    out += _table(["LocalPort", "RemoteDevice", "RemotePortID", "Capability", "RemotePortDescr"], rows)
    out += "-" * 50 + f"\nTotal entries displayed:  {len(rows)}\n"
    return out
