"""Fleet-scan commands (`netdiag scan`, `netdiag merge`, `netdiag history`), registered on the main
group by netdiag.cli. Commands only: parse arguments, call one job, map errors to exit codes."""

from __future__ import annotations

import json
import sys

import click

from netdiag import exitcodes
from netdiag.errors import UserInputError
from netdiag.config import TomlFile as _toml  # user TOML checked against the packaged one
from netdiag.progress import quiet_option
from netdiag.workers import jobs_option


def _describe(e: dict) -> str:
    where = e.get("link") or {}
    link = (f"{where.get('a_device')}:{where.get('a_port')} - {where.get('b_device')}:{where.get('b_port')}"
            if where.get("a_device") else f"{e.get('device')}:{e.get('port')}")
    if e["type"] == "module_replaced":
        return f"module_replaced {e['device']}:{e['port']} serial {e['old_serial']} -> {e['new_serial']}"
    if e["type"] == "reattributed":
        return f"reattributed {e['finding_id']} {link}: first suspect now {e['to']['component']} {e['to']['ref']}"
    suspect = e.get("suspect") or {}
    tail = f" [{suspect.get('component')} {suspect.get('ref')}]" if suspect else ""
    return f"{e['type']:9s} {e.get('severity') or '-':8s} {e.get('kind')} {link}{tail} ({e['finding_id']})"


