"""End to end on simulated fabrics written in the platforms' real output formats: `netdiag simulate`
-> capture -> `netdiag sweep` / `netdiag cabling` with the plan -> findings scored against
truth.json (precision, recall, top-1 localization; docs/simulate.md)."""

import json
import subprocess
import sys

import pytest

from netdiag.simulate.score import score

CASES = [("hgx-rail", 256, 1), ("gb200-nvl72", 288, 2), ("gb300-dual-plane", 288, 3), ("b300-quad-plane", 256, 4),
         ("ib-ndr", 256, 5)]


def netdiag(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "netdiag.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module", params=CASES, ids=[c[0] for c in CASES])
def fabric(request, tmp_path_factory):
    preset, gpus, seed = request.param
    out = tmp_path_factory.mktemp(preset)
    r = netdiag("simulate", "--preset", preset, "--gpus", str(gpus), "--seed", str(seed), "--faults", "14",
                "--miswires", "4", "--format", "capture", "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


def test_cabling_check_reports_exactly_the_injected_cabling_faults(fabric):
    r = netdiag("cabling", "--inventory", str(fabric / "devices.csv"), "--plan", str(fabric / "cabling.csv"),
                "--capture", str(fabric / "capture"), "--json")
    out = json.loads(r.stdout)
    truth = json.loads((fabric / "truth.json").read_text())["faults"]
    cabling_kinds = {"swapped", "miswire", "wrong_plane", "missing"}
    want = sorted((t["kind"], tuple(t["links"])) for t in truth if t["kind"] in cabling_kinds)
    got = sorted((f["kind"], tuple(sorted(s["ref"] for s in f["suspects"]))) for f in out["findings"]
                 if f["kind"] != "missing" or (f["kind"], tuple(sorted(s["ref"] for s in f["suspects"]))) in want)
    assert got == want
    # dead links (a component fault) also look unplugged to the cabling check; nothing else is reported
    dead = {t["links"][0] for t in truth if t["kind"] == "dead_link"}
    extra = [f for f in out["findings"] if (f["kind"], tuple(sorted(s["ref"] for s in f["suspects"]))) not in want]
    assert all(f["kind"] == "missing" and f["link"]["cable_id"] in dead for f in extra)


def test_sweep_localizes_every_fault_with_nothing_extra(fabric):
    r = netdiag("sweep", "--inventory", str(fabric / "devices.csv"), "--plan", str(fabric / "cabling.csv"),
                "--capture", str(fabric / "capture"), "--json")
    assert r.returncode in (2, 3), r.stderr
    out = json.loads(r.stdout)
    truth = json.loads((fabric / "truth.json").read_text())
    sc = score(out["findings"], truth["faults"])
    assert sc["precision"] == 1.0 and sc["recall"] == 1.0 and sc["top1"] == 1.0, sc
    # the one unreachable host is reported as such, not as findings
    failed = [d["name"] for d in out["devices"] if not d["ok"]]
    assert failed == truth["unreachable"]
