"""The ordinary day: a healthy fabric (nothing wrong) through every command, and the degenerate
shapes around it (no symptoms, empty plan, empty capture, one device, partial captures, every device
refused), each with a defined outcome and never a traceback. Real CLI in a subprocess."""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from netdiag.capture import CaptureWriter, read_capture
from netdiag.fabric.localize import FEATURES, end_features, localize
from netdiag.health.rules import SYMPTOM_COLUMNS, load_thresholds
from netdiag.inventory import Inventory
from netdiag.model import Snapshot

ROOT = Path(__file__).resolve().parent.parent


def netdiag(*args, cwd=None, env=None):
    e = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    e.pop("NETDIAG_DEBUG", None) if not (env or {}).get("NETDIAG_DEBUG") else None
    return subprocess.run([sys.executable, "-m", "netdiag.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=e, timeout=600)


def no_traceback(r):
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    return r


def copy_capture(src: Path, dst: Path, keep=None, fail: dict | None = None) -> Path:
    """A capture with only the devices in `keep` (all when None), the devices in `fail` recorded as
    failed with that error, exactly as a live sweep records a device it could not collect."""
    cap, fail = read_capture(src), fail or {}
    with CaptureWriter(dst) as cw:
        for d in cap.devices:
            if d.name in fail:
                cw.device(d.name, d.platform, d.address).fail(fail[d.name])
            elif keep is None or d.name in keep:
                r = cw.device(d.name, d.platform, d.address)
                for e in d.entries:
                    r.record(e.command, e.stdout(), e.stderr(), e.exit_status, e.started, e.duration_s, e.error,
                             e.format)
    return dst


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    """The exact before-stop check of issue 12: hgx-rail, 64 GPUs, no fault, seed 7."""
    out = tmp_path_factory.mktemp("healthy")
    r = netdiag("simulate", "--preset", "hgx-rail", "--gpus", 64, "--faults", 0, "--seed", 7, "--out", out)
    assert r.returncode == 0, r.stderr
    return out


def inv_args(f: Path, plan: Path | None = None):
    return ["--inventory", f / "devices.csv", "--plan", plan or f / "cabling.csv"]


# -- unit level: no symptom at all ----------------------------------------------------------------

def test_end_features_of_no_symptoms_is_empty_with_the_device_port_index():
    snap = Snapshot.from_tables({})
    f = end_features(pd.DataFrame(columns=SYMPTOM_COLUMNS), snap, {"links": {"flap_link_down_events": 3}})
    assert len(f) == 0
    assert list(f.index.names) == ["device", "port"]
    assert set(FEATURES) <= set(f.columns)


def test_localize_with_no_symptoms_finds_nothing():
    loc = localize(Snapshot.from_tables({}), pd.DataFrame(columns=SYMPTOM_COLUMNS), Inventory(), cfg=load_thresholds())
    assert loc.findings == [] and loc.handled_ports == set()


# -- a healthy fabric through every command -------------------------------------------------------

def test_sweep_with_plan_text_says_ok(healthy):
    r = no_traceback(netdiag("sweep", *inv_args(healthy), "--capture", healthy / "capture"))
    assert r.returncode == 0, r.stderr
    assert "(no findings)" in r.stdout
    assert "OK: 0 critical, 0 warning; 20 devices (0 failed" in r.stdout


@pytest.mark.parametrize("with_plan", [True, False], ids=["plan", "no-plan"])
def test_sweep_json_and_jsonl_have_no_finding(healthy, with_plan):
    args = inv_args(healthy) if with_plan else ["--inventory", healthy / "devices.csv"]
    r = no_traceback(netdiag("sweep", *args, "--capture", healthy / "capture", "--json"))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["findings"] == []
    assert out["summary"]["status"] == "OK" and out["summary"]["exit_code"] == 0
    assert out["summary"]["devices"] == 20 and out["summary"]["devices_failed"] == 0
    assert all(d["ok"] and d["cause"] is None for d in out["devices"])
    r = no_traceback(netdiag("sweep", *args, "--capture", healthy / "capture", "--jsonl"))
    assert r.returncode == 0
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["type"] for x in lines] == ["device"] * 20 + ["summary"]
    assert lines[-1]["status"] == "OK" and lines[-1]["findings"] == 0


def test_sweep_html_says_nothing_to_fix_and_writes_no_ticket(healthy, tmp_path):
    r = no_traceback(netdiag("sweep", *inv_args(healthy), "--capture", healthy / "capture",
                             "--html", tmp_path / "r.html", "--tickets", tmp_path / "t"))
    assert r.returncode == 0, r.stderr
    assert "wrote 0 tickets" in r.stderr
    assert list((tmp_path / "t").iterdir()) == [] if (tmp_path / "t").exists() else True
    page = (tmp_path / "r.html").read_text()
    assert '<p class="empty ok" id="empty">Nothing to fix: no finding on 20 devices' in page
    assert "<title>netdiag report: OK</title>" in page


def test_cabling_is_ok(healthy):
    r = no_traceback(netdiag("cabling", *inv_args(healthy), "--capture", healthy / "capture", "--json"))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["findings"] == [] and out["summary"]["status"] == "OK"
    assert out["summary"]["cables"] == out["summary"]["cables_ok"] == 320


def test_isolate_and_topology_in_every_format(healthy, tmp_path):
    journal = tmp_path / "j.sqlite"
    r = no_traceback(netdiag("isolate", *inv_args(healthy), "--capture", healthy / "capture", "--journal", journal,
                             "--json"))
    assert r.returncode == 0, r.stderr
    plan = json.loads(r.stdout)["plan"]
    assert plan["isolate"] == [] and plan["drain"] == []
    hosts = {row["name"] for row in csv.DictReader(open(healthy / "devices.csv")) if row["role"] == "gpu_host"}
    outs = {}
    for fmt in ("slurm-tree", "slurm-block", "k8s-labels", "k8s-patch", "json"):
        r = no_traceback(netdiag("topology", *inv_args(healthy), "--capture", healthy / "capture", "--journal",
                                 journal, "--format", fmt))
        assert r.returncode == 0, (fmt, r.stderr)
        assert r.stdout.strip(), fmt
        outs[fmt] = r.stdout
    # nothing is taken out on a healthy day: every GPU host is in the topology
    assert {h["name"] for h in json.loads(outs["json"])["hosts"]} == hosts
    assert "Nodes=gpu-r0001-n[01-04],gpu-r0002-n[01-04]" in outs["slurm-tree"]
    assert all(h in outs["k8s-labels"] for h in hosts)


def test_scan_twice_history_and_merge(tmp_path):
    f = tmp_path / "fab"
    r = netdiag("simulate", "--preset", "hgx-rail", "--gpus", 64, "--faults", 0, "--seed", 7, "--scans", 2,
                "--out", f)
    assert r.returncode == 0, r.stderr
    state = tmp_path / "state.db"
    for scan in ("scan-000", "scan-001"):
        r = no_traceback(netdiag("scan", *inv_args(f), "--state", state, "--capture", f / scan / "capture", "-v"))
        assert r.returncode == 0, (scan, r.stderr)
        lines = r.stdout.splitlines()
        assert len(lines) == 1 and " OK: 0 findings (0 critical, 0 warning), 0 events" in lines[0], r.stdout
    r = no_traceback(netdiag("history", "gpu-r0001-n01:ens1np0", "--state", state, "--json"))
    assert r.returncode == 0, r.stderr
    h = json.loads(r.stdout)
    assert len(h["scans"]) == 2 and h["events"] == []
    # two shard captures merged into one give the same healthy answer
    cap = f / "scan-001" / "capture"
    names = sorted(d.name for d in read_capture(cap).devices)
    copy_capture(cap, tmp_path / "s0", keep=set(names[::2]))
    copy_capture(cap, tmp_path / "s1", keep=set(names[1::2]))
    r = no_traceback(netdiag("merge", tmp_path / "s0", tmp_path / "s1", "--out", tmp_path / "m"))
    assert r.returncode == 0, r.stderr
    r = no_traceback(netdiag("sweep", *inv_args(f), "--capture", tmp_path / "m", "--json"))
    assert r.returncode == 0 and json.loads(r.stdout)["summary"]["devices"] == 20


# -- degenerate shapes ------------------------------------------------------------------------------

def test_every_device_refused_is_unknown_with_each_cause(healthy, tmp_path):
    names = sorted(d.name for d in read_capture(healthy / "capture").devices)
    errs = {n: f"refused: connection refused by 10.9.0.{i}:22 (no SSH server listening?)" for i, n in enumerate(names)}
    errs[names[0]] = "host_key: unknown host key for [10.9.0.0]:22: ssh-ed25519 SHA256:x"
    errs[names[1]] = "unreachable: connect timeout after 10 s (10.9.0.1:22)"
    cap = copy_capture(healthy / "capture", tmp_path / "dead", fail=errs)
    r = no_traceback(netdiag("sweep", *inv_args(healthy), "--capture", cap, "--json"))
    assert r.returncode == 3, r.stderr
    out = json.loads(r.stdout)
    assert out["findings"] == [] and out["summary"]["status"] == "UNKNOWN"
    assert {d["name"]: (d["ok"], d["cause"], d["error"]) for d in out["devices"]} == {
        n: (False, e.split(":")[0], e) for n, e in errs.items()}
    r = no_traceback(netdiag("sweep", *inv_args(healthy), "--capture", cap, "--jsonl"))
    assert r.returncode == 3
    devs = {x["name"]: x["cause"] for x in map(json.loads, r.stdout.splitlines()) if x["type"] == "device"}
    assert devs == {n: e.split(":")[0] for n, e in errs.items()}
    r = no_traceback(netdiag("sweep", *inv_args(healthy), "--capture", cap, "--html", tmp_path / "r.html"))
    assert r.returncode == 3
    assert "UNKNOWN: 0 critical, 0 warning; 20 devices (20 failed" in r.stdout
    assert "not a clean bill of health" in (tmp_path / "r.html").read_text()
    assert "Nothing to fix" not in (tmp_path / "r.html").read_text()
    r = no_traceback(netdiag("cabling", *inv_args(healthy), "--capture", cap, "--json"))
    assert r.returncode == 3 and json.loads(r.stdout)["findings"] == []


def test_empty_capture_is_unknown_not_ok(healthy, tmp_path):
    cap = copy_capture(healthy / "capture", tmp_path / "empty", keep=set())
    for args in (inv_args(healthy), ["--inventory", healthy / "devices.csv"]):
        r = no_traceback(netdiag("sweep", *args, "--capture", cap, "--json", "--html", tmp_path / "r.html"))
        assert r.returncode == 3, r.stderr
        out = json.loads(r.stdout)
        assert out["findings"] == [] and out["devices"] == [] and out["summary"]["status"] == "UNKNOWN"
        assert "Nothing was judged: this capture holds no device." in (tmp_path / "r.html").read_text()
    r = no_traceback(netdiag("cabling", *inv_args(healthy), "--capture", cap))
    assert r.returncode == 3


def test_one_device(healthy, tmp_path):
    cap = copy_capture(healthy / "capture", tmp_path / "one", keep={"gpu-r0001-n01"})
    r = no_traceback(netdiag("sweep", *inv_args(healthy), "--capture", cap, "--json"))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["findings"] == [] and out["summary"]["devices"] == 1 and out["summary"]["ports"] == 9
    r = no_traceback(netdiag("cabling", *inv_args(healthy), "--capture", cap, "--json"))
    assert r.returncode == 0
    s = json.loads(r.stdout)["summary"]
    # the host's 8 links are checked from its side; the rest are unknown, not missing
    assert s["cables_ok"] == 8 and s["cables_unknown"] == 312 and s.get("cables_missing", 0) == 0


def test_plan_names_devices_absent_from_the_capture(healthy, tmp_path):
    names = sorted(d.name for d in read_capture(healthy / "capture").devices)
    cap = copy_capture(healthy / "capture", tmp_path / "half", keep=set(names[:10]))
    r = no_traceback(netdiag("sweep", *inv_args(healthy), "--capture", cap, "--json"))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["findings"] == []   # not collected is unknown, never a finding
    r = no_traceback(netdiag("cabling", *inv_args(healthy), "--capture", cap, "--json"))
    assert r.returncode == 0 and json.loads(r.stdout)["findings"] == []
    r = no_traceback(netdiag("isolate", *inv_args(healthy), "--capture", cap, "--journal", tmp_path / "j", "--json"))
    assert r.returncode == 0 and json.loads(r.stdout)["plan"]["isolate"] == []


def test_capture_has_devices_the_plan_does_not_name(healthy, tmp_path):
    plan = pd.read_csv(healthy / "cabling.csv", dtype=str, keep_default_na=False)
    plan = plan[plan["a_device"].str.startswith("gpu-r0001")]
    assert len(plan) == 32
    plan.to_csv(tmp_path / "cabling.csv", index=False)
    r = no_traceback(netdiag("sweep", *inv_args(healthy, tmp_path / "cabling.csv"), "--capture",
                             healthy / "capture", "--json"))
    # the links the plan leaves out are reported as `unexpected` cabling (a warning), nothing else
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert out["summary"]["devices"] == 20 and out["summary"]["critical"] == 0
    assert {f["kind"] for f in out["findings"]} == {"unexpected"}
    assert not any(f["device"].startswith("gpu-r0001") for f in out["findings"])
    r = no_traceback(netdiag("cabling", *inv_args(healthy, tmp_path / "cabling.csv"), "--capture",
                             healthy / "capture", "--json"))
    s = json.loads(r.stdout)["summary"]
    assert s["cables"] == s["cables_ok"] == 32


def test_empty_plan_header_only(healthy, tmp_path):
    (tmp_path / "cabling.csv").write_text((healthy / "cabling.csv").read_text().splitlines()[0] + "\n")
    r = no_traceback(netdiag("sweep", *inv_args(healthy, tmp_path / "cabling.csv"), "--capture", healthy / "capture",
                             "--json"))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["findings"] == []
    r = no_traceback(netdiag("cabling", *inv_args(healthy, tmp_path / "cabling.csv"), "--capture",
                             healthy / "capture", "--json"))
    assert r.returncode in (0, 1), r.stderr   # links seen but not planned are `unexpected`
    assert all(f["kind"] == "unexpected" for f in json.loads(r.stdout)["findings"])
    r = netdiag("isolate", *inv_args(healthy, tmp_path / "cabling.csv"), "--capture", healthy / "capture")
    assert r.returncode == 3 and "Usage:" in r.stderr and "--plan are required" in r.stderr


# -- errors that tell the truth -------------------------------------------------------------------

def test_a_bug_is_an_internal_error_not_a_usage_message(healthy, monkeypatch):
    """A ValueError raised by a bug (here planted in the analysis, the one fault a real run cannot
    produce on demand) is one `internal error` line and a hint, exit 3, never `Usage:`."""
    from click.testing import CliRunner

    from netdiag import cli, jobs

    def broken(*a, **k):
        raise ValueError("Length of new names must be 1, got 2")

    monkeypatch.setattr(jobs, "analyse", broken)
    monkeypatch.delenv("NETDIAG_DEBUG", raising=False)
    args = ["sweep", *map(str, inv_args(healthy)), "--capture", str(healthy / "capture")]
    r = CliRunner().invoke(cli.main, args)
    assert r.exit_code == 3
    lines = r.stderr.splitlines()
    assert lines[0] == "netdiag: internal error: ValueError: Length of new names must be 1, got 2"
    assert "--debug" in lines[1] and "NETDIAG_DEBUG=1" in lines[1] and len(lines) == 2
    assert "Usage:" not in r.stderr and "Traceback" not in r.stderr
    for how in ({"args": ["--debug", *args]}, {"args": [*args, "--debug"]}, {"args": args, "env": {"NETDIAG_DEBUG": "1"}}):
        r = CliRunner().invoke(cli.main, how["args"], env=how.get("env"))
        assert r.exit_code == 3
        assert r.stderr.startswith("netdiag: internal error: ValueError:")
        assert "Traceback (most recent call last)" in r.stderr and 'in broken' in r.stderr


def test_usage_errors_are_for_what_the_user_typed(healthy, tmp_path):
    r = netdiag("sweep", *inv_args(healthy))
    assert r.returncode == 3 and r.stderr.startswith("Usage: ") and "give exactly one of --capture" in r.stderr
    r = netdiag("scan", *inv_args(healthy), "--state", tmp_path / "s.db", "--capture", healthy / "capture",
                "--shard", "9/4")
    assert r.returncode == 3 and "Usage: " in r.stderr and "--shard '9/4': need 0 <= i < N" in r.stderr
    r = netdiag("parse", tmp_path / "no-such-file")
    assert r.returncode == 3 and "Usage: " in r.stderr and "does not exist" in r.stderr
    # a path the system refuses is named as such, not called a bug
    r = netdiag("simulate", "--preset", "hgx-rail", "--gpus", 8, "--out", "/proc/netdiag-out")
    assert r.returncode == 3 and r.stderr == "netdiag: error: /proc/netdiag-out: No such file or directory\n"
    r = netdiag("sweep", *inv_args(healthy), "--hosts", "nosuch*")
    assert r.returncode == 3 and "no device in the inventory matches the selection" in r.stderr
    assert "internal error" not in r.stderr


# -- a whole plane dark -----------------------------------------------------------------------------

def test_a_dark_plane_is_one_finding_listing_every_link(tmp_path):
    f = tmp_path / "fab"
    r = netdiag("simulate", "--preset", "gb300-dual-plane", "--gpus", 144, "--faults", 0, "--seed", 4,
                "--event", "dark-plane", "--out", f)
    assert r.returncode == 0, r.stderr
    truth = json.loads((f / "truth.json").read_text())["faults"]
    assert [(t["kind"], t["component"], t["ref"], len(t["links"])) for t in truth] == [("dark_plane", "plane", "0", 400)]
    r = no_traceback(netdiag("sweep", *inv_args(f), "--capture", f / "capture", "--json"))
    assert r.returncode == 2, r.stderr
    out = json.loads(r.stdout)
    assert len(out["findings"]) == 1
    (p,) = out["findings"]
    assert (p["kind"], p["severity"], p["suspects"][0]["component"], p["suspects"][0]["ref"]) == \
        ("failing_plane", "critical", "plane", "0")
    assert sorted(c["link"]["cable_id"] for c in p["children"]) == truth[0]["links"]
    assert p["evidence"][0].startswith("400 of the 400 collected links of plane 0 are symptomatic")
    # a tail far below the smallest double is named by its power of ten, not printed as 0
    assert "binomial tail p = 1e-" in p["evidence"][0] and "0.0e+00" not in p["evidence"][0]
    assert p["evidence"][-1].startswith("400 of these links show no neighbor either")


def test_event_names_are_checked(tmp_path):
    r = netdiag("simulate", "--preset", "hgx-rail", "--gpus", 8, "--event", "dark-plane:7", "--out", tmp_path / "x")
    assert r.returncode == 3 and "Usage:" in r.stderr and "--event dark-plane:7: the fabric has planes 0" in r.stderr
    r = netdiag("simulate", "--preset", "hgx-rail", "--gpus", 8, "--event", "dark-hall", "--out", tmp_path / "y")
    assert r.returncode == 3 and "--event 'dark-hall': unknown event" in r.stderr
