"""`ethtool -S IFACE`: driver statistics -> canonical counters (and mlx5 per-lane PHY errors).

The output is one counter per line, ``name: value``, usually under a ``NIC statistics:`` header with
a 5-space indent; collectors and test fixtures often store it without header/indent. Driver names are
free-form, so each canonical counter has an ordered list of driver names; the first one printed wins.
Unknown counters are ignored and a counter that is not printed stays None (a filtered or truncated
output says nothing about it; it is never 0).

Variants handled
* ``NIC statistics:`` + indented lines, and bare ``name: value`` lines (no header);
* ``Standard stats for IFACE:`` (``ethtool -S IFACE --all-groups``: IEEE ``eth-mac-*``/``eth-phy-*``
  names, which also give the port name);
* bnxt ring counters ``[N]: name: value`` (per ring: never used for port totals);
* dotted names: i40e/ice ``port.rx_crc_errors``, ice ``rx_crc_errors.nic``, i40e ``rx-0.rx_packets``;
* cxgb-style ``Name   : value`` (spaces before the colon).

Choices
* mlx5: traffic and error counters come from the physical-port group (``*_phy``, PPCNT IEEE 802.3
  counters). They count every frame on the wire (all functions/VFs, RDMA, frames later dropped), which
  is the right denominator for the port's CRC/symbol error ratios that also come from that group.
  Without ``_phy`` (VFs, representors) the vport totals (unicast+multicast+broadcast of the function)
  are used, then the software ring totals ``rx_bytes``/``rx_packets``.
  ``symbol_errors`` is ``rx_symbol_err_phy`` (IEEE aSymbolErrorDuringCarrier, SCHEMA); when a driver
  only prints the PCS symbol error counter (``rx_pcs_symbol_err_phy``, bnxt ``rx_pcs_symbol_err``)
  that is used instead.
* Intel i40e/ice: the port-level names (``port.*`` / ``*.nic``) before the VSI/netdev ones.
* bnxt: the port statistics (``rx_fcs_err_frames``, ``rx_stat_discard``, ``rx_good_frames`` ...).

Counter widths (``<name>_bits``), where known:
* mlx5: PPCNT/vport counters are 64-bit, except ``link_down_events_phy`` (32-bit PPCNT field);
  software ring counters are u64 as well.
* bnxt: port statistics and extended port statistics are 64-bit hardware counters.
* ice: the driver accumulates the 32/40-bit registers into u64 (ice_stat_update32/40): 64.
* i40e: the driver does NOT accumulate: port byte/packet counters wrap at 48 bits
  (i40e_stat_update48) and error/discard counters at 32 bits (i40e_stat_update32).
* anything else: unknown (None).
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register

# one counter line: optional bnxt ring prefix "[N]: ", a name without colon, a non-negative integer
_LINE = re.compile(r"^\s*(?:\[(?P<ring>\d+)\]:\s*)?(?P<name>[^:\s][^:]*?)\s*:\s*(?P<val>\d+)\s*$")
_HEADER = re.compile(r"^\s*(?:NIC statistics|Standard stats for (?P<port>\S+?))\s*:\s*$")
_HEADERLESS_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
_MLX5_LANE = re.compile(r"^rx_err_lane_(\d+)_phy$")
_I40E_QUEUE = re.compile(r"^(?:rx|tx)-\d+\.")
_QUEUE_N = re.compile(r"^(?:rx|tx)_queue_\d+_")

# canonical counter -> ordered candidates. A candidate is a name, or a tuple of names to add up
# (the first name must be printed; the others are added when printed: filtered outputs omit zeros).
_CANDIDATES: dict[str, tuple] = {
    "rx_bytes": ("rx_bytes_phy",
                 ("rx_vport_unicast_bytes", "rx_vport_multicast_bytes", "rx_vport_broadcast_bytes"),
                 "port.rx_bytes", "rx_bytes.nic", "rx_bytes", "eth-mac-OctetsReceivedOK"),
    "tx_bytes": ("tx_bytes_phy",
                 ("tx_vport_unicast_bytes", "tx_vport_multicast_bytes", "tx_vport_broadcast_bytes"),
                 "port.tx_bytes", "tx_bytes.nic", "tx_bytes", "eth-mac-OctetsTransmittedOK"),
    "rx_packets": ("rx_packets_phy",
                   ("rx_vport_unicast_packets", "rx_vport_multicast_packets", "rx_vport_broadcast_packets"),
                   ("port.rx_unicast", "port.rx_multicast", "port.rx_broadcast"),
                   ("rx_unicast.nic", "rx_multicast.nic", "rx_broadcast.nic"),
                   "rx_good_frames", "rx_packets", "eth-mac-FramesReceivedOK"),
    "tx_packets": ("tx_packets_phy",
                   ("tx_vport_unicast_packets", "tx_vport_multicast_packets", "tx_vport_broadcast_packets"),
                   ("port.tx_unicast", "port.tx_multicast", "port.tx_broadcast"),
                   ("tx_unicast.nic", "tx_multicast.nic", "tx_broadcast.nic"),
                   "tx_good_frames", "tx_packets", "eth-mac-FramesTransmittedOK"),
    "rx_crc_errors": ("rx_crc_errors_phy", "port.rx_crc_errors", "rx_crc_errors.nic",
                      "rx_fcs_err_frames", "rx_crc_errors", "eth-mac-FrameCheckSequenceErrors"),
    "rx_errors": ("rx_stat_err", "rx_errors"),
    "tx_errors": ("tx_errors_phy", "port.tx_errors", "tx_errors.nic", "tx_stat_error", "tx_errors"),
    "rx_discards": ("rx_discards_phy", "port.rx_dropped", "rx_dropped.nic", "rx_stat_discard",
                    "rx_dropped"),
    "tx_discards": ("tx_discards_phy", "tx_stat_discard", "tx_dropped"),
    "symbol_errors": ("rx_symbol_err_phy", "rx_pcs_symbol_err_phy", "rx_pcs_symbol_err",
                      "eth-phy-SymbolErrorDuringCarrier"),
    "fec_corrected_bits": ("rx_corrected_bits_phy", "rx_corrected_bits"),
    # bnxt names; the others are harmless alternatives should a driver print them
    "fec_corrected_cw": ("rx_fec_corrected_blocks", "rx_fec_corrected_blocks_phy", "fec_corrected_blocks"),
    "fec_uncorrectable_cw": ("rx_fec_uncorrectable_blocks", "rx_fec_uncorrectable_blocks_phy",
                             "fec_uncorrectable_blocks"),
    "link_down_events": ("link_down_events_phy", "link_down_events"),
}

# i40e register widths (see module docstring)
_I40E_BITS = {
    "port.rx_bytes": 48, "port.tx_bytes": 48,
    "port.rx_unicast": 48, "port.tx_unicast": 48,
    "port.rx_crc_errors": 32, "port.tx_errors": 32, "port.rx_dropped": 32,
    "rx_crc_errors": 32,
}


_DRIVER_OF: dict[tuple, str | None] = {}


def _driver(names: dict[str, int]) -> str | None:
    """Guess the driver family from counter names (only used for counter widths). A fleet's NICs
    print a few distinct name lists: each is judged once."""
    key = tuple(names)
    got = _DRIVER_OF.get(key, _DRIVER_OF)
    if got is _DRIVER_OF:
        got = _driver_of(key)
        if len(_DRIVER_OF) < 1024:
            _DRIVER_OF[key] = got
    return got


def _driver_of(names) -> str | None:
    has_nic = has_port = has_i40e_q = has_queue_n = False
    for n in names:
        if n.endswith("_phy") or n.startswith("rx_vport_") or n.startswith("tx_vport_"):
            return "mlx5"
        if n in ("rx_fcs_err_frames", "rx_stat_discard", "rx_good_frames", "rx_pcs_symbol_err"):
            return "bnxt"
        if n.endswith(".nic"):
            has_nic = True
        elif n.startswith("port."):
            has_port = True
        if _I40E_QUEUE.match(n) or n.startswith("veb."):
            has_i40e_q = True
        elif _QUEUE_N.match(n):
            has_queue_n = True
    if has_nic:
        return "ice"
    if has_port and has_i40e_q:
        return "i40e"
    if has_port and has_queue_n:
        return "ice"
    return None


def _bits(driver: str | None, canonical: str, source: str) -> int | None:
    if driver == "mlx5":
        return 32 if source == "link_down_events_phy" else 64
    if driver in ("bnxt", "ice"):
        return 64
    if driver == "i40e":
        if source in _I40E_BITS:
            return _I40E_BITS[source]
        if source in ("rx_bytes", "tx_bytes", "rx_packets", "tx_packets"):
            return 64  # netdev totals summed from the software ring counters
        return None
    return None


def _scan(text: str) -> tuple[dict[str, int], str | None, int, int]:
    """(counters by name, port from a 'Standard stats for' header, counter lines, other lines)."""
    values: dict[str, int] = {}
    port = None
    good = other = 0
    for line in text.splitlines():
        # the common line, 'name: 123' (one ':', no ring): what _LINE reads, by str methods
        before, sep, after = line.partition(":")
        if sep and "[" not in before and ":" not in after:
            name, val = before.strip(), after.strip()
            if name and val.isdigit() and val.isascii():
                good += 1
                values.setdefault(name, int(val))
                continue
        if not line.strip():
            continue
        m = _LINE.match(line)
        if m:
            good += 1
            if m.group("ring") is None:  # bnxt per-ring counters are not port totals
                values.setdefault(m.group("name"), int(m.group("val")))
            continue
        h = _HEADER.match(line)
        if h:
            if h.group("port") and port is None:
                port = h.group("port")
            continue
        other += 1
    return values, port, good, other


def _looks_like(text: str) -> bool:
    head = text[:20000]
    lines = [ln for ln in head.splitlines() if ln.strip()][:400]
    if not lines:
        return False
    for ln in lines[:5]:
        if _HEADER.match(ln):
            return any(_LINE.match(x) for x in lines[1:50])
    # headerless 'name: value' form: (nearly) every line a counter with an identifier-like name
    good = 0
    underscored = False
    for ln in lines:
        m = _LINE.match(ln)
        if not m:
            continue
        name = m.group("name")
        if m.group("ring") is None and not _HEADERLESS_NAME.match(name):
            continue
        good += 1
        if "_" in name:
            underscored = True
    return good >= 3 and underscored and good >= 0.9 * len(lines)


_LANE_OF: dict = {}


@register("ethtool-stats", tables=("counters", "lanes"), detect=_looks_like, priority=60,
          description="ethtool -S IFACE: NIC driver statistics (mlx5, ice, i40e, bnxt, generic names)")
def parse_ethtool_stats(text: str, ctx: Context) -> Tables:
    values, port, good, other = _scan(text)
    if not good:
        raise ParseError("no 'name: value' counter lines: not ethtool -S output", line=1,
                         text=text.strip().splitlines()[0] if text.strip() else None)
    plan = _PLANS.get(tuple(values))
    if plan is None:
        plan = _plan(values)
        if len(_PLANS) < 1024:
            _PLANS[tuple(values)] = plan
    picks, lane_names = plan
    row: dict = {}
    for canonical, src, bits_col, bits in picks:
        row[canonical] = values[src] if type(src) is str else sum(values[n] for n in src)
        if bits_col is not None:
            row[bits_col] = bits
    lanes = [{"lane": lane, "raw_errors": values[name]} for name, lane in lane_names]
    if port is not None:
        row["port"] = port
        for r in lanes:
            r["port"] = port
    out: Tables = {}
    if any(k != "port" for k in row):
        out["counters"] = [row]
    if lanes:
        out["lanes"] = sorted(lanes, key=lambda r: r["lane"])
    return out


#: counter names as printed (in order) -> what parse_ethtool_stats takes from them: a fleet's NICs
#: print a few distinct name lists, each worked out once
_PLANS: dict[tuple, tuple] = {}


def _plan(values: dict[str, int]) -> tuple[list[tuple], list[tuple[str, int]]]:
    """([(canonical, source name or names to add up, its _bits column or None, bits)],
    [(counter name, lane)]) for a set of printed counter names."""
    driver = _driver(values)
    picks = []
    for canonical, cands in _CANDIDATES.items():
        for cand in cands:
            if isinstance(cand, tuple):
                if cand[0] not in values:
                    continue
                src, take = cand[0], tuple(n for n in cand if n in values)
            elif cand in values:
                src = take = cand
            else:
                continue
            b = _bits(driver, canonical, src)
            picks.append((canonical, take, None if b is None else f"{canonical}_bits", b))
            break
    lanes = []
    for name in values:
        lane = _LANE_OF.get(name, _LANE_OF)
        if lane is _LANE_OF:  # counter names repeat on every NIC of a fleet: matched once each
            m = _MLX5_LANE.match(name)
            lane = int(m.group(1)) + 1 if m else None  # mlx5 numbers lanes from 0
            if len(_LANE_OF) < 50000:
                _LANE_OF[name] = lane
        if lane is not None:
            lanes.append((name, lane))
    return picks, lanes
