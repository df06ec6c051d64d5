"""Command line: parse arguments, call one job function, map errors to exit codes."""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import click

from netdiag import __version__, exitcodes
from netdiag.errors import UserInputError

_DEBUG = {"on": False}   # --debug seen on the command line (NETDIAG_DEBUG=1 does the same)


def _debugging() -> bool:
    return _DEBUG["on"] or os.environ.get("NETDIAG_DEBUG", "").strip().lower() not in ("", "0", "no", "false")


def _set_debug(ctx, param, value):
    if value:
        _DEBUG["on"] = True


def _debug_option(f):
    return click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
                        help="on an internal error, print the Python traceback (or set NETDIAG_DEBUG=1)")(f)
from netdiag.config import TomlFile as _toml  # user TOML checked against the packaged one
from netdiag.workers import jobs_option
from netdiag import progress as _progress  # noqa: E402  (progress bars: -q/--quiet)


class _Group(click.Group):
    """Exit codes of the command line (docs/exit-codes.md): usage errors (what the user typed) and
    bad input exit UNKNOWN (3) so they never collide with WARNING/CRITICAL; any other exception is a
    bug, reported as one `netdiag: internal error:` line and a hint, also exit 3, with the traceback
    under --debug / NETDIAG_DEBUG=1."""

    def main(self, *args, **kwargs):
        kwargs.setdefault("standalone_mode", False)
        _DEBUG["on"] = False
        _progress.configure(None)   # bars on a terminal unless this command says --quiet
        try:
            rv = super().main(*args, **kwargs)
        except click.exceptions.Exit as e:
            sys.exit(e.exit_code)
        except click.ClickException as e:
            e.show()
            sys.exit(exitcodes.UNKNOWN)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(exitcodes.UNKNOWN)
        except UserInputError as e:
            click.echo(f"netdiag: error: {e}", err=True)
            sys.exit(exitcodes.UNKNOWN)
        except OSError as e:
            if not e.filename:
                _internal_error(e)
                sys.exit(exitcodes.UNKNOWN)
            # a file or directory the system refused (missing, permissions, disk full): name it
            click.echo(f"netdiag: error: {e.filename}: {e.strerror or e}", err=True)
            if _debugging():
                click.echo("".join(traceback.format_exception(e)).rstrip("\n"), err=True)
            sys.exit(exitcodes.UNKNOWN)
        except Exception as e:  # noqa: BLE001 - the one place a bug becomes an exit status
            _internal_error(e)
            sys.exit(exitcodes.UNKNOWN)
        sys.exit(rv if isinstance(rv, int) else 0)


def _internal_error(e: BaseException) -> None:
    """A bug, not bad input: one line naming it, where to look, and the traceback under --debug."""
    what = " ".join(str(e).split()) or "(no message)"
    click.echo(f"netdiag: internal error: {type(e).__name__}: {what}", err=True)
    if _debugging():
        click.echo("".join(traceback.format_exception(e)).rstrip("\n"), err=True)
    else:
        click.echo("netdiag: this is a bug in netdiag, not a problem with your input; re-run with --debug "
                   "(or NETDIAG_DEBUG=1) for the traceback and report it with that output", err=True)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="netdiag")
@_debug_option
def main():
    """netdiag: link-health and cabling diagnostics for multi-plane AI fabrics.

    Exit status of every command: 0 OK (nothing wrong found), 1 WARNING, 2 CRITICAL, 3 UNKNOWN
    (could not tell, bad arguments or input, or an internal error); see docs/exit-codes.md."""


@main.command("parse")
@click.option("--format", "fmt", default="auto", show_default=True,
              help="parser name, or auto to guess (stderr says which format it chose when several fit)")
@click.option("--device", default=None, help="device name to put in the rows")
@click.option("--port", default=None, help="port the output belongs to (e.g. for ethtool -m)")
@click.option("--list-formats", is_flag=True,
              help="list each format, the command whose output it reads and its tables, then exit")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def parse_cmd(fmt, device, port, list_formats, file):
    """Print the canonical tables FILE yields, as one JSON object (docs/parsers.md)."""
    from netdiag import parsers

    if list_formats:
        _list_formats(parsers)
        return exitcodes.OK
    if not file:
        raise click.UsageError("FILE is required (or --list-formats)")
    data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    try:
        if fmt == "auto":
            tables = _parse_auto(parsers, data, file, device, port)
        else:
            tables = parsers.parse_text(fmt, data, device=device, port=port, command=None)
    except parsers.ParseError as e:
        click.echo(f"netdiag parse: {file}: {e}", err=True)
        return exitcodes.UNKNOWN
    click.echo(json.dumps(tables, indent=2, allow_nan=False))
    return exitcodes.OK


