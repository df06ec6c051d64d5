"""Property-based tests over the simulator's parameters (hypothesis): presets, small sizes, seeds,
zero faults, one fault, a dark plane, a dark row, devices missing from the capture, a row that does
not answer, every device unreachable. For every command: no exception, the documented exit code
(docs/exit-codes.md), every injected fault found, and on a healthy fabric no finding at all.

Profiles (HYPOTHESIS_PROFILE):
  ci    the default: the explicit examples below, then 8 generated ones per property, derandomized
        (the same examples on every run: CI is reproducible). The explicit ones cover every preset,
        one- to four-plane fabrics, breakout harnesses, InfiniBand, renamed ports, fabrics of
        several rows, every failure cause, and each property on one to six shapes.
  slow  the explicit examples, then 150 random examples per property over every case and 40 seeds,
        including the presets at their full switch radix and larger sizes (a deep run: hours).
  dev   the explicit examples and 5 random ones per property (a quick local check with some novelty).

Where the size does not matter to a property, a preset runs with a smaller switch radix
(`leaf_ports`) or more rows (`racks_per_row` 1): the same shape (planes, breakouts, platforms,
port naming) with fewer ports to parse. The commands of one example are independent and run on a
pool of worker processes (tests/properties_cli.py); a fabric is simulated once per session."""

import dataclasses
import json
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import properties_cli
from netdiag.capture import read_capture
from netdiag.simulate import engine, presets
from netdiag.simulate.score import score
from netdiag.simulate.write import write_fabric

from test_ordinary_day import copy_capture

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", max_examples=8, phases=[Phase.explicit, Phase.generate], derandomize=True,
                          database=None, **_COMMON)
settings.register_profile("dev", max_examples=5, **_COMMON)
settings.register_profile("slow", max_examples=150, **_COMMON)
_NAME = os.environ.get("HYPOTHESIS_PROFILE")
PROFILE = settings.get_profile(_NAME if _NAME in ("ci", "dev", "slow") else "ci")
SEEDS = 40 if _NAME == "slow" else 3


@dataclasses.dataclass(frozen=True)
class Case:
    """A simulated fabric shape: a preset, a size in GPUs, and preset fields changed (`shape`)."""
    preset: str
    gpus: int
    shape: tuple = ()

    def __repr__(self):
        extra = "".join(f" {k}={v}" for k, v in self.shape)
        return f"Case({self.preset} {self.gpus}{extra})"

    def build(self):
        return dataclasses.replace(presets.get(self.preset), **dict(self.shape))


SMALL = (("leaf_ports", 16),)                 # 16-port leaves: 6 nodes per rail group
SMALL4 = (("leaf_ports", 32),)                # breakout shape keeps 4 ports per cage
ROWS = (("racks_per_row", 1),)                # one rack per row: several rows at small sizes
HGX, HGX32 = Case("hgx-rail", 8), Case("hgx-rail", 32)
GB200, GB300 = Case("gb200-nvl72", 72), Case("gb300-dual-plane", 72)
B300, B300S = Case("b300-quad-plane", 32), Case("b300-quad-plane", 32, SMALL4)
IB, IB32 = Case("ib-ndr", 8), Case("ib-ndr", 32)
CUSTOM = Case("custom-names", 16, SMALL)
TWIN = Case("dgx-twin-osfp", 8)              # twin-port modules across two HCAs, InfiniBand
GB300S = Case("gb300-dual-plane", 72, SMALL)
# several rows of hosts (and the spines' row)
HGX_ROWS = Case("hgx-rail", 96, ROWS)             # 1 plane, 3 host rows, every leaf in row 01
GB300_ROWS = Case("gb300-dual-plane", 144, ROWS)  # 2 planes, 2 host rows, leaves in both
B300_ROWS = Case("b300-quad-plane", 40, ROWS + SMALL4)   # 4 planes of breakout legs, 2 host rows
GB200_ROWS = Case("gb200-nvl72", 144, ROWS)       # 1 plane, 2 host rows
CUSTOM_ROWS = Case("custom-names", 24, ROWS + SMALL)  # 2 planes, renamed ports, 2 host rows
IB_ROWS = Case("ib-ndr", 96, ROWS)                # InfiniBand, 3 host rows, every leaf in row 01

CASES = [HGX, HGX32, GB200, GB300, B300, B300S, IB, IB32, CUSTOM, GB300S, TWIN]
ROW_CASES = [HGX_ROWS, GB300_ROWS, B300_ROWS, GB200_ROWS, CUSTOM_ROWS, IB_ROWS]


def is_ib(case: Case) -> bool:
    return case.build().switch_platform == "ib"


def row_event(case: Case) -> str:
    """The dark-row event of a case. InfiniBand is read from one place, the subnet manager's sweep,
    which sees nothing beyond a dark switch: a dark row holding every leaf is the whole fabric dark,
    which no reading tells from a dark plane. Its dark row is a row of hosts (02), whose HCAs vanish
    from the sweep while their leaves report the ports down."""
    return "dark-row:02" if is_ib(case) else "dark-row"

