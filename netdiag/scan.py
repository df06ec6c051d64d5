"""The fleet scan (`netdiag scan`): a snapshot (capture, Parquet snapshot or live collection) judged
against the previous one kept in the history store, turned into rates, trends, findings and a
clean stream of ticket events, for cron.

collect-or-read -> shard -> previous snapshot from the store -> counter deltas over the window
(the counters the rules see are the window's, so errors mean *now*) + measured BER + trends ->
jobs.analyse (health, cabling, localization) -> module swaps and re-attribution -> ticket lifecycle
-> store (Parquet tables renamed into place, then one SQLite transaction) -> JSON Lines events and
the Prometheus textfile.

Only one scan runs at a time per state database (`fcntl.flock` on `<db>.lock`, non-blocking).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from netdiag.capture import utc_now
from netdiag.errors import UserInputError
from netdiag.findings import Finding
from netdiag.health import rates as ratelib
from netdiag.health import trends as trendlib
from netdiag.health.rules import SYMPTOM_COLUMNS, load_thresholds
from netdiag.inventory import Inventory
from netdiag.model import Snapshot
from netdiag.store import Store, load_settings

#: test hook: NETDIAG_SCAN_PAUSE="stage:seconds" sleeps at that stage (kill -9 tests)
PAUSE_ENV = "NETDIAG_SCAN_PAUSE"
_ERR_RULES = {"fec_uncorrectable_cw", "rx_crc_errors", "symbol_errors", "port_rcv_errors", "raw_ber",
              "effective_ber", "symbol_ber"}


class ScanLocked(Exception):
    """Another scan holds the state database's lock."""


class ScanOutOfOrder(Exception):
    """The snapshot is not newer than the last scan in the store (docs/scan.md): scanning it would
    run time backwards (negative windows, backwards module swaps, tickets resolved or reopened by
    old data). `scan(..., force=True)` replays it without touching the store."""


@dataclass
class ScanResult:
    sweep: object                     # jobs.SweepResult of this scan
    scan_id: int
    previous_id: int | None
    window_s: float | None
    events: list[dict]
    links: pd.DataFrame | None        # per planned cable: link-down deltas and measured BER
    tickets: dict[str, dict] = field(default_factory=dict)
    duration_s: float = 0.0
    replay_of: int | None = None      # --force on an old snapshot: the newer scan it did not change

    def exit_code(self) -> int:
        return self.sweep.exit_code()

    def summary(self) -> dict:
        return {**self.sweep.summary(), "scan_id": self.scan_id, "previous_scan": self.previous_id,
                "window_s": self.window_s, "events": len(self.events), "duration_s": round(self.duration_s, 3),
                "replay": self.replay_of is not None}


def shard_of(name: str, shards: int) -> int:
    """The shard (0-based) a device belongs to: a stable hash of its name, the same on every host."""
    return zlib.crc32(name.encode()) % shards


def parse_shard(text: str) -> tuple[int, int]:
    """'i/N' (i from 0) -> (i, N); ValueError when malformed."""
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise UserInputError(f"--shard {text!r}: expected i/N, e.g. 0/4") from None
    if n < 1 or not 0 <= i < n:
        raise UserInputError(f"--shard {text!r}: need 0 <= i < N")
    return i, n


def _pause(stage: str) -> None:
    spec = os.environ.get(PAUSE_ENV, "")
    if spec.partition(":")[0] == stage:
        time.sleep(float(spec.partition(":")[2] or 60))


class _Lock:
    def __init__(self, state: Path):
        self.path = state.with_name(state.name + ".lock")

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a+")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.seek(0)
            holder = self.fh.read().strip() or "?"
            self.fh.close()
            raise ScanLocked(f"another scan holds {self.path} (pid {holder}); not starting a second one") from None
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(str(os.getpid()))
        self.fh.flush()
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()
        return False


def select_shard(snap: Snapshot, devices: list, shard: tuple[int, int]) -> tuple[Snapshot, list]:
    """Keep the devices of shard (i, N) in the snapshot's tables and the device list."""
    i, n = shard
    keep = [d for d in devices if shard_of(d.name, n) == i]
    names = {d.name for d in keep}
    tables = {}
    for t in ("ports", "modules", "lanes", "counters", "neighbors", "fec_histogram", "collection"):
        df = snap.table(t)
        tables[t] = df[df["device"].isin(names)].reset_index(drop=True)
    return Snapshot(**tables, taken_at=snap.taken_at), keep


