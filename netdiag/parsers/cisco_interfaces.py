"""Cisco `show interface` (NX-OS) / `show interfaces` (IOS, IOS-XE): link state and error counters.

Both print one block per interface, starting at column 0::

    Ethernet1/1 is up                                         (NX-OS)
    admin state is up, Dedicated Interface
    GigabitEthernet1/0/1 is up, line protocol is up (connected)   (IOS)
    Ethernet1/54 is down (XCVR not inserted)
    TenGigabitEthernet1/1/1 is administratively down, line protocol is down (disabled)

followed by indented lines: ``MTU 9216 bytes``, ``address: 9088.555f.3250`` / ``address is ...``,
``full-duplex, 100 Gb/s`` / ``Full-duplex, 100Gb/s``, and counter phrases ``N CRC``, ``N input
error(s)``, ``N output error(s)``, ``N input discard``, ``N output discard``, ``N interface resets``,
``N carrier transitions``, ``N input packets  N bytes``, ``N output packets  N bytes``.

Rows: ports (admin_up, oper_up, speed_gbps, mtu, mac) and counters (rx_crc_errors, rx_errors,
tx_errors, rx_discards, tx_discards, rx/tx packets and bytes; link_down_events from ``carrier
transitions`` where printed — IOS counts each up and each down, so half of it, rounded up;
rx_crc_errors without NX-OS's ``N Stomped CRC``, frames an upstream cut-through switch already
corrupted and forwarded with a stomped CRC, which are not this link's errors). Logical
interfaces (port-channel, Vlan, loopback, tunnel, nve, mgmt) are skipped: they have no cable.
Counters are 64-bit (`_bits` 64). A block whose state line cannot be read is a ParseError.
"""

from __future__ import annotations

import re

from netdiag.parsers import Context, ParseError, Tables, register

_HEAD = re.compile(
    r"^(?P<port>[A-Za-z][A-Za-z-]*\d[\w/.:]*) is (?P<state>administratively down|up|down)"
    r"(?:\s*\((?P<why>[^)]*)\))?(?:, line protocol is (?P<proto>up|down))?")
_LOGICAL = re.compile(r"^(?:port-channel|Port-channel|Vlan|loopback|Loopback|Tunnel|tunnel|nve|mgmt|Null|"
                      r"Bluetooth|AppGigabitEthernet|Virtual|BDI|Po\d)", re.IGNORECASE)
_ADMIN = re.compile(r"^\s*admin state is (up|down)", re.IGNORECASE)
_MTU = re.compile(r"\bMTU (\d+) bytes")
_MAC = re.compile(r"address(?: is|:)\s+([0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4})")
_SPEED = re.compile(r"(?:^|,)\s*(\d+(?:\.\d+)?)\s*([GMK])b/s", re.IGNORECASE)
_COUNT = re.compile(r"(\d+) (CRC|Stomped CRC|input errors?|output errors?|input discard|output discard|interface resets|"
                    r"carrier transitions)\b")
#: 'N input packets  N bytes' (NX-OS) / 'N packets input, N bytes' (IOS)
_TRAFFIC = re.compile(r"^\s*(\d+) (?:(input|output) packets|packets (input|output)),?\s+(\d+) bytes\b")

_COL = {"crc": "rx_crc_errors", "input error": "rx_errors", "input errors": "rx_errors",
        "output error": "tx_errors", "output errors": "tx_errors", "input discard": "rx_discards",
        "output discard": "tx_discards"}


def _looks(text: str) -> bool:
    head = text[:6000]
    return re.search(r"(?m)^[A-Za-z][A-Za-z-]*\d[\w/.:]* is (?:administratively down|up|down)", head) is not None \
        and re.search(r"\bMTU \d+ bytes", head) is not None and re.search(r"\d+ (?:CRC|input errors?)\b", text[:20000]) is not None


@register("cisco-interfaces", tables=("ports", "counters"), detect=_looks, priority=45,
          description="Cisco NX-OS show interface / IOS-XE show interfaces: link state, speed, MTU, CRC and error counters")
def parse_cisco_interfaces(text: str, ctx: Context) -> Tables:
    ports, counters = [], []
    cur: dict | None = None
    cnt: dict | None = None
    blocks = 0

    def finish():
        if cur is not None:
            ports.append(cur)
            stomped = cnt.pop("_stomped", None) if cnt else None
            if stomped:
                # NX-OS 'Stomped CRC': frames that arrived with a CRC an upstream cut-through switch
                # stomped (corrupted before this link), counted in CRC: not this link's errors
                if cnt.get("rx_crc_errors") is not None:
                    cnt["rx_crc_errors"] = max(cnt["rx_crc_errors"] - stomped, 0)
            if cnt and len(cnt) > 1:
                counters.append(cnt)

    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if not line[0].isspace():
            m = _HEAD.match(line)
            if m:
                finish()
                blocks += 1
                port = m.group("port")
                if _LOGICAL.match(port):
                    cur, cnt = None, None
                    continue
                state = m.group("state")
                cur = {"port": port, "oper_up": state == "up"}
                if m.group("proto") is not None:
                    cur["oper_up"] = state == "up" and m.group("proto") == "up"
                if state == "administratively down" or (m.group("why") or "").lower().startswith("administratively"):
                    cur["admin_up"] = False
                elif m.group("proto") is not None:
                    cur["admin_up"] = True
                cnt = {"port": port}
                continue
            am = _ADMIN.match(line)  # NX-OS: 'admin state is up, Dedicated Interface' (column 0)
            if am and cur is not None:
                cur["admin_up"] = am.group(1).lower() == "up"
            continue
        if cur is None:
            continue
        mm = _MTU.search(line)
        if mm:
            cur["mtu"] = int(mm.group(1))
        mm = _MAC.search(line)
        if mm and "bia" in line:
            h = mm.group(1).replace(".", "").lower()
            cur["mac"] = ":".join(h[k:k + 2] for k in range(0, 12, 2))
        if "duplex" in line.lower() or "b/s" in line:
            sm = _SPEED.search(line)
            if sm and "BW" not in line:
                v = float(sm.group(1)) * {"G": 1.0, "M": 1e-3, "K": 1e-6}[sm.group(2).upper()]
                if cur.get("oper_up"):
                    cur["speed_gbps"] = v
        tm = _TRAFFIC.match(line)
        if tm:
            d = "rx" if (tm.group(2) or tm.group(3)) == "input" else "tx"
            cnt[f"{d}_packets"], cnt[f"{d}_packets_bits"] = int(tm.group(1)), 64
            cnt[f"{d}_bytes"], cnt[f"{d}_bytes_bits"] = int(tm.group(4)), 64
            continue
        for num, what in _COUNT.findall(line):
            n = int(num)
            w = what.lower()
            if w in _COL:
                col = _COL[w]
                if col in cnt:
                    continue  # a phrase printed twice never counts twice
                cnt[col] = n
                cnt[f"{col}_bits"] = 64
            elif w == "stomped crc":
                cnt.setdefault("_stomped", n)
            elif w == "carrier transitions":
                cur["carrier_changes"] = n
                cnt["link_down_events"] = (n + 1) // 2
    finish()
    if blocks == 0:
        raise ParseError("no '<interface> is up/down' line: not Cisco show interface(s) output", line=1)
    return {"ports": ports, "counters": counters}
