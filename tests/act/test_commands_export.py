"""Per-platform shut/undo commands, Slurm and Kubernetes output, topology export (literal values)."""

import json

import pytest

from act_fabrics import tiny_inventory
from netdiag.act import k8s, slurm
from netdiag.act.commands import port_commands
from netdiag.act.journal import Journal
from netdiag.act.topology import build
from netdiag.fabric.graph import FabricGraph
from netdiag.platforms import UnsafeName


def test_shut_and_undo_per_platform():
    assert port_commands("sonic", "Ethernet8") == port_commands("sonic", "Ethernet8")
    pc = port_commands("sonic", "Ethernet8")
    assert (pc.shut, pc.undo) == ("sudo config interface shutdown Ethernet8", "sudo config interface startup Ethernet8")
    pc = port_commands("cumulus", "swp1s1")
    assert (pc.shut, pc.undo) == ("nv set interface swp1s1 link state down && nv config apply -y",
                                  "nv set interface swp1s1 link state up && nv config apply -y")
    pc = port_commands("eos", "Ethernet13/5")
    assert pc.shut == "Cli -p 15 -c 'configure\ninterface Ethernet13/5\nshutdown'"
    assert pc.undo == "Cli -p 15 -c 'configure\ninterface Ethernet13/5\nno shutdown'"
    pc = port_commands("ibdiagnet", "33", "0xfc6a1c0340a15cf8")
    assert (pc.shut, pc.undo) == ("ibportstate -G 0xfc6a1c0340a15cf8 33 disable",
                                  "ibportstate -G 0xfc6a1c0340a15cf8 33 enable")
    assert port_commands("linux", "ens1f0np0").shut == "sudo ip link set dev ens1f0np0 down"


@pytest.mark.parametrize("platform,port,guid", [("sonic", "Ethernet0; reboot", None), ("eos", "Ethernet1/1'\nreload", None),
                                                ("cumulus", "$(id)", None), ("ibdiagnet", "1;id", "0x1"),
                                                ("ibdiagnet", "1", "0x1; id")])
def test_device_strings_that_could_inject_are_refused(platform, port, guid):
    with pytest.raises((UnsafeName, ValueError)):
        port_commands(platform, port, guid)


def test_ib_port_without_switch_guid_says_why():
    with pytest.raises(ValueError, match="GUID is unknown"):
        port_commands("ibdiagnet", "7")


def test_slurm_commands_and_hostlist():
    assert slurm.drain_command("gpu-r01-n01", 'netdiag f-H1p1 damaged_cable "$(x)"') == [
        "scontrol", "update", "NodeName=gpu-r01-n01", "State=DRAIN", "Reason=netdiag f-H1p1 damaged_cable x"]
    assert slurm.resume_command("gpu-r01-n01") == ["scontrol", "update", "NodeName=gpu-r01-n01", "State=RESUME"]
    with pytest.raises(ValueError):
        slurm.drain_command("bad name", "x")
    assert slurm.hostlist(["gpu-r0001-n03", "gpu-r0001-n01", "gpu-r0001-n02", "gpu-r0002-n01", "gpu-r0001-n07",
                           "login"]) == "gpu-r0001-n[01-03,07],gpu-r0002-n01,login"


def test_topology_export_tree_block_labels_leave_out_drained_hosts():
    g = FabricGraph(tiny_inventory())
    topo = build(g, out_links={"U0"}, drained={"gpu-r01-n02"})
    assert slurm.tree_conf(topo).splitlines()[2:] == ["SwitchName=rg-leaf0 Nodes=gpu-r01-n01",
                                                     "SwitchName=spine0-1 Switches=rg-leaf0"]
    assert slurm.block_conf(topo).splitlines()[1:] == ["BlockName=r01 Nodes=gpu-r01-n01"]
    assert k8s.label_commands(topo) == [["kubectl", "label", "node", "gpu-r01-n01", "--overwrite",
                                         "network.topology.nvidia.com/accelerator=r01",
                                         "network.topology.nvidia.com/leaf=rg-leaf0",
                                         "network.topology.nvidia.com/spine=spine0-1"]]
    assert k8s.merge_patches(topo)["gpu-r01-n01"]["metadata"]["labels"]["network.topology.nvidia.com/leaf"] == "rg-leaf0"
    j = json.loads(json.dumps(topo.to_json()))
    assert j["excluded"] == {"links": ["U0"], "hosts": ["gpu-r01-n02"]}
    assert j["hosts"] == [{"name": "gpu-r01-n01", "rack": "r01", "leaf": "rg-leaf0", "spine": "spine0-1",
                           "core": None}]


def test_journal_tracks_what_is_isolated_and_drained(tmp_path):
    j = Journal(tmp_path / "j.sqlite")
    a = j.record("run1", "isolate", "leaf0:Ethernet1/1", "shut", "noshut", "done", "leaf0", "H1p0", "f1")
    j.record("run1", "drain", "gpu-r01-n01", ["scontrol", "x"], ["scontrol", "y"], "done", "slurm", None, "f2")
    assert j.active() == ({"H1p0"}, {"gpu-r01-n01": ["f2"]})
    j.set_status(a, "undone")
    assert j.active() == (set(), {"gpu-r01-n01": ["f2"]})
    assert [r["kind"] for r in j.actions("run1")] == ["isolate", "drain"]
    j.close()


def test_tier_group_names_are_not_doubled(tmp_path):
    """Issue 18: a spine group named after spine-p0-000 is spine-p0-000, not spine-spine-p0-000."""
    from netdiag.simulate import engine, presets
    from netdiag.simulate.write import write_fabric

    from netdiag.inventory import load

    write_fabric(engine.simulate(presets.get("hgx-rail"), 64, 2), tmp_path, "capture")
    topo = build(FabricGraph(load(tmp_path / "devices.csv", tmp_path / "cabling.csv")), set(), set())
    conf = slurm.tree_conf(topo)
    names = [ln.split()[0].split("=", 1)[1] for ln in conf.splitlines() if ln.startswith("SwitchName=")]
    assert "spine-p0-000" in names
    assert not [n for n in names if n.startswith(("spine-spine", "core-core"))]