def _observe(capture_dir, snapshot_dir, live: dict | None, inventory: Inventory | None):
    from netdiag import jobs

    if live is not None:
        from netdiag.collect.ssh import SSHConnector
        from netdiag.collect.sshconfig import SSHSettings
        from netdiag.collect.sweep import Progress, collect_live

        devs = sorted(inventory.select(live.get("patterns") or None, live.get("rack"), live.get("plane"),
                                       live.get("role")), key=lambda d: d.name)
        if live.get("shard"):
            i, n = live["shard"]
            devs = [d for d in devs if shard_of(d.name, n) == i]
        if not devs:
            raise UserInputError("no device in the inventory matches the selection")
        connector = SSHConnector(SSHSettings(live.get("ssh_config")), live.get("options"))
        capture_dir = collect_live(devs, live.get("record") or jobs.default_record_dir(), connector,
                                   live.get("parallel", 16), Progress(len(devs)))  # a terminal, not -q
    snap, devices = jobs.load_observed(capture_dir, snapshot_dir)
    return snap, devices, str(capture_dir or snapshot_dir)


def scan(inventory: Inventory | None, state: str | Path, capture_dir: str | Path | None = None,
         snapshot_dir: str | Path | None = None, live: dict | None = None, shard: tuple[int, int] | None = None,
         thresholds: str | Path | None = None, settings: str | Path | None = None,
         prom: str | Path | None = None, jsonl: str | Path | None = None, force: bool = False) -> ScanResult:
    """One fleet scan into the state database `state` (see the module doc). `live` holds the live
    selection (patterns, rack, plane, role, ssh_config, options, parallel, record) instead of a
    capture or snapshot. Raises ScanLocked when another scan runs, StoreError on a bad database,
    ScanOutOfOrder when the snapshot is not newer than the last scan (with `force`: judged alone and
    returned, nothing stored, no ticket event, no --jsonl/--prom written)."""
    t0 = time.monotonic()
    state = Path(state)
    cfg = load_settings(settings)
    with _Lock(state):
        store = Store(state)
        try:
            return _scan_locked(store, cfg, inventory, capture_dir, snapshot_dir, live, shard, thresholds,
                                prom, jsonl, t0, force)
        finally:
            store.close()


def _scan_locked(store: Store, cfg: dict, inventory, capture_dir, snapshot_dir, live, shard, thresholds,
                 prom, jsonl, t0, force: bool = False) -> ScanResult:
    from netdiag import jobs

    if live is not None and shard:
        live = {**live, "shard": shard}
    snap, devices, source = _observe(capture_dir, snapshot_dir, live, inventory)
    if shard:
        snap, devices = select_shard(snap, devices, shard)
    taken_at = snap.taken_at or utc_now()
    snap.taken_at = taken_at
    last = _last_scan(store)
    if last is not None and (ratelib.seconds_between(last[1], taken_at) or 0.0) <= 0:
        if not force:
            raise ScanOutOfOrder(
                f"{source}: taken at {taken_at}, not newer than the last scan #{last[0]} (taken at {last[1]}) in "
                f"{store.path}; scans must move forward in time (use --force to replay it without changing "
                "the history or any ticket)")
        return _replay(store, inventory, snap, devices, source, thresholds, last, t0)
    scan_id = store.begin_scan(taken_at, utc_now(), source)
    _pause("started")
    prev = store.previous()
    # the previous scan's counters (for the deltas) and its modules' serial numbers (for swaps) only
    prev_snap = store.read_snapshot(prev, ("modules", "counters"),
                                    columns={"modules": ["device", "port", "serial"]}) if prev else None
    window = ratelib.seconds_between(prev.taken_at, taken_at) if prev else None
    if window is not None and window <= 0:
        window = None   # a snapshot not newer than the last one: no rates, judged alone
    thr_cfg = load_thresholds(thresholds)
    view, extra, deltas, ber = snap, [], None, None
    if window is not None:
        deltas = ratelib.counter_deltas(prev_snap.counters, snap.counters, window, cfg["rates"])
        view = replace(snap, counters=ratelib.windowed_counters(snap.counters, deltas))
        ber = ratelib.measured_ber(deltas, snap.ports)
        extra.append(ratelib.ber_symptoms(ber, deltas["has_prev"].to_numpy(dtype=bool), cfg["rates"]))
    swaps = ratelib.module_swaps(prev_snap, snap) if prev_snap is not None else pd.DataFrame(
        columns=["device", "port", "old_serial", "new_serial"])
    prev_snap = None   # the previous scan's tables are done with: freed before the analysis (~1 GB at 100k GPUs)
    optics = trendlib.optics_table(snap)
    extra.append(_trend_symptoms(store, cfg, snap, optics, taken_at, thr_cfg, swaps))
    # the ports with a previous reading, as an index (not a copy of their rows of the deltas)
    has_prev = pd.MultiIndex.from_frame(
        deltas.loc[deltas["has_prev"].to_numpy(dtype=bool), ["device", "port"]]) if deltas is not None else None

    def revise(sym: pd.DataFrame) -> pd.DataFrame:
        if window is not None and len(sym):
            counter_rules = {k for k, v in thr_cfg["counters"].items() if v != "off"}
            m = sym["rule"].isin(counter_rules).to_numpy() & pd.MultiIndex.from_arrays(
                [sym["device"], sym["port"]]).isin(has_prev)
            sym = sym.copy()
            sym.loc[m, "detail"] = f"rose in the last {window:.0f} s"
        parts = [sym] + [e for e in extra if len(e)]
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else sym

    res = jobs.analyse(view, devices, inventory, thresholds, revise_symptoms=revise)
    res.capture = source
    links = ratelib.link_rates(inventory.plan, deltas, ber) if (
        deltas is not None and inventory is not None and not inventory.plan.empty) else None
    events = [{"type": "module_replaced", "at": taken_at, "scan_id": scan_id, "device": r.device, "port": r.port,
               "old_serial": r.old_serial, "new_serial": r.new_serial} for r in swaps.itertuples(index=False)]
    earlier = store.recent_swaps(scan_id - int(cfg["lifecycle"]["swap_memory_scans"]))
    from netdiag import lifecycle

    tickets = store.tickets()
    events += [e for e in reattribute(res.findings, earlier, inventory, taken_at, scan_id)
               if tickets.get(e["finding_id"], {}).get("kind") != "errors_after_module_swap"]
    from netdiag.location import locate_all

    locate_all(res.findings, inventory)   # a reattributed finding sits at its new first suspect
    collected = {d.name for d in devices if d.ok}
    rows, tev = lifecycle.advance(tickets, res.findings, scan_id, taken_at, collected,
                                  int(cfg["lifecycle"]["resolve_after"]))
    events += tev
    rates_table = deltas.assign(**{c: ber[c].to_numpy() for c in ("symbol_ber", "pre_fec_ber")}) if deltas is not None else None
    d = store.write_snapshot(scan_id, snap, optics, rates_table)
    _pause("written")
    summary = res.summary()
    swaps_rows = swaps.assign(at=taken_at)
    store.commit_scan(scan_id, d, summary, rows, events, swaps_rows, utc_now())
    _pause("committed")
    store.apply_retention(cfg["store"], taken_at)
    tickets.update({r["finding_id"]: r for r in rows})
    out = ScanResult(res, scan_id, prev.id if prev else None, window, events, links, tickets)
    out.duration_s = time.monotonic() - t0
    if jsonl:
        _append_jsonl(jsonl, events)
    if prom:
        from netdiag.render import prom as promlib

        promlib.write_atomic(prom, promlib.render(summary, res.findings, tickets, links, out.duration_s,
                                                  time.time(), int(cfg["prom"]["worst_links"])))
    return out