def _list_formats(parsers) -> None:
    """One line per format: name, the command whose output it reads, the tables it fills."""
    fmts = parsers.formats()
    width = max(len(n) for n in fmts) + 2
    for f in fmts.values():
        click.echo(f"{f.name:{width}s}{parsers.command_of(f.name)}  ->  {','.join(f.tables)}")


def _parse_auto(parsers, data, file, device, port):
    """--format auto: try the formats whose detectors accept the text, most specific first. When
    more than one fits, or the first could not read it and another could, say so on stderr."""
    try:
        text = parsers.decode(data)
    except parsers.ParseError:
        text = None
    fits = parsers.detect_all(text) if text and text.strip() else []
    if len(fits) <= 1:
        return parsers.parse_text("auto", data, device=device, port=port, command=None)
    first_error = None
    for i, name in enumerate(fits):
        try:
            tables = parsers.parse_text(name, data, device=device, port=port, command=None)
        except parsers.ParseError as e:
            if e.internal:
                raise
            first_error = first_error or e
            continue
        others = [f for f in fits if f != name]
        if i == 0:
            click.echo(f"netdiag parse: {file}: --format auto chose {name} (the most specific); "
                       f"also fits: {', '.join(others)} (pass --format to choose)", err=True)
        else:
            click.echo(f"netdiag parse: {file}: --format auto chose {name}: {fits[0]} could not read it "
                       f"({first_error.reason}); pass --format to choose", err=True)
        return tables
    raise first_error


def _load_inventory(inventory, plan):
    from netdiag.inventory import InventoryError, load

    if not inventory and not plan:
        return None
    try:
        return load(inventory, plan)
    except InventoryError as e:
        raise click.UsageError(f"bad inventory/plan:\n{e}") from None


_COLOR = click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto",
                      show_default=True, help="colour the severities: auto = on a terminal, unless NO_COLOR is set")


def _tty_out(color: str) -> tuple[bool, int]:
    """(colour or not, width) of the terminal table; the width follows COLUMNS / the terminal."""
    import os
    import shutil

    tty = sys.stdout.isatty()
    on = color == "always" or (color == "auto" and tty and not os.environ.get("NO_COLOR"))
    if os.environ.get("COLUMNS", "").isdigit() or tty:
        return on, shutil.get_terminal_size((120, 24)).columns
    return on, 120  # a pipe or a file: a fixed width, whatever terminal started the job


def _emit(res, as_json: bool, as_jsonl: bool, color: str = "auto") -> None:
    from netdiag.render import text

    res.findings = text.worst_first(res.findings)  # every output in the table's order
    if as_json:
        click.echo(json.dumps(res.to_json(), indent=2, allow_nan=False))
    elif as_jsonl:
        for f in res.findings:
            click.echo(json.dumps({"type": "finding", **f.to_json()}, allow_nan=False))
        for d in res.devices_json():
            click.echo(json.dumps({"type": "device", **d}, allow_nan=False))
        click.echo(json.dumps({"type": "summary", **res.summary()}, allow_nan=False))
    else:
        on, width = _tty_out(color)
        click.echo(text.render(res, color=on, width=width), color=on)


