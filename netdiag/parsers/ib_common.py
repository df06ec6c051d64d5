"""Shared InfiniBand naming and speed helpers (no formats registered here).

Canonical naming of IB fabric nodes and ports, used by every IB parser (ibstat, iblinkinfo,
ibnetdiscover, perfquery, ibdiagnet2 files) so that both ends of a link and counters from different
files join on the same (device, port):

* HCA / CA: a node description ``"<host> <ca>"`` whose last word is a CA name (``mlx5_0``,
  ``HCA-1``, ``mlx4_0``, ``hfi1_0``, ...) gives device ``<host>`` and port ``<ca>/<port number>``
  (``"h4-1-gpu mlx5_0"``, port 1 -> device ``h4-1-gpu``, port ``mlx5_0/1``). ibstat on a host gives
  the same ``mlx5_0/1`` with the host as device.
* Switch: an ``MF0;<name>:<model>/<unit>`` description gives device ``<name>``; any other
  non-generic description is the device name as written (stripped). Switch ports are the IB port
  number as a string (``"1"`` .. ``"65"``), never the front-panel label (``1/1/1``): the number is
  what every tool prints (perfquery, iblinkinfo, db_csv), ibdiagnet's net_dump labels are mapped back
  to numbers.
* A node whose description is a vendor default (``"Quantum-2 Mellanox Technologies"``,
  ``"MT4129 ConnectX7 Mellanox Technologies"``, aggregation nodes, empty) is not unique in a fabric:
  its device is the node GUID as ``0x`` + 16 lower-case hex digits (docs/tables.md: "a switch GUID"), and
  its ports are plain numbers.
"""

from __future__ import annotations

import re

GUID_RX = re.compile(r"^(?:0x)?([0-9a-fA-F]{1,16})$")
CA_NAME_RX = re.compile(
    r"^(?:mlx\d+_\d+|mthca\d+|HCA-\d+|qib\d+|hfi1_\d+|ipath\d+|ehca\d+|cxgb\d+_\d+|ocrdma\d+|"
    r"irdma\d+|bnxt_re\d+|rxe\d+|siw\d+|ibp\S+|efa_\d+|erdma_\d+|hns_\d+|qedr\d+|vmw_pvrdma\d+)$")
MF0_RX = re.compile(r"^MF0;([^:;]+):")
GENERIC_RX = re.compile(r"Mellanox Technologies|NVIDIA Technologies|Aggregation Node|^MT\d{4,5}\b|"
                        r"^(?:Quantum|SwitchX|SwitchIB|Spectrum|Infiniscale)[-\w]*$", re.IGNORECASE)

#: IB speed names -> nominal data rate per lane, Gb/s (4X EDR = 100, 4X NDR = 400, as ibstat's Rate)
SPEED_PER_LANE = {"SDR": 2.5, "DDR": 5.0, "QDR": 10.0, "FDR10": 10.0, "FDR": 14.0, "EDR": 25.0,
                  "HDR": 50.0, "NDR": 100.0, "XDR": 200.0, "GDR": 400.0}
#: per-lane signalling rates as iblinkinfo prints them ('25.78125 Gbps') -> nominal per-lane rate
_LANE_RATES = ((2.5, 2.5), (5.0, 5.0), (10.0, 10.0), (10.3125, 10.0), (14.0625, 14.0),
               (25.78125, 25.0), (53.125, 50.0), (106.25, 100.0), (212.5, 200.0))


def norm_guid(text: str | None) -> str | None:
    """'0xB0CF0E0300E5B940', 'b0cf0e0300e5b940' -> '0xb0cf0e0300e5b940'; None when not a GUID."""
    if not text:
        return None
    m = GUID_RX.match(text.strip())
    if not m:
        return None
    return "0x%016x" % int(m.group(1), 16)


def lane_rate_to_nominal(gbps: float) -> float:
    """A per-lane rate as printed (signalling, e.g. 25.78125) -> nominal data rate per lane (25)."""
    for sig, nominal in _LANE_RATES:
        if abs(gbps - sig) < 0.01 or abs(gbps - nominal) < 0.01:
            return nominal
    return gbps


def width_lanes(text: str | None) -> int | None:
    """'4X', '4x', '1x', '12X' -> lanes; None otherwise."""
    if not text:
        return None
    m = re.match(r"^\s*(\d+)\s*[xX]\s*$", text)
    return int(m.group(1)) if m else None


def is_generic(desc: str) -> bool:
    return not desc.strip() or bool(GENERIC_RX.search(desc.strip()))


def split_ca_desc(desc: str) -> tuple[str, str] | None:
    """'h4-1-gpu mlx5_0' -> ('h4-1-gpu', 'mlx5_0'); None when the last word is not a CA name."""
    words = desc.split()
    if len(words) >= 2 and CA_NAME_RX.match(words[-1]):
        return " ".join(words[:-1]), words[-1]
    return None


def node_name(desc: str | None, guid: str | None = None, is_switch: bool | None = None) -> tuple[str | None, str | None]:
    """(device, ca name or None) for a node from its description and GUID (see module doc).

    `is_switch` None means unknown: a description ending in a CA name is then taken as a CA."""
    d = (desc or "").strip()
    g = norm_guid(guid) if guid else None
    m = MF0_RX.match(d)
    if m:
        return m.group(1).strip(), None
    if is_switch is not True:
        ca = split_ca_desc(d)
        if ca and not is_generic(ca[0]):
            return ca
    if is_generic(d):
        return (g or d or None), None
    return d, None


def port_name(ca: str | None, number: int | str) -> str:
    """Canonical port: 'mlx5_0/1' for a CA port whose CA name is known, else the number."""
    n = str(number).strip()
    return f"{ca}/{n}" if ca else n


_PORTNAME_GUID = re.compile(r"^[SN]([0-9a-fA-F]{16})$")


def from_ibdiag_port_name(name: str, guid: str | None, number: int) -> tuple[str, str]:
    """(device, port) from an ibdiagnet 'Port Name' such as 'ib-switch-sequoia/U1/P1/1/1',
    'Sfc6a1c030091cf00/Nfc6a1c030091cf00/P1/1/1' or 'is-north-7-compute-13/mlx5_3/B66D0F0/0/0/1'."""
    parts = name.strip().split("/")
    first = parts[0] if parts else ""
    if _PORTNAME_GUID.match(first):
        node = next((p for p in parts[1:3] if p.startswith("N") and _PORTNAME_GUID.match(p)), None)
        dev = norm_guid(node[1:]) if node else (norm_guid(guid) or norm_guid(first[1:]))
        return dev, str(number)
    if len(parts) >= 2 and CA_NAME_RX.match(parts[1]):
        return first, port_name(parts[1], number)
    if first:
        return first, str(number)
    return norm_guid(guid) or "", str(number)