def _last_scan(store: Store) -> tuple[int, str] | None:
    """(id, taken_at) of the newest complete scan in the store, or None."""
    rows = store.db.execute("SELECT id, taken_at FROM scans WHERE status = 'complete' AND taken_at IS NOT NULL").fetchall()
    if not rows:
        return None
    from datetime import datetime

    def when(r):
        try:
            return datetime.fromisoformat(r[1].replace("Z", "+00:00"))
        except ValueError:
            return None
    known = [(when(r), r) for r in rows]
    known = [(w, r) for w, r in known if w is not None]
    return max(known)[1] if known else None


def _replay(store: Store, inventory, snap: Snapshot, devices, source: str, thresholds, last, t0) -> ScanResult:
    """An old snapshot judged alone (no window, no trend): its findings, with the first_seen of the
    tickets they match, and nothing written."""
    from netdiag import jobs

    res = jobs.analyse(snap, devices, inventory, thresholds)
    res.capture = source
    tickets = store.tickets()
    for f in res.findings:
        t = tickets.get(f.id)
        if t is not None:
            f.first_seen = t["first_seen"]
    out = ScanResult(res, 0, int(last[0]), None, [], None, {}, replay_of=int(last[0]))
    out.duration_s = time.monotonic() - t0
    return out


def _trend_symptoms(store: Store, cfg: dict, snap: Snapshot, optics: pd.DataFrame, taken_at: str, thr_cfg: dict,
                    swaps: pd.DataFrame) -> pd.DataFrame:
    """Trend symptoms over the stored scans plus this one; points before a module swap at a port
    belong to the old module and are left out."""
    tc = cfg["trends"]
    hist = store.optics_history(int(tc["scans"]) - 1)
    if hist.empty or hist["scan_id"].nunique() + 1 < int(tc["min_points"]):
        return pd.DataFrame(columns=SYMPTOM_COLUMNS)
    hist = pd.concat([hist, optics.assign(scan_id=np.iinfo("int64").max, taken_at=taken_at)], ignore_index=True)
    sw = store.recent_swaps(0)[["device", "port", "scan_id"]]
    sw = pd.concat([sw, swaps[["device", "port"]].assign(scan_id=np.iinfo("int64").max)], ignore_index=True)
    if len(sw):
        last = sw.groupby(["device", "port"])["scan_id"].max().rename("_swap")
        hist = hist.join(last, on=["device", "port"])
        hist = hist[~(hist["scan_id"] < hist["_swap"].fillna(-1))].drop(columns="_swap")
    return trendlib.trend_symptoms(trendlib.slopes(hist, taken_at), snap, thr_cfg, tc)


