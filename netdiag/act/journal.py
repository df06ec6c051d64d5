"""The journal of applied actions (SQLite): every port shut and host drained, with the command
that undoes it, so ``netdiag isolate --undo ID`` restores exactly what a run did.

One row per action: ``id`` (integer), ``run`` (the run id, ``YYYYmmddTHHMMSSZ-xxxx``), ``at``,
``kind`` (isolate | drain | resume), ``device`` (where the command ran, or the scheduler),
``target`` (DEVICE:PORT or host), ``cable_id``, ``finding``, ``command``, ``undo``, ``status``
(done | failed | undone | planned), ``output``. Kept in its own file (no shared store exists yet).
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS actions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run TEXT NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL, device TEXT, target TEXT NOT NULL,
  cable_id TEXT, finding TEXT, command TEXT NOT NULL, undo TEXT, status TEXT NOT NULL, output TEXT
);
CREATE INDEX IF NOT EXISTS actions_run ON actions(run);
"""


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


class Journal:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(_SCHEMA)
        os.chmod(self.path, 0o600)

    def close(self) -> None:
        self.db.close()

    def record(self, run: str, kind: str, target: str, command: list[str] | str, undo: list[str] | str | None,
               status: str, device: str | None = None, cable_id: str | None = None, finding: str | None = None,
               output: str = "") -> int:
        """Add one action; commands given as argv are stored as JSON lists, command lines as text."""
        enc = lambda c: None if c is None else (json.dumps(c) if isinstance(c, list) else c)  # noqa: E731
        cur = self.db.execute(
            "INSERT INTO actions (run, at, kind, device, target, cable_id, finding, command, undo, status, output)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (run, datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"), kind, device,
             target, cable_id, finding, enc(command), enc(undo), status, output[-2000:]))
        self.db.commit()
        return int(cur.lastrowid)

    def set_status(self, action_id: int, status: str, output: str = "") -> None:
        self.db.execute("UPDATE actions SET status=?, output=? WHERE id=?", (status, output[-2000:], action_id))
        self.db.commit()

    def actions(self, ref: str | None = None) -> list[dict]:
        """Actions of run `ref`, or the one action whose id is `ref`, or all; oldest first."""
        if ref is None:
            rows = self.db.execute("SELECT * FROM actions ORDER BY id").fetchall()
        elif ref.isdigit():
            rows = self.db.execute("SELECT * FROM actions WHERE id=?", (int(ref),)).fetchall()
        else:
            rows = self.db.execute("SELECT * FROM actions WHERE run=? ORDER BY id", (ref,)).fetchall()
        return [dict(r) for r in rows]

    def active(self) -> tuple[set[str], dict[str, list[str]]]:
        """(cables isolated and not undone, host -> findings it is drained for and not resumed)."""
        isolated, drained = set(), {}
        for r in self.actions():
            if r["kind"] == "isolate" and r["status"] == "done" and r["cable_id"]:
                isolated.add(r["cable_id"])
            elif r["kind"] == "drain" and r["status"] == "done":
                drained.setdefault(r["target"], []).extend((r["finding"] or "").split(","))
            elif r["kind"] == "resume" and r["status"] == "done":
                drained.pop(r["target"], None)
        return isolated, drained


def decode(command: str | None) -> list[str] | str | None:
    """A stored command back as argv (list) or a command line (str)."""
    if command is None or not command.startswith("["):
        return command
    return json.loads(command)