_ROOT = Path(tempfile.mkdtemp(prefix="netdiag-props-"))
_FABRICS: dict = {}
_RUNS: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _workers():
    yield
    properties_cli.shutdown()


def fabric(case: Case, seed: int, faults: int, events: tuple = ()) -> Path:
    """Simulated fabric written as a capture, built once per parameter set."""
    key = (case, seed, faults, events)
    if key not in _FABRICS:
        out = _ROOT / f"fab-{len(_FABRICS)}"
        fab = engine.simulate(case.build(), case.gpus, seed, faults=faults, events=events)
        write_fabric(fab, out, "capture")
        _FABRICS[key] = out
    return _FABRICS[key]


def every_command(f: Path, cap: Path, tmp: Path) -> dict:
    """Run each command on one capture (side by side: they read the same files and write their own);
    their exit codes and JSON outputs. Cached per capture: an example seen twice runs once."""
    if (f, cap) in _RUNS:
        return _RUNS[(f, cap)]
    inv = ["--inventory", f / "devices.csv", "--plan", f / "cabling.csv"]
    chains = {
        "sweep": [["sweep", *inv, "--capture", cap, "--json"]],
        "sweep_noplan": [["sweep", "--inventory", f / "devices.csv", "--capture", cap, "--json"]],
        "cabling": [["cabling", *inv, "--capture", cap, "--json"]],
        # topology reads the journal isolate writes: one after the other
        "isolate": [["isolate", *inv, "--capture", cap, "--journal", tmp / "j.sqlite", "--json"],
                    ["topology", *inv, "--capture", cap, "--journal", tmp / "j.sqlite", "--format", "json"]],
        "scan": [["scan", *inv, "--capture", cap, "--state", tmp / "state.db", "-q"]],
    }
    got = properties_cli.run_all({k: [[str(a) for a in args] for args in v] for k, v in chains.items()})
    out = {}
    for name, results in got.items():
        for (code, stdout, stderr, exc), cmd in zip(results, chains[name]):
            assert exc is None, (cmd[0], exc)
            assert "internal error" not in stderr and "Traceback" not in stderr, (cmd[0], stderr)
            key = cmd[0] if cmd[0] in ("topology", "scan") else name
            out[key] = (code, stdout if key == "scan" else json.loads(stdout))
    _RUNS[(f, cap)] = out
    return out


def graded(findings):
    return [f for f in findings if f["severity"] in ("critical", "warning")]


def _tmp() -> Path:
    return Path(tempfile.mkdtemp(dir=_ROOT))


case = st.sampled_from(CASES)
seed = st.integers(0, SEEDS - 1)


@settings(PROFILE)
@given(case=case, seed=seed)
@example(case=HGX, seed=0)
@example(case=GB200, seed=1)
@example(case=GB300S, seed=2)
@example(case=B300S, seed=0)
@example(case=IB, seed=1)
@example(case=TWIN, seed=0)
def test_healthy_fabric_every_command_ok_and_no_finding(case, seed):
    f = fabric(case, seed, 0)
    res = every_command(f, f / "capture", _tmp())
    for name in ("sweep", "sweep_noplan", "cabling"):
        code, out = res[name]
        assert (code, out["findings"], out["summary"]["status"]) == (0, [], "OK"), (name, case, seed)
    assert res["isolate"][0] == 0 and res["isolate"][1]["plan"]["isolate"] == []
    assert res["topology"][0] == 0 and res["topology"][1]["hosts"]
    assert res["scan"] == (0, "")


def _keep_every_other(names):
    return set(names[::2])


@settings(PROFILE)
@given(case=case, seed=seed, data=st.data())
@example(case=CUSTOM, seed=1, data=_keep_every_other)
@example(case=B300S, seed=2, data=lambda names: {n for n in names if not n.startswith("spine")})
@example(case=IB, seed=0, data=lambda names: set(names[:1]))
def test_devices_missing_from_the_capture_are_unknown_never_findings(case, seed, data):
    f = fabric(case, seed, 0)
    names = sorted(d.name for d in read_capture(f / "capture").devices)
    if callable(data):   # an explicit example names its subset
        keep = data(names)
    else:
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
@example(case=HGX, seed=0, cause="refused")
@example(case=GB200, seed=0, cause="host_key")
@example(case=B300S, seed=0, cause="unreachable")
@example(case=IB, seed=0, cause="auth")
@example(case=GB300S, seed=0, cause="timeout")
def test_every_device_unreachable_is_unknown_with_each_cause(case, seed, cause):
    f = fabric(case, seed, 0)
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
@example(case=HGX, seed=0)
@example(case=GB200, seed=2)
@example(case=B300S, seed=1)
@example(case=IB, seed=2)
@example(case=TWIN, seed=1)
def test_one_fault_is_found(case, seed):
    f = fabric(case, seed, 1)
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
@given(case=st.sampled_from(CASES + ROW_CASES), seed=seed)
@example(case=B300S, seed=0)     # breakout legs (once failed in CI as eleven patch panels)
@example(case=IB32, seed=1)      # InfiniBand: the SM's switch sees its ports down, the rest vanished
@example(case=TWIN, seed=0)      # InfiniBand with twin-port modules across two HCAs
@example(case=GB300_ROWS, seed=1)    # two planes, two host rows: the plane, not a row
@example(case=HGX_ROWS, seed=2)      # one plane, three host rows
def test_a_dark_plane_is_one_finding(case, seed):
    f = fabric(case, seed, 0, ("dark-plane",))
    (t,) = json.loads((f / "truth.json").read_text())["faults"]
    res = every_command(f, f / "capture", _tmp())
    code, out = res["sweep"]
    assert code == 2
    assert [(x["kind"], x["suspects"][0]["component"], x["suspects"][0]["ref"]) for x in out["findings"]] == \
        [("failing_plane", "plane", t["ref"])], (case, seed)
    assert sorted(c["link"]["cable_id"] for c in out["findings"][0]["children"]) == t["links"]
    assert res["isolate"][0] in (0, 1) and res["topology"][0] == 0


