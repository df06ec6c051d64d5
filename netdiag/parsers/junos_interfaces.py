"""Junos `show interfaces extensive` (physical interfaces): link state, speed, errors, FEC.

Per physical interface::

    Physical interface: et-0/0/0, Enabled, Physical link is Up
      Link-level type: Ethernet, MTU: 9192, LAN-PHY mode, Speed: 100Gbps, ...
      Current address: 54:4b:8c:aa:01:00, Hardware address: 54:4b:8c:aa:01:00
      Traffic statistics:
       Input  bytes  :          1234567890                 0 bps
       Input  packets:             1234567                 0 pps
      Input errors:
        Errors: 0, Drops: 0, Framing errors: 0, Runts: 0, ...
      Output errors:
        Carrier transitions: 3, Errors: 0, Drops: 0, ...
      MAC statistics:                      Receive         Transmit
        CRC/Align errors                       0                0
      Ethernet FEC statistics              Errors
        FEC Corrected Errors                   0
        FEC Uncorrected Errors                 0
      Logical interface et-0/0/0.0 ...        <- logical units: not read

Rows: ports (admin_up from Enabled / Administratively down, oper_up from "Physical link is Up",
speed_gbps, mtu, mac, carrier_changes) and counters (rx/tx bytes and packets, rx_errors, rx_discards,
tx_errors, tx_discards, rx_crc_errors = MAC CRC/Align errors received, fec_corrected_cw /
fec_uncorrectable_cw = FEC Corrected / Uncorrected Errors (Junos counts codewords), fec = Ethernet FEC Mode
(FEC91 rs528, FEC119 rs544, FEC74 fc, NONE none), link_down_events =
half the carrier transitions, rounded up). Only front-panel Ethernet interfaces (et-, xe-, ge-, mge-,
fte-) are rows; aggregates, loopbacks and internal interfaces have no cable. Counters are 64-bit.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register

_PHYS = re.compile(r"^Physical interface:\s*(\S+?),\s*(Enabled|Administratively down|Disabled)\s*,\s*"
                   r"Physical link is (Up|Down)", re.IGNORECASE)
_FRONT = re.compile(r"^(?:et|xe|ge|mge|fte)-\d+/\d+/\d+(?::\d+)?$")
_PAIR = re.compile(r"([A-Za-z][A-Za-z /]*?):\s*(\d+)")
_SPEED = re.compile(r"Speed:\s*(\d+(?:\.\d+)?)\s*([GMK])bps", re.IGNORECASE)


_JUNOS_FEC = {"FEC91": "rs528", "FEC119": "rs544", "FEC108": "rs528", "FEC74": "fc", "NONE": "none"}


def _looks(text: str) -> bool:
    head = text[:8000]
    return _PHYS.search(head.split("\n", 1)[0]) is not None or (
        re.search(r"(?m)^Physical interface:\s*\S+,\s*(?:Enabled|Administratively down)", head) is not None
        and ("Input errors:" in text[:40000] or "Traffic statistics:" in text[:40000]))


def _set(cnt: dict, col: str, n: int) -> None:
    cnt[col] = n
    cnt[f"{col}_bits"] = 64


@register("junos-interfaces-extensive", tables=("ports", "counters"), detect=_looks, priority=40,
          description="Junos show interfaces extensive: link state, speed, input/output errors, CRC, FEC codewords")
def parse_junos_interfaces(text: str, ctx: Context) -> Tables:
    ports, counters = [], []
    cur = cnt = None
    section = None
    blocks = 0
    for i, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s:
            continue
        if line.startswith("Physical interface:"):
            blocks += 1
            m = _PHYS.match(line)
            if not m:
                raise ParseError("unreadable 'Physical interface:' line", line=i, text=s)
            name = m.group(1)
            if _FRONT.match(name):
                cur = {"port": name, "admin_up": m.group(2).lower() == "enabled",
                       "oper_up": m.group(3).lower() == "up"}
                cnt = {"port": name}
                ports.append(cur)
                counters.append(cnt)
            else:
                cur = cnt = None
            section = None
            continue
        if cur is None:
            continue
        if s.startswith("Logical interface"):
            cur = cnt = None
            continue
        if s.startswith("Link-level type:"):
            mm = re.search(r"MTU:\s*(\d+)", s)
            if mm:
                cur["mtu"] = int(mm.group(1))
            sm = _SPEED.search(s)
            if sm and cur["oper_up"]:
                cur["speed_gbps"] = float(sm.group(1)) * {"G": 1.0, "M": 1e-3, "K": 1e-6}[sm.group(2).upper()]
            continue
        if s.startswith("Current address:"):
            mm = re.match(r"Current address:\s*([0-9a-fA-F:]{17})", s)
            if mm:
                cur["mac"] = mm.group(1).lower()
            continue
        if s in ("Input errors:", "Output errors:"):
            section = s[:-1].lower()
            continue
        if s.endswith(":") or "statistics" in s.lower():
            section = None
        tm = re.match(r"^(Input|Output)\s+(bytes|packets)\s*:\s*(\d+)", s)
        if tm:
            col = ("rx_" if tm.group(1) == "Input" else "tx_") + tm.group(2)
            _set(cnt, col, int(tm.group(3)))
            continue
        if section is not None:
            pairs = {k.strip().lower(): int(v) for k, v in _PAIR.findall(s)}
            pre = "rx_" if section == "input errors" else "tx_"
            if "errors" in pairs:
                _set(cnt, pre + "errors", pairs["errors"])
            if "drops" in pairs:
                _set(cnt, pre + "discards", pairs["drops"])
            if "carrier transitions" in pairs:
                n = pairs["carrier transitions"]
                cur["carrier_changes"] = n
                _set(cnt, "link_down_events", (n + 1) // 2)
            continue
        mm = re.match(r"^CRC/Align errors\s+(\d+)\s+(\d+)", s)
        if mm:
            _set(cnt, "rx_crc_errors", int(mm.group(1)))
            continue
        mm = re.match(r"^Ethernet FEC Mode\s*:\s*(\S+)", s)
        if mm and cur is not None:
            # FEC91 = RS(528,514) (IEEE 802.3 cl. 91), FEC119 = RS(544,514) (cl. 119), FEC74 = BASE-R
            cur["fec"] = _JUNOS_FEC.get(mm.group(1).upper(), mm.group(1).lower())
            continue
        mm = re.match(r"^FEC (Corrected|Uncorrected) Errors\s+(\d+)\s*$", s)
        if mm:
            _set(cnt, "fec_corrected_cw" if mm.group(1) == "Corrected" else "fec_uncorrectable_cw", int(mm.group(2)))
            continue
    if blocks == 0:
        raise ParseError("no 'Physical interface:' line: not Junos show interfaces output", line=1)
    return {"ports": ports, "counters": [c for c in counters if len(c) > 1]}