@main.command("sweep")
@jobs_option
@_progress.quiet_option
@click.option("--inventory", type=click.Path(exists=True, dir_okay=False), help="devices.csv")
@click.option("--plan", type=click.Path(exists=True, dir_okay=False), help="cabling.csv")
@click.option("--capture", "capture_dir", type=click.Path(file_okay=False), help="analyse a recorded capture")
@click.option("--hosts", multiple=True, help="live: inventory name patterns (shell-style) to collect from over SSH")
@click.option("--rack", help="live: the devices of this rack")
@click.option("--plane", help="live: the devices of this plane")
@click.option("--role", help="live: the devices of this role (gpu_host, leaf, spine...)")
@click.option("--thresholds", type=_toml("thresholds.toml"), help="TOML overriding the defaults")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="print JSON Lines: findings, devices, summary")
@click.option("--html", type=click.Path(dir_okay=False), help="write the HTML report")
@click.option("--tickets", type=click.Path(file_okay=False), help="write one ticket per finding")
@click.option("--templates", type=click.Path(exists=True, file_okay=False),
              help="folder of templates overriding the packaged ones for --html/--tickets (sandboxed)")
@click.option("--record", type=click.Path(file_okay=False),
              help="where a live sweep writes its capture [default: reports/captures/<UTC time>]")
@click.option("--ssh-config", type=click.Path(dir_okay=False), help="OpenSSH client config (like ssh -F)")
@click.option("--parallel", type=click.IntRange(1, 1024), default=16, show_default=True, help="devices at once")
@click.option("--channels", type=click.IntRange(1, 64), default=4, show_default=True,
              help="commands at once per device (fewer when a device refuses)")
