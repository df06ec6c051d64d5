"""Slurm: drain and resume commands, and topology.conf for the tree and block plugins.

Commands are argument lists (run without a shell); :func:`shlex.join` shows them for a person.
Node names are checked against the inventory's name rule; a drain reason keeps only characters
that survive Slurm's config and shell quoting.

``topology.conf`` (tree): one ``SwitchName=... Nodes=...`` line per leaf group and one
``SwitchName=... Switches=...`` line per upper-tier switch (see netdiag.act.topology).
``topology.conf`` (block, Slurm >= 23.11 ``topology/block``): one ``BlockName=RACK Nodes=...`` line
per rack (an NVL72 rack is one NVLink domain). Node lists are written in Slurm hostlist form
(``gpu-r0001-n[01-18]``).
"""

from __future__ import annotations

import re

from netdiag.act.topology import Topology

_NODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_REASON_DROP = re.compile(r"[^A-Za-z0-9 _.:/,;=+-]")
_TAIL = re.compile(r"^(.*?)(\d+)$")


def _node(name: str) -> str:
    if not _NODE.match(name or ""):
        raise ValueError(f"refusing node name {name!r} in a Slurm command")
    return name


def drain_command(host: str, reason: str) -> list[str]:
    """scontrol argv draining `host` with `reason` (e.g. 'netdiag 3a90... twin_port_module')."""
    reason = _REASON_DROP.sub("", reason).strip()[:240] or "netdiag"
    return ["scontrol", "update", f"NodeName={_node(host)}", "State=DRAIN", f"Reason={reason}"]


def resume_command(host: str) -> list[str]:
    """scontrol argv returning a drained `host` to service."""
    return ["scontrol", "update", f"NodeName={_node(host)}", "State=RESUME"]


def hostlist(names: list[str]) -> str:
    """Slurm hostlist expression: names sharing a prefix and a zero-padded numeric tail are
    ranged (gpu-r0001-n01,gpu-r0001-n02 -> gpu-r0001-n[01-02]); others are listed as they are."""
    groups: dict[tuple[str, int], list[int]] = {}
    plain = []
    for n in sorted(set(names)):
        m = _TAIL.match(n)
        if m and "[" not in n:
            groups.setdefault((m.group(1), len(m.group(2))), []).append(int(m.group(2)))
        else:
            plain.append(n)
    out = []
    for (prefix, width), nums in sorted(groups.items()):
        nums.sort()
        runs, start, prev = [], nums[0], nums[0]
        for x in nums[1:]:
            if x == prev + 1 and len(str(x)) <= width:
                prev = x
                continue
            runs.append((start, prev))
            start = prev = x
        runs.append((start, prev))
        if len(nums) == 1:
            out.append(f"{prefix}{nums[0]:0{width}d}")
            continue
        body = ",".join(f"{a:0{width}d}" if a == b else f"{a:0{width}d}-{b:0{width}d}" for a, b in runs)
        out.append(f"{prefix}[{body}]")
    return ",".join(out + plain)


def tree_conf(topo: Topology) -> str:
    """topology.conf for TopologyPlugin=topology/tree."""
    lines = ["# netdiag topology export (tree): leaf groups, then upper tiers; isolated links and",
             "# drained hosts left out"]
    for s in sorted(topo.switches, key=lambda s: (s["level"], s["name"])):
        if s["level"] == 0:
            if s["nodes"]:
                lines.append(f"SwitchName={s['name']} Nodes={hostlist(s['nodes'])}")
        elif s["switches"]:
            lines.append(f"SwitchName={s['name']} Switches={hostlist(s['switches'])}")
    return "\n".join(lines) + "\n"


def block_conf(topo: Topology) -> str:
    """topology.conf for TopologyPlugin=topology/block (Slurm >= 23.11): one block per rack."""
    lines = ["# netdiag topology export (block): one block per rack (NVLink domain)"]
    for b in topo.blocks:
        lines.append(f"BlockName={b['name']} Nodes={hostlist(b['nodes'])}")
    return "\n".join(lines) + "\n"
