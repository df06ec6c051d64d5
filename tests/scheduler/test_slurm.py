"""A real Slurm controller (Debian's slurmctld and munged, started here on loopback with a generated
slurm.conf listing the simulated hosts) loads netdiag's topology.conf, and drains/resumes round-trip.

Skipped where the binaries are missing, except in CI (CI=1), where a missing binary fails."""

import os
import shutil
import socket
import subprocess
import time

import pytest

from act_fabrics import inventory_of
from netdiag.act import slurm
from netdiag.act.apply import apply_plan, undo
from netdiag.act.isolate import IsolationPlan
from netdiag.act.journal import Journal
from netdiag.act.topology import build
from netdiag.fabric.graph import FabricGraph
from netdiag.simulate import engine, presets

BINARIES = ("slurmctld", "munged", "scontrol", "sinfo")
_missing = [b for b in BINARIES if not (shutil.which(b) or os.path.exists(f"/usr/sbin/{b}"))]
if _missing and not os.environ.get("CI"):
    pytest.skip(f"Slurm not installed ({', '.join(_missing)} missing)", allow_module_level=True)
if os.geteuid() != 0 and not os.environ.get("CI"):
    pytest.skip("slurmctld is started as root (SlurmUser=root)", allow_module_level=True)


def _bin(name):
    return shutil.which(name) or f"/usr/sbin/{name}"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def fabric():
    fab = engine.simulate(presets.get("gb300-dual-plane"), 144, seed=2)
    return inventory_of(fab)


@pytest.fixture(scope="module")
def slurmctld(tmp_path_factory, fabric):
    """slurmctld with TopologyPlugin=topology/tree and netdiag's topology.conf; yields (env, topology)."""
    d = tmp_path_factory.mktemp("slurm")
    os.chmod(d, 0o700)
    topo = build(FabricGraph(fabric), out_links={"H0000001"}, drained={"gpu-r0001-n03"})
    (d / "topology.conf").write_text(slurm.tree_conf(topo))
    (d / "state").mkdir()
    key = d / "munge.key"
    key.write_bytes(os.urandom(1024))
    os.chmod(key, 0o600)
    hosts = sorted(n for n, i in fabric.devices.items() if i.role == "gpu_host")
    (d / "slurm.conf").write_text("\n".join([
        "ClusterName=netdiagtest", "SlurmctldHost=localhost", f"SlurmctldPort={_free_port()}", "SlurmUser=root",
        "AuthType=auth/munge", f"AuthInfo=socket={d}/munge.sock", "CredType=cred/munge",
        f"StateSaveLocation={d}/state", f"SlurmctldPidFile={d}/slurmctld.pid", f"SlurmctldLogFile={d}/slurmctld.log",
        "SelectType=select/linear", "ProctrackType=proctrack/linuxproc", "MpiDefault=none", "MailProg=/bin/true",
        "TopologyPlugin=topology/tree",
        f"NodeName={slurm.hostlist(hosts)} NodeAddr=127.0.0.1 CPUs=1 State=UNKNOWN",
        "PartitionName=all Nodes=ALL Default=YES State=UP", ""]))
    munged = subprocess.Popen([_bin("munged"), "-F", "-f", f"--key-file={key}", f"--socket={d}/munge.sock",
                               f"--pid-file={d}/munged.pid", f"--log-file={d}/munged.log",
                               f"--seed-file={d}/munged.seed"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    env = {**os.environ, "SLURM_CONF": str(d / "slurm.conf")}
    ctld = subprocess.Popen([_bin("slurmctld"), "-D", "-i", "-f", str(d / "slurm.conf")], env=env,
                            stdout=open(d / "slurmctld.out", "w"), stderr=subprocess.STDOUT)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 30:
        p = subprocess.run(["scontrol", "ping"], env=env, capture_output=True, text=True)
        if "UP" in p.stdout:
            break
        if ctld.poll() is not None:
            break
        time.sleep(0.2)
    else:
        pass
    if "UP" not in p.stdout:
        ctld.kill()
        munged.kill()
        pytest.fail(f"slurmctld did not start: {(d / 'slurmctld.out').read_text()[-2000:]}")
    old = os.environ.get("SLURM_CONF")
    os.environ["SLURM_CONF"] = env["SLURM_CONF"]   # netdiag runs scontrol itself
    yield env, topo, d
    if old is None:
        os.environ.pop("SLURM_CONF", None)
    else:
        os.environ["SLURM_CONF"] = old
    for p in (ctld, munged):
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


def _expand(expr, env):
    out = subprocess.run(["scontrol", "show", "hostnames", expr], env=env, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_slurmctld_loads_the_generated_tree_topology(slurmctld):
    env, topo, d = slurmctld
    out = subprocess.run(["scontrol", "show", "topology"], env=env, capture_output=True, text=True, check=True).stdout
    shown = {}
    for line in out.splitlines():
        f = dict(w.split("=", 1) for w in line.split() if "=" in w)
        shown[f["SwitchName"]] = (int(f["Level"]), sorted(_expand(f["Nodes"], env)) if f.get("Nodes") else [],
                                  sorted(_expand(f["Switches"], env)) if f.get("Switches") else [])
    want = {s["name"]: (s["level"], sorted(s["nodes"]), sorted(s["switches"])) for s in topo.switches}
    assert shown == want
    assert len(want) == 3            # two leaf groups (30 and 6 hosts), one spine tier over both planes
    assert "gpu-r0001-n03" not in shown["rg-leaf-p0-0000"][1]
    assert "Multiple leaf switches" not in (d / "slurmctld.log").read_text()


def test_drain_names_the_finding_and_resume_round_trips(slurmctld, fabric, tmp_path):
    env, _, _ = slurmctld
    plan = IsolationPlan([], [], [{"host": "gpu-r0002-n05", "findings": ["3a908910e52bd7b4"],
                                   "reason": "netdiag 3a908910e52bd7b4 twin_port_module"}], [], [], {})
    j = Journal(tmp_path / "j.sqlite")
    res = apply_plan(plan, fabric, j, connector=None, scheduler="slurm")
    assert [a["status"] for a in res.actions] == ["done"]
    sinfo = subprocess.run(["sinfo", "-R", "-h", "-o", "%E|%N"], env=env, capture_output=True, text=True).stdout
    assert "netdiag 3a908910e52bd7b4 twin_port_module|gpu-r0002-n05" in sinfo.splitlines()
    node = subprocess.run(["scontrol", "show", "node", "-o", "gpu-r0002-n05"], env=env, capture_output=True,
                          text=True).stdout
    assert "DRAIN" in node.split("State=")[1].split()[0]
    assert j.active()[1] == {"gpu-r0002-n05": ["3a908910e52bd7b4"]}
    back = undo(res.run, fabric, j, connector=None)
    assert [a["status"] for a in back.actions] == ["undone"]
    node = subprocess.run(["scontrol", "show", "node", "-o", "gpu-r0002-n05"], env=env, capture_output=True,
                          text=True).stdout
    assert "DRAIN" not in node.split("State=")[1].split()[0]
    assert "gpu-r0002-n05" not in subprocess.run(["sinfo", "-R", "-h", "-o", "%N"], env=env, capture_output=True,
                                                 text=True).stdout
    j.close()
