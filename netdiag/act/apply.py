"""Apply an isolation plan: shut ports over SSH (the sweep's transport), drain and resume hosts in
the scheduler, record every action with its undo in the journal; undo a run or one action.

Scheduler commands (``scontrol``, ``kubectl``) are run here as argument lists, without a shell.
``scontrol update State=RESUME`` on a node that never registered with slurmctld answers "Invalid
node state specified" even though it clears the drain, so a resume is judged by the node's state
(``scontrol show node -o``), not by that exit status.
"""

from __future__ import annotations

import shlex
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from netdiag.act import k8s, slurm
from netdiag.act.commands import IB_PLATFORMS, port_commands
from netdiag.act.isolate import IsolationPlan
from netdiag.act.journal import Journal, decode, new_run_id
from netdiag.errors import UserInputError
from netdiag.inventory import Inventory
from netdiag.platforms import UnsafeName

SCHEDULERS = ("slurm", "k8s", "none")


@dataclass
class ApplyResult:
    run: str
    actions: list[dict]

    @property
    def failed(self) -> list[dict]:
        return [a for a in self.actions if a["status"] == "failed"]

    def to_json(self) -> dict:
        return {"run": self.run, "actions": self.actions, "failed": len(self.failed)}


def _run_local(argv: list[str], timeout: float = 30.0) -> tuple[bool, str]:
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, f"{argv[0]}: {e}"
    return p.returncode == 0, (p.stdout + p.stderr).strip()


def _slurm_drained(host: str) -> bool | None:
    ok, out = _run_local(["scontrol", "show", "node", "-o", host])
    if not ok:
        return None
    state = next((w.split("=", 1)[1] for w in out.split() if w.startswith("State=")), "")
    return "DRAIN" in state


def scheduler_commands(scheduler: str, kind: str, host: str, finding: str = "", reason: str = "") -> tuple:
    """(command, undo) argv for draining (kind 'drain') or resuming (kind 'resume') `host`."""
    if scheduler == "k8s":
        first = finding.split(",")[0]
        return ((k8s.taint_command(host, first), k8s.untaint_command(host)) if kind == "drain"
                else (k8s.untaint_command(host), None))
    return ((slurm.drain_command(host, reason), slurm.resume_command(host)) if kind == "drain"
            else (slurm.resume_command(host), None))


def _run_scheduler(scheduler: str, kind: str, host: str, argv: list[str]) -> tuple[str, str]:
    if scheduler == "none":
        return "planned", "not run: --scheduler none"
    ok, out = _run_local(argv)
    if scheduler == "slurm" and not ok and kind in ("resume", "undrain"):
        if _slurm_drained(host) is False:
            ok, out = True, f"{out} (node no longer drained)"
    return ("done" if ok else "failed"), out


def _ssh_run(connector, inventory: Inventory, device: str, commands: list[str]) -> list[tuple[bool, str]]:
    info = inventory.devices.get(device)
    try:
        if info is not None:
            conn = connector.connect(device, info.address, info.port, info.user, info.jump)
        else:
            conn = connector.connect(device)
    except Exception as e:   # DeviceError or an SSH config problem: every command of the device fails
        return [(False, str(e))] * len(commands)
    out = []
    try:
        for c in commands:
            r = conn.run(c)
            text = (r.stdout + r.stderr).decode("utf-8", "replace").strip()
            out.append((r.error is None and r.exit_status == 0, r.error or text or f"exit {r.exit_status}"))
    finally:
        conn.close()
    return out