@click.option("--timeout", "command_timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="seconds per command")
@click.option("--connect-timeout", type=click.FloatRange(min=0.1),
              help="seconds to establish TCP [default: ssh config ConnectTimeout, else 10]")
@click.option("--device-timeout", type=click.FloatRange(min=0.1), default=300.0, show_default=True,
              help="seconds per device, all commands included")
@click.option("--max-output", type=click.IntRange(min=1024), default=32 * 2**20, show_default=True,
              help="bytes kept per command output; more is cut and reported")
@click.option("--platform", "default_platform", default="linux", show_default=True,
              help="platform of --hosts names when there is no --inventory")
@_COLOR
def sweep_cmd(inventory, plan, capture_dir, hosts, rack, plane, role, thresholds, as_json, as_jsonl, html, tickets,
              templates, record, ssh_config, parallel, channels, command_timeout, connect_timeout, device_timeout, max_output,
              default_platform, color):
    """Find failing links: analyse a capture (--capture) or collect live over SSH (--hosts, --rack,
    --plane, --role select inventory devices; the capture is always recorded, see --record).

    Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (see docs/exit-codes.md). Exit 0 with no
    findings means every device answered and nothing broke a threshold: a healthy fabric. A device
    that could not be read, or an empty capture, is UNKNOWN (3), never OK."""
    from netdiag import jobs
    from netdiag.capture import CaptureError

    live = bool(hosts or rack or plane or role)
    if bool(capture_dir) == live:
        raise click.UsageError("give exactly one of --capture DIR or a live selection (--hosts, --rack, --plane, --role)")
    if as_json and as_jsonl:
        raise click.UsageError("--json and --jsonl are exclusive")
    if templates and not (html or tickets):
        raise click.UsageError("--templates needs --html FILE or --tickets DIR")
    inv = _load_inventory(inventory, plan)
    try:
        if live:
            res = _sweep_live(jobs, inv, hosts, rack, plane, role, ssh_config, parallel, record, thresholds,
                              channels, command_timeout, connect_timeout, device_timeout, max_output, default_platform)
        else:
            res = jobs.sweep_capture(capture_dir, inv, thresholds)
    except CaptureError as e:
        click.echo(f"netdiag sweep: {e}", err=True)
        return exitcodes.UNKNOWN
    _emit(res, as_json, as_jsonl, color)
    if html or tickets:
        _write_report(jobs, res, html, tickets, templates)
    return res.exit_code()


def _write_report(jobs, res, html, tickets, templates) -> None:
    """--html / --tickets: write them after the findings are printed; a bad template or an unwritable
    path is an error (exit UNKNOWN) that names the file, the findings already shown stay shown."""
    import jinja2

    try:
        out = jobs.report(res, html, tickets, templates)
    except (jinja2.TemplateError, OSError, UserInputError) as e:
        where = f"{e.filename}:{e.lineno}: " if isinstance(e, jinja2.TemplateSyntaxError) else ""
        click.echo(f"netdiag sweep: report: {where}{type(e).__name__}: {e}", err=True)
        raise click.exceptions.Exit(exitcodes.UNKNOWN) from None
    if out["html"]:
        click.echo(f"wrote {out['html']}", err=True)
    if tickets is not None:
        n = len(out["tickets"])
        click.echo(f"wrote {n} ticket{'' if n == 1 else 's'} to {tickets}", err=True)


def _sweep_live(jobs, inv, hosts, rack, plane, role, ssh_config, parallel, record, thresholds, channels,
                command_timeout, connect_timeout, device_timeout, max_output, default_platform):
    from netdiag.collect.ssh import SSHOptions
    from netdiag.collect.sshconfig import SSHConfigError
    from netdiag.collect.sweep import SweepInterrupted
    from netdiag.inventory import DeviceInfo, Inventory

    if inv is None or not inv.devices:
        if rack or plane or role or any(set(h) & set("*?[") for h in hosts):
            raise click.UsageError("--rack/--plane/--role and host patterns need --inventory")
        inv = Inventory({h: DeviceInfo(h, default_platform) for h in hosts})
    opts = SSHOptions(connect_timeout=connect_timeout, command_timeout=command_timeout,
                      device_timeout=device_timeout, max_output=max_output, channels=channels)
    try:
        return jobs.sweep_live(inv, list(hosts), rack, plane, role, ssh_config, parallel, record, thresholds, opts)
    except (UserInputError, SSHConfigError) as e:
        raise click.UsageError(str(e)) from None
    except SweepInterrupted as e:
        click.echo(f"netdiag sweep: {e}", err=True)
        raise click.exceptions.Exit(exitcodes.UNKNOWN) from None


@main.command("cabling")
@jobs_option
@_progress.quiet_option
@click.option("--inventory", required=True, type=click.Path(exists=True, dir_okay=False), help="devices.csv")
@click.option("--plan", required=True, type=click.Path(exists=True, dir_okay=False), help="cabling.csv")
@click.option("--capture", "capture_dir", type=click.Path(file_okay=False), help="a recorded capture")
@click.option("--snapshot", "snapshot_dir", type=click.Path(file_okay=False), help="a Parquet snapshot (simulate)")
@click.option("--hosts", multiple=True, help="live: inventory name patterns to collect from over SSH")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@_COLOR
def cabling_cmd(inventory, plan, capture_dir, snapshot_dir, hosts, as_json, color):
    """Check the cabling plan against what LLDP / ibnetdiscover / ibdiagnet report.

    Reports miswire, swapped, wrong_plane, missing and unexpected links; a port whose neighbor is
    unknown (LLDP off, device unreachable) is not a finding."""
    from netdiag import jobs
    from netdiag.capture import CaptureError

    if sum(map(bool, (capture_dir, snapshot_dir, hosts))) != 1:
        raise click.UsageError("give exactly one of --capture DIR, --snapshot DIR or --hosts PATTERN")
    if hosts:
        raise click.UsageError("live collection (--hosts) for cabling is not available in this version; use --capture")
    inv = _load_inventory(inventory, plan)
    try:
        res = jobs.cabling(inv, capture_dir=capture_dir, snapshot_dir=snapshot_dir)
    except CaptureError as e:
        click.echo(f"netdiag cabling: {e}", err=True)
        return exitcodes.UNKNOWN
    if as_json:
        click.echo(json.dumps(res.to_json(), indent=2, allow_nan=False))
    else:
        from netdiag.render import text

        on, width = _tty_out(color)
        click.echo(text.render_cabling(res, color=on, width=width), color=on)
    return res.exit_code()


@main.command("explain")
@click.argument("target", metavar="DEVICE:PORT")
@click.option("--capture", "capture_dir", required=True, type=click.Path(file_okay=False), help="a recorded capture")
@click.option("--inventory", type=click.Path(exists=True, dir_okay=False), help="devices.csv")
@click.option("--plan", type=click.Path(exists=True, dir_okay=False), help="cabling.csv (the far end, link findings)")
@click.option("--thresholds", type=click.Path(exists=True, dir_okay=False), help="TOML overriding the defaults")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def explain_cmd(target, capture_dir, inventory, plan, thresholds, as_json):
    """Why a finding was or was not raised at DEVICE:PORT: the evidence each end of its link
    contributed, what was unknown, and the findings covering it (docs/thresholds.md)."""
    from netdiag import jobs
    from netdiag.capture import CaptureError
    from netdiag.health import explain as ex
    from netdiag.health.rules import load_thresholds

    device, sep, port = target.rpartition(":")
    if not sep or not device or not port:
        raise click.UsageError(f"DEVICE:PORT expected, got {target!r}")
    inv = _load_inventory(inventory, plan)
    try:
        res = jobs.sweep_capture(capture_dir, inv, thresholds)
    except CaptureError as e:
        click.echo(f"netdiag explain: {e}", err=True)
        return exitcodes.UNKNOWN
    x = ex.explain(res, device, port, load_thresholds(thresholds))
    click.echo(json.dumps(x, indent=2, allow_nan=False, default=str) if as_json else ex.render_text(x))
    return exitcodes.OK


@main.command("simulate")
@click.option("--preset", required=True, help="hgx-rail, gb200-nvl72, gb300-dual-plane, b300-quad-plane, ib-ndr")
@click.option("--gpus", required=True, type=click.IntRange(1), help="fabric size in GPUs")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--faults", default=0, show_default=True, type=click.IntRange(0), help="component faults to inject")
@click.option("--miswires", default=0, show_default=True, type=click.IntRange(0), help="cabling faults to inject")
@click.option("--evidence-faults", default=0, show_default=True, type=click.IntRange(0),
              help="evidence-class faults and capture noise to inject (docs/simulate.md)")
@click.option("--format", "fmt", default="auto", show_default=True, type=click.Choice(["auto", "capture", "parquet"]),
              help="capture (real output formats) or parquet (canonical snapshot); auto: capture up to 10,000 GPUs")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="output directory")
