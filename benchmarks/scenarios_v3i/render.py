"""Render the model in the real output formats of an InfiniBand fabric.

Layouts imitate real outputs (public samples: ibstat of a ConnectX-7, `perfquery -x`, `mlxlink -m -c
-e` of MFT 4.x, and an ibdiagnet 2.10 run of an NDR fabric: ibdiagnet2.log, .net_dump,
.ibnetdiscover, .pm, .cables); the values come from the model.

Per host (platform ib-host): `ibstat`, then per CA port `mlxlink -d CA -p 1 -m -c -e` and
`perfquery -x -C CA -P 1`. Per plane, the fabric-manager host ufm-pN (platform ibdiagnet) holds
`cat /var/tmp/ibdiagnet2/ibdiagnet2.{log,net_dump,ibnetdiscover,pm,cables}` of its plane's run.
"""

from __future__ import annotations

import math
import random

from benchmarks.scenarios_v3i.model import LANES, End, Fabric, Host, Switch

IBDIAG_VERSION = '"IBDIAGNET 2.10.0.MLNX20220720.cd746c3","IBDIAG 2.1.1.cd746c3","IBDM 2.1.1.cd746c3","IBIS 7.0.0.c25850e"'
LANE_BITS_PER_S = 106.25e9


def _mw(dbm: float) -> float:
    return 10 ** (dbm / 10.0)


def _ber_text(ber: float) -> str:
    """mlxlink's '<coef>E-<exp>' with the '15E-255' zero sentinel."""
    if ber <= 0:
        return "15E-255"
    exp = math.floor(math.log10(ber))
    coef = round(ber / 10 ** exp)
    if coef >= 10:
        coef, exp = 1, exp + 1
    return f"{coef}E{exp}"


def _rate(e: End) -> int:
    return 100 * e.width


# ------------------------------------------------------------------------------------------ ibstat
def ibstat(host: Host, fw: str) -> str:
    out = []
    for ca, e in host.cas.items():
        if e.vanished:
            continue
        node = "0x" + e.guid[2:]
        active = e.state == "Active"
        state, phys = e.state, e.phys
        rate = _rate(e) if e.phys == "LinkUp" else 10
        out.append(f"CA '{ca}'\n"
                   f"        CA type: MT4129\n"
                   f"        Number of ports: 1\n"
                   f"        Firmware version: {fw}\n"
                   f"        Hardware version: 0\n"
                   f"        Node GUID: {node}\n"
                   f"        System image GUID: {node}\n"
                   f"        Port 1:\n"
                   f"                State: {state}\n"
                   f"                Physical state: {phys}\n"
                   f"                Rate: {rate}\n"
                   f"                Base lid: {e.lid if active else 0}\n"
                   f"                LMC: 0\n"
                   f"                SM lid: {e.sm_lid if active else 0}\n"
                   f"                Capability mask: 0xa751e84a\n"
                   f"                Port GUID: {node}\n"
                   f"                Link layer: InfiniBand\n")
    return "\n".join(out)


# ----------------------------------------------------------------------------------------- mlxlink
def _kv(key: str, val) -> str:
    return f"{key:<35}: {val}"


def _mlxlink_no_module(e: End, fw: str) -> str:
    """An HCA port with no module: link polling, every module field N/A."""
    lines = ["", "Operational Info", "----------------", _kv("State", "Polling"), _kv("Physical state", "Polling"),
             _kv("Speed", "N/A"), _kv("Width", "N/A"), _kv("FEC", "N/A"), _kv("Loopback Mode", "No Loopback"),
             _kv("Auto Negotiation", "ON"), "", "Troubleshooting Info", "--------------------",
             _kv("Status Opcode", "1024"), _kv("Group Opcode", "N/A"),
             _kv("Recommendation", "Cable is unplugged"), "", "Tool Information", "----------------",
             _kv("Firmware Version", fw), _kv("amBER Version", "3.6"), _kv("MFT Version", "mft 4.30.1-8"),
             "", "Module Info", "-----------"]
    for k in ("Temperature [C]", "Voltage [mV]", "Bias Current [mA]", "Rx Power Current [dBm]",
              "Tx Power Current [dBm]", "Identifier", "Compliance", "Cable Technology", "Cable Type",
              "Vendor Name", "Vendor Part Number", "Vendor Serial Number", "Module State"):
        lines.append(_kv(k, "N/A"))
    lines += ["", "Physical Counters and BER Info", "------------------------------",
              _kv("Time Since Last Clear [Min]", f"{e.tsc_min or 431200.0:.1f}"), _kv("Effective Physical Errors", 0),
              _kv("Effective Physical BER", "N/A"), _kv("Raw Physical Errors Per Lane", "0,0,0,0"),
              _kv("Link Down Counter", 0), _kv("Link Error Recovery Counter", 0), _kv("Raw Physical BER", "N/A"), ""]
    return "\n".join(lines) + "\n"


