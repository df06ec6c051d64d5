"""A large fabric to play in the SSH lab: recorded devices cloned under new names, deterministically.

``build_fleet`` copies every healthy device of the source captures once per rack (``f000``,
``f001``, ...) under the name ``<rack>-<original name>``, byte for byte, and writes the capture
plus the rows of a matching inventory. Run it again with the same arguments and the capture is
identical (timestamps included), so a live sweep of the played fleet can be compared with
``netdiag sweep --capture`` of the same capture.
"""

from __future__ import annotations

import json
from pathlib import Path

from netdiag.capture import CaptureWriter, read_capture

ROOT = Path(__file__).resolve().parent.parent.parent
#: every recorded fixture capture: four GPU hosts, SONiC, Cumulus and EOS leaves, an ibdiagnet host
DEFAULT_SOURCES = (ROOT / "fixtures" / "demo" / "capture", ROOT / "fixtures" / "captures" / "sonic-leaf",
                   ROOT / "fixtures" / "captures" / "cumulus-leaf", ROOT / "fixtures" / "captures" / "eos-leaf",
                   ROOT / "fixtures" / "captures" / "ib-fabric")
_ROLE = {"linux": "gpu_host", "ib-host": "gpu_host", "ibdiagnet": "fabric_manager"}
T0 = "2026-11-28T03:00:00.000Z"


def build_fleet(out: str | Path, racks: int, sources=DEFAULT_SOURCES) -> list[dict]:
    """Write a capture at `out` with `racks` copies of every ok device of `sources`; returns the
    inventory rows (docs/inventory.md columns) in capture order, address left empty."""
    devices = [d for src in sources for d in read_capture(src).devices if d.ok]
    rows = []
    cw = CaptureWriter(out)
    cw.started = T0
    for k in range(racks):
        rack = f"f{k:03d}"
        for i, dev in enumerate(devices):
            name = f"{rack}-{dev.name}"
            rec = cw.device(name, dev.platform, None)
            for e in dev.entries:
                rec.record(e.command, e.stdout(), e.stderr(), e.exit_status, T0, e.duration_s, e.error, e.format)
            rows.append({"name": name, "platform": dev.platform, "address": "",
                         "role": _ROLE.get(dev.platform, "leaf"), "plane": "", "site": "lab", "hall": "A",
                         "row": "01", "rack": rack, "u": str(40 - i)})
    cw.extra_meta = {"fleet": {"racks": racks, "sources": [str(Path(s).name) for s in sources]}}
    meta_file = cw.finish() / "capture.json"
    meta = json.loads(meta_file.read_text())
    meta.update(finished=T0, tool_version="fleet")  # fixed, so the capture is byte-identical run to run
    meta_file.write_text(json.dumps(meta, indent=1))
    return rows
