"""Render a whole simulated InfiniBand fabric as the files of one ibdiagnet2 output directory.

write_capture calls this once for the fabric (pseudo-device ``ibdiagnet-sm01``) with every
device's rows. The outputs are the platform's discovery commands (netdiag/platforms/infiniband.py,
``cat /var/tmp/ibdiagnet2/ibdiagnet2.<ext>``), laid out as ibdiagnet 2.10 writes them (real samples:
tests/cases/ibdiagnet-*/):

* ``.log``: stage log and the Summary table; ``.net_dump``: one port table per switch;
  ``.ibnetdiscover``: topology (switches, then CAs; connected ports only); ``.pm``: counters of
  every active port (legacy 32-bit hex, saturating, and 64-bit ``*_extended``); ``.cables``: the
  module of every active port end (``--get_cable_info``); ``.db_csv``: NODES, PORTS, LINKS, PM_INFO.

What ibdiagnet sees is what its MADs reach: a fabric walk from the SM (here the switch with most
active links) over active links. A node with no active path (an HCA whose only cable is missing)
is not in any file; PM counters and cable info are read only from ports that are not DOWN, as
ibdiagnet does. Switch ports that are down still show in net_dump and PORTS. A dark fabric (no
active link) is the SM's own switch with every port down: net_dump and db_csv show it, .pm and
.cables are their header and closing line with no port record, as ibdiagnet writes them.

Naming (netdiag/parsers/ib_common.py): switches are ``MF0;<name>:MQM9700/U1`` with ports by
number and Quantum-2 labels ``1/<cage>/<port>``; each HCA port is its own CA node described
``<host> <ca>`` (port ``<ca>/1``). GUIDs are derived from a hash of the node description
(deterministic), LIDs are given in discovery order.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections import deque

import pandas as pd

from netdiag.simulate.render import DeviceTables, register

_DIR = "/var/tmp/ibdiagnet2/"
_FILES = ("log", "net_dump", "ibnetdiscover", "pm", "cables", "db_csv")   # platform discovery order
_VERSION = ('"IBDIAGNET 2.10.0.MLNX20220720.cd746c3","IBDIAG 2.1.1.cd746c3","IBDM 2.1.1.cd746c3",'
            '"IBIS 7.0.0.c25850e"')
_COMMAND = "/usr/bin/ibdiagnet --get_cable_info"
_TIMESTAMP = "2026-11-28 03:00:00 UTC +0000"
_SW_OUI, _CA_OUI = 0xfc6a1c, 0x5c2573
_SW_DEVID, _CA_DEVID = 54002, 4129
_SW_PORTS = 65
_LABEL_NOTE = ("# Switch label port numbering explanation:\n"
               "#   Quantum2 switch split mode: ASIC/Cage/Port/Split, e.g 1/1/1/1\n"
               "#   Quantum2 switch no split mode: ASIC/Cage/Port\n"
               "#   Quantum switch split mode: Port/Split\n"
               "#   Quantum switch no split mode: Port\n")
_BAR = "-" * 55
_PCI_BUS = (24, 42, 59, 77, 154, 171, 189, 204)           # PCI bus of mlx5_0..7 on an HGX node

# ------------------------------------------------------------------------------------ counters
#: (pm key, db_csv PM_INFO column, hex digits in .pm, canonical counter, legacy width, scale)
#: canonical None = a PMA counter the tables do not carry (printed 0); "NA" = never supported.
_PM = (
    ("link_down_counter", "LinkDownedCounter", 8, "link_down_events", 8, 1),
    ("link_error_recovery_counter", "LinkErrorRecoveryCounter", 8, "link_error_recovery", 8, 1),
    ("symbol_error_counter", "SymbolErrorCounter", 8, "symbol_errors", 16, 1),
    ("port_rcv_remote_physical_errors", "PortRcvRemotePhysicalErrors", 8, "port_rcv_remote_physical_errors", 16, 1),
    ("port_rcv_errors", "PortRcvErrors", 8, "port_rcv_errors", 16, 1),
    ("port_xmit_discard", "PortXmitDiscards", 8, "port_xmit_discards", 16, 1),
    ("port_rcv_switch_relay_errors", "PortRcvSwitchRelayErrors", 8, None, 16, 1),
    ("excessive_buffer_errors", "ExcessiveBufferOverrunErrors", 8, None, 4, 1),
    ("local_link_integrity_errors", "LocalLinkIntegrityErrors", 8, None, 4, 1),
    ("port_rcv_constraint_errors", "PortRcvConstraintErrors", 8, None, 8, 1),
    ("port_xmit_constraint_errors", "PortXmitConstraintErrors", 8, None, 8, 1),
    ("vl15_dropped", "VL15Dropped", 8, None, 16, 1),
    ("port_xmit_data", "PortXmitData", 8, "tx_bytes", 32, 4),
    ("port_rcv_data", "PortRcvData", 8, "rx_bytes", 32, 4),
    ("port_xmit_pkts", "PortXmitPkts", 8, "tx_packets", 32, 1),
    ("port_rcv_pkts", "PortRcvPkts", 8, "rx_packets", 32, 1),
    ("port_xmit_wait", "PortXmitWait", 8, "port_xmit_wait", 32, 1),
    ("port_xmit_data_extended", "PortXmitDataExtended", 16, "tx_bytes", 64, 4),
    ("port_rcv_data_extended", "PortRcvDataExtended", 16, "rx_bytes", 64, 4),
    ("port_xmit_pkts_extended", "PortXmitPktsExtended", 16, "tx_packets", 64, 1),
    ("port_rcv_pkts_extended", "PortRcvPktsExtended", 16, "rx_packets", 64, 1),
    ("port_unicast_xmit_pkts", "PortUniCastXmitPkts", 16, "tx_packets", 64, 1),
    ("port_unicast_rcv_pkts", "PortUniCastRcvPkts", 16, "rx_packets", 64, 1),
    ("port_multicast_xmit_pkts", "PortMultiCastXmitPkts", 16, None, 64, 1),
    ("port_multicast_rcv_pkts", "PortMultiCastRcvPkts", 16, None, 64, 1),
    ("symbol_error_counter_extended", "SymbolErrorCounterExt", 16, "symbol_errors", 64, 1),
    ("link_error_recovery_counter_extended", "LinkErrorRecoveryCounterExt", 16, "link_error_recovery", 64, 1),
    ("link_downed_counter_extended", "LinkDownedCounterExt", 16, "link_down_events", 64, 1),
    ("port_rcv_errors_extended", "PortRcvErrorsExt", 16, "port_rcv_errors", 64, 1),
    ("port_rcv_remote_physical_errors_extended", "PortRcvRemotePhysicalErrorsExt", 16,
     "port_rcv_remote_physical_errors", 64, 1),
    ("port_rcv_switch_relay_errors_extended", "PortRcvSwitchRelayErrorsExt", 16, None, 64, 1),
    ("port_xmit_discards_extended", "PortXmitDiscardsExt", 16, "port_xmit_discards", 64, 1),
    ("port_xmit_constraint_errors_extended", "PortXmitConstraintErrorsExt", 16, None, 64, 1),
    ("port_rcv_constraint_errors_extended", "PortRcvConstraintErrorsExt", 16, None, 64, 1),
    ("local_link_integrity_errors_extended", "LocalLinkIntegrityErrorsExt", 16, None, 64, 1),
    ("excessive_buffer_overrun_errors_extended", "ExcessiveBufferOverrunErrorsExt", 16, None, 64, 1),
    ("vl15_dropped_extended", "VL15DroppedExt", 16, None, 64, 1),
    ("port_xmit_wait_extended", "PortXmitWaitExt", 16, "port_xmit_wait", 64, 1),
    ("qp1_dropped_extended", "QP1DroppedExt", 16, None, 64, 1),
    ("retransmission_per_sec", "retransmission_per_sec", 16, None, 64, 1),
    ("max_retransmission_rate", " max_retransmission_rate", 4, None, 16, 1),
    ("port_local_physical_errors", "PortLocalPhysicalErrors", 4, None, 16, 1),
    ("port_malformed_packet_errors", "PortMalformedPacketErrors", 4, None, 16, 1),
    ("port_buffer_overrun_errors", "PortBufferOverrunErrors", 4, None, 16, 1),
    ("port_dlid_mapping_errors", "PortDLIDMappingErrors", 4, None, 16, 1),
    ("port_vl_mapping_errors", "PortVLMappingErrors", 4, None, 16, 1),
    ("port_looping_errors", "PortLoopingErrors", 4, "NA", 16, 1),
    ("port_inactive_discards", "PortInactiveDiscards", 4, None, 16, 1),
    ("port_neighbor_mtu_discards", "PortNeighborMTUDiscards", 4, None, 16, 1),
    ("port_sw_lifetime_limit_discards", "PortSwLifetimeLimitDiscards", 4, None, 16, 1),
    ("port_sw_hoq_lifetime_limit_discards", "PortSwHOQLifetimeLimitDiscards", 4, None, 16, 1),
)
_CSV_HEX = {"retransmission_per_sec": 16, "max_retransmission_rate": 4}   # PM_INFO prints these in hex
_COUNTER_SOURCES = sorted({c for *_x, c, _w, _s in _PM if c not in (None, "NA")})

# ------------------------------------------------------------------------------------- modules
_IDENT = {"OSFP": "OSFP (0x08)", "SFP": "SFP/SFP+/SFP28 (0x03)", "QSFP": "QSFP (0x0c)", "QSFP+": "QSFP+ (0x0d)",
          "QSFP28": "QSFP28 (0x11)", "QSFP56": "QSFP28 (0x11)", "QSFP-DD": "QSFP-DD (0x18)",
          "QSFP112": "QSFP+ or later with CMIS (0x1e)"}
_OUI = {"NVIDIA": "0x0002c9", "MELLANOX": "0x0002c9"}
_AW_BITS = (("high_alarm", 8), ("low_alarm", 4), ("high_warn", 2), ("low_warn", 1))
_FEC = {"rs544": "RS_FEC_544_514", "rs528": "RS_FEC_528_514", "fc": "FC_FEC", "none": "NO_FEC"}
_WIDTH_ENUM = {1: 1, 4: 2, 8: 4, 12: 8, 2: 16}
_SPEED_ENUM = {2.5: 1, 5.0: 2, 10.0: 4, 14.0: 0x100, 25.0: 0x200, 50.0: 0x400, 100.0: 0x800, 200.0: 0x1000}
_SPEED_NAME = {2.5: "SDR", 5.0: "DDR", 10.0: "QDR", 14.0: "FDR", 25.0: "EDR", 50.0: "HDR", 100.0: "NDR",
               200.0: "XDR"}


def _vals(df: pd.DataFrame, col: str) -> list:
    """A column as a Python list with None for every kind of missing value."""
    if col not in df.columns:
        return [None] * len(df)
    s = df[col]
    return s.astype(object).where(s.notna(), None).tolist()


def _num(v) -> str:
    return f"{v:g}"


class _Port:
    __slots__ = ("num", "name", "admin_up", "oper_up", "speed", "lanes", "fec", "peer")

    def __init__(self, num, name, admin_up, oper_up, speed, lanes, fec):
        self.num, self.name = num, name
        self.admin_up, self.oper_up, self.speed, self.lanes, self.fec = admin_up, oper_up, speed, lanes, fec
        self.peer = None      # (_Node, port number) over an active link

    @property
    def active(self) -> bool:
        return self.oper_up is True and self.peer is not None


class _Node:
    __slots__ = ("device", "ca", "desc", "is_sw", "guid", "lid", "ports", "local_port", "bus")

    def __init__(self, device: str, ca: str | None):
        self.device, self.ca = device, ca
        self.is_sw = ca is None
        self.desc = f"MF0;{device}:MQM9700/U1" if ca is None else f"{device} {ca}"
        self.ports: dict[int, _Port] = {}
        self.guid = 0
        self.lid = 0
        self.local_port = 0
        self.bus = 0

    @property
    def g(self) -> str:
        return f"0x{self.guid:016x}"

    def label(self, num: int) -> str:
        """The port label ibdiagnet prints (Quantum-2 no-split ASIC/Cage/Port; PCI address for a CA)."""
        if self.is_sw:
            return f"1/{(num + 1) // 2}/{(num - 1) % 2 + 1}" if num <= 64 else str(num)
        return f"B{self.bus}D0F0/0/0/{num}"

    def port_name(self, num: int) -> str:
        if self.is_sw:
            return f"{self.device}/U1/P{self.label(num)}"
        return f"{self.device}/{self.ca}/{self.label(num)}"


def _guid(oui: int, text: str, used: set[int]) -> int:
    g = (oui << 40) | (0x03 << 32) | int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "big")
    while g in used:
        g += 1
    used.add(g)
    return g


def _build(dev: DeviceTables) -> list[_Node]:
    """The fabric's nodes with their ports and active links, in discovery (BFS) order from the SM;
    nodes without an active path to it are left out."""
    nodes: dict[tuple[str, str | None], _Node] = {}
    p = dev.ports

    def split(port: str) -> tuple[str | None, int] | None:
        ca, sep, num = port.rpartition("/")
        if not num.isdigit():
            return None
        return (ca if sep else None), int(num)

    for d, name, adm, op, sp, ln, fec in zip(_vals(p, "device"), _vals(p, "port"), _vals(p, "admin_up"),
                                              _vals(p, "oper_up"), _vals(p, "speed_gbps"), _vals(p, "lanes"),
                                              _vals(p, "fec")):
        if d is None or name is None:
            continue
        k = split(name)
        if k is None:
            continue
        ca, num = k
        node = nodes.get((d, ca))
        if node is None:
            node = nodes[(d, ca)] = _Node(d, ca)
        node.ports[num] = _Port(num, name, adm, op, sp, ln, fec)

    n = dev.neighbors
    for d, name, rd, rp in zip(_vals(n, "device"), _vals(n, "port"), _vals(n, "remote_device"),
                               _vals(n, "remote_port")):
        if None in (d, name, rd, rp):
            continue
        a, b = split(name), split(str(rp))
        if a is None or b is None:
            continue
        na, nb = nodes.get((d, a[0])), nodes.get((rd, b[0]))
        if na is None or nb is None:
            continue
        pa, pb = na.ports.get(a[1]), nb.ports.get(b[1])
        if pa is None or pb is None or pa.oper_up is not True or pb.oper_up is not True:
            continue
        pa.peer, pb.peer = (nb, b[1]), (na, a[1])

    switches = [x for x in nodes.values() if x.is_sw]
    if not switches:
        return []
    sm = max(sorted(switches, key=lambda x: x.device), key=lambda x: sum(q.active for q in x.ports.values()))
    order = [sm]
    seen = {id(sm)}
    queue = deque([sm])
    while queue:
        x = queue.popleft()
        for num in sorted(x.ports):
            q = x.ports[num]
            if not q.active:
                continue
            y, ynum = q.peer
            if id(y) in seen:
                continue
            seen.add(id(y))
            y.local_port = ynum
            order.append(y)
            queue.append(y)
    used: set[int] = set()
    for lid, x in enumerate(order, 1):
        x.guid = _guid(_SW_OUI if x.is_sw else _CA_OUI, x.desc, used)
        x.lid = lid
        if not x.is_sw:
            i = int(x.ca.rpartition("_")[2]) if x.ca.rpartition("_")[2].isdigit() else 0
            x.bus = _PCI_BUS[i] if i < len(_PCI_BUS) else 16 + 17 * i
    return order


def _header(note: bool, ts: str) -> str:
    head = ("# This database file was automatically generated by IBDIAG\n"
            f"# Running version   : {_VERSION}\n"
            f"# Running command   : {_COMMAND}\n"
            f"# Running timestamp : {ts}\n"
            f"# File created at   : {ts}\n\n\n")
    return head + (_LABEL_NOTE + "\n\n" if note else "")


def _footer(ts: str) -> str:
    return f"\n# File closed at : {ts}\n"


def _timestamp(iso: str | None) -> str:
    """'2026-11-28T03:00:00Z' -> '2026-11-28 03:00:00 UTC +0000' as ibdiagnet prints it."""
    if not iso:
        return _TIMESTAMP
    try:
        t = pd.Timestamp(iso)
    except ValueError:
        return _TIMESTAMP
    t = t.tz_convert("UTC") if t.tzinfo else t
    return t.strftime("%Y-%m-%d %H:%M:%S") + " UTC +0000"


# ------------------------------------------------------------------------------------ net_dump
def _net_dump(order: list[_Node], ts: str) -> str:
    out = [_header(True, ts)]
    hdr = ("  #          : IB# : Sta  : PhysSta    : MTU : LWA     : LSA     : FEC mode            : Retran : "
           "Neighbor Guid      : N#         : NLID : Neighbor Description\n")
    for x in order:
        if not x.is_sw:
            continue
        out.append(f'"{x.desc}", Mellanox, {x.g}, LID {x.lid}\n')
        out.append(hdr)
        for num in sorted(x.ports):
            q = x.ports[num]
            lbl = x.label(num)
            if q.active:
                y, ynum = q.peer
                lanes = q.lanes or 4
                lsa = _num(q.speed / lanes) if q.speed == q.speed and q.speed is not None else "N/A"
                fec = _FEC.get(q.fec, q.fec.upper()) if q.fec else "N/A"
                out.append(f"  {lbl:<10} : {num:<3} : ACT  : LINK UP    : 5   : {str(lanes) + 'x':<7} : {lsa:<7} : "
                           f"{fec:<19} : NO-RTR : {y.g:<18} : {y.label(ynum):<10} : {y.lid:<4} : \"{y.desc}\"\n")
            else:
                phys = "DISABLED" if q.admin_up is False else "POLL"
                out.append(f"  {lbl:<10} : {num:<3} : DOWN : {phys:<10} : N/A : N/A     : N/A     : N/A                 :"
                           f" N/A    :                    :            :      : \n")
        out.append("\n")
    out.append(_footer(ts))
    return "".join(out)


# ------------------------------------------------------------------------------- ibnetdiscover
def _speed_name(q: _Port) -> str:
    lanes = q.lanes or 4
    per = (q.speed / lanes) if q.speed is not None and q.speed == q.speed else None
    return f"{lanes}x{_SPEED_NAME.get(per, 'NDR' if per is None else _num(per))}"


def _ibnetdiscover(order: list[_Node], ts: str) -> str:
    out = [_header(True, ts)]
    for x in order:
        if not x.is_sw:
            continue
        port0 = "enhanced port 0" if x.local_port == 0 else "base port 0"
        out.append(f"vendid=0x2c9\ndevid=0x{_SW_DEVID:x}\nsysimgguid={x.g}\nswitchguid={x.g}({x.guid:x})\n"
                   f'Switch  {_SW_PORTS} "S-{x.guid:016x}"      # "{x.desc}" {port0} lid {x.lid} lmc 0\n')
        for num in sorted(x.ports):
            q = x.ports[num]
            if not q.active:
                continue
            y, ynum = q.peer
            far = f'"S-{y.guid:016x}"[{ynum}]' if y.is_sw else f'"H-{y.guid:016x}"[{ynum}]({y.guid:016x})'
            out.append(f'[{num}]({x.label(num)}) {far}      # "{y.desc}" lid {y.lid} {_speed_name(q)}\n')
        out.append("\n\n")
    for x in order:
        if x.is_sw:
            continue
        out.append(f"vendid=0x2c9\ndevid=0x{_CA_DEVID:x}\nsysimgguid={x.g}\ncaguid={x.g}\n"
                   f'Ca      {max(x.ports)} "H-{x.guid:016x}"      # "{x.desc}"\n')
        for num in sorted(x.ports):
            q = x.ports[num]
            if not q.active:
                continue
            y, ynum = q.peer
            pre = "S" if y.is_sw else "H"
            out.append(f'[{num}]({x.guid:016x}) "{pre}-{y.guid:016x}"[{ynum}]      # lid {x.lid} lmc 0 '
                       f'"{y.desc}" lid {y.lid} {_speed_name(q)}\n')
        out.append("\n\n")
    out.append(_footer(ts))
    return "".join(out)


# ------------------------------------------------------------------------------------- counters
def _counter_values(dev: DeviceTables) -> dict[tuple[str, str], dict]:
    c = dev.counters
    cols = {k: _vals(c, k) for k in _COUNTER_SOURCES}
    out = {}
    for i, key in enumerate(zip(_vals(c, "device"), _vals(c, "port"))):
        out[key] = {k: v[i] for k, v in cols.items()}
    return out


def _pm_templates() -> tuple[str, str, list[tuple[str, int, int, int]]]:
    """Format strings for one port's .pm lines and PM_INFO values: constant fields are baked in,
    the fields taken from the tables are `{}` slots, filled in `_VAR` order."""
    pm, csv, var = [], [], []
    for key, _col, digits, src, width, scale in _PM:
        if src is None:
            pm.append(f"{key}=0x{0:0{digits}x}\n")
            h = _CSV_HEX.get(key)
            csv.append(f"0x{0:0{h}x}" if h else "0")
        elif src == "NA":
            pm.append(f"{key}=NA\n")
            csv.append("-1")
        else:
            pm.append("{}")
            csv.append("{}")
            var.append((key, digits, src, width, scale))
    return "".join(pm), ",".join(csv), var


_PM_TMPL, _CSV_TMPL, _VAR = _pm_templates()


def _pm_fields(vals: dict | None) -> tuple[list[str], list[str]]:
    """One port's variable PMA fields as .pm lines and PM_INFO values (NA / -1 when unknown)."""
    pm, csv = [], []
    for key, digits, src, width, scale in _VAR:
        v = None if vals is None else vals.get(src)
        if v is None:
            pm.append(f"{key}=NA\n")
            csv.append("-1")
            continue
        v = min(int(v) // scale, (1 << width) - 1)
        pm.append(f"{key}=0x{v:0{digits}x}\n")
        csv.append(str(v))
    return pm, csv


def _pm(order: list[_Node], counters: dict, ts: str) -> tuple[str, list[str]]:
    """The .pm text and the PM_INFO rows of db_csv (same ports, same values)."""
    out = [_header(True, ts)]
    csv_rows = []
    devid = {True: _SW_DEVID, False: _CA_DEVID}
    for x in order:
        for num in sorted(x.ports):
            q = x.ports[num]
            if not q.active:
                continue
            pm, csv = _pm_fields(counters.get((x.device, q.name)))
            out.append(f"{_BAR}\nPort={num} Lid=0x{x.lid:04x} GUID={x.g} Device={devid[x.is_sw]} "
                       f"Port Name={x.port_name(num)}\n{_BAR}\n")
            out.append(_PM_TMPL.format(*pm))
            out.append("\n")
            csv_rows.append(f"{x.g},{x.g},{num}," + _CSV_TMPL.format(*csv))
    out.append(_footer(ts))
    return "".join(out), csv_rows


# --------------------------------------------------------------------------------------- cables
def _dbm16(mw) -> str:
    """A power threshold as ibdiagnet prints it: a 16-bit register read as signed whole dBm."""
    if mw is None:
        return "0"
    dbm = -40 if mw <= 0 else round(10 * math.log10(mw))
    return str(int(dbm) & 0xFFFF)


def _power(mw) -> str:
    if mw is None:
        return "-999.999 mW, 0.000 dBm"
    dbm = 10 * math.log10(mw) if mw > 0 else -math.inf
    return f"{mw:.3f} mW, {dbm:.3f} dBm"


def _aw_word(alarm_lists: list, prefix: str) -> int:
    """Per-lane alarm/warning nibbles, lane 1 first (SFF-8636 layout as the parser reads it)."""
    word = 0
    n = len(alarm_lists)
    for i, al in enumerate(alarm_lists):
        nib = 0
        for name, bit in _AW_BITS:
            if f"{prefix}_{name}" in al:
                nib |= bit
        word |= nib << (4 * (n - 1 - i))
    return word


def _lane_index(dev: DeviceTables) -> dict[tuple[str, str], dict[int, tuple]]:
    L = dev.lanes
    out: dict[tuple[str, str], dict[int, tuple]] = {}
    for d, p, n, tx, rx, b, rlos, tlos, rlol, tlol, al in zip(
            _vals(L, "device"), _vals(L, "port"), _vals(L, "lane"), _vals(L, "tx_power_mw"), _vals(L, "rx_power_mw"),
            _vals(L, "tx_bias_ma"), _vals(L, "rx_los"), _vals(L, "tx_los"), _vals(L, "rx_lol"), _vals(L, "tx_lol"),
            _vals(L, "alarms")):
        out.setdefault((d, p), {})[int(n)] = (tx, rx, b, rlos, tlos, rlol, tlol, list(al) if al is not None else [])
    return out


_MOD_COLS = ("present", "identifier", "media", "vendor", "part_number", "serial", "revision", "wavelength_nm",
             "length_m", "temperature_c", "voltage_v", "temperature_c_high_alarm", "temperature_c_low_alarm",
             "temperature_c_high_warn", "temperature_c_low_warn", "voltage_v_high_alarm", "voltage_v_low_alarm",
             "voltage_v_high_warn", "voltage_v_low_warn", "rx_power_mw_high_alarm", "rx_power_mw_low_alarm",
             "tx_power_mw_high_alarm", "tx_power_mw_low_alarm", "tx_bias_ma_high_alarm", "tx_bias_ma_low_alarm",
             "alarms", "media_lanes")


def _module_index(dev: DeviceTables) -> dict[tuple[str, str], dict]:
    m = dev.modules
    cols = [_vals(m, c) for c in _MOD_COLS]
    out = {}
    for i, key in enumerate(zip(_vals(m, "device"), _vals(m, "port"))):
        out[key] = {c: v[i] for c, v in zip(_MOD_COLS, cols)}
    return out


def _temp(v) -> str:
    return "N/A" if v is None else f"{round(v)}C"


def _uv(v) -> str:
    return "N/A" if v is None else f"{round(v * 1e6)}uV"


def _type(media, wl) -> str:
    if media == "dac":
        return "Copper cable unequalized"
    if media == "acc":
        return "Copper cable, linear active equalizers"
    if media in ("optical", "aoc") and wl is not None:
        return f"{_num(wl)} nm {'VCSEL' if wl < 1000 else 'DFB'}"
    return "Others"


_THRESH_COLS = ("temperature_c_high_alarm", "temperature_c_low_alarm", "temperature_c_high_warn",
                "temperature_c_low_warn", "voltage_v_high_alarm", "voltage_v_low_alarm", "voltage_v_high_warn",
                "voltage_v_low_warn", "rx_power_mw_high_alarm", "rx_power_mw_low_alarm", "tx_power_mw_high_alarm",
                "tx_power_mw_low_alarm", "tx_bias_ma_high_alarm", "tx_bias_ma_low_alarm")


@functools.lru_cache(maxsize=4096)
def _thresholds(t: tuple) -> str:
    """The threshold lines and the fixed tail of a cable block (modules share a few threshold sets)."""
    (t_ha, t_la, t_hw, t_lw, v_ha, v_la, v_hw, v_lw, rx_h, rx_l, tx_h, tx_l, b_h, b_l) = t
    return (
        "Transmitter Technology: 0x00\n"
        "Extended Specification Compliance Codes: 0x32\n"
        f"AlarmTemperatureHighThresh: {_temp(t_ha)}\n"
        f"AlarmTemperatureLowThresh: {_temp(t_la)}\n"
        f"WarnTemperatureHighThresh: {_temp(t_hw)}\n"
        f"WarnTemperatureLowThresh: {_temp(t_lw)}\n"
        f"AlarmVoltageHighThresh: {_uv(v_ha)}\n"
        f"AlarmVoltageLowThresh: {_uv(v_la)}\n"
        f"WarnVoltageHighThresh: {_uv(v_hw)}\n"
        f"WarnVoltageLowThresh: {_uv(v_lw)}\n"
        f"RXPowerHighThresh: {_dbm16(rx_h)}\n"
        f"RXPowerLowThresh: {_dbm16(rx_l)}\n"
        f"TXPowerHighThresh: {_dbm16(tx_h)}\n"
        f"TXPowerLowThresh: {_dbm16(tx_l)}\n"
        f"TXBiasHighThresh: {0 if b_h is None else round(b_h / 0.002)}\n"
        f"TXBiasLowThresh: {0 if b_l is None else round(b_l / 0.002)}\n"
        "DateCode: 24-01-18\n"
        "Lot: 0x2020\n"
        "TX Adaptive Equalization Freeze: N/A\n"
        "RX Output Disable: N/A\n"
        "TX Adaptive Equalization Enable: N/A\n"
        "OutputPreEmp: 0 0 0 0\n"
        "OutputPostEmp: 0 0 0 0\n\n\n"
    )


def _cable_block(x: _Node, num: int, m: dict, lanes: dict[int, tuple] | None) -> str:
    media = m["media"]
    passive = media == "dac"
    n = max(lanes) if lanes else int(m["media_lanes"] or 4)
    rows = [lanes.get(i) if lanes else None for i in range(1, n + 1)]
    none = (None, None, None, None, None, None, None, [])
    rows = [r or none for r in rows]
    rx = "".join(f"RX{i} Power: {_power(r[1])}\n" for i, r in enumerate(rows, 1))
    bias = "".join(f"TX{i} Bias: " + ("0.000 mA" if passive and r[2] is None else
                                       "N/A" if r[2] is None else f"{r[2]:.3f} mA") + "\n"
                   for i, r in enumerate(rows, 1))
    tx = "".join(f"TX{i} Power: {_power(r[0])}\n" for i, r in enumerate(rows, 1))
    los = lol = 0
    for i, r in enumerate(rows[:4]):
        los |= (1 << i if r[3] else 0) | (1 << (i + 4) if r[4] else 0)
        lol |= (1 << i if r[5] else 0) | (1 << (i + 4) if r[6] else 0)
    digits = max(4, n)
    lane_alarms = [r[7] for r in rows]
    if any(lane_alarms):
        rx_aw, bias_aw, tx_aw = (_aw_word(lane_alarms, k) for k in ("rx_power", "tx_bias", "tx_power"))
    else:
        rx_aw = bias_aw = tx_aw = 0
    malarms = m["alarms"] or []
    t_aw = v_aw = 0
    for name, bit in _AW_BITS:
        if f"temperature_{name}" in malarms:
            t_aw |= bit << 4
        if f"voltage_{name}" in malarms:
            v_aw |= bit << 4
    temp = m["temperature_c"]
    volt = m["voltage_v"]
    ident = m["identifier"]
    vendor = m["vendor"] or "N/A"
    temp_text = "0C" if passive and temp is None else _temp(temp)
    return (
        f"{_BAR}\nPort={num} Lid=0x{x.lid:04x} GUID={x.g} Port Name={x.port_name(num)}\n{_BAR}\n"
        "Source: PHY_DD\n"
        f"Identifier: {_IDENT.get(ident, ident) if ident else 'N/A'}\n"
        f"Vendor: {vendor}\n"
        f"OUI: {_OUI.get(vendor.upper(), '0x000000')}\n"
        f"PN: {m['part_number'] or 'N/A'}\n"
        f"SN: {m['serial'] or 'N/A'}\n"
        f"Rev: {m['revision'] or 'N/A'}\n"
        f"Length: {'NA' if m['length_m'] is None else _num(m['length_m']) + ' m'}\n"
        f"Type: {_type(media, m['wavelength_nm'])}\n"
        "SupportedSpeed: N/A\n"
        f"Temperature: {temp_text}\n"
        f"PowerClass: {1 if passive else 8}\n"
        "NominalBitrate: 0 Gb/s\n"
        "CDREnableTxRx: 0xff 0xff\n"
        "InputEq: 0 0 0 0\nOutputAmp: 1 1 1 1\nOutputEmp: N/A\n"
        f"FW Version: {'N/A' if passive else '1.8.0'}\n"
        "Attenuation(5,7,12,25): NA NA NA NA\n"
        "RX power type: Average Power\n"
        f"{rx}{bias}{tx}"
        f"CDR Latched TX/RX Loss Indicator: 0x{los:02x}\n"
        "Latched Adaptive Equalization Fault: 0x00\n"
        f"Latched  TX / RX LOL Indicator: 0x{lol:02x}\n"
        f"Latched Temperature Alarm and Warning: 0x{t_aw:02x}\n"
        f"Latched Voltage Alarm and Warning: 0x{v_aw:02x}\n"
        f"RX Power Alarm and Warning: 0x{rx_aw:0{digits}x}\n"
        f"TX Bias Alarm and Warning:  0x{bias_aw:0{digits}x}\n"
        f"TX Power Alarm and Warning: 0x{tx_aw:0{digits}x}\n"
        f"Supply Voltage Reporting: {'0uV' if passive and volt is None else _uv(volt)}\n"
        + _thresholds(tuple(m[c] for c in _THRESH_COLS))
    )


def _cables(order: list[_Node], dev: DeviceTables, ts: str) -> str:
    mods = _module_index(dev)
    lanes = _lane_index(dev)
    out = [_header(False, ts)]
    for x in order:
        for num in sorted(x.ports):
            q = x.ports[num]
            if not q.active:
                continue
            m = mods.get((x.device, q.name))
            if m is None or m["present"] is False:
                continue
            out.append(_cable_block(x, num, m, lanes.get((x.device, q.name))))
    out.append(_footer(ts))
    return "".join(out)


# --------------------------------------------------------------------------------------- db_csv
_PORTS_HDR = ("NodeGuid,PortGuid,PortNum,MKey,GIDPrfx,MSMLID,LID,CapMsk,M_KeyLeasePeriod,DiagCode,LinkWidthActv,"
              "LinkWidthSup,LinkWidthEn,LocalPortNum,LinkSpeedEn,LinkSpeedActv,LMC,MKeyProtBits,LinkDownDefState,"
              "PortPhyState,PortState,LinkSpeedSup,VLArbHighCap,VLHighLimit,InitType,VLCap,MSMSL,NMTU,FilterRawOutb,"
              "FilterRawInb,PartEnfOutb,PartEnfInb,OpVLs,HoQLife,VLStallCnt,MTUCap,InitTypeReply,VLArbLowCap,"
              "PKeyViolations,MKeyViolations,SubnTmo,MulticastPKeyTrapSuppressionEnabled,ClientReregister,GUIDCap,"
              "QKeyViolations,MaxCreditHint,OverrunErrs,LocalPhyError,RespTimeValue,LinkRoundTripLatency,OOOSLMask,"
              "CapMsk2,FECActv,RetransActv")
_FEC_ACTV = {"none": 0, "fc": 1, "rs528": 2, "rs544": 4}


def _db_csv(order: list[_Node], pm_rows: list[str], ts: str) -> str:
    sm_lid = order[0].lid if order else 0
    out = [_header(False, ts)]
    out.append("START_NODES\nNodeDesc,NumPorts,NodeType,ClassVersion,BaseVersion,SystemImageGUID,NodeGUID,PortGUID,"
               "DeviceID,PartitionCap,revision,VendorID,LocalPortNum\n")
    for x in order:
        if x.is_sw:
            out.append(f'"{x.desc}",{_SW_PORTS},2,1,1,{x.g},{x.g},{x.g},{_SW_DEVID},8,160,713,{x.local_port}\n')
        else:
            out.append(f'"{x.desc}",{max(x.ports)},1,1,1,{x.g},{x.g},{x.g},{_CA_DEVID},128,0,713,{x.local_port}\n')
    out.append("END_NODES\n\n\nSTART_PORTS\n" + _PORTS_HDR + "\n")
    for x in order:
        lid = x.lid
        cap = 2807162954 if x.is_sw else 2651949130
        for num in sorted(x.ports):
            q = x.ports[num]
            lanes = int(q.lanes) if q.lanes is not None else 4
            if q.active:
                per = q.speed / lanes if q.speed is not None and q.speed == q.speed else None
                width = _WIDTH_ENUM.get(lanes, 2)
                speed = _SPEED_ENUM.get(per, 0)
                phys, state = 5, 4
                fec = _FEC_ACTV.get(q.fec, 0) if q.fec else 0
            else:
                width, speed, state = 1, 0, 1
                phys = 3 if q.admin_up is False else 2
                fec = 0
            out.append(f"{x.g},{x.g},{num},0x0000000000000000,0xfe80000000000000,{sm_lid},{lid},{cap},0,0,"
                       f"{width},3,3,{x.local_port},3841,{speed},0,0,2,{phys},{state},3841,8,4,0,4,0,5,0,0,0,0,4,20,7,5,0,8,"
                       f"0,0,18,0,0,0,0,0,0,0,0,0,0x0000,0x0000,{fec},0\n")
    out.append("END_PORTS\n\n\nSTART_LINKS\nNodeGuid1,PortNum1,NodeGuid2,PortNum2\n")
    pos = {id(x): i for i, x in enumerate(order)}
    for i, x in enumerate(order):
        for num in sorted(x.ports):
            q = x.ports[num]
            if not q.active:
                continue
            y, ynum = q.peer
            if (pos[id(y)], ynum) < (i, num):
                continue
            out.append(f"{x.g},{num},{y.g},{ynum}\n")
    out.append("END_LINKS\n\n\nSTART_PM_INFO\nNodeGUID,PortGUID,PortNumber,"
               + ",".join(c for _k, c, *_r in _PM) + "\n")
    out.append("\n".join(pm_rows) + ("\n" if pm_rows else ""))
    out.append("END_PM_INFO\n\n")
    out.append(_footer(ts))
    return "".join(out)


# ------------------------------------------------------------------------------------------ log
_STAGES = ("Discovery", "Lids Check", "Links Check", "Subnet Manager", "Port Counters", "Nodes Information",
           "Speed / Width checks", "Virtualization", "Partition Keys", "Temperature Sensing", "Routers",
           "Cable Diagnostic (Plugin)", "Post Reports Generation")


def _log(order: list[_Node], ts: str) -> str:
    sws = [x for x in order if x.is_sw]
    cas = [x for x in order if not x.is_sw]
    sw_ports = sum(len(x.ports) for x in sws)
    ca_ports = sum(len(x.ports) for x in cas)
    links: dict[str, int] = {}
    n_links = 0
    pos = {id(x): i for i, x in enumerate(order)}
    for i, x in enumerate(order):
        for num, q in x.ports.items():
            if q.active and (pos[id(q.peer[0])], q.peer[1]) > (i, num):
                n_links += 1
                lanes = q.lanes or 4
                per = _num(q.speed / lanes) if q.speed is not None and q.speed == q.speed else "?"
                k = f"{lanes}x{per}"
                links[k] = links.get(k, 0) + 1
    sm = order[0] if order else None
    summary = "".join(f"-I- {s:<36}{0:<11}{0:<10}\n" for s in _STAGES)
    link_lines = "".join(f"{'Links at ' + k:<24}: {v}\n" for k, v in sorted(links.items()))
    sm_line = (f"Master SM: Port=0 LID={sm.lid} GUID={sm.g} devid={_SW_DEVID} Priority:15 Node_Type=SW "
               f"Node_Description={sm.desc}\n") if sm else "Master SM: N/A\n"
    files = (("Database", "db_csv"), ("LST", "lst"), ("Network dump", "net_dump"), ("Subnet Manager", "sm"),
             ("Ports Counters", "pm"), ("Nodes Information", "nodes_info"), ("Cable Information", "cables"),
             ("IBNetDiscover", "ibnetdiscover"))
    return (
        f"Running version:   {_VERSION}\n"
        f"Running command:   {_COMMAND}\n"
        f"Running timestamp: {ts}\n\n"
        + _LABEL_NOTE.replace("# ", "").replace("#", "") + "\n\n"
        "----------\nLoad Plugins from:\n/usr/share/ibdiagnet2.1.1/plugins/\n"
        '(You can specify more paths to be looked in with "IBDIAGNET_PLUGINS_PATH" env variable)\n\n'
        "Plugin Name                                   Result     Comment\n"
        "libibdiagnet_cable_diag_plugin-2.1.1          Succeeded  Plugin loaded\n"
        "libibdiagnet_phy_diag_plugin-2.1.1            Succeeded  Plugin loaded\n\n"
        "---------------------------------------------\nDiscovery\n"
        "-I- Start Fabric Discover\n-I- Fill NodeDesc data\n-I- NodeDesc finished successfully \n"
        "-I- Fabric Discover finished successfully\n\n-I- Fill PortInfo data\n-I- PortInfo finished successfully\n\n"
        f"-I- No scope files. Total switches/ports [{len(sws)}/{sw_ports}], CAs/ports [{len(cas)}/{ca_ports}]\n"
        "-I- Duplicated GUIDs detection finished successfully\n\n"
        "-I- Duplicated Node Description detection finished successfully\n\n"
        "---------------------------------------------\nLids Check\n-I- Lids Check finished successfully\n\n"
        "---------------------------------------------\nLinks Check\n-I- Links Check finished successfully\n\n"
        "---------------------------------------------\nSubnet Manager\n"
        "-I- SM Info retrieving finished successfully\n\n-I- Subnet Manager Check finished successfully\n\n"
        "---------------------------------------------\nPort Counters\n-I- Build PMClassPortInfo\n\n"
        "-I- Build Port Counters\n\n-I- Ports counters retrieving finished successfully\n\n"
        "-I- Ports counters value Check finished successfully\n\n"
        "-I- Ports counters overflow value Check finished successfully\n\n"
        "---------------------------------------------\nNodes Information\n"
        "-I- FW Check finished successfully\n\n"
        "---------------------------------------------\nSpeed / Width checks\n"
        "-I- Link Speed Check (Compare to supported link speed)\n-I- Links Speed Check finished successfully\n\n"
        "-I- Link Width Check (Compare to supported link width)\n-I- Links Width Check finished successfully\n\n"
        "---------------------------------------------\nVirtualization\n-I- Virtualization finished successfully\n\n"
        "---------------------------------------------\nPartition Keys\n"
        "-I- Partition Keys finished successfully\n\n"
        "---------------------------------------------\nTemperature Sensing\n"
        "-I- Temperature Sensing finished successfully\n\n"
        "---------------------------------------------\nRouters\n"
        "-I- Build Routers Info DB finished successfully\n\n"
        "---------------------------------------------\nCable Diagnostic (Plugin)\n"
        "-I- Cable Info retrieving finished successfully\n\n"
        "---------------------------------------------\nPost Reports Generation\n"
        "-I- Writing of IBNetdDscover file finished successfully\n"
        "---------------------------------------------\nFabric Summary\n\n"
        f"Total Nodes             : {len(order)}\n"
        f"IB Switches             : {len(sws)}\n"
        f"IB Channel Adapters     : {len(cas)}\n"
        "IB Aggregation Nodes    : 0\n"
        "IB Routers              : 0\n\n"
        "Adaptive Routing is enabled on 0 switches.\n"
        "Hashed Based Forwarding is enabled on 0 switches.\n\n"
        f"Total number of links   : {n_links}\n"
        f"{link_lines}\n"
        f"{sm_line}"
        "Standby SM : No Standby SM\n\n"
        "---------------------------------------------\nSummary\n"
        "-I- Stage                               Warnings   Errors     Comment   \n"
        f"{summary}\n"
        f"-I- You can find detailed errors/warnings in: {_DIR}ibdiagnet2.log\n\n\n"
        + "".join(f"-I- {name:<36}: {_DIR}ibdiagnet2.{ext}\n" for name, ext in files)
        + "\n"
    )


# --------------------------------------------------------------------------------------- render
@register("ibdiagnet")
def render_ibdiagnet(dev: DeviceTables) -> list[tuple[str, bytes]]:
    ts = _timestamp((dev.info or {}).get("taken_at"))
    order = _build(dev)
    pm_text, pm_rows = _pm(order, _counter_values(dev), ts)
    texts = {
        "log": _log(order, ts),
        "net_dump": _net_dump(order, ts),
        "ibnetdiscover": _ibnetdiscover(order, ts),
        "pm": pm_text,
        "cables": _cables(order, dev, ts),
        "db_csv": _db_csv(order, pm_rows, ts),
    }
    return [(f"cat {_DIR}ibdiagnet2.{ext}", texts[ext].encode()) for ext in _FILES]
