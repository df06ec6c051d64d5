"""Commands for onboarding a fleet: `netdiag validate` and `netdiag inventory init` (docs/commands.md)."""

from __future__ import annotations

from pathlib import Path

import click

from netdiag import exitcodes
from netdiag.progress import quiet_option


@click.command("validate")
@click.option("--inventory", type=click.Path(exists=True, dir_okay=False), help="devices.csv")
@click.option("--plan", type=click.Path(exists=True, dir_okay=False), help="cabling.csv")
@click.option("--capture", "capture_dir", type=click.Path(file_okay=False), help="a capture directory to check too")
@click.option("-q", "--quiet", is_flag=True, help="print problems only, no summary")
def validate_cmd(inventory, plan, capture_dir, quiet):
    """Check devices.csv, cabling.csv (and a capture) without contacting any device.

    Prints one line per problem as FILE:LINE: COLUMN: WHY (unknown platform, role or medium, a bad
    rack unit, a plan plane that contradicts the inventory, a malformed patch-panel path, a plan
    device missing from the inventory, a port cabled twice...). Exit status: 0 when everything is
    usable, 3 when anything is not (docs/inventory.md)."""
    from netdiag.validate import validate

    if not (inventory or plan or capture_dir):
        raise click.UsageError("give at least one of --inventory, --plan, --capture")
    rep = validate(inventory, plan, capture_dir)
    for p in rep.problems:
        click.echo(p)
    for w in rep.warnings:
        click.echo(f"warning: {w}", err=True)
    if not quiet:
        for f in rep.facts:
            click.echo(f"checked {f}", err=True)
        np_, nw = len(rep.problems), len(rep.warnings)
        click.echo(f"{np_} problem{'' if np_ == 1 else 's'}, {nw} warning{'' if nw == 1 else 's'}", err=True)
    return exitcodes.OK if rep.ok else exitcodes.UNKNOWN


@click.group("inventory")
def inventory_group():
    """Make devices.csv (the inventory) for your fleet."""


@inventory_group.command("init")
@click.option("--hosts", "hosts", multiple=True, help="host names as your SSH config knows them (repeatable)")
@click.option("--hosts-file", type=click.File("r"), help="file with one host name per line ('#' comments)")
@click.option("--ssh-config", type=click.Path(dir_okay=False), help="OpenSSH client config (like ssh -F)")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="devices.csv to write ('-' for stdout)")
@click.option("--parallel", type=click.IntRange(1, 1024), default=16, show_default=True, help="hosts at once")
@click.option("--timeout", "command_timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="seconds per probe command")
@click.option("--force", is_flag=True, help="overwrite --out if it exists")
@quiet_option
def inventory_init_cmd(hosts, hosts_file, ssh_config, out, parallel, command_timeout, force):
    """Discover each host's platform and ports over SSH and write a first devices.csv.

    Host keys are verified as for a sweep (known_hosts; StrictHostKeyChecking accept-new in your
    SSH config lets first contact record them). Role is guessed from the name (spine, leaf, tor...;
    Linux and InfiniBand hosts are gpu_host); fill in plane, rack and U before the first sweep.
    Exit status: 0 every host answered, 3 some did not (they are listed, and left out)."""
    from netdiag.collect.ssh import SSHConnector, SSHOptions
    from netdiag.collect.sshconfig import SSHConfigError, SSHSettings
    from netdiag.onboard import devices_csv, discover

    names = list(hosts)
    if hosts_file is not None:
        names += [ln.split("#", 1)[0].strip() for ln in hosts_file]
    names = list(dict.fromkeys(n for n in names if n))
    if not names:
        raise click.UsageError("give --hosts NAME (repeatable) or --hosts-file FILE")
    if out != "-" and Path(out).exists() and not force:
        raise click.UsageError(f"{out} exists; use --force to overwrite it")
    try:
        connector = SSHConnector(SSHSettings(ssh_config), SSHOptions(command_timeout=command_timeout))
    except SSHConfigError as e:
        raise click.UsageError(str(e)) from None
    from netdiag import progress

    with progress.bar(len(names), "probing hosts") as advance:   # a terminal only, none with -q
        found = discover(names, connector, parallel, progress=lambda d: advance())
    text = devices_csv(found)
    if out == "-":
        click.echo(text, nl=False)
    else:
        Path(out).write_text(text)
    failed = [d for d in found if d.error]
    for d in failed:
        click.echo(f"netdiag inventory init: {d.name}: {d.error}", err=True)
    by = {}
    for d in found:
        if not d.error:
            by[d.platform] = by.get(d.platform, 0) + 1
    k = len(found) - len(failed)
    click.echo(f"wrote {out}: {k} device{'' if k == 1 else 's'} ("
               + ", ".join(f"{n} {p}" for p, n in sorted(by.items())) + f"), {len(failed)} not reachable or not recognised",
               err=True)
    return exitcodes.UNKNOWN if failed else exitcodes.OK
