"""`netdiag validate`: check devices.csv, cabling.csv and optionally a capture before any collection
(docs/inventory.md, docs/capture.md). Every problem is one 'file:line: column: why' line; nothing
is contacted over the network."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from netdiag.inventory import InventoryError, load_cabling_frame, load_devices, platform_names


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)   # errors: exit UNKNOWN (3)
    warnings: list[str] = field(default_factory=list)   # worth a look, not errors
    facts: list[str] = field(default_factory=list)      # what was checked, for the summary

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(inventory: str | Path | None, plan: str | Path | None, capture: str | Path | None = None) -> Report:
    rep = Report()
    devices = None
    if inventory:
        devices = {}
        try:
            devices = load_devices(inventory, rep.warnings, devices)
            planes = sorted({d.plane for d in devices.values() if d.plane})
            rep.facts.append(f"{inventory}: {_n(len(devices), 'device')}"
                             + (f", planes {', '.join(planes)}" if planes else ""))
        except InventoryError as e:
            rep.problems += e.problems
    if plan:
        try:
            df = load_cabling_frame(plan, devices, rep.warnings)
            rep.facts.append(f"{plan}: {_n(len(df), 'cable')}")
        except InventoryError as e:
            rep.problems += e.problems
    if capture:
        _check_capture(Path(capture), devices, rep)
    return rep


def _n(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


def _check_capture(root: Path, devices, rep: Report) -> None:
    """The capture reads, each device's platform is known and matches the inventory, every output a
    parser would read exists, and which commands no parser reads (a warning: they are kept, unused)."""
    from netdiag import platforms
    from netdiag.capture import CaptureError, read_capture

    try:
        cap = read_capture(root)
    except CaptureError as e:
        rep.problems.append(str(e))
        return
    outputs = unread = 0
    for dev in cap.devices:
        where = root / "devices" / dev.name
        if not dev.ok and dev.error and str(where) in dev.error:
            rep.problems.append(dev.error)  # its own files are broken (a failed collection is not a problem)
            continue
        if dev.platform not in platform_names():
            rep.problems.append(f"{where / 'device.json'}: platform: unknown platform {dev.platform!r}: "
                                f"not one of {'|'.join(platform_names())}")
            continue
        inv_dev = devices.get(dev.name) if devices is not None else None
        if devices is not None and inv_dev is None:
            rep.warnings.append(f"{where}: device {dev.name!r} is not in devices.csv (analysed without its "
                                "location, role or plane)")
        elif inv_dev is not None and inv_dev.platform != dev.platform:
            rep.problems.append(f"{where / 'device.json'}: platform: {dev.platform!r}, but devices.csv says "
                                f"{inv_dev.platform!r}")
        drv = platforms.get(dev.platform)
        for i, e in enumerate(dev.entries):
            outputs += 1
            if not (where / e.file).exists() and e.error is None:
                rep.problems.append(f"{where / 'index.json'}: entry {i}: file {e.file!r} missing "
                                    f"(command {e.command!r})")
            elif e.format is None and drv.parser_for(e.command) is None:
                unread += 1
    rep.facts.append(f"{root}: {_n(len(cap.devices), 'device')}, {_n(outputs, 'output')}"
                     + (f" ({unread} of commands no parser reads, kept unused)" if unread else ""))