@click.option("--scans", default=1, show_default=True, type=click.IntRange(1),
              help="advance the fabric in time: DIR/scan-000/, scan-001/... each with its truth.json")
@click.option("--interval", default=3600.0, show_default=True, type=click.FloatRange(min=1.0),
              help="seconds between scans (with --scans)")
@click.option("--event", "events", multiple=True, metavar="EVENT",
              help="fabric-wide event: dark-plane (a random plane), dark-plane:P, dark-row (a random row of "
                   "GPU hosts loses power) or dark-row:R (docs/simulate.md)")
@click.option("--force", is_flag=True, help="write into --out even when it is a non-empty directory")
@click.option("--kinds", default="", help="comma-separated fault kinds to inject in turn (default: the component "
              "kinds; docs/simulate.md lists them)")
def simulate_cmd(preset, gpus, seed, faults, miswires, fmt, out, scans, interval, events, force, evidence_faults,
                 kinds):
    """Make a multi-plane fabric with known faults: DIR/devices.csv, cabling.csv, truth.json and
    capture/ (or snapshot/)."""
    from netdiag.simulate import engine, presets
    from netdiag.simulate.write import write_fabric

    if not force and Path(out).is_dir() and any(Path(out).iterdir()):
        raise click.UsageError(f"{out} is not empty; not writing into it without --force")

    try:
        p = presets.get(preset)
    except KeyError as e:
        raise click.UsageError(str(e.args[0])) from None
    if events:
        _check_events(events, scans)
    if scans > 1:  # a fabric over time (netdiag.simulate.timeline)
        from netdiag.simulate import timeline

        try:
            tl = timeline.build(p, gpus, seed, scans, interval, miswires=miswires, faults=faults)
        except RuntimeError as e:
            raise click.UsageError(str(e)) from None
        timeline.write_timeline(tl, out, fmt)
        fab = tl.fabric
    else:
        try:
            fab = engine.simulate(p, gpus, seed, miswires=miswires, faults=faults, events=events,
                                  evidence_faults=evidence_faults,
                                  kinds=tuple(k.strip() for k in kinds.split(",") if k.strip()) or None)
        except (RuntimeError, UserInputError) as e:
            raise click.UsageError(str(e)) from None
        write_fabric(fab, out, fmt)
    click.echo(f"wrote {out}: {_built(fab, gpus)}, {len(fab.plan)} cables, {len(fab.truth)} injected fault{'' if len(fab.truth) == 1 else 's'}",
               err=True)
    return exitcodes.OK


