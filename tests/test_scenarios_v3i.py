"""The InfiniBand scenario source (benchmarks/scenarios_v3i): its folders parse, its truth is well formed.

These tests check the scenario generator, not netdiag's accuracy (benchmarks/scenarios_v3i/bench.py
measures that): every output it writes is read by the parser the real sample of the same command is
read by, a sweep over a generated capture reports no unreadable output except the perfquery of ports
that are down, and the truth names parts and links that exist.
"""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.scenarios_v3i.faults import inject
from benchmarks.scenarios_v3i.generate import generate
from benchmarks.scenarios_v3i.model import SHAPES, apply_physics, build
from netdiag import parsers

ROOT = Path(__file__).resolve().parent.parent
COMPONENTS = {"transceiver", "cable", "connector", "port", "nic", "switch", "plane"}


def _rows(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module", params=[7, 8])
def scenario(request, tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("v3i") / "ib4"
    generate("ib4-ndr", request.param, d, n_faults=12, dark_plane=True)
    return d


def test_truth_is_well_formed(scenario):
    truth = json.loads((scenario / "truth.json").read_text())
    devices = {r["name"]: r for r in _rows(scenario / "devices.csv")}
    cables = {r["cable_id"]: r for r in _rows(scenario / "cabling.csv")}
    assert truth["shape"] == "ib4-ndr" and truth["planes"] == 4
    comp = [f for f in truth["faults"] if f["kind"] != "dark_plane"]
    assert 10 <= len(comp) <= 16 and sum(f["kind"] == "dark_plane" for f in truth["faults"]) == 1
    ids = [f["id"] for f in truth["faults"]]
    assert len(set(ids)) == len(ids)
    for f in truth["faults"]:
        assert {"id", "kind", "component", "ref", "links", "action", "note"} <= set(f), f
        assert f["component"] in COMPONENTS, f
        assert f["links"] and all(c in cables for c in f["links"]), f
        assert f["note"] and f["action"]
        if f["component"] in ("cable", "connector"):
            assert f["ref"] in cables
        elif f["component"] == "plane":
            assert f["ref"] in {r["plane"] for r in devices.values() if r["plane"]}
        else:
            assert f["ref"].split(":")[0] in devices, f
        if f["component"] == "transceiver" and devices[f["ref"].split(":")[0]]["platform"] == "ibdiagnet":
            assert f["ref"].split(":")[1].startswith("cage")      # a twin-port OSFP is named by its cage
    # no two faults on one link: each finding can be matched to one truth
    links = [c for f in comp for c in f["links"]]
    assert len(links) == len(set(links))
    for name in truth["unreachable"]:
        dev = json.loads((scenario / "capture" / "devices" / name / "device.json").read_text())
        assert dev["ok"] is False and dev["error"].startswith("unreachable:")


def test_outputs_read_by_the_same_parser_as_the_real_samples(scenario, realworld):
    ib = realworld / "infiniband"
    real = {
        "ibstat": (ib / "ibstat_cx7_mt4129_ndr200_active.txt").read_text(),
        "mlxlink": next((realworld / "mlxlink").glob("*.txt")).read_text(),
        "perfquery": (ib / "perfquery_x_l_hca_edr_infiniband_exporter.txt").read_text(),
        "ibdiagnet2.net_dump": (ib / "ibdiagnet2_sequoia_ndr" / "ibdiagnet2.net_dump.first_switch").read_text(),
        "ibdiagnet2.pm": (ib / "ibdiagnet2_sequoia_ndr" / "ibdiagnet2.pm.first10ports").read_text(),
        "ibdiagnet2.cables": (ib / "ibdiagnet2_sequoia_ndr" / "ibdiagnet2.cables.first6ports").read_text(),
        "ibdiagnet2.ibnetdiscover": (ib / "ibdiagnet2_sequoia_ndr" / "ibdiagnet2.ibnetdiscover.first2switches").read_text(),
        "ibdiagnet2.log": (ib / "ibdiagnet2_sequoia_ndr" / "ibdiagnet2.log").read_text(),
        "ibdiagnet2.db_csv": (ib / "ibdiagnet2_sequoia_ndr" / "ibdiagnet2.db_csv.sections_sample").read_text(),
    }
    seen = set()
    for dev in sorted((scenario / "capture" / "devices").iterdir()):
        for entry in json.loads((dev / "index.json").read_text()):
            if entry["exit_status"] != 0:
                continue
            cmd = entry["command"]
            key = next(k for k in real if k in cmd)
            text = (dev / entry["file"]).read_text()
            assert parsers.detect(text) == parsers.detect(real[key]), (dev.name, cmd)
            tables = parsers.parse_rows(parsers.detect(text), text, device=dev.name)
            assert any(tables.values()), (dev.name, cmd)
            seen.add(key)
    assert seen == set(real)


def test_sweep_reads_every_output(scenario):
    """The real CLI over the capture: the only unreadable outputs are perfquery on ports that are down."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-m", "netdiag.cli", "sweep", "--capture", str(scenario / "capture"),
                        "--inventory", str(scenario / "devices.csv"), "--plan", str(scenario / "cabling.csv"),
                        "--json"], capture_output=True, text=True, env=env, timeout=600)
    doc = json.loads(p.stdout)
    truth = json.loads((scenario / "truth.json").read_text())
    dark = next(f for f in truth["faults"] if f["kind"] == "dark_plane")
    failed = [(d["name"], x) for d in doc["devices"] for x in d.get("failed") or []]
    for name, x in failed:
        if dark["whole"] and name == f"ufm-p{dark['ref']}":      # its run reached nothing: no files
            assert x["command"].startswith("cat ") and "No such file" in x["error"], (name, x)
            continue
        assert x["command"].startswith("perfquery") and "exit status 255" in x["error"], (name, x)
    assert doc["summary"]["devices_failed"] == len(truth["unreachable"])
    # switches are seen through their plane's ibdiagnet run: only the dark plane's powered-off ones are not
    roles = ("leaf", "spine") if dark["whole"] else ("leaf",)
    assert doc["summary"]["devices_not_captured"] == sum(1 for r in _rows(scenario / "devices.csv")
                                                         if r["role"] in roles and r["plane"] == dark["ref"])
    assert doc["summary"]["modules"] > 0 and doc["summary"]["lanes"] > 0


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_fault_free_fabric_is_inside_every_alarm(shape):
    """The healthy model and its noise stay inside the modules' own alarm limits (noise must not alarm)."""
    rng = random.Random(11)
    fab = build(shape, rng)
    faults, unreachable, noise = inject(fab, rng, 0)
    apply_physics(fab, rng)
    assert faults == [] and len(unreachable) == 1 and noise
    for e in fab.ends():
        spec = e.module.spec
        assert all(spec["rx_lo"] < x < spec["rx_hi"] for x in e.rx_dbm), (e.device, e.port, e.rx_dbm)
        assert all(spec["tx_lo"] < x < spec["tx_hi"] for x in e.tx_dbm)
        assert all(spec["bias_lo"] < x < spec["bias_hi"] for x in e.bias_ma)
        assert e.module.temp < 70 and max(e.raw_ber) < 1e-7 and e.state == "Active"


def test_generation_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    generate("ib2-ndr", 3, a)
    generate("ib2-ndr", 3, b)
    for f in sorted(a.rglob("*")):
        if f.is_file():
            assert f.read_bytes() == (b / f.relative_to(a)).read_bytes(), f
    t = json.loads((a / "truth.json").read_text())
    assert 4 <= len(t["faults"]) <= 8


def test_shapes_register_in_a_shared_runner(tmp_path):
    """register_v3i hands every shape to a shared runner's registry with its plane group and fault range."""
    from benchmarks.scenarios_v3i.bench import register_v3i
    reg = {}
    register_v3i(lambda name, fn, group, faults, gpus: reg.__setitem__(name, (fn, group, faults, gpus)))
    assert set(reg) == set(SHAPES)
    assert {reg[s][1] for s in reg if s.startswith("ib2")} == {"2-plane"}
    assert {reg[s][1] for s in reg if s.startswith("ib4")} == {"4-plane"}
    truth = reg["ib2-ndr"][0](11, tmp_path / "s", 0, 64)
    assert truth["faults"] == [] and (tmp_path / "s" / "capture" / "capture.json").is_file()


def _read_capture(cap: Path) -> dict:
    """(device, port) -> {'port', 'module', 'lanes', 'counters', 'neighbor'} from every output, parsed."""
    out: dict = {}

    def slot(dev, port):
        return out.setdefault((dev, port), {"port": {}, "module": {}, "lanes": [], "counters": {}, "neighbor": None})
    for dev in sorted((cap / "devices").iterdir()):
        for entry in json.loads((dev / "index.json").read_text()):
            if entry["exit_status"] != 0:
                continue
            cmd = entry["command"]
            port = None
            if cmd.startswith(("mlxlink", "perfquery")):
                w = cmd.split()
                ca = w[w.index("-d") + 1] if "-d" in w else w[w.index("-C") + 1]
                port = f"{ca}/{w[w.index('-p') + 1] if '-p' in w else w[w.index('-P') + 1]}"
            text = (dev / entry["file"]).read_text()
            tables = parsers.parse_rows(parsers.detect(text), text, device=dev.name, port=port)
            for r in tables.get("ports", []):
                slot(r["device"], r["port"])["port"].update(r)
            for r in tables.get("modules", []):
                slot(r["device"], r["port"])["module"].update(r)
            for r in tables.get("lanes", []):
                slot(r["device"], r["port"])["lanes"].append(r)
            for r in tables.get("counters", []):
                c = slot(r["device"], r["port"])["counters"]
                for k, v in r.items():
                    if isinstance(v, (int, float)) and not k.endswith("_bits"):
                        c[k] = max(c.get(k, 0), v)
            for r in tables.get("neighbors", []):
                slot(r["device"], r["port"])["neighbor"] = (r["remote_device"], r["remote_port"])
    return out


def _abnormal(p: dict | None) -> list[str]:
    """What an end's outputs show out of the ordinary (None: the port is in no output at all)."""
    if p is None:
        return ["port missing"]
    m, why = p["module"], []
    if p["port"].get("oper_up") is False:
        why.append("down")
    if p["port"].get("lanes", 4) < 4:
        why.append("narrow")
    for ln in p["lanes"]:
        for col, lo, hi in (("rx_power_mw", "rx_power_mw_low_alarm", "rx_power_mw_high_alarm"),
                            ("tx_power_mw", "tx_power_mw_low_alarm", "tx_power_mw_high_alarm"),
                            ("tx_bias_ma", "tx_bias_ma_low_alarm", "tx_bias_ma_high_alarm")):
            if ln.get(col) is not None and lo in m and not m[lo] <= ln[col] <= m[hi]:
                why.append(f"lane {ln['lane']} {col}")
        why += [f"lane {ln['lane']} {f}" for f in ("rx_los", "tx_los", "tx_lol", "tx_fault") if ln.get(f)]
    c = p["counters"]
    if c.get("symbol_errors", 0) > 40 or c.get("raw_ber", 0) > 1e-6 or c.get("link_down_events", 0) > 8:
        why.append("errors")
    return why


def test_every_fault_leaves_evidence_and_healthy_links_none(tmp_path):
    """Fairness: each injected fault shows in the outputs of its links (optics out of the module's own
    alarms, flags, errors, state, width, neighbours); planned links without fault or noise show nothing."""
    d = tmp_path / "ev"
    truth = generate("ib4-dgx", 5, d, n_faults=16)
    seen = _read_capture(d / "capture")
    plan = {r["cable_id"]: r for r in _rows(d / "cabling.csv")}
    unreach = set(truth["unreachable"])

    def end(dev, port):
        return None if dev in unreach else seen.get((dev, port))
    faulty = set()
    for f in truth["faults"]:
        ev = []
        for cid in f["links"]:
            r = plan[cid]
            for dev, port, fdev, fport in ((r["a_device"], r["a_port"], r["b_device"], r["b_port"]),
                                           (r["b_device"], r["b_port"], r["a_device"], r["a_port"])):
                p = end(dev, port)
                ev += _abnormal(p) if dev not in unreach else []
                if p and p["neighbor"] and p["neighbor"] != (fdev, fport):
                    ev.append("neighbour differs from the plan")
            faulty.add(cid)
        assert ev, f
    for cid, r in plan.items():
        if cid in faulty or cid in truth["noise_links"]:
            continue
        for dev, port in ((r["a_device"], r["a_port"]), (r["b_device"], r["b_port"])):
            if dev not in unreach:
                assert _abnormal(end(dev, port)) == [], (cid, dev, port)
