"""Run netdiag commands in worker processes for the property tests (tests/test_properties_fabrics.py).

Each call is the real CLI (click's test runner in a fresh-for-the-pool process); independent commands
of one example run side by side on the machine's cores. Workers are started with `spawn` (no fork of
a process that has threads), once per test session."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

_POOL: ProcessPoolExecutor | None = None


def invoke(chain: list[list[str]]) -> list[tuple]:
    """Run the commands of `chain` in order (a later one may read what an earlier one wrote); per
    command (exit code, stdout, stderr, the exception other than SystemExit as text or None)."""
    from click.testing import CliRunner

    from netdiag import cli

    out = []
    for args in chain:
        r = CliRunner().invoke(cli.main, args)
        exc = None if r.exception is None or isinstance(r.exception, SystemExit) else repr(r.exception)
        out.append((r.exit_code, r.stdout, r.stderr, exc))
    return out


def pool() -> ProcessPoolExecutor:
    """The shared pool: as many workers as cores (at most 4), or NETDIAG_TEST_WORKERS."""
    global _POOL
    if _POOL is None:
        n = int(os.environ.get("NETDIAG_TEST_WORKERS") or min(4, os.cpu_count() or 1))
        _POOL = ProcessPoolExecutor(max(1, n), mp_context=multiprocessing.get_context("spawn"))
    return _POOL


def run_all(chains: dict[str, list[list[str]]]) -> dict[str, list[tuple]]:
    """Every chain at once on the pool; name -> its results."""
    futs = {name: pool().submit(invoke, chain) for name, chain in chains.items()}
    return {name: f.result() for name, f in futs.items()}


def shutdown() -> None:
    global _POOL
    if _POOL is not None:
        _POOL.shutdown()
        _POOL = None
