"""A real small fabric: network namespaces joined by veth pairs, real lldpd in each, one cable put
in the wrong port on purpose. netdiag collects the leaf through its Linux platform driver (a local
transport into the namespace), records a capture, and the cabling check finds exactly that miswire."""

import os

import pytest

from netdiag import jobs
from netdiag.capture import CaptureWriter
from netdiag.collect import collect_device
from netdiag.inventory import Cable, DeviceInfo, Inventory
from netdiag.lab.netns import NetnsFabric, available

why = available()
pytestmark = pytest.mark.lab
if why and os.environ.get("CI"):
    raise RuntimeError(f"CI must run the namespace lab: {why}")  # .ci/run installs lldpd and iproute2


@pytest.mark.skipif(why is not None, reason=why or "")
def test_real_lldpd_fabric_with_one_miswired_cable(tmp_path):
    inv = Inventory()
    for name, role, plane in (("h1", "gpu_host", ""), ("h2", "gpu_host", ""), ("h3", "gpu_host", ""), ("leaf", "leaf", "0")):
        inv.devices[name] = DeviceInfo(name, "linux", role=role, plane=plane)
    inv.cables = [Cable("C1", "h1", "eth0", "leaf", "swp1", "fiber", 3.0, "0"),
                  Cable("C2", "h2", "eth0", "leaf", "swp2", "fiber", 3.0, "0"),
                  Cable("C3", "h3", "eth0", "leaf", "swp3", "fiber", 3.0, "0")]
    with NetnsFabric() as fab:
        for d in inv.devices:
            fab.device(d)
        fab.cable("h1", "eth0", "leaf", "swp1")
        fab.cable("h2", "eth0", "leaf", "swp4")   # planned on swp2: the miswire
        fab.cable("h3", "eth0", "leaf", "swp3")
        fab.start_lldpd()
        for d, n in (("leaf", 3), ("h1", 1), ("h2", 1), ("h3", 1)):   # every device sees its neighbors
            fab.wait_for_neighbors(d, n)
        with CaptureWriter(tmp_path / "cap") as cw:
            for d in ("leaf", "h1", "h2", "h3"):
                collect_device(fab.transport(d), cw.device(d, "linux"), "linux", command_timeout=20)
    res = jobs.cabling(inv, capture_dir=tmp_path / "cap")
    kinds = [(f.kind, f.link["cable_id"]) for f in res.findings]
    assert kinds == [("miswire", "C2")]
    assert res.findings[0].action == "move cable C2 from leaf:swp4 to leaf:swp2"
    assert res.counts["ok"] == 2
