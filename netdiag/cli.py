"""Command line: parse arguments, call one job function, map errors to exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from netdiag import __version__, exitcodes


class _Group(click.Group):
    """Usage errors exit UNKNOWN (3) so they never collide with WARNING/CRITICAL."""

    def main(self, *args, **kwargs):
        kwargs.setdefault("standalone_mode", False)
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
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="netdiag")
def main():
    """netdiag: link-health and cabling diagnostics for multi-plane AI fabrics."""


@main.command("parse")
@click.option("--format", "fmt", default="auto", show_default=True, help="parser name, or auto to guess")
@click.option("--device", default=None, help="device name to put in the rows")
@click.option("--port", default=None, help="port the output belongs to (e.g. for ethtool -m)")
@click.option("--list-formats", is_flag=True, help="list parser names and exit")
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
def parse_cmd(fmt, device, port, list_formats, file):
    """Print the canonical tables FILE yields, as one JSON object (SCHEMA.md §4)."""
    from netdiag import parsers

    if list_formats:
        for f in parsers.formats().values():
            click.echo(f"{f.name:28s} {','.join(f.tables):28s} {f.description}")
        return exitcodes.OK
    if not file:
        raise click.UsageError("FILE is required (or --list-formats)")
    data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    try:
        tables = parsers.parse_text(fmt, data, device=device, port=port, command=None)
    except parsers.ParseError as e:
        click.echo(f"netdiag parse: {file}: {e}", err=True)
        return exitcodes.UNKNOWN
    click.echo(json.dumps(tables, indent=2, allow_nan=False))
    return exitcodes.OK


if __name__ == "__main__":  # pragma: no cover
    main()
