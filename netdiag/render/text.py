"""Terminal output for people: findings strictly worst first, fitted to the terminal, never cut.

One row per finding (severity, device, port, lanes, kind, where the part is, first suspect), then
an indented line with what was measured against which limit (counter name, unit, and the window
the counter covers) and the first action. When the row is wider than the terminal, the suspect and
the location move to lines of their own instead of being shortened (docs/commands.md `sweep`).
"""

from __future__ import annotations

import math
import textwrap
import tomllib
from functools import lru_cache
from importlib import resources

from netdiag import units
from netdiag.health.rules import SEVERITY_RANK

#: what a counter symptom counts, in words (the kind names of docs/finding-kinds.md)
COUNTER_WORDS = {
    "fec_uncorrectable_cw": "uncorrectable FEC codewords",
    "fec_corrected_cw": "corrected FEC codewords",
    "fec_corrected_bits": "FEC-corrected bits",
    "rx_crc_errors": "CRC errors received",
    "rx_errors": "receive errors",
    "tx_errors": "transmit errors",
    "rx_discards": "received frames discarded",
    "tx_discards": "frames discarded on transmit",
    "symbol_errors": "symbol errors",
    "link_down_events": "link-down events",
    "link_error_recovery": "link error recoveries",
    "port_rcv_errors": "receive errors (PortRcvErrors)",
    "port_rcv_remote_physical_errors": "remote physical errors (PortRcvRemotePhysicalErrors)",
    "port_xmit_discards": "transmit discards (PortXmitDiscards)",
    "port_xmit_wait": "transmit wait ticks (PortXmitWait)",
    "carrier_changes": "carrier changes",
}
_SENSOR = {"rx_power": "Rx power", "tx_power": "Tx power", "tx_bias": "Tx bias",
           "module_temperature": "module temperature", "module_voltage": "module voltage"}
_BER = {"raw_ber": "pre-FEC BER", "effective_ber": "post-FEC BER", "symbol_ber": "symbol error ratio"}
_FLAGS = {"rx_los": "Rx loss of signal", "rx_lol": "Rx loss of lock", "tx_fault": "Tx fault",
          "tx_los": "Tx loss of signal", "tx_lol": "Tx loss of lock"}
#: cabling kinds sort after the part findings of the same severity
CABLING_KINDS = ("wrong_plane", "missing", "swapped", "miswire", "unexpected")
_SHARED_FIRST = ("failing_plane", "failing_row", "failing_switch", "failing_linecard", "failing_nic",
                 "failing_patch_panel", "breakout_cable", "twin_port_module")


@lru_cache(maxsize=1)
def kind_order() -> dict[str, int]:
    """Kind -> rank within a severity: shared parts, two-ended link patterns (localize.toml order),
    single-port kinds (diagnosis.toml order), then cabling kinds."""
    pkg = resources.files("netdiag.health")
    names = list(_SHARED_FIRST)
    try:
        names += [p["name"] for p in tomllib.loads(pkg.joinpath("localize.toml").read_text()).get("pattern", [])]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError):
        pass
    try:
        names += list(tomllib.loads(pkg.joinpath("diagnosis.toml").read_text())["order"]["kinds"])
    except (OSError, tomllib.TOMLDecodeError, KeyError):
        pass
    names += list(CABLING_KINDS)
    order: dict[str, int] = {}
    for n in names:
        order.setdefault(n, len(order))
    return order


def worst_first(findings: list) -> list:
    """Severity (critical, warning, info), then kind order, then device and port: a stable total order."""
    order = kind_order()
    return sorted(findings, key=lambda f: (-SEVERITY_RANK.get(f.severity, 0), order.get(f.kind, len(order)),
                                           str(f.device or (f.link or {}).get("a_device") or ""),
                                           str(f.port or (f.link or {}).get("a_port") or ""), f.id))


