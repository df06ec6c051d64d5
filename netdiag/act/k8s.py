"""Kubernetes: node topology labels in the style of NVIDIA topograph, and a taint for drained hosts.

Labels (topograph's default keys): ``network.topology.nvidia.com/accelerator`` (NVLink domain: the
rack), ``/leaf``, ``/spine``, ``/core`` (see netdiag.act.topology). A drained host gets the taint
``netdiag.io/link-fault=FINDING:NoSchedule`` (and loses it when resumed). Output is either
``kubectl`` argument lists or one JSON merge-patch per node (``kubectl patch node N --type merge
-p ...``); label values are checked against Kubernetes' rule (63 characters, alphanumerics and
``-_.``).
"""

from __future__ import annotations

import re

from netdiag.act.topology import Topology

PREFIX = "network.topology.nvidia.com/"
TAINT = "netdiag.io/link-fault"
_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def _value(v: str) -> str:
    if len(v) > 63 or not _VALUE.match(v):
        raise ValueError(f"{v!r} is not a valid Kubernetes label value")
    return v


def node_labels(topo: Topology) -> dict[str, dict[str, str]]:
    """node -> {label key: value} for every host of the topology."""
    out = {}
    for r in topo.hosts.itertuples(index=False):
        labels = {}
        for key, v in (("accelerator", r.rack), ("leaf", r.leaf), ("spine", r.spine), ("core", r.core)):
            if isinstance(v, str) and v:
                labels[PREFIX + key] = _value(v)
        out[_value(r.name)] = labels
    return out


def label_commands(topo: Topology) -> list[list[str]]:
    """kubectl argv per node setting its topology labels."""
    return [["kubectl", "label", "node", n, "--overwrite", *[f"{k}={v}" for k, v in sorted(lab.items())]]
            for n, lab in sorted(node_labels(topo).items())]


def taint_command(host: str, finding: str) -> list[str]:
    return ["kubectl", "taint", "node", _value(host), "--overwrite", f"{TAINT}={_value(finding)}:NoSchedule"]


def untaint_command(host: str) -> list[str]:
    return ["kubectl", "taint", "node", _value(host), f"{TAINT}:NoSchedule-"]


def merge_patches(topo: Topology) -> dict[str, dict]:
    """node -> JSON merge-patch body setting its labels (``kubectl patch node N --type merge -p``)."""
    return {n: {"metadata": {"labels": lab}} for n, lab in sorted(node_labels(topo).items())}