def _check_events(events, scans) -> None:
    from netdiag.simulate import faults_events

    if scans > 1:
        raise click.UsageError("--event works with one scan (no --scans)")
    try:
        for ev in events:
            faults_events.parse(ev)
    except UserInputError as e:
        raise click.UsageError(str(e)) from None
def _built(fab, gpus: int) -> str:
    """What simulate built, by role, and why when it is not what was asked (whole nodes, the
    smallest two-tier fabric)."""
    roles = fab.devices["role"].value_counts()
    per = fab.preset.gpus_per_node
    hosts = int(roles.get("gpu_host", 0))
    parts = [f"{hosts} GPU host{'s' if hosts != 1 else ''} ({hosts * per} GPUs)"]
    plural = {"leaf": "leaves", "patch_panel": "patch panels"}
    parts += [f"{n} {plural.get(r, r + 's') if n != 1 else r.replace('_', ' ')}" for r, n in roles.items() if r != "gpu_host"]
    text = f"{len(fab.devices)} devices: " + ", ".join(parts)
    if hosts * per != gpus:
        text += (f" [--gpus {gpus} rounded up to whole {per}-GPU nodes; every plane keeps its rail leaves and "
                 "spines, so small fabrics have more switches than hosts]")
    return text


@main.group("plan")
def plan_group():
    """Make a cabling plan (cabling.csv) from another tool's plan or from what was discovered."""


@plan_group.command("import")
@click.option("--ptm", "ptm", type=click.Path(exists=True, dir_okay=False), help="Cumulus PTM / UFM topology.dot")
@click.option("--ibnetdiscover", "ibnd", type=click.Path(exists=True, dir_okay=False), help="ibnetdiscover output")
@click.option("--inventory", type=click.Path(exists=True, dir_okay=False), help="devices.csv (planes)")
@click.option("--media", default="fiber", show_default=True, type=click.Choice(["dac", "acc", "aoc", "fiber"]),
              help="media for links the source does not describe")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="cabling.csv to write")
def plan_import_cmd(ptm, ibnd, inventory, media, out):
    """Convert a PTM topology.dot or an ibnetdiscover topology into cabling.csv."""
    from netdiag.fabric import plan_io

    if bool(ptm) == bool(ibnd):
        raise click.UsageError("give exactly one of --ptm FILE or --ibnetdiscover FILE")
    inv = _load_inventory(inventory, None)
    try:
        if ptm:
            df = plan_io.from_ptm_dot(Path(ptm).read_text(), inv, media)
        else:
            df = plan_io.from_ibnetdiscover(Path(ibnd).read_bytes(), inv)
    except plan_io.PlanError as e:
        click.echo(f"netdiag plan import: {ptm or ibnd}: {e}", err=True)
        return exitcodes.UNKNOWN
    plan_io.write_plan(df, out)
    click.echo(f"wrote {out}: {len(df)} cables", err=True)
    return exitcodes.OK


@plan_group.command("export")
@click.option("--capture", "capture_dir", required=True, type=click.Path(file_okay=False), help="a recorded capture")
@click.option("--inventory", type=click.Path(exists=True, dir_okay=False), help="devices.csv (planes)")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="cabling.csv to write")
@click.option("--force", is_flag=True, help="overwrite --out when it exists")
@click.option("--json", "as_json", is_flag=True, help="print what could not be seen as one JSON object")
def plan_export_cmd(capture_dir, inventory, out, force, as_json):
    """Write the links a capture's neighbors report as cabling.csv (bootstrap a plan), and print
    what it could not see: devices not collected, ports with no neighbor, links whose ends disagree
    (left out), links seen from one end only, unknown media (docs/plan-export.md).

    Exit status: 0 everything seen, 3 something could not be seen (the plan is still written)."""
    from netdiag import jobs
    from netdiag.capture import CaptureError
    from netdiag.fabric import plan_io

    if Path(out).exists() and not force:
        raise click.UsageError(f"{out} exists; not overwriting it without --force")
    inv = _load_inventory(inventory, None)
    try:
        snap, devices = jobs.load_observed(capture_dir)
    except CaptureError as e:
        click.echo(f"netdiag plan export: {e}", err=True)
        return exitcodes.UNKNOWN
    df, gaps = plan_io.export_plan(snap, devices, inv)
    plan_io.write_plan(df, out)
    if as_json:
        click.echo(json.dumps({"cables": len(df), "gaps": gaps}, indent=2))
    else:
        for g in gaps:
            click.echo(f"{g['device']}{':' + g['port'] if g['port'] else ''}  {g['what']}  {g['detail']}")
    left = sum(1 for g in gaps if not g["written"])
    click.echo(f"wrote {out}: {len(df)} cable{'s' if len(df) != 1 else ''} from {len(snap.neighbors)} neighbor "
               f"entries; {len(gaps)} gap{'s' if len(gaps) != 1 else ''} listed ({left} of them left out of the plan)", err=True)
    return exitcodes.UNKNOWN if gaps else exitcodes.OK


