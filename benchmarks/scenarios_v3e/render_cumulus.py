"""NVIDIA Cumulus Linux 5.x (NVUE) text outputs: `nv show interface`, `nv show platform transceiver`,
`lldpctl -f json` (lldpd), and per port `nv show interface P link phy-detail`, `nv show interface P
counters errors`, `nv show platform transceiver P`, `nv show platform transceiver P channel`.
Layouts follow the NVUE command reference examples (column tables over dashed rules, indented
`key : value` trees, the phy-detail attribute table headed `operational`)."""

from __future__ import annotations

import math

from . import render_linux
from .model import LANES, Device, Port, mw


def _table(header: list[str], rows: list[list[str]]) -> str:
    w = [len(h) for h in header]
    for r in rows:
        for i, c in enumerate(r):
            w[i] = max(w[i], len(c))
    fmt = lambda r: "  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip()  # noqa: E731
    return "\n".join([fmt(header), "  ".join("-" * x for x in w)] + [fmt(r) for r in rows]) + "\n"


def interfaces(d: Device) -> str:
    rows = [["eth0", "up", "up", "1G", "1500", "eth", "oob-mgmt-switch", "swp12", "IP Address: 192.168.200.14/24"],
            ["lo", "up", "unknown", "", "65536", "loopback", "", "", "IP Address: 127.0.0.1/8"]]
    for p in d.ports.values():
        host = rport = ""
        if p.lldp and p.up:
            host, rport = p.lldp[0], p.lldp[3]
        rows.append([p.name, "up" if p.admin_up else "down", "up" if p.up else "down",
                     f"{p.speed}G" if p.up else "", "9216", "swp", host, rport, ""])
    return _table(["Interface", "Admin Status", "Oper Status", "Speed", "MTU", "Type", "Remote Host",
                   "Remote Port", "Summary"], rows)


def transceivers(d: Device) -> str:
    rows = []
    for p in d.ports.values():
        m = p.module
        if m is None:
            continue
        rows.append([p.name, "QSFP28", m.vendor, m.pn, m.serial, "A0"])
    return _table(["Transceiver", "Identifier", "Vendor name", "Vendor PN", "Vendor SN", "Vendor revision"], rows)


def _ber(x: float) -> str:
    if x <= 0:
        return "15E-255"
    e = math.floor(math.log10(x)) - 1
    return f"{round(x / 10 ** e)}E{e}"


