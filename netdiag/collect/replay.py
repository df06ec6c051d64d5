"""A transport that serves a recorded capture: the device answers each command as it did then."""

from __future__ import annotations

from netdiag.capture import Device
from netdiag.collect import CommandResult


def _norm(command: str) -> str:
    return " ".join(command.split())


class ReplayTransport:
    """Serve one captured device. A command that was not recorded answers exit status 127."""

    def __init__(self, device: Device):
        self.device = device
        self._by_command = {_norm(e.command): e for e in device.entries}

    def run(self, command: str, timeout: float | None = None) -> CommandResult:
        e = self._by_command.get(_norm(command))
        if e is None:
            return CommandResult(b"", f"netdiag replay: {command!r} not in capture\n".encode(), 127, None)
        return CommandResult(e.stdout(), e.stderr(), e.exit_status, e.error)