def _clean(s) -> str:
    """Device strings never drive the terminal: control characters become '?'."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(s))


def _num(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}"


def _duration(s: float) -> str:
    if s < 120:
        return f"{s:.0f} s"
    if s < 2 * 3600:
        return f"{s / 60:.0f} min"
    if s < 2 * 86400:
        return f"{s / 3600:.0f} h"
    return f"{s / 86400:.0f} d"


def _power(v: float) -> str:
    dbm = units.mw_to_dbm(v)
    return f"{v:.4f} mW ({'-inf' if math.isinf(dbm) else f'{dbm:.2f}'} dBm)"


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def measured(sym: dict, since_clear_s: float | None = None, lanes: list[int] | None = None) -> tuple[str, str]:
    """(what was measured, the limit it broke) of one symptom, in words with units and window;
    `lanes`: every lane where the same rule fired (the value is the first one's)."""
    rule, v, t, unit = sym.get("rule") or "", sym.get("value"), sym.get("threshold"), sym.get("unit") or ""
    detail = sym.get("detail") or ""
    lane = sym.get("lane")
    at = f" on lane {int(lane)}" if not _missing(lane) else ""
    if lanes and len(lanes) > 1:
        at = f" on lanes {','.join(map(str, lanes))}"
    if rule in _FLAGS:
        return f"{_FLAGS[rule]} asserted by the module{at}", "none asserted"
    if rule == "link_down":
        return "admin up, link down", "link up"
    if rule == "dark_lane":
        return f"Rx power {_power(v) if not _missing(v) else 'unknown'}{at}: no light", \
            (f"above {_power(t)}" if not _missing(t) else "light")
    if unit == "count" or rule in COUNTER_WORDS:
        what = COUNTER_WORDS.get(rule, rule.replace("_", " "))
        if _missing(v):
            return f"{what}: {detail}", ""
        if "delta" in detail or "window" in detail:
            window = detail
        elif since_clear_s is not None and not _missing(since_clear_s) and since_clear_s > 0:
            window = f"since clear, {_duration(since_clear_s)}"
        elif detail.startswith("lifetime count"):
            window = f", {detail}"   # the health rule's own words on the window (rate, no time base)
        else:
            window = ", lifetime count (since the last clear; time unknown)"
        sep = "" if window.startswith(",") else " "
        return f"{_num(v)} {what}{sep}{window}", ("" if _missing(t) else f"more than {_num(t)}")
    for prefix, label in _SENSOR.items():
        if rule.startswith(prefix + "_"):
            vs = "unknown" if _missing(v) else (_power(v) if unit == "mW" else f"{v:.2f} {_unit(unit)}")
            if _missing(t):
                return f"{label} {vs}{at}", detail
            ts = _power(t) if unit == "mW" else f"{t:.2f} {_unit(unit)}"
            op = "below" if rule.endswith("_low") else "above"
            return f"{label} {vs}{at}", f"{op} {detail} {ts}".replace("  ", " ")
    if rule in _BER or rule.endswith("_ber"):
        label = _BER.get(rule, rule.replace("_", " "))
        src = "device-reported" if "delta" not in detail else "from counter deltas"
        return (f"{label} {v:.2e} ({src})" if not _missing(v) else f"{label} unknown",
                f"{detail} {t:.1e}" if not _missing(t) else detail)
    if _missing(v):
        return f"{rule.replace('_', ' ')}{at}" + (f": {detail}" if detail else ""), ""
    vs = f"{_num(v)} {_unit(unit)}".strip()
    return f"{rule.replace('_', ' ')} {vs}{at}", ("" if _missing(t) else f"{detail or 'limit'} {_num(t)} {_unit(unit)}".strip())


def _unit(u: str) -> str:
    return {"C": "°C"}.get(u, u)


def _port_display(f, ref: str) -> str:
    """A suspect named DEVICE:CAGE where the finding's own link end is DEVICE:PORT in that cage is
    shown with the real port name (ens1np0, not ens1): the name on the label and in `ip link`.
    Shared-part findings keep the cage: the cage is the point."""
    if f.children or ":" not in ref:
        return ref
    dev, part = ref.split(":", 1)
    ln = f.link or {}
    for d, p in ((f.device, f.port), (ln.get("a_device"), ln.get("a_port")), (ln.get("b_device"), ln.get("b_port"))):
        if d == dev and p and p != part and str(p).startswith(part):
            return f"{dev}:{p}"
    return ref


def suspect_text(f) -> str:
    if not f.suspects:
        return "-"
    s = f.suspects[0]
    comp, ref = s.get("component") or "", s.get("ref") or ""
    if comp in ("transceiver", "port", "module_cage"):
        ref = _port_display(f, ref)
    return f"{comp} {ref}".strip()


def _place(d) -> str:
    """'A/07/r07 U32' from a device's hall, row, rack and U (as far as known)."""
    if d is None:
        return ""
    get = (lambda k: d.get(k)) if isinstance(d, dict) else (lambda k: getattr(d, k, ""))
    hrr = "/".join(str(get(k)) for k in ("hall", "row", "rack") if get(k))
    u = get("u")
    return f"{hrr} U{u}".strip() if u else hrr


def location_text(f, inventory=None) -> str:
    """Where the first suspect is: the finding's `location` when it has one, else the suspect's
    device (its own device for cables and connectors) from the inventory. '?' when unknown."""
    loc = getattr(f, "location", None)
    if isinstance(loc, dict) and loc:
        return _place(loc) or ("unknown" if loc.get("device") else _clean(loc.get("text") or "unknown"))
    devices = getattr(inventory, "devices", None) or {}
    dev = f.device or (f.link or {}).get("a_device")
    if f.suspects:
        s = f.suspects[0]
        if s.get("component") in ("transceiver", "port", "module_cage", "nic", "linecard", "switch") and s.get("ref"):
            dev = str(s["ref"]).split(":", 1)[0]
        elif s.get("component") == "plane":
            return f"plane {s.get('ref')}"
    return _place(devices.get(dev)) or "unknown"


def top_symptom(f) -> dict:
    """The symptom a finding's `measured:` line shows: the most severe, a measured value before a
    bare flag, then the kind order of diagnosis.toml, then the lowest lane."""
    if not f.symptoms:
        return {}
    order = kind_order()

    def key(s):
        v, lane = s.get("value"), s.get("lane")
        return (-SEVERITY_RANK.get(s.get("severity"), 0), _missing(v), order.get(s.get("rule"), len(order)),
                10**6 if _missing(lane) else int(lane))

    return min(f.symptoms, key=key)


def _since_clear(res) -> dict:
    c = getattr(getattr(res, "snapshot", None), "counters", None)
    if c is None or c.empty or "time_since_clear_s" not in c.columns:
        return {}
    sub = c[c["time_since_clear_s"].notna()]
    return dict(zip(zip(sub["device"], sub["port"]), sub["time_since_clear_s"].astype(float)))


def _paint(s: str, sev: str, color: bool) -> str:
    code = {"CRITICAL": "1;31", "WARNING": "33", "INFO": "36"}.get(sev)
    return f"\x1b[{code}m{s}\x1b[0m" if color and code else s


#: the label of a column moved to a line of its own on a narrow terminal
_OWN_LINE = {"kind": "kind", "lanes": "lanes", "where": "at", "suspect": "suspect"}


def render(res, color: bool = False, width: int = 120) -> str:
    """The sweep as text: findings table worst first, devices that could not be read, summary.

    `width` is the terminal's: rows that would not fit put the suspect and the location on lines
    of their own; no location or suspect is ever shortened."""
    width = max(int(width), 40)
    findings = worst_first(list(res.findings))
    clear = _since_clear(res)
    inv = getattr(res, "inventory", None)
    rows = []
    for f in findings:
        top = top_symptom(f)
        same = sorted({int(x["lane"]) for x in f.symptoms if x.get("rule") == top.get("rule")
                       and x.get("device") == top.get("device") and x.get("port") == top.get("port")
                       and not _missing(x.get("lane"))}) if top else []
        m, limit = measured(top, clear.get((top.get("device"), top.get("port"))), same) if top else ("", "")
        if top and (top.get("device"), top.get("port")) != (f.device, f.port) and top.get("device"):
            m = f"at {top['device']}:{top.get('port')}: {m}"  # the other end of the link
        rows.append({"sev": f.severity.upper(), "device": _clean(f.device or (f.link or {}).get("a_device") or "-"),
                     "port": _clean(f.port or (f.link or {}).get("a_port") or "-"),
                     "lanes": ",".join(map(str, f.lanes)) or "-", "kind": _clean(f.kind),
                     "where": _clean(location_text(f, inv)), "suspect": _clean(suspect_text(f)),
                     "measured": _clean(m), "limit": _clean(limit), "action": _clean(f.action or "")})
    heads = {"sev": "SEV", "device": "DEVICE", "port": "PORT", "lanes": "LANES", "kind": "KIND",
             "where": "HALL/ROW/RACK U", "suspect": "FIRST SUSPECT"}
    cols = list(heads)
    w = {c: max([len(heads[c])] + [len(r[c]) for r in rows]) for c in cols}

    def fits(cs):
        return sum(w[c] for c in cs) + 2 * (len(cs) - 1) <= width

    own_line = []
    for c in ("suspect", "where", "kind", "lanes"):  # to their own line, widest-information first, until it fits
        if not fits(cols):
            cols.remove(c)
            own_line.insert(0, c)
    lines = ["  ".join(heads[c].ljust(w[c]) for c in cols).rstrip()]
    ind = " " * 4
    wrap = textwrap.TextWrapper(width=width, initial_indent=ind, subsequent_indent=ind + "  ",
                                break_long_words=False, break_on_hyphens=False)
    for r in rows:
        cells = [r[c].ljust(w[c]) for c in cols]
        cells[0] = _paint(cells[0], r["sev"], color)
        lines.append("  ".join(cells).rstrip())
        for c in own_line:
            lines.append(f"{ind}{_OWN_LINE[c]}: {r[c]}")
        if r["measured"]:
            lines += wrap.wrap(f"measured: {r['measured']}" + (f"; limit: {r['limit']}" if r["limit"] else ""))
        lines += wrap.wrap(f"-> {r['action']}")
    if not rows:
        lines.append("(no findings)")
    bad = [d for d in res.devices if not d.ok or d.failed]
    if bad:
        lines.append("")
        lines.append("Could not tell (data missing or unreadable):")
        for d in bad:
            if not d.ok:
                lines += wrap.wrap(f"{_clean(d.name)}: {_clean(d.error or 'failed')}")
            for fl in d.failed:
                lines += wrap.wrap(f"{_clean(d.name)}: {_clean(fl['command'] or '')}: {_clean(fl['error'])}")
    miss = res.not_captured() if hasattr(res, "not_captured") else []   # inventory devices the capture lacks
    if miss:
        if not bad:
            lines += ["", "Could not tell (data missing or unreadable):"]
        lines += wrap.wrap(f"{len(miss)} inventory device{'s' if len(miss) != 1 else ''} not in the capture: "
                           f"{', '.join(map(_clean, miss[:5]))}{', ...' if len(miss) > 5 else ''}")
    lines += _not_judged_lines(getattr(res, "not_judged", None) or [], wrap)
    s = res.summary()
    lines.append("")
    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"

    summary = textwrap.wrap(f"{s['status']}: {s['critical']} critical, {s['warning']} warning; "
                            f"{n(s['devices'], 'device')} ({s['devices_failed']} failed, "
                            f"{n(s['outputs_failed'], 'output')} unreadable), {n(s['ports'], 'port')}, "
                            f"{n(s['modules'], 'module')}, {n(s['lanes'], 'lane')}", width=width,
                            subsequent_indent="  ", break_long_words=False)
    lines += [_paint(ln, s["status"], color) for ln in summary]
    return "\n".join(lines)


def _not_judged_lines(items: list[dict], wrap) -> list[str]:
    """Links explained by an end reported administratively down (the sweep's `not_judged`): listed,
    never findings; at most 10 lines (the JSON has them all)."""
    if not items:
        return []
    out = ["", f"Not judged ({len(items)} link{'s' if len(items) != 1 else ''}, an end administratively down):"]
    for it in items[:10]:
        out += wrap.wrap(f"{_clean(str(it.get('cable_id') or '-'))}: {_clean(str(it.get('reason') or ''))}")
    if len(items) > 10:
        out += wrap.wrap(f"... and {len(items) - 10} more (--json lists them all)")
    return out


def render_cabling(res, color: bool = False, width: int = 120) -> str:
    """The cabling check as text: worst first, one line per finding, the action and evidence wrapped."""
    lines = [f"{'SEV':8}  {'KIND':12}  {'CABLE':14}  {'A END':34}  {'B END (planned)'}"]
    ind = " " * 10
    wrap = textwrap.TextWrapper(width=max(int(width), 40), initial_indent=ind, subsequent_indent=ind + "  ",
                                break_long_words=False, break_on_hyphens=False)
    for f in worst_first(list(res.findings)):
        ln = f.link
        sev = f.severity.upper()
        lines.append(f"{_paint(f'{sev:8}', sev, color)}  {f.kind:12}  {_clean(ln.get('cable_id') or '-'):14}  "
                     f"{_clean(str(ln['a_device']) + ':' + str(ln['a_port'])):34}  "
                     f"{_clean(str(ln['b_device']) + ':' + str(ln['b_port']))}".rstrip())
        lines += wrap.wrap(f"-> {_clean(f.action)}")
        for e in f.evidence:
            lines += wrap.wrap(_clean(e))
    if not res.findings:
        lines.append("(cabling matches the plan where it could be checked)")
    c = res.counts
    lines.append("")
    lines.append(", ".join(f"{k} {v}" for k, v in sorted(c.items())) + f"; {len(res.status)} planned cables")
    return "\n".join(lines)