def apply_plan(plan: IsolationPlan, inventory: Inventory, journal: Journal, connector, scheduler: str = "slurm",
               ib_host: str | None = None, guids: dict[str, str] | None = None, parallel: int = 16) -> ApplyResult:
    """Shut the plan's ports (grouped per device, devices in parallel), then drain and resume its
    hosts in `scheduler`; journal every action under one run id."""
    run = new_run_id()
    guids = guids or {}
    by_target: dict[str, list[tuple[dict, str, str]]] = {}
    actions = []
    for a in plan.isolate:
        target = a["device"]
        try:
            pc = port_commands(a["platform"], a["port"], guids.get(a["device"]))
            if a["platform"] in IB_PLATFORMS:
                if not ib_host:
                    raise ValueError("InfiniBand ports are disabled from a host in the fabric: give --ib-host")
                target = ib_host
        except (UnsafeName, ValueError) as e:
            aid = journal.record(run, "isolate", f"{a['device']}:{a['port']}", "", None, "failed", target,
                                 a["cable_id"], a["finding"], str(e))
            actions.append({"id": aid, "kind": "isolate", "target": f"{a['device']}:{a['port']}", "status": "failed",
                            "output": str(e)})
            continue
        by_target.setdefault(target, []).append((a, pc.shut, pc.undo))
    targets = sorted(by_target)
    with ThreadPoolExecutor(max_workers=max(1, min(parallel, len(targets) or 1))) as pool:
        results = list(pool.map(lambda t: _ssh_run(connector, inventory, t, [s for _, s, _ in by_target[t]]), targets))
    for t, res in zip(targets, results):
        for (a, shut, undo), (ok, out) in zip(by_target[t], res):
            st = "done" if ok else "failed"
            aid = journal.record(run, "isolate", f"{a['device']}:{a['port']}", shut, undo, st, t, a["cable_id"],
                                 a["finding"], out)
            actions.append({"id": aid, "kind": "isolate", "target": f"{a['device']}:{a['port']}", "device": t,
                            "command": shut, "status": st, "output": out})
    for d in plan.drain:
        fid = ",".join(d["findings"])
        cmd, undo = scheduler_commands(scheduler, "drain", d["host"], fid, d["reason"])
        st, out = _run_scheduler(scheduler, "drain", d["host"], cmd)
        aid = journal.record(run, "drain", d["host"], cmd, undo, st, scheduler, None, fid, out)
        actions.append({"id": aid, "kind": "drain", "target": d["host"], "command": shlex.join(cmd), "status": st,
                        "output": out})
    for h in plan.resume:
        cmd, _ = scheduler_commands(scheduler, "resume", h)
        st, out = _run_scheduler(scheduler, "resume", h, cmd)
        aid = journal.record(run, "resume", h, cmd, None, st, scheduler, None, None, out)
        actions.append({"id": aid, "kind": "resume", "target": h, "command": shlex.join(cmd), "status": st,
                        "output": out})
    return ApplyResult(run, actions)


def undo(ref: str, inventory: Inventory, journal: Journal, connector) -> ApplyResult:
    """Undo the done actions of run `ref` (or the one action with id `ref`), newest first."""
    rows = [r for r in journal.actions(ref) if r["status"] == "done" and r["undo"]]
    if not rows:
        raise UserInputError(f"nothing to undo for {ref!r} (no applied action with that run or action id)")
    rows.reverse()
    actions = []
    ports = [r for r in rows if r["kind"] == "isolate"]
    by_dev: dict[str, list[dict]] = {}
    for r in ports:
        by_dev.setdefault(r["device"], []).append(r)
    for dev, rs in sorted(by_dev.items()):
        for r, (ok, out) in zip(rs, _ssh_run(connector, inventory, dev, [r["undo"] for r in rs])):
            if ok:
                journal.set_status(r["id"], "undone", out)
            actions.append({"id": r["id"], "kind": "undo-isolate", "target": r["target"], "command": r["undo"],
                            "status": "undone" if ok else "failed", "output": out})
    for r in rows:
        if r["kind"] != "drain":
            continue
        argv = decode(r["undo"])
        sched = r["device"] or "slurm"
        st, out = _run_scheduler(sched, "resume", r["target"], argv)
        if st == "done":
            journal.set_status(r["id"], "undone", out)
        actions.append({"id": r["id"], "kind": "undo-drain", "target": r["target"], "command": shlex.join(argv),
                        "status": "undone" if st == "done" else st, "output": out})
    return ApplyResult(ref, actions)
