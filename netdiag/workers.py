"""How many worker processes parse captures: `--jobs N` on sweep, scan and cabling (docs/scale.md).

Kept apart from netdiag.ingest so that the command line can declare the option without loading
pandas and the parsers.
"""

from __future__ import annotations

import os

#: worker processes for ingest when the caller does not say (None: every usable core)
DEFAULT_JOBS: int | None = None


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, e.g. a container's cpuset)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def configure(jobs: int | None) -> None:
    """Set the worker count later ingest() calls use by default (the command line's --jobs)."""
    global DEFAULT_JOBS
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be >= 1, got {jobs}")
    DEFAULT_JOBS = jobs


def jobs_option(f):
    """The `--jobs N` option of the commands that parse captures (sweep, scan, cabling)."""
    import click

    def _set(_ctx, _param, value):
        configure(value)
        return value

    return click.option("--jobs", type=click.IntRange(1, 1024), default=None, expose_value=False,
                        callback=_set,
                        help="worker processes parsing device outputs [default: every core]")(f)
