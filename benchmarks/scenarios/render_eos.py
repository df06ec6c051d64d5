"""Arista EOS switch outputs (`| json` at the CLI), in the shapes EOS returns.

``show interfaces status | json``, ``show interfaces transceiver detail | json``,
``show interfaces transceiver dom thresholds | json``, ``show interfaces phy detail | json``
(revision 2 layout), ``show interfaces counters errors | json``, ``show lldp neighbors detail | json``.
EOS prints optical power in dBm with -30.0 as its floor for no light.
"""

from __future__ import annotations

import json

from benchmarks.scenarios.fabric import shown_thresholds, Device, End, dbm

_T0 = 1764482400.0   # 2025-11-30T06:00:00Z, the capture's epoch base


def _d(mwv: float) -> float:
    return -30.0 if mwv <= 0.001 else round(dbm(mwv), 2)


def _ends(dev: Device) -> list[End]:
    return sorted(dev.ends.values(), key=lambda e: [int(x) for x in e.port[8:].split("/")])


def _media(e: End) -> str:
    """EOS mediaType: 800GBASE-DR8 uplinks; host-facing 400G DR4 / 200G SR4 optics, CR4 copper, AR4 AOC."""
    if e.lanes_used == 8:
        return "800GBASE-DR8"
    kind = e.module.kind if e.module else "fiber"
    if kind == "dac":
        return f"{e.speed_gbps}GBASE-CR4"
    if kind == "aoc":
        return f"{e.speed_gbps}GBASE-AR4"
    return f"{e.speed_gbps}GBASE-SR4" if e.module and e.module.identifier == "QSFP56" else "400GBASE-DR4"


def _thr(t: dict, key: str) -> dict:
    return {"highAlarm": t[f"{key}_high_alarm"], "highWarn": t[f"{key}_high_warn"],
            "lowWarn": t[f"{key}_low_warn"], "lowAlarm": t[f"{key}_low_alarm"]}


def _dump(obj) -> str:
    return json.dumps(obj, indent=2) + "\n"


def interfaces_status(dev: Device) -> str:
    out = {}
    for e in _ends(dev):
        out[e.port] = {"vlanInformation": {"interfaceMode": "routed", "interfaceForwardingModel": "routed"},
                       "bandwidth": e.speed_gbps * 10 ** 9 if e.oper_up else 0, "interfaceType": _media(e),
                       "description": "", "autoNegotiateActive": False, "duplex": "duplexFull",
                       "linkStatus": "connected" if e.oper_up else ("notconnect" if e.admin_up else "disabled"),
                       "lineProtocolStatus": "up" if e.oper_up else "down"}
    return _dump({"interfaceStatuses": out})


def transceiver_detail(dev: Device) -> str:
    out = {}
    for e in _ends(dev):
        m = e.module
        row = {"updateTime": _T0 - 3.5, "mediaType": _media(e), "vendorSn": m.serial}
        if m.kind != "dac":
            t = shown_thresholds(m, dev)
            row.update({"temperature": round(e.temp_c, 2), "voltage": round(e.vcc_v, 3),
                        "txBias": round(e.bias_ma[0], 2), "txPower": _d(e.tx_mw[0]), "rxPower": _d(e.rx_mw[0]),
                        "narrowBand": False})
            if t is not None:
                row["details"] = {"temperature": _thr(t, "temp"), "voltage": _thr(t, "vcc"),
                                  "txBias": _thr(t, "bias"), "txPower": _thr(t, "tx"), "rxPower": _thr(t, "rx")}
        out[e.port] = row
    return _dump({"interfaces": out})


def dom_thresholds(dev: Device) -> str:
    out = {}
    for e in _ends(dev):
        m = e.module
        if m.kind == "dac":
            continue
        t = shown_thresholds(m, dev)
        n = e.lanes_used

        def param(unit, channels, key):
            p = {"unit": unit, "channels": channels}
            if t is not None:
                th = _thr(t, key)
                th.update({"highAlarmOverridden": False, "highWarnOverridden": False,
                           "lowAlarmOverridden": False, "lowWarnOverridden": False})
                p["threshold"] = th
            return p
        out[e.port] = {"displayName": e.port, "vendorSn": m.serial, "mediaType": _media(e), "parameters": {
            "temperature": param("C", {"-": round(e.temp_c, 2)}, "temp"),
            "voltage": param("V", {"-": round(e.vcc_v, 3)}, "vcc"),
            "txBias": param("mA", {str(i + 1): round(e.bias_ma[i], 2) for i in range(n)}, "bias"),
            "txPower": param("dBm", {str(i + 1): _d(e.tx_mw[i]) for i in range(n)}, "tx"),
            "rxPower": param("dBm", {str(i + 1): _d(e.rx_mw[i]) for i in range(n)}, "rx")}}
    return _dump({"interfaces": out})