def phy_detail(d: Device, p: Port) -> str:
    rate = p.speed * 1e9 * 1.03125
    bits = int(rate * d.uptime_s) if p.up else 0
    ber = sum(p.ber) / max(1, len(p.ber)) if p.up else 0.0
    rows = [("time-since-last-clear-min", str(int(d.uptime_s // 60))), ("phy-received-bits", str(bits)),
            ("symbol-errors", str(p.symbol_err)), ("effective-errors", str(p.fec_uncorr))]
    rows += [(f"phy-raw-errors-lane{i}", str(p.fec_corr_lane[i])) for i in range(LANES)]
    eff = p.fec_uncorr * 5280 / bits if bits and p.fec_uncorr else 0.0
    sym = p.symbol_err / bits if bits and p.symbol_err else 0.0
    rows += [("raw-ber", _ber(ber)), ("symbol-ber", _ber(sym)), ("effective-ber", _ber(eff))]
    per = p.ber if p.up else [0.0] * LANES
    if len(per) < LANES:
        per = list(per) + [0.0] * (LANES - len(per))
    rows += [(f"raw-ber-lane{i}", _ber(per[i]) if per[i] else "0") for i in range(LANES)]
    rows += [(f"rs-num-corr-err-bin{i}", str(p.hist[i])) for i in range(16)]
    L = ["                           operational ", "", "-------------------------  ---------------- "]
    L += [f"{k:<25}  {v} " for k, v in rows]
    return "\n".join(L) + "\n"


def counters_errors(p: Port) -> str:
    rows = [("Alignment Errors", "0", "n/a"), ("FCS Errors", str(p.crc), "n/a"), ("Jabber Errors", "0", "n/a"),
            ("Length Errors", "0", "n/a"), ("Oversize Errors", "0", "n/a"), ("Symbol Errors", str(p.symbol_err), "n/a"),
            ("Total Errors", str(p.crc + p.symbol_err), "0"), ("Undersize Errors", "0", "n/a")]
    L = ["Counter           Receive  Transmit", "----------------  -------  --------"]
    L += [f"{a:<16}  {b:<7}  {c:<8}" for a, b, c in rows]
    return "\n".join(L) + "\n"


def _kv(indent: int, k: str, v: str, w: int = 26) -> str:
    return f"{' ' * indent}{k:<{w - indent}}: {v} "


def transceiver(p: Port) -> str:
    m = p.module
    aoc = m.kind == "AOC"
    L = [_kv(0, "cable-type", "Active optical cable" if aoc else "Optical module"),
         _kv(0, "cable-length", "10m" if aoc else "0m"),
         _kv(0, "supported-cable-length", "0m om1, 0m om2, 70m om3" if not aoc else "0m om1, 0m om2, 0m om3"),
         _kv(0, "diagnostics-status", "Diagnostic Data Available"),
         _kv(0, "status", "plugged_enabled"), _kv(0, "error-status", "N/A"),
         _kv(0, "vendor-date-code", "230412"), _kv(0, "identifier", "QSFP28"), _kv(0, "vendor-rev", "A0"),
         _kv(0, "vendor-name", m.vendor), _kv(0, "vendor-oui", "00:02:c9"), _kv(0, "vendor-pn", m.pn),
         _kv(0, "vendor-sn", m.serial)]
    t = m.thr
    L.append("temperature:")
    L.append(_kv(2, "temperature", f"{m.temp:.2f} C"))
    if t:
        tt = t["temp"]
        L += [_kv(2, "high-alarm-threshold", f"{tt[0]:.2f} C"), _kv(2, "low-alarm-threshold", f"{tt[3]:.2f} C"),
              _kv(2, "high-warning-threshold", f"{tt[1]:.2f} C"), _kv(2, "low-warning-threshold", f"{tt[2]:.2f} C"),
              _kv(2, "alarm", "high" if m.temp > tt[0] else "Off")]
    L.append("voltage:")
    L.append(_kv(2, "voltage", f"{m.vcc:.4f} V"))
    if t:
        v = t["vcc"]
        L += [_kv(2, "high-alarm-threshold", f"{v[0]:.4f} V"), _kv(2, "low-alarm-threshold", f"{v[3]:.4f} V"),
              _kv(2, "high-warning-threshold", f"{v[1]:.4f} V"), _kv(2, "low-warning-threshold", f"{v[2]:.4f} V"),
              _kv(2, "alarm", "Off")]
    return "\n".join(L) + "\n"


def _pw(x_mw: float) -> str:
    return "0.0000 mW / -inf dBm" if x_mw <= 0 else f"{x_mw:.4f} mW / {10 * math.log10(x_mw):.2f} dBm"


def channel(p: Port) -> str:
    m = p.module
    t = m.thr
    L = ["channel: "]
    for i in range(m.nlanes):
        L.append(f"  channel-{i + 1}: ")
        rx_mw = mw(m.rx[i])
        tx_mw = mw(m.tx[i]) if m.tx[i] > -39 else 0.0
        for name, val, key, thr, unit in (("rx-power", _pw(rx_mw), "power", t and t["rx"], "dBm"),
                                          ("tx-power", _pw(tx_mw), "power", t and t["tx"], "dBm"),
                                          ("tx-bias-current", f"{m.bias[i]:.3f} mA", "current", t and t["bias"], "mA")):
            L.append(f"    {name}: ")
            L.append(f"        {key:<17}: {val} ")
            if thr:
                lo = thr[3]
                if name == "rx-power" and m.zero_low_alarm:
                    lo = None
                hi_s = f"{thr[0]:.2f} {unit}" if unit == "dBm" else f"{thr[0]:.3f} {unit}"
                lo_s = "-inf dBm" if lo is None else (f"{lo:.2f} {unit}" if unit == "dBm" else f"{lo:.3f} {unit}")
                L.append(f"        high-alarm-thresh: {hi_s} ")
                L.append(f"        low-alarm-thresh : {lo_s} ")
                reading = {"rx-power": m.rx[i], "tx-power": m.tx[i], "tx-bias-current": m.bias[i]}[name]
                if name == "tx-bias-current" and not m.used[i]:
                    alarm = "Off"
                elif reading > thr[0]:
                    alarm = "high"
                elif lo is not None and reading < lo and m.used[i]:
                    alarm = "low"
                else:
                    alarm = "Off"
                L.append(f"        alarm            : {alarm} ")
            else:
                L += ["        high-alarm-thresh: N/A ", "        low-alarm-thresh : N/A ", "        alarm            : N/A "]
    return "\n".join(L) + "\n"


def commands(d: Device) -> list[tuple[str, str, int, str]]:
    out = [("nv show interface", interfaces(d), 0, ""), ("nv show platform transceiver", transceivers(d), 0, ""),
           ("lldpctl -f json", render_linux.lldpctl(d), 0, "")]
    for p in d.ports.values():
        if not (p.up or p.module is not None):
            continue
        out.append((f"nv show interface {p.name} link phy-detail", phy_detail(d, p), 0, ""))
        out.append((f"nv show interface {p.name} counters errors", counters_errors(p), 0, ""))
        if p.module is not None:
            out.append((f"nv show platform transceiver {p.name}", transceiver(p), 0, ""))
            out.append((f"nv show platform transceiver {p.name} channel", channel(p), 0, ""))
    return out