def reattribute(findings: list[Finding], swaps: pd.DataFrame, inventory: Inventory | None, at: str,
                scan_id: int) -> list[dict]:
    """Errors that stayed with a port after its module was replaced (in an earlier scan, so this
    scan's window is after the swap) are not the module's: the finding's first suspect becomes the
    cable, then the port (docs/localization.md). Edits the findings; returns `reattributed` events."""
    if swaps is None or swaps.empty:
        return []
    last = swaps.sort_values("scan_id").groupby(["device", "port"]).last()
    events = []
    for f in findings:
        if not any(s.get("rule") in _ERR_RULES for s in _all_symptoms(f)):
            continue
        ends = [(f.link.get("a_device"), f.link.get("a_port")), (f.link.get("b_device"), f.link.get("b_port"))]
        hit = [(e, last.loc[e]) for e in ends if e in last.index and int(last.loc[e, "scan_id"]) < scan_id]
        if not hit:
            continue
        (dev, port), sw = hit[0]
        cable = f.link.get("cable_id")
        loc = inventory.devices[dev].location() if inventory is not None and dev in inventory.devices else None
        before = f.suspects[0] if f.suspects else None
        f.suspects = ([{"component": "cable", "ref": cable, "location": loc, "confidence": 0.6}] if cable else []) + [
            {"component": "port", "ref": f"{dev}:{port}", "location": loc, "confidence": 0.3}] + [
            dict(s, confidence=0.1) for s in f.suspects if s["component"] == "transceiver"][:1]
        f.kind = "errors_after_module_swap"
        f.reason = (f"errors stayed on {dev}:{port} after its module was replaced (serial {sw['old_serial']} -> "
                    f"{sw['new_serial']} at {sw['at']}): the cable or the port, not the module")
        f.action = (f"Replace cable {cable}; if errors continue, move the link to a spare port (cage {dev}:{port})"
                    if cable else f"Move the link to a spare port: errors stay on {dev}:{port} with a new module")
        f.evidence = [f"module at {dev}:{port} replaced {sw['at']} (serial {sw['old_serial']} -> {sw['new_serial']}); "
                      "errors continue"] + f.evidence
        events.append({"type": "reattributed", "at": at, "scan_id": scan_id, "finding_id": f.id, "device": dev,
                       "port": port, "link": f.link, "from": before, "to": f.suspects[0]})
    return events


def _all_symptoms(f: Finding) -> list[dict]:
    out = list(f.symptoms)
    for c in f.children:
        out += c.get("symptoms", [])
    return out


def _append_jsonl(path: str | Path, events: list[dict]) -> None:
    """Append the events as JSON Lines in one write (a reader never sees half a scan's line)."""
    if not events:
        return
    text = "".join(json.dumps(e, allow_nan=False, default=str) + "\n" for e in events)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with open(p, "a", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def merge_captures(captures: list[str | Path], out: str | Path) -> Path:
    """Join shard captures into one capture for a single analysis; a device in two shards is an
    error (the shards must split the inventory). Raw files are copied byte for byte."""
    import shutil

    from netdiag.capture import CaptureError, CaptureWriter, read_capture

    caps = [read_capture(c) for c in captures]
    seen: dict[str, str] = {}
    for c in caps:
        for d in c.devices:
            if d.name in seen:
                raise CaptureError(f"device {d.name!r} is in both {seen[d.name]} and {c.path}")
            seen[d.name] = str(c.path)
    from netdiag import progress  # a bar on a terminal while devices are copied

    with CaptureWriter(out) as cw, progress.bar(len(seen), "merging") as advance:
        cw.started = min((c.meta.get("started") or "" for c in caps), default=utc_now()) or utc_now()
        cw.extra_meta = {"merged_from": [str(c.path) for c in caps]}
        for c in caps:
            for d in c.devices:
                advance()
                rec = cw.device(d.name, d.platform, d.address)
                if not d.ok and not d.entries:
                    rec.fail(d.error or "failed")
                    continue
                for e in d.entries:
                    shutil.copyfile(e._dir / e.file, rec.dir / e.file)
                    err = e._dir / (Path(e.file).stem + ".err")
                    if err.exists():
                        shutil.copyfile(err, rec.dir / err.name)
                    rec.device.entries.append(replace(e, _dir=rec.dir))
                if not d.ok:
                    rec.fail(d.error or "failed")
    return Path(out)
