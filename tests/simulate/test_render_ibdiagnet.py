"""Round trip of the ibdiagnet renderer: simulate an NDR InfiniBand fabric (with cabling faults),
render it as one ibdiagnet2 output directory, ingest the capture through the real parsers, and
compare the parsed tables with the simulator's snapshot.

ibdiagnet only sees what its MADs reach: an HCA whose only link is down (a missing cable) is not in
any file, counters and cable info are read from active ports only. `expected` below encodes that.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest

from netdiag.capture import read_capture
from netdiag.ingest import ingest
from netdiag.platforms.infiniband import IBDIAGNET
from netdiag.simulate import engine, presets
from netdiag.simulate.render import DeviceTables, renderer
from netdiag.simulate.write import IBDIAGNET_DEVICE, write_capture

CASES = [("ib-ndr", 128, 1, 4), ("ib-ndr", 512, 2, 4), ("ib-ndr", 256, 3, 8)]


def _mismatch(df: pd.DataFrame, ok: pd.Series, cols: list[str], what: str) -> None:
    bad = df.loc[~ok.to_numpy(dtype=bool), cols]
    assert bad.empty, f"{what}: {len(bad)} mismatches, e.g.\n{bad.head(10).to_string()}"


def _same_keys(exp: pd.DataFrame, got: pd.DataFrame, keys: list[str], what: str) -> pd.DataFrame:
    m = exp.merge(got, on=keys, how="outer", suffixes=("_exp", "_got"), indicator=True)
    missing = m[m["_merge"] == "left_only"][keys]
    extra = m[m["_merge"] == "right_only"][keys]
    assert missing.empty, f"{what}: {len(missing)} rows not parsed, e.g.\n{missing.head(10).to_string()}"
    assert extra.empty, f"{what}: {len(extra)} unexpected rows, e.g.\n{extra.head(10).to_string()}"
    return m


def _eq(m: pd.DataFrame, col: str) -> pd.Series:
    a, b = m[f"{col}_exp"].astype(object), m[f"{col}_got"].astype(object)
    return (a.isna() & b.isna()) | (a == b).fillna(False).astype(bool)


def _close(m: pd.DataFrame, col: str, atol: float, rtol: float = 0.0) -> pd.Series:
    a = m[f"{col}_exp"].astype("float64").to_numpy()
    b = m[f"{col}_got"].astype("float64").to_numpy()
    both_nan = np.isnan(a) & np.isnan(b)
    return pd.Series(both_nan | np.isclose(a, b, atol=atol, rtol=rtol), index=m.index)


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-{c[1]}gpu-seed{c[2]}-mis{c[3]}")
def roundtrip(request, tmp_path_factory):
    preset, gpus, seed, miswires = request.param
    fab = engine.simulate(presets.get(preset), gpus, seed=seed, miswires=miswires)
    out = tmp_path_factory.mktemp("cap") / "capture"
    write_capture(fab, out)
    got = ingest(read_capture(out))
    snap = fab.snapshot
    switches = set(fab.devices.loc[fab.devices["role"].isin(["leaf", "spine"]), "name"])
    ports = snap.ports
    is_sw = ports["device"].isin(switches)
    up = ports["oper_up"].fillna(False).astype(bool)
    # what ibdiagnet can see: every switch port; an HCA port (its own CA node) only when its link is up
    visible = ports[is_sw | up][["device", "port"]]
    active = ports[up][["device", "port"]]
    return fab, out, got, snap, visible, active, switches


def test_every_output_parses(roundtrip):
    fab, out, got, *_ = roundtrip
    assert [d.name for d in got.devices] == [IBDIAGNET_DEVICE]
    dev = got.devices[0]
    assert dev.ok and not dev.failed, dev.failed
    assert dev.commands == len(IBDIAGNET.discovery)
    col = got.snapshot.collection
    assert col["ok"].all()
    assert list(col["command"]) == list(IBDIAGNET.discovery)
    assert set(col["parser"]) == {"ibdiagnet-log", "ibdiagnet-net-dump", "ibnetdiscover", "ibdiagnet-pm",
                                  "ibdiagnet-cables", "ibdiagnet-db-csv"}


def test_cabling_faults_make_down_or_invisible_ports(roundtrip):
    fab, out, got, snap, visible, active, switches = roundtrip
    kinds = {f["kind"] for f in fab.truth}
    assert "missing" in kinds and "miswire" in kinds
    down = snap.ports[~snap.ports["oper_up"].fillna(False).astype(bool)]
    assert len(down) >= 2
    hca_down = down[~down["device"].isin(switches)]
    assert not hca_down.empty
    parsed = set(zip(got.snapshot.ports["device"], got.snapshot.ports["port"]))
    for d, p in zip(hca_down["device"], hca_down["port"]):
        assert (d, p) not in parsed, f"{d}:{p} has no active link and cannot be seen by ibdiagnet"


def test_ports_round_trip(roundtrip):
    fab, out, got, snap, visible, active, switches = roundtrip
    exp = snap.ports.merge(visible, on=["device", "port"])
    m = _same_keys(exp, got.snapshot.ports, ["device", "port"], "ports")
    _mismatch(m, _eq(m, "oper_up"), ["device", "port", "oper_up_exp", "oper_up_got"], "ports.oper_up")
    # ibdiagnet marks only disabled ports (PhysSta DISABLED / PortPhyState 3); up or polling -> not False
    adm = m["admin_up_got"].astype("boolean").fillna(True) == m["admin_up_exp"].astype("boolean")
    _mismatch(m, adm, ["device", "port", "admin_up_exp", "admin_up_got"], "ports.admin_up")
    upm = m[m["oper_up_exp"].astype(bool)]
    _mismatch(upm, _eq(upm, "lanes"), ["device", "port", "lanes_exp", "lanes_got"], "ports.lanes")
    _mismatch(upm, _close(upm, "speed_gbps", 1e-9), ["device", "port", "speed_gbps_exp", "speed_gbps_got"],
              "ports.speed_gbps")
    sw = upm[upm["device"].isin(switches)]            # FEC mode is printed in the switches' net_dump tables
    _mismatch(sw, _eq(sw, "fec"), ["device", "port", "fec_exp", "fec_got"], "ports.fec")
    # a down port has no width/speed in ibdiagnet (N/A)
    dn = m[~m["oper_up_exp"].astype(bool)]
    assert dn["speed_gbps_got"].isna().all() and dn["lanes_got"].isna().all()


def test_neighbors_round_trip_both_directions(roundtrip):
    fab, out, got, snap, visible, active, switches = roundtrip
    keys = ["device", "port", "remote_device", "remote_port"]
    exp = snap.neighbors[keys].drop_duplicates()
    g = got.snapshot.neighbors
    for proto in ("ibnetdiscover", "ibdiagnet"):       # ibdiagnet: db_csv LINKS (both ends) + net_dump
        part = g[g["protocol"] == proto][keys].drop_duplicates()
        _same_keys(exp, part, keys, f"neighbors[{proto}]")
    # both directions of every link
    rev = exp.rename(columns={"device": "remote_device", "port": "remote_port",
                              "remote_device": "device", "remote_port": "port"})[keys]
    _same_keys(exp, rev, keys, "neighbors symmetric")
    # the miswired/swapped cables show where they really are
    nd = g[g["protocol"] == "ibdiagnet"]
    assert (nd["remote_chassis_id"].str.match(r"^0x[0-9a-f]{16}$")).all()


def test_modules_round_trip(roundtrip):
    fab, out, got, snap, visible, active, switches = roundtrip
    exp = snap.modules.merge(active, on=["device", "port"])
    m = _same_keys(exp, got.snapshot.modules, ["device", "port"], "modules")
    for col in ("present", "identifier", "media", "vendor", "part_number", "serial", "revision"):
        _mismatch(m, _eq(m, col), ["device", "port", f"{col}_exp", f"{col}_got"], f"modules.{col}")
    for col, atol in (("wavelength_nm", 1e-9), ("length_m", 1e-9), ("temperature_c", 0.5 + 1e-9),
                      ("voltage_v", 1e-6), ("temperature_c_high_alarm", 0.5), ("temperature_c_low_alarm", 0.5),
                      ("temperature_c_high_warn", 0.5), ("temperature_c_low_warn", 0.5),
                      ("voltage_v_high_alarm", 1e-6), ("voltage_v_low_alarm", 1e-6),
                      ("voltage_v_high_warn", 1e-6), ("voltage_v_low_warn", 1e-6),
                      ("tx_bias_ma_high_alarm", 1e-3), ("tx_bias_ma_low_alarm", 1e-3)):
        _mismatch(m, _close(m, col, atol), ["device", "port", f"{col}_exp", f"{col}_got"], f"modules.{col}")
    # optical power thresholds: ibdiagnet prints them as whole dBm
    for col in ("tx_power_mw_high_alarm", "tx_power_mw_low_alarm", "rx_power_mw_high_alarm",
                "rx_power_mw_low_alarm"):
        a = 10 * np.log10(m[f"{col}_exp"].astype("float64"))
        b = 10 * np.log10(m[f"{col}_got"].astype("float64"))
        ok = (a.isna() & b.isna()) | ((a - b).abs() <= 0.5 + 1e-9)
        _mismatch(m, ok, ["device", "port", f"{col}_exp", f"{col}_got"], f"modules.{col} (dBm)")
    # warn thresholds of power and bias are not in ibdiagnet2.cables
    for col in ("tx_power_mw_high_warn", "rx_power_mw_low_warn", "tx_bias_ma_high_warn"):
        assert m[f"{col}_got"].isna().all()


def test_lanes_round_trip(roundtrip):
    fab, out, got, snap, visible, active, switches = roundtrip
    exp = snap.lanes.merge(active, on=["device", "port"])
    assert not exp.empty
    m = _same_keys(exp, got.snapshot.lanes, ["device", "port", "lane"], "lanes")
    for col in ("tx_power_mw", "rx_power_mw", "tx_bias_ma"):       # printed with 3 decimals
        _mismatch(m, _close(m, col, 5e-4 + 1e-9), ["device", "port", "lane", f"{col}_exp", f"{col}_got"],
                  f"lanes.{col}")
    _mismatch(m, _eq(m, "rx_los"), ["device", "port", "lane", "rx_los_exp", "rx_los_got"], "lanes.rx_los")


def test_counters_round_trip(roundtrip):
    fab, out, got, snap, visible, active, switches = roundtrip
    exp = snap.counters.merge(active, on=["device", "port"])
    m = _same_keys(exp, got.snapshot.counters, ["device", "port"], "counters")
    for col in ("rx_bytes", "tx_bytes", "rx_packets", "tx_packets", "symbol_errors", "link_down_events",
                "link_error_recovery", "port_rcv_errors", "port_rcv_remote_physical_errors", "port_xmit_discards",
                "port_xmit_wait"):
        _mismatch(m, _eq(m, col), ["device", "port", f"{col}_exp", f"{col}_got"], f"counters.{col}")
    assert (m.loc[m["rx_bytes_got"].notna(), "rx_bytes_bits_got"] == 64).all()


def test_literal_lines(roundtrip):
    fab, out, got, snap, visible, active, switches = roundtrip
    files = {e.command.rsplit(".", 1)[1]: e.stdout().decode() for e in read_capture(out).devices[0].entries}
    assert set(files) == {"log", "net_dump", "ibnetdiscover", "pm", "cables", "db_csv"}
    # an HCA port block in .pm and .cables, named by the node description's host and CA
    row = snap.ports[(snap.ports["port"] == "mlx5_0/1") & snap.ports["oper_up"].astype(bool)].iloc[0]
    host = row["device"]
    c = snap.counters[(snap.counters["device"] == host) & (snap.counters["port"] == "mlx5_0/1")].iloc[0]
    pm = files["pm"]
    i = pm.index(f"Port Name={host}/mlx5_0/B24D0F0/0/0/1\n")
    block = pm[i:pm.index("\n\n", i)]
    assert f"port_rcv_data_extended=0x{int(c['rx_bytes']) // 4:016x}\n" in block
    assert f"port_xmit_pkts_extended=0x{int(c['tx_packets']):016x}\n" in block
    assert f"link_downed_counter_extended=0x{int(c['link_down_events']):016x}\n" in block
    assert "link_error_recovery_counter=NA\n" in block          # null in the tables: NA, not 0
    ln = snap.lanes[(snap.lanes["device"] == host) & (snap.lanes["port"] == "mlx5_0/1")
                    & (snap.lanes["lane"] == 1)].iloc[0]
    cab = files["cables"]
    i = cab.index(f"Port Name={host}/mlx5_0/B24D0F0/0/0/1\n")
    block = cab[i:cab.index("\n\n\n", i)]
    rx = ln["rx_power_mw"]
    assert f"RX1 Power: {rx:.3f} mW, {10 * math.log10(rx):.3f} dBm\n" in block
    assert f"TX1 Bias: {ln['tx_bias_ma']:.3f} mA\n" in block
    assert "Identifier: OSFP (0x08)\n" in block and "Type: 850 nm VCSEL\n" in block
    # a switch's net_dump table and its neighbor
    assert '"MF0;leaf-p0-0000:MQM9700/U1", Mellanox, 0x' in files["net_dump"]
    assert f': "{host} mlx5_0"\n' in files["net_dump"]
    assert "  1/17/1     : 33  : " in files["net_dump"]
    assert f'      # "{host} mlx5_0"\n' in files["ibnetdiscover"]
    assert "-I- Stage                               Warnings   Errors     Comment   \n" in files["log"]
    assert "START_PM_INFO\nNodeGUID,PortGUID,PortNumber,LinkDownedCounter," in files["db_csv"]
    # down switch ports are listed as DOWN/POLL with N/A fields
    assert ": DOWN : POLL       : N/A : N/A     : N/A     : N/A                 : N/A    :" in files["net_dump"]


def test_deterministic():
    fab = engine.simulate(presets.get("ib-ndr"), 128, seed=5, miswires=2)
    snap = fab.snapshot
    dev = DeviceTables(IBDIAGNET_DEVICE, "ibdiagnet", {"name": IBDIAGNET_DEVICE}, snap.ports, snap.modules,
                       snap.lanes, snap.counters, snap.neighbors)
    a = renderer("ibdiagnet")(dev)
    b = renderer("ibdiagnet")(dev)
    assert a == b
    assert [c for c, _ in a] == list(IBDIAGNET.discovery)


def test_render_speed():
    fab = engine.simulate(presets.get("ib-ndr"), 2048, seed=1, miswires=4)
    snap = fab.snapshot
    dev = DeviceTables(IBDIAGNET_DEVICE, "ibdiagnet", {"name": IBDIAGNET_DEVICE}, snap.ports, snap.modules,
                       snap.lanes, snap.counters, snap.neighbors)
    t = time.perf_counter()
    out = renderer("ibdiagnet")(dev)
    dt = time.perf_counter() - t
    assert sum(len(b) for _c, b in out) > 1_000_000
    assert dt < 10.0, f"rendering 2048 GPUs took {dt:.1f} s"


def _tables(fab) -> DeviceTables:
    s = fab.snapshot
    return DeviceTables(IBDIAGNET_DEVICE, "ibdiagnet", {"name": IBDIAGNET_DEVICE}, s.ports, s.modules, s.lanes,
                        s.counters, s.neighbors)


def test_copper_modules_print_as_passive_or_active_copper():
    """ib-ndr is all optics; turn some ends into DAC/ACC (no DOM, no lanes) and check the cables file."""
    from netdiag import parsers

    fab = engine.simulate(presets.get("ib-ndr"), 128, seed=7)
    dev = _tables(fab)
    mods = dev.modules.copy()
    dac = mods.index[:6]
    acc = mods.index[6:9]
    null_cols = ["temperature_c", "voltage_v", "wavelength_nm"] + [c for c in mods.columns if c.endswith(
        ("_alarm", "_warn"))]
    mods.loc[dac.union(acc), null_cols] = np.nan
    mods.loc[dac, "media"] = "dac"
    mods.loc[acc, "media"] = "acc"
    mods.loc[dac.union(acc), "length_m"] = 2.0
    keys = set(zip(mods.loc[dac.union(acc), "device"], mods.loc[dac.union(acc), "port"]))
    lanes = dev.lanes[[k not in keys for k in zip(dev.lanes["device"], dev.lanes["port"])]]
    dev.modules, dev.lanes = mods, lanes
    text = dict(renderer("ibdiagnet")(dev))["cat /var/tmp/ibdiagnet2/ibdiagnet2.cables"]
    assert b"Type: Copper cable unequalized\n" in text and b"Type: Copper cable, linear active equalizers\n" in text
    got = parsers.parse_rows("ibdiagnet-cables", text, device=IBDIAGNET_DEVICE)
    pm = pd.DataFrame(got["modules"]).set_index(["device", "port"])
    for i, media in [(i, "dac") for i in dac] + [(i, "acc") for i in acc]:
        r = pm.loc[(mods.at[i, "device"], mods.at[i, "port"])]
        assert r["media"] == media and r["length_m"] == 2.0
        assert pd.isna(r.get("temperature_c")) and pd.isna(r.get("voltage_v"))
        assert pd.isna(r.get("rx_power_mw_low_alarm")) and pd.isna(r.get("tx_bias_ma_high_alarm"))
    pl = pd.DataFrame(got["lanes"])
    cu = pl[[k in keys for k in zip(pl["device"], pl["port"])]]
    assert len(cu) == 4 * len(keys)                      # lanes printed as not reported
    assert cu["rx_power_mw"].isna().all() and cu["tx_power_mw"].isna().all()


def test_db_csv_ports_speed_mask():
    """Newer ibdiagnet prints one IBDM speed mask in PORTS.LinkSpeedActv (NDR = 0x800 = 2048)."""
    from netdiag import parsers

    fab = engine.simulate(presets.get("ib-ndr"), 128, seed=1, miswires=4)
    text = dict(renderer("ibdiagnet")(_tables(fab)))["cat /var/tmp/ibdiagnet2/ibdiagnet2.db_csv"]
    got = pd.DataFrame(parsers.parse_rows("ibdiagnet-db-csv", text, device=IBDIAGNET_DEVICE)["ports"])
    up = got[got["oper_up"]]
    assert len(up) > 0 and (up["speed_gbps"] == 400.0).all() and (up["lanes"] == 4).all()
    assert (~got["oper_up"]).sum() >= 1
