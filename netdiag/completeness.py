"""Complete or cut? Per-format checks on a command's raw output (docs/completeness.md).

A parser reads what it is given; an output cut short (a capped or interrupted collection, a
truncated file) parses into fewer rows, or into a module whose own thresholds are missing, and the
analysis would then silently lose a finding or judge the module by the packaged fallbacks. These
checks look for what a complete output of the format always has, from outside the parsers:

- ``ethtool -m`` (text): the last line is not cut (see below); the vendor block is there (every
  SFF-8079/8472, SFF-8636 and CMIS decoder prints ``Vendor SN``); an SFF-8472/8636 module with
  optical diagnostics prints ``Alarm/warning flags implemented`` and, when it implements them, all
  20 threshold lines (a CMIS module without thresholds is not taken as cut: whether ethtool prints
  them depends on the module and the ethtool version); each lane list (bias, Tx power, Rx power)
  has the same channels.
- SONiC ``show interfaces transceiver eeprom --dom`` (one output for all ports): each port's
  section with monitor values has its threshold values, and the last line is not cut; only the
  ports whose section is cut are incomplete, the others are kept.

- any other text format: the last line is not cut. An output without a final newline is cut when
  its last line is a fragment without `label: value` shape or stops in a number (a counter of 1234
  cut to 12); a last line ending in a word or unit is taken as complete. JSON formats are left to
  their parsers, which reject a cut document.

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


# Each pattern starts with its literal phrase (the regex engine then skips to it fast) and a
# match counts only when the phrase begins its line, after blanks (_at_line_start).
_THR = (re.compile(r"Laser (?:bias current|output power|rx power) (?:high|low) (?:alarm|warning) threshold[ \t]*:"),
        re.compile(r"Module (?:temperature|voltage) (?:high|low) (?:alarm|warning) threshold[ \t]*:"))
_BIAS = re.compile(r"Laser tx bias current \((?:Channel|Chan|Lane) (\d+)\)")
_TX = re.compile(r"Transmit avg optical power \((?:Channel|Chan|Lane) (\d+)\)")
_RX = re.compile(r"Rcvr signal avg optical power ?\((?:Channel|Chan|Lane) (\d+)\)")
_FLAGS = re.compile(r"Alarm/warning flags implemented[ \t]*:[ \t]*(\w+)")
_IDENT = re.compile(r"Identifier[ \t]*:[ \t]*(0x[0-9a-fA-F]+)")


def _at_line_start(text: str, pos: int) -> bool:
    """Only blanks between the start of pos's line and pos."""
    return not text[text.rfind("\n", 0, pos) + 1:pos].strip(" \t")


def _line_matches(rx: re.Pattern, text: str) -> list[re.Match]:
    """rx's matches that begin a line (after blanks), as `^[ \\t]*rx` with re.M would find them."""
    return [m for m in rx.finditer(text) if _at_line_start(text, m.start())]


def _first_line_match(rx: re.Pattern, text: str) -> re.Match | None:
    return next((m for m in rx.finditer(text) if _at_line_start(text, m.start())), None)


#: SFF-8024 identifiers decoded by ethtool's CMIS code (QSFP-DD, OSFP, DSFP, QSFP+ CMIS, SFP-DD...)
_CMIS_IDS = {0x18, 0x19, 0x1b, 0x1e, 0x1f, 0x20}


def _cut(text: str) -> str:
    last = text.rstrip("\n").rsplit("\n", 1)[-1].strip()
    return f"output ends mid-line after {len(text.encode())} bytes (last line {last[:60]!r}): cut short"


def _last_line_cut(text: str) -> bool:
    """Does an output without a final newline end inside a line? Some tools and files end without
    one, so that alone is not a cut: the last line must look incomplete -- a fragment with no
    `label: value` shape, or a value that stops in a number (a counter cut from 1234 to 12, a
    reading cut before its unit; a complete last line could end so too, and is then reported as
    possibly cut rather than trusted)."""
    if text.endswith("\n"):
        return False
    last = text.rsplit("\n", 1)[-1].strip()
    if not last:
        return False
    if ":" not in last:
        return True
    value = last.partition(":")[2].strip()
    return not value or value[-1] in "0123456789.-+/"


def ethtool_module(text: str) -> list[Incomplete]:
    """`ethtool -m IFACE` (text): see the module doc."""
    if not text.strip():
        return []
    if _last_line_cut(text):
        return [Incomplete(_cut(text))]
    ident = _first_line_match(_IDENT, text)
    if ident is None:
        return []   # not a module dump the checks know (e.g. an error text); the parser decides
    if "Vendor SN" not in text:
        return [Incomplete("output ends before the vendor block is complete (no 'Vendor SN' line): cut short")]
    lanes = [sorted({m.group(1) for m in _line_matches(rx, text)}, key=int) for rx in (_BIAS, _TX, _RX)]
    if any(lanes) and not (lanes[0] == lanes[1] == lanes[2]):
        return [Incomplete(f"lane lists differ (bias channels {','.join(lanes[0]) or '-'}, Tx "
                           f"{','.join(lanes[1]) or '-'}, Rx {','.join(lanes[2]) or '-'}): output cut in its DOM block")]
    flags = _first_line_match(_FLAGS, text)
    cmis = int(ident.group(1), 16) in _CMIS_IDS
    if not cmis and flags is None and "Module temperature" in text:   # SFF-8472/8636 print it after the voltage
        return [Incomplete("module reports diagnostics but no 'Alarm/warning flags implemented' line: cut short")]
    n = sum(len(_line_matches(rx, text)) for rx in _THR)
    if 0 < n < 20:
        return [Incomplete(f"threshold block incomplete ({n} of 20 threshold lines): output cut; "
                           "its own thresholds unknown, packaged ones not used instead")]
    # SFF-8472/8636: ethtool prints the thresholds whenever the module says it implements alarm and
    # warning flags, so flags without thresholds is a cut. CMIS: whether thresholds are printed
    # depends on the module (page 02h) and the ethtool version, so their absence alone is not a cut.
    wants = flags is not None and flags.group(1).lower() == "yes"
    if n == 0 and wants and any(lanes):
        return [Incomplete("module reports diagnostics with alarm/warning flags but no threshold block: output cut "
                           "before it; its own thresholds unknown, packaged ones not used instead")]
    return []


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
        if last and _last_line_cut(text):
            out.append(Incomplete(_cut(text) + "; any port after it is missing from the output", m.group(1)))
        elif m.group(2) == "detected" and "ChannelMonitorValues:" in sec and "ChannelThresholdValues:" not in sec:
            out.append(Incomplete("port section has monitor values but no ChannelThresholdValues: output cut; its own "
                                  "thresholds unknown, packaged ones not used instead",
                                  m.group(1)))
        elif last and m.group(2) == "detected" and "Vendor SN" not in sec:
            out.append(Incomplete("last port section ends before its vendor block: output cut", m.group(1)))
    if not heads and _last_line_cut(text):
        out.append(Incomplete(_cut(text)))
    return out


CHECKS = {"ethtool-module": ethtool_module, "sonic-transceiver-eeprom": sonic_transceiver_eeprom}


def ends_mid_line(text: str) -> list[Incomplete]:
    """Any other text format: a command's output ends with a newline; one that does not was cut in
    its last line (a counter cut from '1234' to '12' would be read as 12). JSON is left to its
    parser, which rejects a cut document."""
    head = text.lstrip()[:1]
    if not text.strip() or head in ("{", "[") or not _last_line_cut(text):
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
