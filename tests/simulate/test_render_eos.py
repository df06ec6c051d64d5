"""EOS renderer round trip: simulate -> render (write_capture) -> read_capture -> ingest -> the same
tables, for the EOS leaves and spines of the gb300-dual-plane preset, cabling faults included."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from netdiag import platforms
from netdiag.capture import read_capture
from netdiag.ingest import ingest
from netdiag.model import THRESHOLD_COLUMNS
from netdiag.simulate import engine, presets, render
from netdiag.simulate.write import write_capture

#: EOS floors optical power at -30 dBm (= 0.001 mW): a reading below it parses as no light
EOS_FLOOR_MW = 0.001


@pytest.fixture
def other_platforms_stubbed(monkeypatch):
    """The hosts (platform linux) render nothing here: only the EOS devices are checked, and this
    test must not depend on another platform's renderer."""
    try:  # load every renderer module first, so that none overwrites the stub later
        render.renderer("no such platform")
    except KeyError:
        pass
    monkeypatch.setitem(render._RENDERERS, "linux", lambda dev: [])


def _eos(fab) -> set[str]:
    return set(fab.devices.loc[fab.devices["platform"] == "eos", "name"])


def _round_trip(fab, tmp_path):
    cap = write_capture(fab, tmp_path / "capture")
    got = ingest(read_capture(cap))
    eos = _eos(fab)
    bad = [(d.name, d.error, d.failed) for d in got.devices if d.name in eos and (not d.ok or d.failed)]
    assert not bad, f"EOS devices with failed/unparsed outputs: {bad[:5]}"
    return cap, got.snapshot, eos