def _n(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


@click.command("scan")
@jobs_option
@click.option("--inventory", type=click.Path(exists=True, dir_okay=False), help="devices.csv")
@click.option("--plan", type=click.Path(exists=True, dir_okay=False), help="cabling.csv")
@click.option("--state", required=True, type=click.Path(dir_okay=False), help="history database (SQLite; tables in DB.d/)")
@click.option("--capture", "capture_dir", type=click.Path(file_okay=False), help="analyse a recorded capture")
@click.option("--snapshot", "snapshot_dir", type=click.Path(file_okay=False), help="a Parquet snapshot (simulate)")
@click.option("--hosts", multiple=True, help="live: inventory name patterns to collect from over SSH")
@click.option("--rack", help="live: the devices of this rack")
@click.option("--plane", help="live: the devices of this plane")
@click.option("--role", help="live: the devices of this role")
@click.option("--shard", help="i/N: only the devices of shard i of N (stable hash of the name)")
@click.option("--prom", type=click.Path(dir_okay=False), help="write a Prometheus textfile (atomically)")
@click.option("--jsonl", type=click.Path(dir_okay=False), help="append this scan's ticket events as JSON Lines")
@click.option("--thresholds", type=_toml("thresholds.toml"), help="TOML overriding thresholds.toml")
@click.option("--settings", type=_toml("history.toml"), help="TOML overriding history.toml")
@click.option("--record", type=click.Path(file_okay=False), help="live: where to write the capture")
@click.option("--ssh-config", type=click.Path(dir_okay=False), help="OpenSSH client config (like ssh -F)")
@click.option("--parallel", type=click.IntRange(1, 1024), default=16, show_default=True, help="live: devices at once")
@click.option("--quiet", "-q", is_flag=True, help="print nothing (the exit status, --jsonl and --prom still tell)")
@click.option("--verbose", "-v", is_flag=True, help="also print a summary line")
@click.option("--force", is_flag=True,
              help="replay a capture not newer than the last scan: judged alone, history and tickets unchanged")
def scan_cmd(inventory, plan, state, capture_dir, snapshot_dir, hosts, rack, plane, role, shard, prom, jsonl,
             thresholds, settings, record, ssh_config, parallel, quiet, verbose, force):
    """Fleet scan for cron: judge a snapshot against the previous one in --state (rates, trends,
    module swaps), keep tickets (new, open, updated, resolved, reopened) and export metrics.

    Prints one line per ticket event (nothing when nothing changed). Exit status as `sweep`:
    0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also when another scan holds the lock)."""
    from netdiag import jobs
    from netdiag.capture import CaptureError
    from netdiag.cli import _load_inventory
    from netdiag.scan import ScanLocked, ScanOutOfOrder, parse_shard
    from netdiag.store import StoreError

    if quiet:
        from netdiag import progress

        progress.configure(False)   # cron's --quiet: no bar either (none on a non-terminal anyway)
    live = bool(hosts or rack or plane or role)
    if sum(map(bool, (capture_dir, snapshot_dir, live))) != 1:
        raise click.UsageError("give exactly one of --capture DIR, --snapshot DIR or a live selection (--hosts ...)")
    try:
        shard_t = parse_shard(shard) if shard else None
    except UserInputError as e:
        raise click.UsageError(str(e)) from None
    inv = _load_inventory(inventory, plan)
    live_sel = None
    if live:
        if inv is None or not inv.devices:
            raise click.UsageError("a live scan needs --inventory")
        live_sel = {"patterns": list(hosts), "rack": rack, "plane": plane, "role": role, "ssh_config": ssh_config,
                    "parallel": parallel, "record": record}
    try:
        res = jobs.scan(inv, state, capture_dir=capture_dir, snapshot_dir=snapshot_dir, live=live_sel, shard=shard_t,
                        thresholds=thresholds, settings=settings, prom=prom, jsonl=jsonl, force=force)
    except (ScanLocked, ScanOutOfOrder) as e:
        click.echo(f"netdiag scan: {e}", err=True)
        return exitcodes.UNKNOWN
    except (CaptureError, StoreError) as e:
        click.echo(f"netdiag scan: {e}", err=True)
        return exitcodes.UNKNOWN
    except UserInputError as e:
        raise click.UsageError(str(e)) from None
    if res.replay_of is not None and not quiet:
        n = len(res.sweep.findings)
        click.echo(f"netdiag scan: replayed {res.sweep.capture} (not newer than scan #{res.replay_of}): "
                   f"{n} finding{'' if n == 1 else 's'}; history and tickets unchanged", err=True)
    if not quiet:
        for e in res.events:
            click.echo(_describe(e))
        if verbose:
            s = res.summary()
            window = (f"window {s['window_s']:g} s" if s["window_s"] is not None else
                      "replay, nothing stored" if s["replay"] else "no window (no earlier scan)")
            click.echo(f"{'replay' if s['replay'] else 'scan ' + str(s['scan_id'])} {s['status']}: {_n(s['findings'], 'finding')} ({s['critical']} critical, "
                       f"{s['warning']} warning), {_n(s['events'], 'event')}, {window}, "
                       f"{s['duration_s']} s", err=False)
    return res.exit_code()


@click.command("merge")
@click.argument("captures", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--out", required=True, type=click.Path(file_okay=False), help="the merged capture to write")
@quiet_option
def merge_cmd(captures, out):
    """Join shard captures (scan --shard / sweep --record per collector) into one capture for a
    single analysis, or shard snapshots (`netdiag snapshot`, Parquet) into one snapshot
    (docs/scale.md). A device in two captures is an error."""
    from netdiag.capture import CaptureError
    from netdiag.scan import merge_captures
    from netdiag.shards import is_snapshot, merge_snapshots

    kinds = {is_snapshot(c) for c in captures}
    if len(kinds) > 1:
        raise click.UsageError("give either captures or snapshots (netdiag snapshot), not both")
    try:
        path = merge_snapshots(list(captures), out) if kinds == {True} else merge_captures(list(captures), out)
    except CaptureError as e:
        click.echo(f"netdiag merge: {e}", err=True)
        return exitcodes.UNKNOWN
    click.echo(f"wrote {path}: {len(captures)} {'snapshots' if kinds == {True} else 'captures'} merged", err=True)
    return exitcodes.OK


@click.command("history")
@click.argument("where", metavar="DEVICE:PORT")
@click.option("--state", required=True, type=click.Path(exists=True, dir_okay=False), help="history database")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def history_cmd(where, state, as_json):
    """A link's timeline from the history store: per scan its state, module serial, lowest lane
    power, counter deltas and measured BER; then its ticket events."""
    from netdiag.store import Store, StoreError, port_history

    device, sep, port = where.partition(":")
    if not sep or not device or not port:
        raise click.UsageError("give DEVICE:PORT, e.g. leaf-p0-01:Ethernet8")
    try:
        st = Store(state)
    except StoreError as e:
        click.echo(f"netdiag history: {e}", err=True)
        return exitcodes.UNKNOWN
    try:
        rows = port_history(st, device, port)
        events = st.port_events(device, port)
    finally:
        st.close()
    if not events and not any(set(r) - {"scan_id", "taken_at"} for r in rows):
        why = f"no scan in {state} saw this port ({_n(len(rows), 'scan')} stored)" if rows else f"no scans in {state}"
        click.echo(f"netdiag history: {device}:{port}: {why}; check the device and port names", err=True)
        return exitcodes.UNKNOWN
    if as_json:
        click.echo(json.dumps({"device": device, "port": port, "scans": rows, "events": events}, indent=2,
                              allow_nan=False, default=str))
        return exitcodes.OK
    cols = [("taken_at", 20), ("oper_up", 7), ("serial", 16), ("tx_dbm_min", 10), ("rx_dbm_min", 10),
            ("temperature_c", 7), ("d_symbol_errors", 10), ("d_fec_uncorrectable_cw", 10), ("d_link_down_events", 8),
            ("symbol_ber", 9)]
    heads = {"taken_at": "scan", "oper_up": "up", "tx_dbm_min": "tx dBm", "rx_dbm_min": "rx dBm", "temperature_c": "temp",
             "d_symbol_errors": "+sym err", "d_fec_uncorrectable_cw": "+uncorr", "d_link_down_events": "+down",
             "symbol_ber": "sym BER"}
    click.echo(" ".join(f"{heads.get(c, c):>{w}}" for c, w in cols))
    for r in rows:
        cells = []
        for c, w in cols:
            v = r.get(c)
            if isinstance(v, float):
                v = f"{v:.2e}" if c == "symbol_ber" else f"{v:.2f}" if not c.startswith("d_") else f"{v:.0f}"
            cells.append(f"{'-' if v is None else v!s:>{w}}")
        click.echo(" ".join(cells))
    for e in events:
        click.echo(f"{e['at']} {e['type']} {e.get('kind') or ''} {e.get('finding_id') or ''}".rstrip())
    if not rows:
        click.echo(f"no scans in {state}", err=True)
    sys.stdout.flush()
    return exitcodes.OK
