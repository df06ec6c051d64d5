"""SONiC renderer round trip: simulate small fabrics (with cabling faults), render every SONiC
device through netdiag.simulate.write.write_capture, read the capture back through the real parsers
(netdiag.ingest) and compare the parsed tables with the simulator's snapshot on the columns the
sonic-utilities formats carry. Plus byte-level checks of the tabulate emulation against the real
samples, and literal spot checks of rendered lines."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netdiag.capture import read_capture
from netdiag.ingest import ingest
from netdiag.parsers import _sonic_common as sc
from netdiag.simulate import engine, presets, write
from netdiag.simulate.render import DeviceTables
from netdiag.simulate.render import sonic as rs
from netdiag.simulate.write import write_capture

CASES = Path(__file__).resolve().parent.parent / "cases"

# miswires >= 4: every kind (swapped, miswire, wrong_plane or miswire, missing) at least once
FABRICS = [("hgx-rail", 256, 1, 4), ("hgx-rail", 512, 2, 6), ("b300-quad-plane", 128, 1, 4),
           ("b300-quad-plane", 256, 3, 7)]


def _sonic_only(platform):
    """write_capture's renderer lookup, with the other platforms' devices left empty: this test is
    about SONiC, and must not depend on the host renderers."""
    return rs.render_sonic if platform == "sonic" else (lambda dev: [])


@pytest.fixture(scope="module", params=FABRICS, ids=lambda p: f"{p[0]}-{p[1]}gpu-s{p[2]}-m{p[3]}")
def round_trip(request, tmp_path_factory):
    preset, gpus, seed, miswires = request.param
    fab = engine.simulate(presets.get(preset), gpus, seed=seed, miswires=miswires)
    out = tmp_path_factory.mktemp(f"{preset}-{seed}") / "capture"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(write, "renderer", _sonic_only)
        write_capture(fab, out)
    ing = ingest(read_capture(out))
    sonic = set(fab.devices.loc[fab.devices["platform"] == "sonic", "name"]) - set(fab.unreachable)
    return fab, ing, sonic, out


def _only(df: pd.DataFrame, devices: set[str]) -> pd.DataFrame:
    return df[df["device"].isin(devices)].reset_index(drop=True)


def _same(a: pd.Series, b: pd.Series, rtol: float = 0.0, atol: float = 0.0) -> np.ndarray:
    """Element-wise equality, nulls equal to nulls; numbers within rtol/atol."""
    na, nb = a.isna().to_numpy(), b.isna().to_numpy()
    out = na & nb
    both = ~na & ~nb
    if rtol or atol:
        x = pd.to_numeric(a, errors="coerce").to_numpy(dtype="float64")
        y = pd.to_numeric(b, errors="coerce").to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):
            close = np.isclose(x, y, rtol=rtol, atol=atol)
        out |= both & close
    else:
        av, bv = a.astype(object).to_numpy(), b.astype(object).to_numpy()
        out |= np.array([bool(k) and bool(x == y) for k, x, y in zip(both, av, bv)], dtype=bool)
    return out


def _compare(table: str, want: pd.DataFrame, got: pd.DataFrame, keys: list[str], cols: dict[str, tuple]):
    """Merge on keys; every expected key must be parsed (and no extra ones); each column in `cols`
    ({col: (rtol, atol)}) equal. Raises with a readable list of mismatches."""
    m = want[keys + list(cols)].merge(got[keys + list(cols)], on=keys, how="outer", suffixes=("_want", "_got"),
                                      indicator=True)
    problems = []
    missing = m[m["_merge"] == "left_only"]
    extra = m[m["_merge"] == "right_only"]
    if len(missing):
        problems.append(f"{len(missing)} {table} rows not parsed, e.g. {missing[keys].head(5).to_dict('records')}")
    if len(extra):
        problems.append(f"{len(extra)} unexpected {table} rows, e.g. {extra[keys].head(5).to_dict('records')}")
    both = m[m["_merge"] == "both"]
    for c, (rtol, atol) in cols.items():
        ok = _same(both[f"{c}_want"], both[f"{c}_got"], rtol, atol)
        bad = both[~ok]
        if len(bad):
            problems.append(f"{table}.{c}: {len(bad)} mismatches, e.g. "
                            f"{bad[keys + [f'{c}_want', f'{c}_got']].head(5).to_dict('records')}")
    assert not problems, "\n".join(problems)


# --- round trip -----------------------------------------------------------------------------------

def test_every_sonic_output_parsed(round_trip):
    fab, ing, sonic, _ = round_trip
    st = {d.name: d for d in ing.devices}
    assert sonic and sonic <= set(st)
    failed = {n: st[n].failed for n in sonic if st[n].failed or not st[n].ok}
    assert not failed, failed
    coll = _only(ing.snapshot.collection, sonic)
    assert coll["ok"].all()
    # 8 discovery commands per device, then one fec-histogram per admin-up port
    per_dev = coll.groupby("device")["command"].count()
    ports_per_dev = _only(fab.snapshot.ports, sonic).groupby("device")["port"].count()
    assert (per_dev == ports_per_dev.reindex(per_dev.index) + 8).all()


def test_ports_round_trip(round_trip):
    fab, ing, sonic, _ = round_trip
    want = _only(fab.snapshot.ports, sonic)
    got = _only(ing.snapshot.ports, sonic)
    assert (~want["oper_up"].astype(bool)).any(), "the cabling faults should leave some ports down"
    _compare("ports", want, got, ["device", "port"],
             {"admin_up": (0, 0), "oper_up": (0, 0), "speed_gbps": (0, 0), "lanes": (0, 0), "mtu": (0, 0)})
    # FEC as intfutil prints it: the mode, not the code ('rs' for RS-544)
    assert set(got["fec"].dropna()) <= {"rs"}


def test_modules_round_trip(round_trip):
    fab, ing, sonic, _ = round_trip
    want = _only(fab.snapshot.modules, sonic)
    got = _only(ing.snapshot.modules, sonic)
    exact = {c: (0, 0) for c in ("present", "identifier", "media", "vendor", "part_number", "serial", "revision",
                                  "media_lanes")}
    num = {"temperature_c": (0, 1e-4), "voltage_v": (0, 1e-4), "wavelength_nm": (0, 0), "length_m": (0, 1e-9)}
    thr = {}
    for s in ("temperature_c", "voltage_v", "rx_power_mw", "tx_bias_ma", "tx_power_mw"):
        for lv in ("high_alarm", "high_warn", "low_warn", "low_alarm"):
            thr[f"{s}_{lv}"] = (1e-4, 1e-4) if "power" in s else (0, 1e-4)
    # sfpshow prints Tx power thresholds only for 'OSFP...'/'QSFP-DD...' types (8-lane maps); a
    # QSFP112 ('QSFP+ or later with CMIS') gets the 4-lane QSFP maps without them: not comparable
    qsfp = ~want["identifier"].isin(["OSFP", "QSFP-DD"])
    for c in [c for c in thr if c.startswith("tx_power")]:
        want.loc[qsfp, c] = np.nan
    _compare("modules", want, got, ["device", "port"], {**exact, **num, **thr})
    assert set(want["media"]) >= ({"optical", "dac"} if fab.preset.host_media == "dac" else {"optical"})


def test_lanes_round_trip(round_trip):
    fab, ing, sonic, _ = round_trip
    want = _only(fab.snapshot.lanes, sonic)
    got = _only(ing.snapshot.lanes, sonic)
    if fab.preset.host_media != "dac":       # a missing copper cable leaves no lanes to read
        assert (want["rx_power_mw"] == 0.0).any(), "a missing cable should leave a port without light"
    _compare("lanes", want, got, ["device", "port", "lane"],
             {"tx_power_mw": (1e-3, 1e-4), "rx_power_mw": (1e-3, 1e-4), "tx_bias_ma": (0, 1e-4), "rx_los": (0, 0)})


def test_counters_round_trip(round_trip):
    fab, ing, sonic, _ = round_trip
    want = _only(fab.snapshot.counters, sonic)
    got = _only(ing.snapshot.counters, sonic)
    cols = {c: (0, 0) for c in ("rx_packets", "tx_packets", "rx_errors", "tx_errors", "rx_discards", "tx_discards",
                                 "fec_corrected_cw", "fec_uncorrectable_cw", "fec_corrected_symbols")}
    # portstat prints BER as '{:.2e}' (tabulate may re-print it with 'g'): 3 significant digits
    cols.update(raw_ber=(5e-3, 0), effective_ber=(5e-3, 0))
    _compare("counters", want, got, ["device", "port"], cols)


def test_neighbors_round_trip(round_trip):
    fab, ing, sonic, _ = round_trip
    keys = ["device", "port", "remote_device", "remote_port"]
    want = _only(fab.snapshot.neighbors, sonic)[keys].assign(w=1)
    got = _only(ing.snapshot.neighbors, sonic)[keys].assign(g=1)
    m = want.merge(got, on=keys, how="outer")
    bad = m[m["w"].isna() | m["g"].isna()]
    assert bad.empty, bad.head(10).to_dict("records")


def test_fec_histogram_derived_from_counters(round_trip):
    fab, ing, sonic, _ = round_trip
    h = _only(ing.snapshot.fec_histogram, sonic)
    c = _only(fab.snapshot.counters, sonic).set_index(["device", "port"])
    corr = h[h["bin"] > 0].groupby(["device", "port"])["count"].sum()
    assert len(corr) == len(c)
    assert (corr == c["fec_corrected_cw"].reindex(corr.index)).all()
    bin0 = h[h["bin"] == 0].set_index(["device", "port"])["count"]
    up = c["rx_bytes"] > 0
    assert (bin0.reindex(c.index[up]) > 0).all()


# --- literal spot checks ---------------------------------------------------------------------------

def _device_text(capture: Path, device: str, command: str) -> str:
    cap = read_capture(capture)
    dev = next(d for d in cap.devices if d.name == device)
    e = next(e for e in dev.entries if e.command == command)
    return e.stdout().decode()


def test_spot_check_lines(round_trip):
    fab, _, sonic, out = round_trip
    snap = fab.snapshot
    opt = snap.modules[snap.modules["device"].isin(sonic) & (snap.modules["media"] == "optical")].iloc[0]
    dev, port = opt["device"], opt["port"]
    ln = snap.lanes[(snap.lanes["device"] == dev) & (snap.lanes["port"] == port) & (snap.lanes["lane"] == 1)].iloc[0]
    eeprom = _device_text(out, dev, "show interfaces transceiver eeprom --dom")
    assert f"{port}: SFP EEPROM detected\n" in eeprom
    assert f"\n        Vendor SN: {opt['serial']}\n" in eeprom
    assert f"\n                RX1Power: {10 * math.log10(ln['rx_power_mw']):.4f}dBm\n" in eeprom
    assert f"\n                TX1Bias: {ln['tx_bias_ma']:.4f}mA\n" in eeprom
    assert "\n                TempHighAlarm  : 75.0000C\n" in eeprom
    assert f"\n        Media Lane Count: {int(opt['media_lanes'])}\n" in eeprom
    status = _device_text(out, dev, "show interfaces status")
    p = snap.ports[(snap.ports["device"] == dev) & (snap.ports["port"] == port)].iloc[0]
    assert f"{int(p['speed_gbps'])}G   9216     rs" in status
    lldp = _device_text(out, dev, "show lldp table")
    assert lldp.startswith("Capability codes: (R) Router, (B) Bridge, (O) Other\nLocalPort    RemoteDevice")
    assert lldp.endswith(f"\n{'-' * 50}\nTotal entries displayed:  {int((snap.neighbors['device'] == dev).sum())}\n")
    # a port whose cable is missing: link down in portstat; on optics no light ('-infdBm') and LOS
    down = snap.ports[snap.ports["device"].isin(sonic) & ~snap.ports["oper_up"].astype(bool)].iloc[0]
    cnt = _device_text(out, down["device"], "show interfaces counters -a")
    row = next(r for r in cnt.splitlines() if r.split()[0] == down["port"])
    assert row.split()[1] == "D"
    dark = snap.lanes[snap.lanes["device"].isin(sonic) & (snap.lanes["rx_power_mw"] == 0.0)]
    if len(dark):
        dark = dark.iloc[0]
        eeprom = _device_text(out, dark["device"], "show interfaces transceiver eeprom --dom")
        block = eeprom.split(f"{dark['port']}: SFP EEPROM detected\n", 1)[1].split("\n\n", 1)[0]
        assert f"RX{dark['lane']}Power: -infdBm\n" in block
        st = _device_text(out, dark["device"], "show interfaces transceiver status")
        assert f"{dark['port']}: \n        Rx loss of signal flag on media lane 1: True\n" in st
    pm = _device_text(out, dev, "show interfaces transceiver pm")
    assert f"{port}: Transceiver performance monitoring not applicable\n" in pm


def test_passive_copper_prints_no_dom():
    fab = engine.simulate(presets.get("b300-quad-plane"), 128, seed=1, miswires=1)
    snap = fab.snapshot
    dac = snap.modules[(snap.modules["media"] == "dac") & snap.modules["device"].str.startswith("leaf")].iloc[0]
    d = dac["device"]
    dt = DeviceTables(d, "sonic", {}, *(snap.table(t)[snap.table(t)["device"] == d]
                                        for t in ("ports", "modules", "lanes", "counters", "neighbors")))
    text = rs.transceiver_eeprom(rs._Dev(dt))
    block = text.split(f"{dac['port']}: SFP EEPROM detected\n", 1)[1].split("\n\n", 1)[0]
    assert "        Specification compliance: passive_copper_media_interface\n" in block
    assert "        Identifier: QSFP+ or later with CMIS\n" in block
    assert block.endswith("        ChannelMonitorValues:\n        ChannelThresholdValues:\n"
                          "        ModuleMonitorValues:\n        ModuleThresholdValues:")
    st = rs.transceiver_status(rs._Dev(dt))
    assert f"{dac['port']}: Transceiver status info not applicable\n" in st


# --- the tabulate emulation reproduces the real samples byte for byte ------------------------------
# (samples printed by sonic-utilities' own tests; the hand-edited Command-Reference ones are not)

@pytest.mark.parametrize("case, stralign", [
    ("sonic-interfaces-status/fec_vlan_columns", "right"),
    ("sonic-counters/printall_trim", "right"),
    ("sonic-counters-fec-histogram/ethernet0", "left"),
    ("sonic-lldp-table/two_macs_one_port", "left"),
])
def test_tabulate_matches_samples(case, stralign):
    text = (CASES / case / "input.txt").read_text()
    lines = text.splitlines()
    rule = sc.find_rules(lines)[0]
    t = sc.read_table(lines, rule, stop=lambda ln: ln.startswith("Total entries"))
    rendered = rs._tabulate(t.header, [cells for _, cells in t.rows], stralign=stralign)
    want = "\n".join(lines[rule - 1: rule + 1 + len(t.rows)])
    assert rendered == want


# --- speed ---------------------------------------------------------------------------------------------

def test_render_speed():
    fab = engine.simulate(presets.get("hgx-rail"), 2048, seed=5, miswires=4)
    snap = fab.snapshot
    groups = {t: {k: g for k, g in snap.table(t).groupby("device", sort=False)}
              for t in ("ports", "modules", "lanes", "counters", "neighbors")}
    names = fab.devices.loc[fab.devices["platform"] == "sonic", "name"].tolist()
    t0 = time.process_time()        # CPU time: the test machine may be shared
    n = 0
    for name in names:
        dt = DeviceTables(name, "sonic", {}, *(groups[t][name] for t in
                                              ("ports", "modules", "lanes", "counters", "neighbors")))
        n += sum(len(b) for _, b in rs.render_sonic(dt))
    dt_s = time.process_time() - t0
    # a 10,000-GPU hgx-rail fabric has ~5x these switches: well under a minute means < ~12 s here
    assert dt_s < 12, f"{len(names)} devices in {dt_s:.1f} s"


# --- module types and media the presets do not produce (yet), and status flags -------------------------

def _one_device(preset="hgx-rail"):
    fab = engine.simulate(presets.get(preset), 128, seed=7, miswires=0)
    snap = fab.snapshot
    d = snap.ports["device"][snap.ports["device"].str.startswith("leaf")].iloc[0]
    return d, {t: snap.table(t)[snap.table(t)["device"] == d].reset_index(drop=True)
               for t in ("ports", "modules", "lanes", "counters", "neighbors")}


def _parse(fmt: str, text: str, device: str) -> dict:
    from netdiag.model import Snapshot
    from netdiag.parsers import parse_rows
    return Snapshot.from_parts({t: [v] for t, v in parse_rows(fmt, text.encode(), device=device).items()})


@pytest.mark.parametrize("ident", ["OSFP", "QSFP-DD", "QSFP112", "QSFP28"])
@pytest.mark.parametrize("media", ["optical", "aoc", "dac"])
def test_module_types_round_trip(ident, media):
    d, t = _one_device()
    mods, lanes = t["modules"], t["lanes"]
    mods["identifier"] = ident
    mods["media"] = media
    if media == "dac":                      # passive copper: no DOM, no wavelength
        lanes = lanes.iloc[0:0]
        for c in [c for c in mods.columns if c.startswith(("temperature_c", "voltage_v", "tx_", "rx_"))]:
            mods[c] = np.nan
        mods["wavelength_nm"] = np.nan
    if ident == "QSFP28":                   # SFF-8636 prints no wavelength
        mods["wavelength_nm"] = np.nan
    if media in ("aoc", "dac"):
        mods["length_m"] = 3.0
    dt = DeviceTables(d, "sonic", {}, t["ports"], mods, lanes, t["counters"], t["neighbors"])
    snap = _parse("sonic-transceiver-eeprom", rs.transceiver_eeprom(rs._Dev(dt)), d)
    cols = {c: (0, 0) for c in ("present", "identifier", "media", "vendor", "part_number", "serial", "wavelength_nm",
                                "length_m")}
    cols.update(temperature_c=(0, 1e-4), rx_power_mw_low_alarm=(1e-4, 1e-4), tx_bias_ma_high_warn=(0, 1e-4))
    if ident != "QSFP28":
        cols["media_lanes"] = (0, 0)
    _compare("modules", mods, snap.modules, ["device", "port"], cols)
    _compare("lanes", lanes, snap.lanes, ["device", "port", "lane"],
             {"tx_power_mw": (1e-3, 1e-4), "rx_power_mw": (1e-3, 1e-4), "tx_bias_ma": (0, 1e-4)})


def test_status_flags_round_trip():
    d, t = _one_device()
    mods, lanes = t["modules"], t["lanes"]
    p0, p1 = mods["port"].iloc[0], mods["port"].iloc[1]
    mods["module_state"] = "ModuleReady"
    mods["alarms"] = [["temperature_high_warn"] if p == p0 else [] for p in mods["port"]]
    lanes["alarms"] = [["rx_power_low_alarm"] if (p, n) == (p1, 2) else []
                       for p, n in zip(lanes["port"], lanes["lane"])]
    lanes["tx_fault"] = False
    lanes.loc[(lanes["port"] == p1) & (lanes["lane"] == 3), "tx_fault"] = True
    dt = DeviceTables(d, "sonic", {}, t["ports"], mods, lanes, t["counters"], t["neighbors"])
    text = rs.transceiver_status(rs._Dev(dt))
    assert f"{p0}: \n        Tx fault flag on media lane 1: False\n" in text
    assert "        Current module state: ModuleReady\n" in text
    snap = _parse("sonic-transceiver-status", text, d)
    m = snap.modules.set_index("port")
    assert m.loc[p0, "alarms"] == ["temperature_high_warn"] and m.loc[p1, "alarms"] == []
    assert (m["module_state"] == "ModuleReady").all()
    ln = snap.lanes.set_index(["port", "lane"])
    assert ln.loc[(p1, 2), "alarms"] == ["rx_power_low_alarm"]
    assert ln.loc[(p1, 3), "tx_fault"] and not ln.loc[(p1, 2), "tx_fault"]
    assert sum(len(a) for a in snap.lanes["alarms"]) == 1
