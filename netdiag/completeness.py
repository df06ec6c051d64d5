"""Complete or cut? Per-format checks on a command's raw output (docs/completeness.md).

A parser reads what it is given; an output cut short (a capped or interrupted collection, a
truncated file) parses into fewer rows, or into a module whose own thresholds are missing, and the
analysis would then silently lose a finding or judge the module by the packaged fallbacks. These
checks look for what a complete output of the format always has, from outside the parsers:

- ``ethtool -m`` (text): the last line ends with a newline; the vendor block is there (every
  SFF-8079/8472, SFF-8636 and CMIS decoder prints ``Vendor SN``); a module with optical
  diagnostics prints ``Alarm/warning flags implemented`` (SFF-8472/8636) and, when its DOM lanes
  are printed and it implements flags (or is CMIS), all 20 threshold lines; each lane list (bias,
  Tx power, Rx power) has the same channels.
- SONiC ``show interfaces transceiver eeprom --dom`` (one output for all ports): each port's
  section with monitor values has its threshold values, and the output ends with a newline; only
  the ports whose section is cut are incomplete, the others are kept.

- any other text format: the output ends with a newline (a cut last line could turn a counter of
  1234 into 12); JSON formats are left to their parsers, which reject a cut document.

An incomplete output (or port of it) is not analysed: its rows are left out, and so are the module
and lane rows other outputs of the device give for that port (its optics are unknown: never judged
by packaged thresholds in place of its own); ingest reports it with the reason under "Could not tell" (the sweep's status is UNKNOWN unless something worse is
found). Unknown is not bad, and a cut output is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Incomplete:
    why: str
    port: str | None = None    # None: the whole output


_THR = re.compile(r"^[ \t]*(?:Laser bias current|Laser output power|Module temperature|Module voltage|Laser rx power) "
                  r"(?:high|low) (?:alarm|warning) threshold[ \t]*:", re.M)
_BIAS = re.compile(r"^[ \t]*Laser tx bias current \((?:Channel|Chan|Lane) (\d+)\)", re.M)
_TX = re.compile(r"^[ \t]*Transmit avg optical power \((?:Channel|Chan|Lane) (\d+)\)", re.M)
_RX = re.compile(r"^[ \t]*Rcvr signal avg optical power ?\((?:Channel|Chan|Lane) (\d+)\)", re.M)
_FLAGS = re.compile(r"^[ \t]*Alarm/warning flags implemented[ \t]*:[ \t]*(\w+)", re.M)
_IDENT = re.compile(r"^[ \t]*Identifier[ \t]*:[ \t]*(0x[0-9a-fA-F]+)", re.M)
#: SFF-8024 identifiers decoded by ethtool's CMIS code (QSFP-DD, OSFP, DSFP, QSFP+ CMIS, SFP-DD...)
_CMIS_IDS = {0x18, 0x19, 0x1b, 0x1e, 0x1f, 0x20}


def _cut(text: str) -> str:
    last = text.rstrip("\n").rsplit("\n", 1)[-1].strip()
    return f"output ends mid-line after {len(text.encode())} bytes (last line {last[:60]!r}): cut short"


def ethtool_module(text: str) -> list[Incomplete]:
    """`ethtool -m IFACE` (text): see the module doc."""
    if not text.strip():
        return []
    if not text.endswith("\n"):
        return [Incomplete(_cut(text))]
    ident = _IDENT.search(text)
    if ident is None:
        return []   # not a module dump the checks know (e.g. an error text); the parser decides
    if "Vendor SN" not in text:
        return [Incomplete("output ends before the vendor block is complete (no 'Vendor SN' line): cut short")]
    lanes = [sorted(set(rx.findall(text)), key=int) for rx in (_BIAS, _TX, _RX)]
    if any(lanes) and not (lanes[0] == lanes[1] == lanes[2]):
        return [Incomplete(f"lane lists differ (bias channels {','.join(lanes[0]) or '-'}, Tx "
                           f"{','.join(lanes[1]) or '-'}, Rx {','.join(lanes[2]) or '-'}): output cut in its DOM block")]
    flags = _FLAGS.search(text)
    cmis = int(ident.group(1), 16) in _CMIS_IDS
    if not cmis and flags is None and "Module temperature" in text:   # SFF-8472/8636 print it after the voltage
        return [Incomplete("module reports diagnostics but no 'Alarm/warning flags implemented' line: cut short")]
    n = len(_THR.findall(text))
    if 0 < n < 20:
        return [Incomplete(f"threshold block incomplete ({n} of 20 threshold lines): output cut; "
                           "its own thresholds unknown, packaged ones not used instead")]
    wants = (flags is not None and flags.group(1).lower() == "yes") or (cmis and any(lanes) and _has_light(text))
    if n == 0 and wants and any(lanes):
        return [Incomplete("module reports diagnostics with alarm/warning flags but no threshold block: output cut "
                           "before it; its own thresholds unknown, packaged ones not used instead")]
    return []


def _has_light(text: str) -> bool:
    """A CMIS dump whose optical power lanes carry values (a passive DAC prints none)."""
    return bool(re.search(r"optical power ?\((?:Channel|Chan|Lane) \d+\)[ \t]*:[ \t]*[0-9.]+ mW", text))


_SONIC_PORT = re.compile(r"^(\S+): SFP EEPROM (detected|not detected|is not applicable)", re.M)


def sonic_transceiver_eeprom(text: str) -> list[Incomplete]:
    """`show interfaces transceiver eeprom --dom` (all ports): the ports whose section is cut."""
    if not text.strip():
        return []
    heads = list(_SONIC_PORT.finditer(text))
    out = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        sec = text[m.start():end]
        last = i + 1 == len(heads)
        if last and not text.endswith("\n"):
            out.append(Incomplete(_cut(text) + "; any port after it is missing from the output", m.group(1)))
        elif m.group(2) == "detected" and "ChannelMonitorValues:" in sec and "ChannelThresholdValues:" not in sec:
            out.append(Incomplete("port section has monitor values but no ChannelThresholdValues: output cut; its own "
                                  "thresholds unknown, packaged ones not used instead",
                                  m.group(1)))
        elif last and m.group(2) == "detected" and "Vendor SN" not in sec:
            out.append(Incomplete("last port section ends before its vendor block: output cut", m.group(1)))
    if not heads and not text.endswith("\n"):
        out.append(Incomplete(_cut(text)))
    return out


CHECKS = {"ethtool-module": ethtool_module, "sonic-transceiver-eeprom": sonic_transceiver_eeprom}


def ends_mid_line(text: str) -> list[Incomplete]:
    """Any other text format: a command's output ends with a newline; one that does not was cut in
    its last line (a counter cut from '1234' to '12' would be read as 12). JSON is left to its
    parser, which rejects a cut document."""
    head = text.lstrip()[:1]
    if not text.strip() or text.endswith("\n") or head in ("{", "["):
        return []
    return [Incomplete(_cut(text))]


def check(fmt: str | None, data: bytes) -> list[Incomplete]:
    """What is incomplete in one output of format `fmt` ([] when complete)."""
    if not data:
        return []
    text = data.decode("utf-8", "replace") if isinstance(data, (bytes, bytearray)) else data
    fn = CHECKS.get(fmt or "")
    if fn is None:
        return [] if "json" in (fmt or "") else ends_mid_line(text)
    return fn(text)


def drop_ports(tables: dict, ports: set[str], only: tuple[str, ...] | None = None) -> dict:
    """A parsed output's tables without the rows of `ports` (rows, column dicts or DataFrames); only
    in the tables `only` when given."""
    out = {}
    for t, v in tables.items():
        if only is not None and t not in only:
            out[t] = v
        elif isinstance(v, pd.DataFrame):
            v = v[~v["port"].isin(ports)] if "port" in v.columns else v
            if len(v):
                out[t] = v
        elif isinstance(v, dict):
            col = v.get("port")
            if col is None:
                out[t] = v
                continue
            keep = [i for i, p in enumerate(col) if p not in ports]
            if keep:
                out[t] = {k: [c[i] for i in keep] for k, c in v.items()}
        else:
            rows = [r for r in v if r.get("port") not in ports]
            if rows:
                out[t] = rows
    return out