def mlxlink(e: End, fw: str, rng: random.Random) -> str:
    if e.module is None:
        return _mlxlink_no_module(e, fw)
    spec = e.module.spec
    up = e.state == "Active"
    lines = ["", "Operational Info", "----------------",
             _kv("State", "Active" if up else "Polling"),
             _kv("Physical state", "LinkUp" if up else "Polling"),
             _kv("Speed", "IB-NDR" if up else "N/A"),
             _kv("Width", f"{e.width}x" if up else "N/A"),
             _kv("FEC", "Standard RS-FEC (544,514)" if up else "N/A"),
             _kv("Loopback Mode", "No Loopback"),
             _kv("Auto Negotiation", "ON"),
             "", "Supported Info", "--------------",
             _kv("Enabled Link Speed", "0x000000ff (NDR,HDR,EDR,FDR,FDR10,QDR,DDR,SDR)"),
             _kv("Supported Cable Speed", "0x000000fe (NDR,HDR,EDR,FDR,FDR10,QDR,DDR)"),
             "", "Troubleshooting Info", "--------------------",
             _kv("Status Opcode", "0" if up else "1"),
             _kv("Group Opcode", "N/A" if up else "PHY FW"),
             _kv("Recommendation", "No issue was observed" if up else
                 "Check cable connection / Check the module/cable"),
             "", "Tool Information", "----------------",
             _kv("Firmware Version", fw), _kv("amBER Version", "3.6"), _kv("MFT Version", "mft 4.30.1-8"),
             "", "Module Info", "-----------"]
    m = e.module
    rx = ",".join(f"{v:.3f}" for v in e.rx_dbm)
    tx = ",".join(f"{v:.3f}" for v in e.tx_dbm)
    bias = ",".join(f"{v:.3f}" for v in e.bias_ma)
    flags = lambda fl: ",".join("1" if f else "0" for f in fl)  # noqa: E731
    lines += [_kv("Temperature [C]", f"{round(m.temp)} [{spec['temp_lo']}..{spec['temp_hi']}]"),
              _kv("Voltage [mV]", f"{m.volt_mv:.1f} [2970..3630]"),
              _kv("Bias Current [mA]", f"{bias} [{spec['bias_lo']:g}..{spec['bias_hi']:g}]"),
              _kv("Rx Power Current [dBm]", f"{rx} [{spec['rx_lo']:g}..{spec['rx_hi']:g}]"),
              _kv("Tx Power Current [dBm]", f"{tx} [{spec['tx_lo']:g}..{spec['tx_hi']:g}]"),
              _kv("Identifier", "OSFP"),
              _kv("Compliance", spec.get("compliance", "400GBASE-SR4")),
              _kv("Cable Technology", "850 nm VCSEL"),
              _kv("Cable Type", "Optical Module (separated)"),
              _kv("OUI", "Mellanox"),
              _kv("Vendor Name", spec["vendor"]),
              _kv("Vendor Part Number", spec["pn"]),
              _kv("Vendor Serial Number", m.serial),
              _kv("Rev", "A3"),
              _kv("Wavelength [nm]", "850"),
              _kv("Transfer Distance [m]", "50"),
              _kv("Attenuation (5g,7g,12g)[dB]", "N/A"),
              _kv("FW Version", "47.160.0000"),
              _kv("Digital Diagnostic Monitoring", "Yes"),
              _kv("Power Class", "8"),
              _kv("IB Cable Width", "1x,2x,4x"),
              _kv("Memory Map Revision", "5.0"),
              _kv("Module State", "ModuleReady"),
              _kv("DataPath state [per lane]", ",".join(["DPActivated"] * LANES)),
              _kv("Rx Output Valid [per lane]", flags([not x for x in e.rx_los])),
              _kv("Nominal bit rate", "106.250Gb/s"),
              _kv("Rx Power Type", "Average power"),
              _kv("Manufacturing Date", "%02d_%02d_%02d" % (rng.randint(1, 28), rng.randint(1, 12), rng.randint(22, 25))),
              _kv("Module FW Fault", "No"),
              _kv("DataPath FW Fault", "No"),
              _kv("Tx Fault [per lane]", flags(e.tx_fault)),
              _kv("Tx LOS [per lane]", flags(e.tx_los)),
              _kv("Tx CDR LOL [per lane]", flags(e.tx_lol)),
              _kv("Rx LOS [per lane]", flags(e.rx_los)),
              _kv("Rx CDR LOL [per lane]", flags(e.rx_los)),
              _kv("Tx Adaptive EQ Fault [per lane]", "0,0,0,0"),
              "", "Physical Counters and BER Info", "------------------------------"]
    secs = e.tsc_min * 60.0
    eye = []
    if up:
        # the receiver's eye closes as its pre-FEC BER rises (PAM4 grade: higher is better)
        grade = [max(300, int(4200 + 350 * (math.log10(max(b, 1e-12)) + 9) * -1)) if i < e.width else 0
                 for i, b in enumerate(e.raw_ber)]
        grade = [min(g, 5200) for g in grade]
        eye = ["", "EYE Opening Info", "----------------",
               _kv("Physical Grade", ",".join(str(g) for g in grade)),
               _kv("Height Eye Opening [mV]", ",".join(str(g // 230) for g in grade)),
               _kv("Phase  Eye Opening [psec]", ",".join(str(g // 340) for g in grade))]
    lanes_used = e.width if up else LANES
    raw_err = [int(e.raw_ber[i] * LANE_BITS_PER_S * secs) if up and i < lanes_used else 0 for i in range(LANES)]
    raw_ber = sum(raw_err) / (LANE_BITS_PER_S * secs * lanes_used) if up else 0.0
    eff_ber = e.symbol_errors * 10 / (LANE_BITS_PER_S * secs * lanes_used) if up else 0.0
    lines += [_kv("Time Since Last Clear [Min]", f"{e.tsc_min:.1f}"),
              _kv("Effective Physical Errors", e.symbol_errors),
              _kv("Effective Physical BER", _ber_text(eff_ber)),
              _kv("Raw Physical Errors Per Lane", ",".join(str(x) for x in raw_err)),
              _kv("Link Down Counter", e.link_down),
              _kv("Link Error Recovery Counter", e.ler),
              _kv("Raw Physical BER", _ber_text(raw_ber))]
    return "\n".join(lines + eye + [""]) + "\n"


# --------------------------------------------------------------------------------------- perfquery
_PQ_W = 33


def _pq(key: str, val) -> str:
    return f"{key}:".ljust(_PQ_W, ".") + str(val)


def perfquery(e: End) -> str:
    uc = int(e.tx_pkts * 0.98)
    lines = [f"# Port extended counters: Lid {e.lid} port 1 (CapMask: 0x5A00 CapMask2: 0x0000000)",
             _pq("PortSelect", 1), _pq("CounterSelect", "0x0000"),
             _pq("PortXmitData", e.tx_data), _pq("PortRcvData", e.rx_data),
             _pq("PortXmitPkts", e.tx_pkts), _pq("PortRcvPkts", e.rx_pkts),
             _pq("PortUnicastXmitPkts", uc), _pq("PortUnicastRcvPkts", int(e.rx_pkts * 0.98)),
             _pq("PortMulticastXmitPkts", e.tx_pkts - uc), _pq("PortMulticastRcvPkts", e.rx_pkts - int(e.rx_pkts * 0.98)),
             _pq("CounterSelect2", "0x00000000"),
             _pq("SymbolErrorCounter", e.symbol_errors), _pq("LinkErrorRecoveryCounter", e.ler),
             _pq("LinkDownedCounter", e.link_down), _pq("PortRcvErrors", e.rcv_errors),
             _pq("PortRcvRemotePhysicalErrors", e.remote_phys), _pq("PortRcvSwitchRelayErrors", 0),
             _pq("PortXmitDiscards", e.xmit_discards), _pq("PortXmitConstraintErrors", 0),
             _pq("PortRcvConstraintErrors", 0), _pq("LocalLinkIntegrityErrors", 0),
             _pq("ExcessiveBufferOverrunErrors", 0), _pq("VL15Dropped", 0),
             _pq("PortXmitWait", e.tx_pkts // 7), _pq("QP1Dropped", 0)]
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------------------------------- ibdiagnet2
def _header(ts: str, cmd: str = "/usr/bin/ibdiagnet --get_cable_info --get_phy_info --pm_pause_time 300") -> str:
    return (f"# This database file was automatically generated by IBDIAG\n"
            f"# Running version   : {IBDIAG_VERSION}\n"
            f"# Running command   : {cmd} \n"
            f"# Running timestamp : {ts} UTC +0000\n"
            f"# File created at   : {ts} UTC +0000\n\n\n")


_LABEL_NOTE = ("# Switch label port numbering explanation:\n"
               "#   Quantum2 switch split mode: ASIC/Cage/Port/Split, e.g 1/1/1/1\n"
               "#   Quantum2 switch no split mode: ASIC/Cage/Port\n"
               "#   Quantum switch split mode: Port/Split\n"
               "#   Quantum switch no split mode: Port\n\n\n")


def label(num: int) -> str:
    if num == 65:
        return "65"
    return f"1/{(num + 1) // 2}/{2 - num % 2}"


def sw_desc(sw: Switch) -> str:
    return f"MF0;{sw.name}:MQM9700/U1"


class PlaneView:
    """What the ibdiagnet run of one plane sees: switches that answer and the far end of each port."""

    def __init__(self, fab: Fabric, plane: int):
        self.fab, self.plane = fab, plane
        self.switches = [s for s in fab.switches.values() if s.plane == plane and not s.dark]
        self.peer: dict[int, End] = {}
        for lk in fab.links:
            b = lk.actual_b or lk.b
            if (fab.switches[b.device].plane if b.kind == "switch" else lk.plane) != plane:
                continue
            self.peer[id(lk.a)] = b
            self.peer[id(b)] = lk.a
        self.hosts = {h.name: h for h in fab.hosts}

    def far(self, e: End) -> End | None:
        f = self.peer.get(id(e))
        if f is None or e.state == "Down" or f.state == "Down" or f.vanished:
            return None
        if f.kind == "switch" and self.fab.switches[f.device].dark:
            return None
        return f

    def ca_ports(self) -> list[End]:
        out = []
        for sw in self.switches:
            for n, e in sorted(sw.ports.items()):
                f = self.far(e)
                if f is not None and f.kind == "host":
                    out.append(f)
        return out


def _desc(e: End, fab: Fabric) -> str:
    if e.kind == "switch":
        return sw_desc(fab.switches[e.device])
    return f"{e.device} {e.port.split('/')[0]}"


def _ca_bus(e: End) -> str:
    k = int(e.port.split("/")[0].split("_")[1])
    return "B%02XD0F0" % (0x18 + k * 0x10)


def net_dump(v: PlaneView, ts: str) -> str:
    out = [_header(ts).rstrip("\n") + "\n\n\n" + _LABEL_NOTE.rstrip("\n") + "\n\n"]
    for sw in v.switches:
        out.append(f'"{sw_desc(sw)}", Mellanox, {sw.guid}, LID {sw.lid}')
        out.append("  #          : IB# : Sta  : PhysSta    : MTU : LWA     : LSA     : FEC mode            : "
                   "Retran : Neighbor Guid      : N#         : NLID : Neighbor Description")
        for num in range(1, 65):
            e = sw.ports.get(num)
            lab = label(num)
            f = v.far(e) if e is not None else None
            if e is None or e.state == "Down" or f is None:
                out.append(f"  {lab:<10} : {num:<3} : DOWN : POLL       : N/A : N/A     : N/A     : N/A                 "
                           f": N/A    :                    :            :      : ")
                continue
            if f.kind == "host":
                nport, nlid = _ca_bus(f) + "/0/0/1", f.lid
            else:
                nport, nlid = label(int(f.port)), v.fab.switches[f.device].lid
            nguid = f.guid
            out.append(f"  {lab:<10} : {num:<3} : ACT  : LINK UP    : 5   : {str(e.width) + 'x':<7} : 100     : "
                       f"RS_FEC_544_514      : NO-RTR : {nguid} : {nport:<10} : {nlid:<4} : \"{_desc(f, v.fab)}\"")
        out.append("")
        out.append("")
    return "\n".join(out)


def ibnetdiscover(v: PlaneView, ts: str) -> str:
    out = [_header(ts).rstrip("\n") + "\n\n\n" + _LABEL_NOTE.rstrip("\n") + "\n\n"]
    for sw in v.switches:
        g = sw.guid[2:]
        out += ["vendid=0x2c9", "devid=0xd2f2", f"sysimgguid={sw.guid}", f"switchguid={sw.guid}({g})",
                f'Switch  65 "S-{g}"      # "{sw_desc(sw)}" enhanced port 0 lid {sw.lid} lmc 0']
        for num in range(1, 65):
            e = sw.ports.get(num)
            f = v.far(e) if e is not None else None
            if f is None:
                continue
            sp = "4xNDR" if e.width == 4 else f"{e.width}xNDR"
            if f.kind == "host":
                out.append(f'[{num}]({label(num)}) "H-{f.guid[2:]}"[1]({f.guid[2:]})      # "{_desc(f, v.fab)}" lid {f.lid} {sp}')
            else:
                fs = v.fab.switches[f.device]
                out.append(f'[{num}]({label(num)}) "S-{fs.guid[2:]}"[{f.port}]      # "{sw_desc(fs)}" lid {fs.lid} {sp}')
        out += ["", ""]
    for f in v.ca_ports():
        g = f.guid[2:]
        sw_end = v.far(f)
        sw = v.fab.switches[sw_end.device]
        sp = "4xNDR" if f.width == 4 else f"{f.width}xNDR"
        out += ["vendid=0x2c9", "devid=0x1021", f"sysimgguid={f.guid}", f"caguid={f.guid}",
                f'Ca      1 "H-{g}"      # "{_desc(f, v.fab)}"',
                f'[1]({g}) "S-{sw.guid[2:]}"[{sw_end.port}]({label(int(sw_end.port))})      # lid {f.lid} lmc 0 '
                f'"{sw_desc(sw)}" lid {sw.lid} {sp}', "", ""]
    return "\n".join(out)


def _pm_block(e: End, header: str) -> list[str]:
    def h32(x):
        return "0x%08x" % min(x, 0xffffffff)

    def h16(x):
        return "0x%04x" % min(x, 0xffff)

    def h8(x):
        return "0x%02x" % min(x, 0xff)

    def h64(x):
        return "0x%016x" % x
    return ["-------------------------------------------------------", header,
            "-------------------------------------------------------",
            f"link_down_counter={h8(e.link_down)}", f"link_error_recovery_counter={h8(e.ler)}",
            f"symbol_error_counter={h16(e.symbol_errors)}", f"port_rcv_remote_physical_errors={h16(e.remote_phys)}",
            f"port_rcv_errors={h16(e.rcv_errors)}", f"port_xmit_discard={h16(e.xmit_discards)}",
            "port_rcv_switch_relay_errors=0x0000", "excessive_buffer_errors=0x00",
            "local_link_integrity_errors=0x00", "port_rcv_constraint_errors=0x0000",
            "port_xmit_constraint_errors=0x0000", "vl15_dropped=0x0000",
            f"port_xmit_data={h32(e.tx_data)}", f"port_rcv_data={h32(e.rx_data)}",
            f"port_xmit_pkts={h32(e.tx_pkts)}", f"port_rcv_pkts={h32(e.rx_pkts)}",
            f"port_xmit_wait={h32(e.tx_pkts // 7)}",
            f"port_xmit_data_extended={h64(e.tx_data)}", f"port_rcv_data_extended={h64(e.rx_data)}",
            f"port_xmit_pkts_extended={h64(e.tx_pkts)}", f"port_rcv_pkts_extended={h64(e.rx_pkts)}",
            f"port_unicast_xmit_pkts={h64(int(e.tx_pkts * .98))}", f"port_unicast_rcv_pkts={h64(int(e.rx_pkts * .98))}",
            f"port_multicast_xmit_pkts={h64(e.tx_pkts - int(e.tx_pkts * .98))}",
            f"port_multicast_rcv_pkts={h64(e.rx_pkts - int(e.rx_pkts * .98))}",
            f"symbol_error_counter_extended={h64(e.symbol_errors)}",
            f"link_error_recovery_counter_extended={h64(e.ler)}",
            f"link_downed_counter_extended={h64(e.link_down)}",
            f"port_rcv_errors_extended={h64(e.rcv_errors)}",
            f"port_rcv_remote_physical_errors_extended={h64(e.remote_phys)}",
            f"port_rcv_switch_relay_errors_extended={h64(0)}",
            f"port_xmit_discards_extended={h64(e.xmit_discards)}",
            f"port_xmit_constraint_errors_extended={h64(0)}",
            f"port_rcv_constraint_errors_extended={h64(0)}",
            f"local_link_integrity_errors_extended={h64(0)}",
            f"excessive_buffer_overrun_errors_extended={h64(0)}",
            f"vl15_dropped_extended={h64(0)}",
            f"port_xmit_wait_extended={h64(e.tx_pkts // 7)}",
            f"qp1_dropped_extended={h64(0)}",
            "", ""]


def pm(v: PlaneView, ts: str) -> str:
    out = [_header(ts).rstrip("\n") + "\n\n\n" + _LABEL_NOTE.rstrip("\n") + "\n\n"]
    for sw in v.switches:
        for num in range(1, 65):
            e = sw.ports.get(num)
            if e is None or e.state != "Active" or v.far(e) is None:
                continue
            out += _pm_block(e, f"Port={num} Lid=0x{sw.lid:04x} GUID={sw.guid} Device=54002 "
                                f"Port Name={sw.name}/U1/P1/{label(num)}")
    for f in v.ca_ports():
        if f.state != "Active":
            continue
        ca = f.port.split("/")[0]
        out += _pm_block(f, f"Port=1 Lid=0x{f.lid:04x} GUID={f.guid} Device=4129 "
                            f"Port Name={f.device}/{ca}/{_ca_bus(f)}/0/0/1")
    out.append(f"# File closed at : {ts} UTC +0000")
    return "\n".join(out) + "\n"


def _aw(vals, lo, hi) -> str:
    """SFF-8636-style alarm/warning word: one nibble per lane (high alarm 8, low alarm 4)."""
    nib = []
    for x in vals:
        n = 0
        if x > hi:
            n |= 8
        if x < lo:
            n |= 4
        nib.append("%x" % n)
    return "0x" + "".join(nib)


def cables(v: PlaneView, ts: str) -> str:
    """Module records of every switch port holding a module, then of every HCA port the run reached."""
    out = [_header(ts).rstrip("\n")]
    recs = []
    for sw in v.switches:
        for num in range(1, 65):
            e = sw.ports.get(num)
            if e is None or e.module is None:
                continue
            recs.append((e, f"Port={num} Lid=0x{sw.lid:04x} GUID={sw.guid} Port Name={sw.name}/U1/P1/{label(num)}"))
    for f in v.ca_ports():
        ca = f.port.split("/")[0]
        recs.append((f, f"Port=1 Lid=0x{f.lid:04x} GUID={f.guid} Port Name={f.device}/{ca}/{_ca_bus(f)}/0/0/1"))
    for e, header in recs:
        m, spec = e.module, e.module.spec
        los = sum(1 << i for i in range(LANES) if e.rx_los[i]) | sum(1 << (i + 4) for i in range(LANES) if e.tx_los[i])
        lol = sum(1 << i for i in range(LANES) if e.rx_los[i]) | sum(1 << (i + 4) for i in range(LANES) if e.tx_lol[i])
        out += ["", "", "-------------------------------------------------------", header,
                "-------------------------------------------------------",
                "Source: PHY_DD", "Identifier: OSFP (0x08)", f"Vendor: {spec['vendor']}", "OUI: 0x0002c9",
                f"PN: {spec['pn']}", f"SN: {m.serial}", "Rev: A5", "Length: 50 m", "Type: 850 nm VCSEL",
                "SupportedSpeed: N/A", f"Temperature: {round(m.temp)}C", "PowerClass: 8",
                "NominalBitrate: 0 Gb/s", "CDREnableTxRx: 0xff 0xff", "InputEq: 0 0 0 0",
                "OutputAmp: 1 1 1 1", "OutputEmp: N/A", "FW Version: 47.160.0000",
                "Attenuation(5,7,12,25): NA NA NA NA", "RX power type: Average Power"]
        for i in range(LANES):
            out.append(f"RX{i + 1} Power: {_mw(e.rx_dbm[i]):.3f} mW, {e.rx_dbm[i]:.3f} dBm")
        for i in range(LANES):
            out.append(f"TX{i + 1} Bias: {e.bias_ma[i]:.3f} mA")
        for i in range(LANES):
            out.append(f"TX{i + 1} Power: {_mw(e.tx_dbm[i]):.3f} mW, {e.tx_dbm[i]:.3f} dBm")
        tw = 0x00
        if m.temp > spec["temp_hi"]:
            tw = 0x80
        out += [f"CDR Latched TX/RX Loss Indicator: 0x{los:02x}",
                "Latched Adaptive Equalization Fault: 0x00",
                f"Latched  TX / RX LOL Indicator: 0x{lol:02x}",
                f"Latched Temperature Alarm and Warning: 0x{tw:02x}",
                "Latched Voltage Alarm and Warning: 0x00",
                f"RX Power Alarm and Warning: {_aw(e.rx_dbm, spec['rx_lo'], spec['rx_hi'])}",
                f"TX Bias Alarm and Warning:  {_aw(e.bias_ma, spec['bias_lo'], spec['bias_hi'])}",
                f"TX Power Alarm and Warning: {_aw(e.tx_dbm, spec['tx_lo'], spec['tx_hi'])}",
                f"Supply Voltage Reporting: {int(m.volt_mv * 1000)}uV",
                "Transmitter Technology: 0x00", "Extended Specification Compliance Codes: 0x32",
                f"AlarmTemperatureHighThresh: {spec['temp_hi']}C", f"AlarmTemperatureLowThresh: {spec['temp_lo']}C",
                "WarnTemperatureHighThresh: N/A", "WarnTemperatureLowThresh: N/A",
                "AlarmVoltageHighThresh: 3630000uV", "AlarmVoltageLowThresh: 2970000uV",
                "WarnVoltageHighThresh: N/A", "WarnVoltageLowThresh: N/A",
                f"RXPowerHighThresh: {int(spec['rx_hi']) & 0xffff}", f"RXPowerLowThresh: {int(spec['rx_lo']) & 0xffff}",
                f"TXPowerHighThresh: {int(spec['tx_hi']) & 0xffff}", f"TXPowerLowThresh: {int(spec['tx_lo']) & 0xffff}",
                f"TXBiasHighThresh: {int(spec['bias_hi'] * 500)}", f"TXBiasLowThresh: {int(spec['bias_lo'] * 500)}",
                "DateCode: 23-08-14", "Lot: 0x2020", "TX Adaptive Equalization Freeze: N/A",
                "RX Output Disable: N/A", "TX Adaptive Equalization Enable: N/A",
                "OutputPreEmp: 0 0 0 0", "OutputPostEmp: 0 0 0 0"]
    out += ["", "", f"# File closed at : {ts} UTC +0000"]
    return "\n".join(out) + "\n"


def log(v: PlaneView, ts: str, n_links: int, n_ca: int) -> str:
    n_sw = len(v.switches)
    ports = sum(len(s.ports) for s in v.switches)
    down = sum(1 for s in v.switches for e in s.ports.values() if v.far(e) is None)
    return f"""Running version:   {IBDIAG_VERSION}
Running command:   /usr/bin/ibdiagnet --get_cable_info --get_phy_info --pm_pause_time 300 
Running timestamp: {ts} UTC +0000

Switch label port numbering explanation:
  Quantum2 switch split mode: ASIC/Cage/Port/Split, e.g 1/1/1/1
  Quantum2 switch no split mode: ASIC/Cage/Port
  Quantum switch split mode: Port/Split
  Quantum switch no split mode: Port


----------
Load Plugins from:
/usr/share/ibdiagnet2.1.1/plugins/
(You can specify more paths to be looked in with "IBDIAGNET_PLUGINS_PATH" env variable)

Plugin Name                                   Result     Comment
libibdiagnet_cable_diag_plugin-2.1.1          Succeeded  Plugin loaded
libibdiagnet_phy_diag_plugin-2.1.1            Succeeded  Plugin loaded

---------------------------------------------
Discovery
-I- Start Fabric Discover
-I- Fill NodeDesc data
-I- NodeDesc finished successfully 
-I- Fabric Discover finished successfully

-I- Fill PortInfo data
-I- PortInfo finished successfully

-I- No scope files. Total switches/ports [{n_sw}/{ports + n_sw}], CAs/ports [{n_ca}/{n_ca}]

---------------------------------------------
Port Counters
-I- Ports counters retrieving finished successfully

---------------------------------------------
Cable Diagnostic (Plugin)
-I- Cable Info retrieving finished successfully

---------------------------------------------
Fabric Summary

Total Nodes             : {n_sw + n_ca}
IB Switches             : {n_sw}
IB Channel Adapters     : {n_ca}
IB Aggregation Nodes    : 0
IB Routers              : 0

Total number of links   : {n_links}
Links at 4x100          : {n_links}

---------------------------------------------
Summary
-I- Stage                               Warnings   Errors     Comment   
-I- Discovery                           0          0         
-I- Lids Check                          0          0         
-I- Links Check                         0          0         
-I- Subnet Manager                      0          0         
-I- Port Counters                       0          0         
-I- Nodes Information                   0          0         
-I- Speed / Width checks                0          0         
-I- Cable Diagnostic (Plugin)           0          0         
-I- Temperature Sensing                 0          0         
-I- Post Reports Generation             0          0         

-I- You can find detailed errors/warnings in: /var/tmp/ibdiagnet2/ibdiagnet2.log

-I- Database                            : /var/tmp/ibdiagnet2/ibdiagnet2.db_csv
-I- Network dump                        : /var/tmp/ibdiagnet2/ibdiagnet2.net_dump
-I- Ports Counters                      : /var/tmp/ibdiagnet2/ibdiagnet2.pm
-I- Cable Diagnostics                   : /var/tmp/ibdiagnet2/ibdiagnet2.cables
-I- IBNetDiscover                       : /var/tmp/ibdiagnet2/ibdiagnet2.ibnetdiscover
"""


_PM_COLS = ("NodeGUID,PortGUID,PortNumber,LinkDownedCounter,LinkErrorRecoveryCounter,SymbolErrorCounter,"
            "PortRcvRemotePhysicalErrors,PortRcvErrors,PortXmitDiscards,PortRcvSwitchRelayErrors,"
            "ExcessiveBufferOverrunErrors,LocalLinkIntegrityErrors,PortRcvConstraintErrors,PortXmitConstraintErrors,"
            "VL15Dropped,PortXmitData,PortRcvData,PortXmitPkts,PortRcvPkts,PortXmitWait,PortXmitDataExtended,"
            "PortRcvDataExtended,PortXmitPktsExtended,PortRcvPktsExtended,PortUniCastXmitPkts,PortUniCastRcvPkts,"
            "PortMultiCastXmitPkts,PortMultiCastRcvPkts,SymbolErrorCounterExt,LinkErrorRecoveryCounterExt,"
            "LinkDownedCounterExt,PortRcvErrorsExt,PortRcvRemotePhysicalErrorsExt,PortRcvSwitchRelayErrorsExt,"
            "PortXmitDiscardsExt,PortXmitConstraintErrorsExt,PortRcvConstraintErrorsExt,LocalLinkIntegrityErrorsExt,"
            "ExcessiveBufferOverrunErrorsExt,VL15DroppedExt,PortXmitWaitExt,QP1DroppedExt,retransmission_per_sec,"
            " max_retransmission_rate,PortLocalPhysicalErrors,PortMalformedPacketErrors,PortBufferOverrunErrors,"
            "PortDLIDMappingErrors,PortVLMappingErrors,PortLoopingErrors,PortInactiveDiscards,PortNeighborMTUDiscards,"
            "PortSwLifetimeLimitDiscards,PortSwHOQLifetimeLimitDiscards")


def _pm_row(node_guid: str, port_guid: str, num: int, c: dict) -> str:
    sat = lambda x, bits: min(x, 2 ** bits - 1)  # noqa: E731
    ld, ler, sym, rcv, disc = c["link_down"], c["ler"], c["symbol_errors"], c["rcv_errors"], c["xmit_discards"]
    rph = c.get("remote_phys", 0)
    txd, rxd, txp, rxp, wait = c["tx_data"], c["rx_data"], c["tx_pkts"], c["rx_pkts"], c["tx_pkts"] // 7
    uc_t, uc_r = int(txp * .98), int(rxp * .98)
    vals = [node_guid, port_guid, num, sat(ld, 8), sat(ler, 8), sat(sym, 16), sat(rph, 16), sat(rcv, 16), sat(disc, 16),
            0, 0, 0, 0, 0, 0, sat(txd, 32), sat(rxd, 32), sat(txp, 32), sat(rxp, 32), sat(wait, 32), txd, rxd, txp, rxp,
            uc_t, uc_r, txp - uc_t, rxp - uc_r, sym, ler, ld, rcv, rph, 0, disc, 0, 0, 0, 0, 0, wait, 0,
            "0x0000000000000000", "0x0000", 0, 0, 0, 0, 0, -1, 0, 0, 0, 0]
    return ",".join(str(v) for v in vals)


def _counters(e: End) -> dict:
    return {k: getattr(e, k) for k in ("link_down", "ler", "symbol_errors", "rcv_errors", "xmit_discards",
                                       "remote_phys", "tx_data", "rx_data", "tx_pkts", "rx_pkts")}


def db_csv(v: PlaneView, ts: str, pause_s: int, rng: random.Random) -> str:
    """ibdiagnet2.db_csv: NODES, LINKS, PM_INFO and PM_DELTA (counters read twice, `pause_s` apart)."""
    nodes, links, info, delta = [], [], [], []
    seen_links = set()
    for sw in v.switches:
        nodes.append(f'"{sw_desc(sw)}",65,2,1,1,{sw.guid},{sw.guid},{sw.guid},54002,8,160,713,0')
    for f in v.ca_ports():
        nodes.append(f'"{_desc(f, v.fab)}",1,1,1,1,{f.guid},{f.guid},{f.guid},4129,16,0,713,1')
    ends = [(sw.guid, sw.guid, num, e) for sw in v.switches for num, e in sorted(sw.ports.items())
            if e.state == "Active" and v.far(e) is not None]
    ends += [(f.guid, f.guid, 1, f) for f in v.ca_ports() if f.state == "Active"]
    for g, pg, num, e in ends:
        far = v.far(e)
        fg = far.guid
        fnum = 1 if far.kind == "host" else int(far.port)
        key = tuple(sorted([(g, num), (fg, fnum)]))
        if key not in seen_links:
            seen_links.add(key)
            links.append(f"{g},{num},{fg},{fnum}")
        info.append(_pm_row(g, pg, num, _counters(e)))
        # what changed during the pause: traffic, and the errors of a fault that is active now
        mins = pause_s / 60.0
        d = {k: 0 for k in _counters(e)}
        rate = pause_s * rng.uniform(2e5, 2e6)
        d["tx_pkts"], d["rx_pkts"] = int(rate), int(rate * rng.uniform(0.9, 1.1))
        d["tx_data"], d["rx_data"] = d["tx_pkts"] * 250, d["rx_pkts"] * 250
        if e.err_per_min:
            d["symbol_errors"] = max(1, int(e.err_per_min * mins * rng.uniform(0.5, 1.5)))
            d["rcv_errors"] = max(1, int(d["symbol_errors"] * rng.uniform(0.3, 0.8)))
        if e.flaps_per_min:
            d["link_down"] = int(e.flaps_per_min * mins + rng.random())
            d["ler"] = d["link_down"] * rng.randint(1, 3)
        delta.append(_pm_row(g, pg, num, d))
    nodes_hdr = "NodeDesc,NumPorts,NodeType,ClassVersion,BaseVersion,SystemImageGUID,NodeGUID,PortGUID,DeviceID,PartitionCap,revision,VendorID,LocalPortNum"
    out = []
    for name, hdr, rows in (("NODES", nodes_hdr, nodes), ("LINKS", "NodeGuid1,PortNum1,NodeGuid2,PortNum2", links),
                            ("PM_INFO", _PM_COLS, info), ("PM_DELTA", _PM_COLS, delta)):
        out += [f"START_{name}", hdr, *rows, f"END_{name}", ""]
    return "\n".join(out) + "\n"