def _act_sweep(inventory, plan, capture_dir, hosts, ssh_config, thresholds, record=None):
    """The sweep an isolate/topology command acts on: a capture, or a live collection."""
    from netdiag import jobs
    from netdiag.capture import CaptureError

    inv = _load_inventory(inventory, plan)
    if inv is None or inv.plan.empty:
        raise click.UsageError("--inventory and --plan are required")
    try:
        if hosts:
            return inv, jobs.sweep_live(inv, list(hosts), ssh_config=ssh_config, record_dir=record,
                                        thresholds=thresholds)
        return inv, (jobs.sweep_capture(capture_dir, inv, thresholds) if capture_dir else None)
    except CaptureError as e:
        click.echo(f"netdiag: {e}", err=True)
        raise click.exceptions.Exit(exitcodes.UNKNOWN) from None


@main.command("isolate")
@click.option("--inventory", type=click.Path(exists=True, dir_okay=False), help="devices.csv")
@click.option("--plan", type=click.Path(exists=True, dir_okay=False), help="cabling.csv")
@click.option("--capture", "capture_dir", type=click.Path(file_okay=False), help="findings from a recorded capture")
@click.option("--hosts", multiple=True, help="live: inventory name patterns to sweep over SSH first")
@click.option("--thresholds", type=_toml("thresholds.toml"), help="TOML overriding [isolation] etc.")
@click.option("--journal", "journal_path", default="reports/netdiag-actions.sqlite", show_default=True,
              type=click.Path(dir_okay=False), help="SQLite journal of applied actions (for --undo)")
@click.option("--apply", "do_apply", is_flag=True, help="shut the ports and drain the hosts (default: dry run)")
@click.option("--undo", "undo_ref", help="undo an applied run (run id) or one action (action id)")
@click.option("--scheduler", default="slurm", show_default=True, type=click.Choice(["slurm", "k8s", "none"]),
              help="where --apply drains and resumes hosts")
@click.option("--ib-host", help="host (inventory or ssh config name) that runs ibportstate for InfiniBand ports")
@click.option("--ssh-config", type=click.Path(dir_okay=False), help="OpenSSH client config (like ssh -F)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def isolate_cmd(inventory, plan, capture_dir, hosts, thresholds, journal_path, do_apply, undo_ref, scheduler, ib_host,
                ssh_config, as_json):
    """Plan (and with --apply carry out) taking failing links out of service and draining hosts
    without breaking the capacity rules of thresholds.toml [isolation].

    Exit status: 0 every finding handled, 1 some finding cannot be isolated safely, 3 an action
    failed or bad arguments."""
    from netdiag import jobs
    from netdiag.act import apply as act_apply
    from netdiag.act.commands import ib_guids
    from netdiag.act.journal import Journal
    from netdiag.collect.ssh import SSHConnector
    from netdiag.collect.sshconfig import SSHSettings

    if undo_ref:
        from netdiag.inventory import Inventory

        inv = _load_inventory(inventory, plan) or Inventory()
        journal = Journal(journal_path)
        try:
            res = act_apply.undo(undo_ref, inv, journal, SSHConnector(SSHSettings(ssh_config)))
        except UserInputError as e:
            raise click.UsageError(str(e)) from None
        finally:
            journal.close()
        click.echo(json.dumps(res.to_json(), indent=2) if as_json else
                   "\n".join(f"{a['status']:8s} {a['kind']:13s} {a['target']}" for a in res.actions))
        return exitcodes.UNKNOWN if res.failed else exitcodes.OK
    if bool(capture_dir) == bool(hosts):
        raise click.UsageError("give exactly one of --capture DIR or --hosts")
    inv, res = _act_sweep(inventory, plan, capture_dir, hosts, ssh_config, thresholds)
    journal = Journal(journal_path) if (do_apply or Path(journal_path).exists()) else None
    try:
        iso = jobs.isolate(res, thresholds, journal)
        out = {"plan": iso.to_json()}
        applied = None
        if do_apply:
            applied = act_apply.apply_plan(iso, inv, journal, SSHConnector(SSHSettings(ssh_config)), scheduler,
                                           ib_host, ib_guids(res.snapshot))
            out["applied"] = applied.to_json()
    finally:
        if journal is not None:
            journal.close()
    if as_json:
        click.echo(json.dumps(out, indent=2, allow_nan=False))
    else:
        from netdiag.render.isolation import plan_text

        click.echo(plan_text(iso, applied))
    if applied is not None and applied.failed:
        return exitcodes.UNKNOWN
    return exitcodes.WARNING if iso.unsafe else exitcodes.OK


