"""`netdiag snapshot`: parse a capture (or one shard of it) into a canonical Parquet snapshot, the
unit `netdiag merge` joins across shards (docs/scale.md). Registered on the main group by
netdiag.cli."""

from __future__ import annotations

import click

from netdiag import exitcodes
from netdiag.progress import quiet_option
from netdiag.workers import jobs_option


@click.command("snapshot")
@jobs_option
@quiet_option
@click.option("--capture", "capture_dir", required=True, type=click.Path(exists=True, file_okay=False),
              help="the recorded capture to parse")
@click.option("--shard", help="i/N: only the devices of shard i of N (stable hash of the name)")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="the snapshot directory to write")
def snapshot_cmd(capture_dir, shard, out):
    """Parse a capture into the canonical tables (Parquet) plus each device's collection status.

    Shards parsed on several machines are joined with `netdiag merge SNAPSHOT... --out DIR` and
    analysed once with `netdiag scan --snapshot DIR` (or `cabling --snapshot`)."""
    from netdiag.capture import CaptureError
    from netdiag.scan import parse_shard
    from netdiag.shards import parse_capture

    try:
        shard_t = parse_shard(shard) if shard else None
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    try:
        path, n = parse_capture(capture_dir, out, shard_t)
    except CaptureError as e:
        click.echo(f"netdiag snapshot: {e}", err=True)
        return exitcodes.UNKNOWN
    click.echo(f"wrote {path}: {n} devices", err=True)
    return exitcodes.OK
