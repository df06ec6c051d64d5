"""Progress bars for long runs: click's progress bar on stderr, drawn only on a terminal.

A live sweep (devices answered), the parse of a large capture (devices parsed) and a merge of
shard captures (devices copied) show one while they run. Nothing is drawn when stderr is not a
terminal (cron, a pipe, a file, CI), nor after ``--quiet`` (:func:`configure`); stdout is never
touched, so ``--json`` output stays clean. See docs/commands.md.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")

#: None: draw when stderr is a terminal; False: never (--quiet); True: whenever asked (tests)
_MODE: dict[str, bool | None] = {"enabled": None}

#: a parse of fewer devices than this is quick: no bar (live sweeps always show theirs)
MIN_INGEST_DEVICES = 50


def configure(enabled: bool | None) -> None:
    """None: bars on a terminal only (the default); False: no bars at all (--quiet)."""
    _MODE["enabled"] = enabled


def enabled(stream=None) -> bool:
    """Whether a bar would be drawn on `stream` (default stderr) now."""
    on = _MODE["enabled"]
    if on is not None:
        return on
    stream = stream or sys.stderr
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):   # a closed or unusual stream: no bar
        return False


@contextmanager
def bar(total: int, label: str, stream=None) -> Iterator[Callable[[int], None]]:
    """A bar of `total` steps; yields `advance(n=1)`. A no-op when bars are off or total is 0."""
    stream = stream or sys.stderr
    if not total or not enabled(stream):
        yield lambda n=1: None
        return
    import click

    with click.progressbar(length=total, label=label, file=stream, show_pos=True, show_eta=True) as b:
        yield lambda n=1: b.update(n)


def track(items: Iterable[T], total: int, label: str, weight: Callable[[T], int] | None = None,
          minimum: int = 0, stream=None) -> Iterator[T]:
    """Yield `items` unchanged, advancing a bar of `total` by `weight(item)` (default 1) after
    each; no bar when `total` is below `minimum`."""
    if total < minimum or not enabled(stream or sys.stderr):
        yield from items
        return
    with bar(total, label, stream) as advance:
        for it in items:
            yield it
            advance(weight(it) if weight is not None else 1)


def quiet_option(f):
    """`-q/--quiet`: no progress bar on stderr (what the command prints otherwise stays)."""
    import click

    def _set(_ctx, _param, value):
        if value:
            configure(False)
        return value

    return click.option("--quiet", "-q", is_flag=True, expose_value=False, callback=_set,
                        help="no progress bar on stderr (none is drawn either when stderr is not a terminal)")(f)
