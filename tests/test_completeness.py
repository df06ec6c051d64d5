"""Issue 18 item 3: a cut output never silently changes a finding. netdiag/completeness.py tells a
complete output from a cut one; ingest leaves the cut one out and reports it under Could not tell."""

import shutil
from pathlib import Path

import pytest

from netdiag import completeness, jobs
from netdiag.inventory import load

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
MOD = DEMO / "capture" / "devices" / "gpu-r07-n02" / "0008.txt"     # ethtool -m ens2np0, decaying Tx lane 2


def test_real_ethtool_m_samples_are_complete(realworld):
    files = sorted((realworld / "ethtool_m").glob("*.txt"))
    assert len(files) >= 6
    verdicts = {f.name: completeness.check("ethtool-module", f.read_bytes()) for f in files}
    # the jc DAC fixture stops at 'BR margin, min': ethtool prints Vendor SN and Date code after it
    cut = {k for k, v in verdicts.items() if v}
    assert cut == {"ethtool_m_sfp_dac_ubiquiti_nodom_jc.txt"}
    assert "no 'Vendor SN' line" in verdicts["ethtool_m_sfp_dac_ubiquiti_nodom_jc.txt"][0].why


def test_real_sonic_eeprom_samples_are_complete(realworld):
    files = sorted((realworld / "sonic").glob("sonic_show_transceiver_eeprom_dom*.txt"))
    assert len(files) >= 5
    for f in files:
        assert completeness.check("sonic-transceiver-eeprom", f.read_bytes()) == [], f.name


@pytest.mark.parametrize("cut,why", [
    (lambda b: b[:300], "output ends mid-line after 300 bytes"),
    (lambda b: b"".join(b.splitlines(keepends=True)[:24]), "no 'Vendor SN' line"),   # line boundary, header only
    (lambda b: b"".join(b.splitlines(keepends=True)[:34]), "lane lists differ"),
    (lambda b: b"".join(b.splitlines(keepends=True)[:106]), "threshold block incomplete (7 of 20"),
    (lambda b: b"".join(b.splitlines(keepends=True)[:99]), "no threshold block"),
    (lambda b: b"".join(b.splitlines(keepends=True)[:30]), "no 'Alarm/warning flags implemented' line"),
])
def test_each_way_of_cutting_ethtool_m_is_told(cut, why):
    full = MOD.read_bytes()
    assert completeness.check("ethtool-module", full) == []
    got = completeness.check("ethtool-module", cut(full))
    assert len(got) == 1 and why in got[0].why, got


def _sweep_with(tmp_path, text: bytes):
    cap = tmp_path / "capture"
    shutil.copytree(DEMO / "capture", cap)
    (cap / "devices" / "gpu-r07-n02" / "0008.txt").write_bytes(text)
    return jobs.sweep_capture(cap, load(DEMO / "devices.csv", DEMO / "cabling.csv"))


@pytest.mark.parametrize("lines", [None, 106, 99])
def test_cut_output_is_reported_and_never_judged_by_packaged_thresholds(tmp_path, lines):
    full = MOD.read_bytes()
    text = full[:300] if lines is None else b"".join(full.splitlines(keepends=True)[:lines])
    res = _sweep_with(tmp_path, text)
    dev = next(d for d in res.devices if d.name == "gpu-r07-n02")
    assert [(f["command"], f["port"]) for f in dev.failed] == [("ethtool -m ens2np0", "ens2np0")]
    assert dev.failed[0]["error"].startswith("incomplete output for port ens2np0: ")
    # the finding is not silently downgraded: no finding on that port was judged from the cut output
    at = [f for f in res.findings if f.device == "gpu-r07-n02" and f.port == "ens2np0"]
    assert at == []
    assert res.unknown and res.summary()["outputs_failed"] == 1
    # everything else is untouched: the other findings of the demo are still there
    assert sorted(f.kind for f in res.findings) == sorted(
        ["bad_transceiver", "dead_link", "dirty_connector", "hot_module", "dirty_connector"])
    from netdiag.render import text as text_render
    out = text_render.render(res, color=False)
    assert "Could not tell" in out and "ethtool -m ens2np0: incomplete output for port ens2np0" in out


def test_full_output_keeps_the_critical_finding(tmp_path):
    res = _sweep_with(tmp_path, MOD.read_bytes())
    f = next(f for f in res.findings if f.kind == "decaying_transmitter")
    assert (f.device, f.port, f.severity) == ("gpu-r07-n02", "ens2np0", "critical")


def test_cut_sonic_output_drops_only_the_cut_port(tmp_path):
    from netdiag.simulate import engine, presets
    from netdiag.simulate.write import write_fabric

    out = tmp_path / "sim"
    write_fabric(engine.simulate(presets.get("hgx-rail"), 64, 2, faults=2), out, "capture")
    f = out / "capture" / "devices" / "leaf-p0-0002" / "0002.txt"
    assert b"show interfaces transceiver eeprom" in (f.parent / "index.json").read_bytes()
    full = f.read_bytes()
    res_full = jobs.sweep_capture(out / "capture", load(out / "devices.csv", out / "cabling.csv"))
    f.write_bytes(full[:100_000])
    res = jobs.sweep_capture(out / "capture", load(out / "devices.csv", out / "cabling.csv"))
    dev = next(d for d in res.devices if d.name == "leaf-p0-0002")
    heads = [ln.split(":")[0] for ln in full[:100_000].decode().splitlines() if ln.endswith(": SFP EEPROM detected")]
    last, before_last = heads[-1], heads[-2]
    assert [x["port"] for x in dev.failed] == [last]
    assert "any port after it is missing" in dev.failed[0]["error"]
    mods = res.snapshot.modules
    before = res_full.snapshot.modules
    kept = set(mods.loc[mods["device"] == "leaf-p0-0002", "port"])
    assert before_last in kept and last not in kept
    lanes = res.snapshot.lanes
    assert not ((lanes["device"] == "leaf-p0-0002") & (lanes["port"] == last)).any()
    assert ((res_full.snapshot.lanes["device"] == "leaf-p0-0002") & (res_full.snapshot.lanes["port"] == last)).any()
    assert len(before[before["device"] == "leaf-p0-0002"]) > len(kept)


def test_counter_cut_mid_line_is_not_read_as_a_smaller_value(tmp_path):
    """ethtool -S cut inside 'rx_crc_errors_phy: 5021' would read 50: the output is reported instead."""
    cap = tmp_path / "capture"
    shutil.copytree(DEMO / "capture", cap)
    f = cap / "devices" / "gpu-r07-n03" / "0005.txt"   # ethtool -S ens1np0
    full = f.read_bytes()
    cut = full[:full.index(b"rx_crc_errors_phy: 5021") + len(b"rx_crc_errors_phy: 50")]
    f.write_bytes(cut)
    got = completeness.check("ethtool-stats", cut)
    assert len(got) == 1 and "last line 'rx_crc_errors_phy: 50'" in got[0].why
    res = jobs.sweep_capture(cap, load(DEMO / "devices.csv", DEMO / "cabling.csv"))
    dev = next(d for d in res.devices if d.name == "gpu-r07-n03")
    assert [(x["command"], x["port"]) for x in dev.failed] == [("ethtool -S ens1np0", "ens1np0")]
    c = res.snapshot.counters
    crc = c.loc[(c["device"] == "gpu-r07-n03") & (c["port"] == "ens1np0"), "rx_crc_errors"]
    assert not (crc == 50).any()
    assert completeness.check("ethtool-stats", full) == []
