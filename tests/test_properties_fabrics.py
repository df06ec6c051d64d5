"""Property-based tests over the simulator's parameters (hypothesis): presets, small sizes, seeds,
zero faults, one fault, a dark plane, devices missing from the capture, every device unreachable.
For every command: no exception, the documented exit code (docs/exit-codes.md), every injected fault
found, and on a healthy fabric no finding at all.

Profiles: HYPOTHESIS_PROFILE=ci (default, CI-fast) or slow (more examples, more seeds)."""

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdiag import cli
from netdiag.capture import read_capture
from netdiag.simulate import engine, presets
from netdiag.simulate.score import score
from netdiag.simulate.write import write_fabric

from test_ordinary_day import copy_capture

settings.register_profile("ci", max_examples=8, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("slow", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci")
                               if os.environ.get("HYPOTHESIS_PROFILE") in ("ci", "slow") else "ci")
SEEDS = 3 if PROFILE.max_examples <= 8 else 40

# the smallest fabric of each preset and one a bit larger
SIZES = {"hgx-rail": (8, 32), "gb200-nvl72": (72,), "gb300-dual-plane": (72,), "b300-quad-plane": (32,),
         "ib-ndr": (8, 32)}
CASES = [(p, g) for p, gs in SIZES.items() for g in gs]

_ROOT = Path(tempfile.mkdtemp(prefix="netdiag-props-"))
_FABRICS: dict = {}


def fabric(preset: str, gpus: int, seed: int, faults: int, events: tuple = ()) -> Path:
    """Simulated fabric written as a capture, built once per parameter set."""
    key = (preset, gpus, seed, faults, events)
    if key not in _FABRICS:
        out = _ROOT / "-".join(map(str, (preset, gpus, seed, faults, *events)))
        fab = engine.simulate(presets.get(preset), gpus, seed, faults=faults, events=events)
        write_fabric(fab, out, "capture")
        _FABRICS[key] = out
    return _FABRICS[key]


def run(*args) -> tuple[int, str]:
    r = CliRunner().invoke(cli.main, [str(a) for a in args])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr, r.stderr
    return r.exit_code, r.stdout


def every_command(f: Path, cap: Path, tmp: Path) -> dict:
    """Run each command on one capture; their exit codes and JSON outputs."""
    inv = ["--inventory", f / "devices.csv", "--plan", f / "cabling.csv"]
    out = {}
    for name, args in {
        "sweep": ["sweep", *inv, "--capture", cap, "--json"],
        "sweep_noplan": ["sweep", "--inventory", f / "devices.csv", "--capture", cap, "--json"],
        "cabling": ["cabling", *inv, "--capture", cap, "--json"],
        "isolate": ["isolate", *inv, "--capture", cap, "--journal", tmp / "j.sqlite", "--json"],
        "topology": ["topology", *inv, "--capture", cap, "--journal", tmp / "j.sqlite", "--format", "json"],
    }.items():
        code, text = run(*args)
        out[name] = (code, json.loads(text))
    code, text = run("scan", *inv, "--capture", cap, "--state", tmp / "state.db", "-q")
    out["scan"] = (code, text)
    return out


def graded(findings):
    return [f for f in findings if f["severity"] in ("critical", "warning")]


case = st.sampled_from(CASES)
seed = st.integers(0, SEEDS - 1)


def _tmp() -> Path:
    return Path(tempfile.mkdtemp(dir=_ROOT))


@settings(PROFILE)
@given(case=case, seed=seed)
def test_healthy_fabric_every_command_ok_and_no_finding(case, seed):
    f = fabric(*case, seed, 0)
    res = every_command(f, f / "capture", _tmp())
    for name in ("sweep", "sweep_noplan", "cabling"):
        code, out = res[name]
        assert (code, out["findings"], out["summary"]["status"]) == (0, [], "OK"), (name, case, seed)
    assert res["isolate"][0] == 0 and res["isolate"][1]["plan"]["isolate"] == []
    assert res["topology"][0] == 0 and res["topology"][1]["hosts"]
    assert res["scan"] == (0, "")


@settings(PROFILE)
@given(case=case, seed=seed, data=st.data())
def test_devices_missing_from_the_capture_are_unknown_never_findings(case, seed, data):
    f = fabric(*case, seed, 0)
    names = sorted(d.name for d in read_capture(f / "capture").devices)
    keep = data.draw(st.sets(st.sampled_from(names), min_size=1, max_size=len(names)), label="keep")
    tmp = _tmp()
    cap = copy_capture(f / "capture", tmp / "cap", keep=keep)
    res = every_command(f, cap, tmp)
    for name in ("sweep", "sweep_noplan", "cabling"):
        code, out = res[name]
        assert (code, out["findings"]) == (0, []), (name, case, seed, sorted(set(names) - keep))
    assert res["isolate"][0] == 0 and res["topology"][0] == 0 and res["scan"][0] == 0


@settings(PROFILE)
@given(case=case, seed=seed, cause=st.sampled_from(["refused", "host_key", "unreachable", "auth", "timeout"]))
def test_every_device_unreachable_is_unknown_with_each_cause(case, seed, cause):
    f = fabric(*case, seed, 0)
    names = sorted(d.name for d in read_capture(f / "capture").devices)
    tmp = _tmp()
    cap = copy_capture(f / "capture", tmp / "cap", fail={n: f"{cause}: {n} said no" for n in names})
    res = every_command(f, cap, tmp)
    for name in ("sweep", "sweep_noplan"):
        code, out = res[name]
        assert (code, out["findings"], out["summary"]["status"]) == (3, [], "UNKNOWN"), name
        assert {d["name"]: (d["ok"], d["cause"]) for d in out["devices"]} == {n: (False, cause) for n in names}
    assert res["cabling"][0] == 3 and res["cabling"][1]["findings"] == []
    assert res["isolate"][0] == 0 and res["topology"][0] == 0
    assert res["scan"][0] == 3


@settings(PROFILE)
@given(case=case, seed=seed)
def test_one_fault_is_found(case, seed):
    f = fabric(*case, seed, 1)
    truth = json.loads((f / "truth.json").read_text())
    res = every_command(f, f / "capture", _tmp())
    code, out = res["sweep"]
    sc = score(out["findings"], truth["faults"])
    assert sc["recall"] == 1.0, (case, seed, truth["faults"], [(x["kind"], x["suspects"][:1]) for x in out["findings"]])
    worst = max((2 if x["severity"] == "critical" else 1) for x in graded(out["findings"]))
    assert code == worst
    failed = sorted(d["name"] for d in out["devices"] if not d["ok"])
    assert failed == truth["unreachable"]
    # the cabling check sees only a dead link (as missing); the unreachable device makes it unknown
    ccode, cout = res["cabling"]
    dead = {c for t in truth["faults"] if t["kind"] == "dead_link" for c in t["links"]}
    assert {x["link"]["cable_id"] for x in cout["findings"]} == dead
    assert all(x["kind"] == "missing" for x in cout["findings"])
    assert ccode == (2 if dead else 3 if truth["unreachable"] else 0)
    assert res["isolate"][0] in (0, 1) and res["topology"][0] == 0
    assert res["scan"][0] == code


@settings(PROFILE)
@given(case=st.sampled_from([c for c in CASES if c[0] != "ib-ndr"]), seed=seed)
def test_a_dark_plane_is_one_finding(case, seed):
    f = fabric(*case, seed, 0, ("dark-plane",))
    (t,) = json.loads((f / "truth.json").read_text())["faults"]
    res = every_command(f, f / "capture", _tmp())
    code, out = res["sweep"]
    assert code == 2
    assert [(x["kind"], x["suspects"][0]["component"], x["suspects"][0]["ref"]) for x in out["findings"]] == \
        [("failing_plane", "plane", t["ref"])], (case, seed)
    assert sorted(c["link"]["cable_id"] for c in out["findings"][0]["children"]) == t["links"]
    assert res["isolate"][0] in (0, 1) and res["topology"][0] == 0
