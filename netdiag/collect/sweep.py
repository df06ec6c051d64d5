"""The live sweep runner: many devices at once over SSH, each one's failure a result, never a stop.

``collect_live`` connects to each selected device (``parallel`` at a time, a thread each), runs its
platform's commands (:func:`netdiag.collect.collect_device`) and records everything into one
capture, written atomically. A device that fails is recorded with ``"<cause>: <message>"``
(:data:`netdiag.collect.CAUSES`) and the sweep goes on. Ctrl-C closes every connection, marks the
devices not finished ``interrupted`` and still writes a valid capture (``"partial": true``), then
raises :class:`SweepInterrupted`.
"""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from netdiag import platforms
from netdiag.capture import CaptureWriter, DeviceRecorder
from netdiag.collect import collect_device
from netdiag.collect.ssh import DeviceError, SSHConnector
from netdiag.inventory import DeviceInfo


class SweepInterrupted(Exception):
    """Ctrl-C during a live sweep; `capture` is the partial capture written."""

    def __init__(self, capture: Path):
        super().__init__(f"interrupted; partial capture written to {capture}")
        self.capture = capture


class Progress:
    """click's progress bar on stderr (devices done, failed so far, ETA); silent when stderr is not a
    terminal (cron, pipes), after --quiet, or when disabled."""

    def __init__(self, total: int, enabled: bool | None = None, stream=None):
        import click

        self.stream = stream or sys.stderr
        if enabled is None:   # a terminal, and not --quiet (netdiag.progress)
            from netdiag import progress as _progress

            enabled = _progress.enabled(self.stream)
        self.enabled = enabled
        self.total, self.done, self.failed = total, 0, 0
        self.t0 = time.monotonic()
        self._bar = None
        if self.enabled and total:
            self._bar = click.progressbar(length=total, label="sweeping", file=self.stream, show_pos=True,
                                          show_eta=True, item_show_func=lambda _: f"{self.failed} failed")
            self._bar.__enter__()

    def update(self, ok: bool, final: bool = False) -> None:
        self.done += 1
        self.failed += not ok
        if self._bar is None:
            return
        self._bar.update(1, self.failed)
        if self.done >= self.total:
            self._bar.__exit__(None, None, None)
            self._bar = None


def _collect_one(dev: DeviceInfo, rec: DeviceRecorder, connector: SSHConnector, stop: threading.Event) -> bool:
    """Collect one device into `rec`; True when it went fine as a whole."""
    if stop.is_set():
        return False
    try:
        platforms.get(dev.platform)
    except KeyError as e:
        rec.fail(f"command_failed: {e.args[0]}")
        return False
    try:
        transport = connector.connect(dev.name, dev.address, dev.port, dev.user, dev.jump)
    except DeviceError as e:
        rec.fail(str(e))
        return False
    except Exception as e:  # noqa: BLE001 - a bug or an odd device is this device's result
        rec.fail(f"unreachable: {type(e).__name__}: {e}")
        return False
    try:
        o = connector.options
        collect_device(transport, rec, dev.platform, o.command_timeout, o.channels)
    finally:
        transport.close()
    if stop.is_set():
        return False
    if transport.failure is not None:
        rec.fail(str(transport.failure))
        return False
    return True


def collect_live(devices: list[DeviceInfo], record_dir: str | Path, connector: SSHConnector,
                 parallel: int = 16, progress: Progress | None = None, overwrite: bool = False) -> Path:
    """Collect `devices` over SSH into a capture at `record_dir`; returns its path."""
    cw = CaptureWriter(record_dir, overwrite=overwrite)
    recs = {d.name: cw.device(d.name, d.platform, d.address or None) for d in devices}
    stop = threading.Event()
    finished: set[str] = set()
    ex = ThreadPoolExecutor(max(1, parallel), thread_name_prefix="sweep")
    futs = {}
    try:
        futs = {ex.submit(_collect_one, d, recs[d.name], connector, stop): d.name for d in devices}
        pending = set(futs)
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for f in done:
                finished.add(futs[f])
                if progress:
                    progress.update(bool(f.result()))
    except KeyboardInterrupt:
        stop.set()
        connector.abort()
        ex.shutdown(wait=True, cancel_futures=True)
        for f, name in futs.items():
            if name not in finished and not (f.done() and not f.cancelled() and f.result()):
                recs[name].fail("interrupted: the sweep was stopped (Ctrl-C) before this device finished")
        connector.close()
        raise SweepInterrupted(cw.finish(partial=True)) from None
    except BaseException:
        stop.set()
        connector.abort()
        ex.shutdown(wait=True, cancel_futures=True)
        connector.close()
        cw.abort()
        raise
    ex.shutdown(wait=True)
    connector.close()
    return cw.finish()