@main.command("topology")
@click.option("--inventory", type=click.Path(exists=True, dir_okay=False), help="devices.csv")
@click.option("--plan", type=click.Path(exists=True, dir_okay=False), help="cabling.csv")
@click.option("--capture", "capture_dir", type=click.Path(file_okay=False),
              help="leave out what the isolation plan of this capture's findings takes away")
@click.option("--thresholds", type=_toml("thresholds.toml"), help="TOML overriding the defaults")
@click.option("--journal", "journal_path", default="reports/netdiag-actions.sqlite", show_default=True,
              type=click.Path(dir_okay=False), help="journal of applied actions (isolated links, drained hosts)")
@click.option("--format", "fmt", required=True, type=click.Choice(["slurm-tree", "slurm-block", "k8s-labels",
                                                                   "k8s-patch", "json"]))
def topology_cmd(inventory, plan, capture_dir, thresholds, journal_path, fmt):
    """Export the healthy topology: Slurm topology.conf (tree or block), Kubernetes node labels
    (kubectl commands, or k8s-patch: one JSON merge-patch per node), or JSON."""
    import shlex

    from netdiag import jobs
    from netdiag.act import k8s, slurm
    from netdiag.act.journal import Journal

    inv, res = _act_sweep(inventory, plan, capture_dir, (), None, thresholds)
    journal = Journal(journal_path) if Path(journal_path).exists() else None
    try:
        topo = jobs.topology(inv, res, thresholds, journal)
    finally:
        if journal is not None:
            journal.close()
    if fmt == "slurm-tree":
        click.echo(slurm.tree_conf(topo), nl=False)
    elif fmt == "slurm-block":
        click.echo(slurm.block_conf(topo), nl=False)
    elif fmt == "k8s-labels":
        click.echo("\n".join(shlex.join(c) for c in k8s.label_commands(topo)))
    elif fmt == "k8s-patch":
        click.echo(json.dumps(k8s.merge_patches(topo), indent=2))
    else:
        click.echo(json.dumps(topo.to_json(), indent=2))
    return exitcodes.OK


from netdiag.cli_scan import history_cmd, merge_cmd, scan_cmd  # noqa: E402  (fleet scans: their own module)

for _cmd in (scan_cmd, merge_cmd, history_cmd):
    main.add_command(_cmd)

from netdiag.cli_onboard import inventory_group, validate_cmd  # noqa: E402  (onboarding: docs/commands.md)

main.add_command(validate_cmd)
main.add_command(inventory_group)


from netdiag.cli_shards import snapshot_cmd  # noqa: E402  (shards: parse to a snapshot, docs/scale.md)

main.add_command(snapshot_cmd)

def _add_debug_everywhere(group: click.Group) -> None:
    """`--debug` is also accepted after the command name (netdiag sweep ... --debug)."""
    for cmd in group.commands.values():
        if not any(p.name == "debug" for p in cmd.params):
            _debug_option(cmd)
        if isinstance(cmd, click.Group):
            _add_debug_everywhere(cmd)


_add_debug_everywhere(main)

if __name__ == "__main__":  # pragma: no cover
    main()