def phy_detail(dev: Device) -> str:
    out = {}
    for e in _ends(dev):
        out[e.port] = {"phyStatuses": [{
            "description": {"phyChipName": "BCM78900-PM8x100", "location": "line"},
            "fec": {"correctedCodewords": {"value": e.fec_corrected, "changes": 12, "lastChange": _T0 - 60},
                    "uncorrectedCodewords": {"value": e.fec_uncorrectable,
                                             "changes": 3 if e.fec_uncorrectable else 0,
                                             "lastChange": _T0 - 30 if e.fec_uncorrectable else 0.0},
                    "laneMap": {str(i): i for i in range(e.lanes_used)}},
            "preFecBer": {"value": float(f"{e.pre_fec_ber:.3g}")},
            "pma": {"laneTxStatus": {}},
            "phyState": {"value": "linkUp" if e.oper_up else "linkDown", "changes": 2 * e.link_down_events + 1,
                         "lastChange": _T0 - e.uptime_s}}],
            "interfaceState": {}, "transceiver": {}, "macFaults": {}}
    return _dump({"interfacePhyStatuses": out})


def counters_errors(dev: Device) -> str:
    out = {}
    for e in _ends(dev):
        out[e.port] = {"inErrors": e.crc_errors, "frameTooLongs": 0, "outErrors": 0, "frameTooShorts": 0,
                       "fcsErrors": e.crc_errors, "alignmentErrors": 0, "symbolErrors": e.symbol_errors}
    return _dump({"interfaceErrorCounters": out})


def lldp_detail(dev: Device, neighbors: list[tuple[End, Device, End]]) -> str:
    out = {}
    for e in _ends(dev):
        out[e.port] = {"lldpNeighborInfo": []}
    for local, far_dev, far in neighbors:
        if far_dev.lldp_port_id == "alias" and far.alias:
            id_type, pid, descr = "local", far.alias, far.port
        elif far_dev.lldp_port_id == "mac":
            id_type, pid, descr = "macAddress", far.mac.replace(":", "")[:4] + "." + far.mac.replace(":", "")[4:8] \
                + "." + far.mac.replace(":", "")[8:], far.port
        else:
            id_type, pid, descr = "interfaceName", f'"{far.port}"', f"to {local.device} {local.port}"
        mac = far.mac.replace(":", "")
        out[local.port]["lldpNeighborInfo"].append({
            "systemCapabilities": {"bridge": True, "router": True}, "lastChangeTime": _T0 - 86400,
            "neighborInterfaceInfo": {
                "portAndProtocolVlanEnabled": {}, "linkAggregationStatus": "capableAndDisabled", "unknownTlvs": [],
                "interfaceIdType": id_type, "interfaceId": pid, "interfaceDescription": descr,
                "autoNegCapability": "notCapable", "autoNegAdvertisedCapabilities": [], "protocolIdentityInfo": [],
                "portAndProtocolVlanSupported": {}, "operMauType": "Unknown", "vlanNames": {}, "maxFrameSize": 9236,
                "linkAggregationInterfaceId": 0, "unknownOrgDefinedTlvs": []},
            "neighborDiscoveryTime": _T0 - 86400, "lastContactTime": _T0 - 12,
            "chassisId": f"{mac[:4]}.{mac[4:8]}.{mac[8:10]}00", "systemName": far_dev.name,
            "systemDescription": "SONiC Software Version: SONiC.202311.1",
            "ttl": 120, "managementAddresses": [{"oidString": "", "interfaceNumType": "ifIndex", "interfaceNum": 1,
                                                  "address": far_dev.address, "addressType": "ipv4"}],
            "chassisIdType": "macAddress"})
    return _dump({"lldpNeighbors": out})