def _observed(f: Path, t: dict) -> list[str]:
    """The dark links of a dark row that a live device could see: not both ends in the row."""
    plan = pd.read_csv(f / "cabling.csv", dtype=str)
    dead = set(t["devices"])
    both = plan["a_device"].isin(dead) & plan["b_device"].isin(dead)
    return sorted(set(t["links"]) - set(plan.loc[both, "cable_id"]))


@settings(PROFILE)
@given(case=st.sampled_from(ROW_CASES), seed=seed)
@example(case=HGX_ROWS, seed=0)
@example(case=GB300_ROWS, seed=0)
@example(case=B300_ROWS, seed=1)
@example(case=IB_ROWS, seed=0)
def test_a_dark_row_is_one_finding(case, seed):
    f = fabric(case, seed, 0, (row_event(case),))
    truth = json.loads((f / "truth.json").read_text())
    (t,) = truth["faults"]
    res = every_command(f, f / "capture", _tmp())
    code, out = res["sweep"]
    assert code == 2
    assert [(x["kind"], x["suspects"][0]["component"], x["suspects"][0]["ref"]) for x in out["findings"]] == \
        [("failing_row", "row", t["ref"])], (case, seed)
    assert sorted(c["link"]["cable_id"] for c in out["findings"][0]["children"]) == _observed(f, t)
    # the row's devices did not answer: each is unknown with its cause, not a finding of its own
    # (InfiniBand: the one device collected is the SM's sweep, which answered)
    assert {d["name"]: d["cause"] for d in out["devices"] if not d["ok"]} == \
        ({} if is_ib(case) else {n: "unreachable" for n in truth["unreachable"]})
    assert set(t["devices"]) <= set(truth["unreachable"])
    assert sc_recall(out, truth) == 1.0
    if is_ib(case):
        # no plan: nothing says the vanished HCAs should be linked; they are listed as not captured
        nocode, noplan = res["sweep_noplan"]
        assert (noplan["findings"], noplan["summary"]["devices_not_captured"]) == ([], len(t["devices"]))
    else:
        assert res["sweep_noplan"][0] in (2, 3)
    assert res["cabling"][0] == 2
    assert res["isolate"][0] in (0, 1) and res["topology"][0] == 0 and res["scan"][0] == 2


def sc_recall(out, truth):
    return score(out["findings"], truth["faults"])["recall"]


@settings(PROFILE)
@given(case=st.sampled_from([c for c in ROW_CASES if not is_ib(c)]), seed=seed, data=st.data())
@example(case=HGX_ROWS, seed=0, data="01")
def test_a_row_that_does_not_answer_is_unknown_never_a_finding(case, seed, data):
    """Every device of a row recorded as failed (a management network down), its links up as the
    devices outside it see them: unknown, exit 3, no finding."""
    f = fabric(case, seed, 0)
    dev = pd.read_csv(f / "devices.csv", dtype=str).fillna("")
    rows = sorted(set(dev["row"]) - {""})
    row = data if isinstance(data, str) else data.draw(st.sampled_from(rows), label="row")
    silent = sorted(dev.loc[dev["row"] == row, "name"])
    tmp = _tmp()
    cap = copy_capture(f / "capture", tmp / "cap", fail={n: f"unreachable: {n} no route" for n in silent})
    res = every_command(f, cap, tmp)
    for name in ("sweep", "sweep_noplan", "cabling"):
        code, out = res[name]
        assert (code, out["findings"]) == (3, []), (name, case, seed, row)
    assert sorted(d["name"] for d in res["sweep"][1]["devices"] if not d["ok"]) == silent
    assert res["isolate"][0] == 0 and res["topology"][0] == 0 and res["scan"][0] == 3