def _compare(table: str, exp: pd.DataFrame, got: pd.DataFrame, keys: list[str], cols: dict[str, str]):
    """Outer-merge on keys; every key on both sides; each column equal (kind: 'exact' or 'float')."""
    e = exp[keys + list(cols)].reset_index(drop=True)
    g = got[keys + list(cols)].reset_index(drop=True)
    assert not e.duplicated(keys).any() and not g.duplicated(keys).any(), f"{table}: duplicate keys"
    m = e.merge(g, on=keys, how="outer", suffixes=("_exp", "_got"), indicator=True)
    missing = m[m["_merge"] != "both"]
    assert missing.empty, f"{table}: rows on one side only:\n{missing[keys + ['_merge']].head(10)}"
    problems = []
    for c, kind in cols.items():
        a, b = m[f"{c}_exp"], m[f"{c}_got"]
        if kind == "float":
            x = pd.to_numeric(a, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            y = pd.to_numeric(b, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            same = (np.isnan(x) & np.isnan(y)) | np.isclose(x, y, rtol=1e-6, atol=1e-9)
        else:
            x, y = a.astype(object), b.astype(object)
            same = ((x.isna() & y.isna()) | (x == y).fillna(False)).to_numpy(dtype=bool)
        if not same.all():
            bad = m.loc[~same, keys + [f"{c}_exp", f"{c}_got"]]
            problems.append(f"{table}.{c}: {len(bad)} mismatches, e.g.\n{bad.head(5).to_string()}")
    assert not problems, "\n".join(problems)


def _check_tables(fab, snap, eos):
    exp = fab.snapshot
    mine = {t: exp.table(t)[exp.table(t)["device"].isin(eos)] for t in ("ports", "modules", "lanes", "counters",
                                                                       "neighbors")}
    got = {t: snap.table(t)[snap.table(t)["device"].isin(eos)] for t in mine}
    assert len(mine["ports"]) and len(mine["lanes"])

    _compare("ports", mine["ports"], got["ports"], ["device", "port"],
             {"admin_up": "exact", "oper_up": "exact", "speed_gbps": "float"})
    # a module without diagnostics: EOS shows neither readings nor thresholds for it
    mods = mine["modules"].copy()
    no_dom = mods["dom_supported"].eq(False).fillna(False).to_numpy(dtype=bool)
    mods.loc[no_dom, ["temperature_c", "voltage_v", *THRESHOLD_COLUMNS]] = np.nan
    mine["modules"] = mods
    # vendor, part number and revision come from `show inventory | json` (per cage, onto its interfaces)
    mod_cols = {"present": "exact", "media": "exact", "serial": "exact", "dom_supported": "exact",
                "vendor": "exact", "part_number": "exact", "revision": "exact",
                "temperature_c": "float", "voltage_v": "float", **{c: "float" for c in THRESHOLD_COLUMNS}}
    _compare("modules", mine["modules"], got["modules"], ["device", "port"], mod_cols)
    assert len(got["modules"]) == len(mine["modules"]), "a cage row of show inventory was left as a module"
    # no EOS format carries these: nothing may be invented for them
    for c in ("identifier", "wavelength_nm"):
        assert got["modules"][c].isna().all(), f"modules.{c} parsed from EOS outputs that do not carry it"

    lanes = mine["lanes"].copy()
    lanes = lanes[lanes[["tx_power_mw", "rx_power_mw", "tx_bias_ma"]].notna().any(axis=1)]  # nothing to show
    for c in ("tx_power_mw", "rx_power_mw"):
        lanes[c] = lanes[c].where(~(lanes[c] < EOS_FLOOR_MW), 0.0)
    _compare("lanes", lanes, got["lanes"], ["device", "port", "lane"],
             {"tx_power_mw": "float", "rx_power_mw": "float", "tx_bias_ma": "float"})

    _compare("counters", mine["counters"], got["counters"], ["device", "port"],
             {c: "exact" for c in ("fec_corrected_cw", "fec_uncorrectable_cw", "rx_crc_errors", "symbol_errors",
                                   "rx_errors", "tx_errors")} | {"raw_ber": "float"})

    k = ["device", "port", "remote_device", "remote_port"]
    e = mine["neighbors"][k].astype(str).drop_duplicates()
    g = got["neighbors"][k].astype(str).drop_duplicates()
    m = e.merge(g, on=k, how="outer", indicator=True)
    assert (m["_merge"] == "both").all(), f"neighbors differ:\n{m[m['_merge'] != 'both'].head(10)}"
    assert set(got["neighbors"]["protocol"]) <= {"lldp"}


@pytest.mark.parametrize("gpus,seed,miswires", [(144, 1, 4), (288, 2, 5), (576, 3, 8)])
def test_gb300_dual_plane_round_trip(tmp_path, other_platforms_stubbed, gpus, seed, miswires):
    fab = engine.simulate(presets.get("gb300-dual-plane"), gpus, seed=seed, miswires=miswires)
    assert not fab.snapshot.ports["oper_up"].all(), "the cabling faults should leave some link down"
    cap, snap, eos = _round_trip(fab, tmp_path)
    _check_tables(fab, snap, eos)


@pytest.mark.parametrize("seed", [1, 2])
def test_component_faults_round_trip(tmp_path, other_platforms_stubbed, seed):
    pytest.importorskip("netdiag.simulate.faults")
    fab = engine.simulate(presets.get("gb300-dual-plane"), 576, seed=seed, miswires=4, faults=16)
    cap, snap, eos = _round_trip(fab, tmp_path)
    _check_tables(fab, snap, eos)


@pytest.mark.parametrize("host_media", ["dac", "acc", "aoc"])
def test_copper_and_aoc_host_links_round_trip(tmp_path, other_platforms_stubbed, host_media):
    """Copper cables have no diagnostics (mediaType and serial only, empty dom parameters); AOCs do."""
    preset = dataclasses.replace(presets.get("gb300-dual-plane"), name=f"eos-{host_media}", host_media=host_media)
    fab = engine.simulate(preset, 144, seed=5, miswires=4)
    cap, snap, eos = _round_trip(fab, tmp_path)
    _check_tables(fab, snap, eos)
    got = snap.modules[snap.modules["device"].isin(eos)]
    assert set(got["media"]) == {"optical", host_media}
    dom = got.loc[got["media"] == host_media, "dom_supported"].astype(bool)
    assert dom.all() if host_media == "aoc" else not dom.any()


def test_outputs_are_the_drivers_commands_in_cli_json_layout(tmp_path, other_platforms_stubbed):
    fab = engine.simulate(presets.get("gb300-dual-plane"), 144, seed=1, miswires=4)
    cap = read_capture(write_capture(fab, tmp_path / "capture"))
    plat = platforms.get("eos")
    for dev in cap.devices:
        if dev.platform != "eos":
            continue
        assert [e.command for e in dev.entries] == list(plat.discovery)
        for e in dev.entries:
            text = e.stdout().decode()
            # `| json` on the EOS CLI: json.dumps(indent=4) layout, final newline
            assert text == json.dumps(json.loads(text), indent=4) + "\n", (dev.name, e.command)


def test_literal_lines(tmp_path, other_platforms_stubbed):
    fab = engine.simulate(presets.get("gb300-dual-plane"), 144, seed=1, miswires=4)
    cap = read_capture(write_capture(fab, tmp_path / "capture"))
    snap = fab.snapshot
    # a leaf port whose cable is missing: notconnect, no negotiated speed, no LLDP neighbour
    down = snap.ports[(snap.ports["device"].str.startswith("leaf")) & ~snap.ports["oper_up"].astype(bool)].iloc[0]
    out = {e.command: e.stdout().decode() for e in cap.device(down["device"]).entries}
    status = json.loads(out["show interfaces status | json"])["interfaceStatuses"][down["port"]]
    assert status["linkStatus"] == "notconnect" and status["lineProtocolStatus"] == "down"
    assert json.loads(out["show lldp neighbors detail | json"])["lldpNeighbors"][down["port"]] == {
        "lldpNeighborInfo": []}
    # its lanes read no light: EOS's -30 dBm floor, every channel
    text = out["show interfaces transceiver dom thresholds | json"]
    block = text[text.index(f'"{down["port"]}": {{'):]
    block = block[block.index('"rxPower": {'):]
    assert block.startswith('"rxPower": {\n                    "unit": "dBm",\n                    "channels": {\n'
                            '                        "1": -30.0,\n                        "2": -30.0,\n')
    # a lit lane's Tx figure, printed as EOS prints floats (repr of the dBm value)
    lane = snap.lanes[(snap.lanes["device"] == "leaf-p0-0000") & (snap.lanes["port"] == "Ethernet1/5")
                      & (snap.lanes["lane"] == 2)].iloc[0]
    dev0 = {e.command: e.stdout().decode() for e in cap.device("leaf-p0-0000").entries}
    dom = dev0["show interfaces transceiver dom thresholds | json"]
    assert f'"2": {float(10 * np.log10(lane["tx_power_mw"]))!r},' in dom
    assert '            "displayName": "Ethernet1/5",\n            "vendorSn": "SIM' in dom
    assert '"phyChipName": "BCM78900-PM8X100",\n                        "location": "line"' in \
        dev0["show interfaces phy detail | json"]


def test_unknown_values_are_left_out_not_zero(tmp_path, other_platforms_stubbed):
    """Nulls in the tables (no reading, unknown counter, admin-down port, dark lane) round-trip as
    nulls / the states EOS prints, never as 0."""
    fab = engine.simulate(presets.get("gb300-dual-plane"), 144, seed=4, miswires=2)
    s = fab.snapshot
    leaf = "leaf-p0-0000"
    ports = s.ports[s.ports["device"] == leaf]["port"].tolist()
    p_admin, p_temp, p_dark, p_cnt = ports[0], ports[1], ports[2], ports[3]
    pm = (s.ports["device"] == leaf) & (s.ports["port"] == p_admin)
    s.ports.loc[pm, ["admin_up", "oper_up"]] = False
    s.ports.loc[pm, "speed_gbps"] = np.nan
    mm = (s.modules["device"] == leaf) & (s.modules["port"] == p_temp)
    s.modules.loc[mm, "temperature_c"] = np.nan
    lm = (s.lanes["device"] == leaf) & (s.lanes["port"] == p_dark) & (s.lanes["lane"] == 3)
    s.lanes.loc[lm, "rx_power_mw"] = 0.0
    lm2 = (s.lanes["device"] == leaf) & (s.lanes["port"] == p_dark) & (s.lanes["lane"] == 4)
    s.lanes.loc[lm2, "tx_bias_ma"] = np.nan
    cm = (s.counters["device"] == leaf) & (s.counters["port"] == p_cnt)
    s.counters.loc[cm, "symbol_errors"] = pd.NA
    s.counters.loc[cm, "raw_ber"] = np.nan
    cap, snap, eos = _round_trip(fab, tmp_path)
    _check_tables(fab, snap, eos)
    out = {e.command: e.stdout().decode() for e in read_capture(cap).device(leaf).entries}
    st = json.loads(out["show interfaces status | json"])["interfaceStatuses"][p_admin]
    assert st["linkStatus"] == "disabled"
    det = json.loads(out["show interfaces transceiver detail | json"])["interfaces"][p_temp]
    assert "temperature" not in det and "voltage" in det
    err = json.loads(out["show interfaces counters errors | json"])["interfaceErrorCounters"][p_cnt]
    assert "symbolErrors" not in err and err["fcsErrors"] == 0
    assert "preFecBer" not in json.loads(out["show interfaces phy detail | json"])["interfacePhyStatuses"][
        p_cnt]["phyStatuses"][0]
