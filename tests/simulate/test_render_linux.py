"""Round trip of the Linux GPU-host renderer: simulate -> render (ip/lldpctl/ethtool text) -> capture
-> ingest through the real parsers -> the parsed tables equal the simulator's snapshot for the hosts.

Only the hosts are written (the switch renderers are tested on their own), so the capture holds
exactly the `linux` devices of each fabric.
"""

from __future__ import annotations

import dataclasses
import json
import time

import numpy as np
import pytest

from netdiag.capture import read_capture
from netdiag.ingest import ingest
from netdiag.model import THRESHOLD_COLUMNS
from netdiag.simulate import engine, presets
from netdiag.simulate.render import DeviceTables
from netdiag.simulate.render.linux import render_linux
from netdiag.simulate.write import write_capture

# (preset, GPUs, seed, cabling faults, component faults)
CASES = [("hgx-rail", 256, 1, 4, 0), ("hgx-rail", 512, 7, 4, 12), ("gb300-dual-plane", 144, 2, 4, 0),
         ("b300-quad-plane", 128, 3, 4, 0)]
_cache: dict = {}


def hosts_only(fab):
    return dataclasses.replace(fab, devices=fab.devices[fab.devices["platform"] == "linux"].reset_index(drop=True))


def roundtrip(case, tmp_path_factory):
    if case not in _cache:
        name, gpus, seed, miswires, faults = case
        fab = engine.simulate(presets.get(name), gpus, seed=seed, miswires=miswires, faults=faults)
        out = tmp_path_factory.mktemp(name) / "capture"
        write_capture(hosts_only(fab), out)
        _cache[case] = (fab, ingest(read_capture(out)), out)
    return _cache[case]


def expected(fab, table):
    df = fab.snapshot.table(table)
    hosts = set(fab.devices.loc[fab.devices["platform"] == "linux", "name"]) - set(fab.unreachable)
    return df[df["device"].isin(hosts)].reset_index(drop=True)


def merged(exp, got, keys, cols):
    m = exp[keys + cols].merge(got[keys + cols], on=keys, how="left", suffixes=("_exp", "_got"), indicator=True)
    missing = m[m["_merge"] != "both"]
    assert missing.empty, f"rows not parsed back:\n{missing[keys].head(20)}"
    return m


def assert_equal_cols(m, keys, cols, what):
    bad = []
    for c in cols:
        a, b = m[f"{c}_exp"], m[f"{c}_got"]
        diff = ~((a.isna() & b.isna()) | (a.astype(object) == b.astype(object)))
        if diff.any():
            bad.append(m.loc[diff, keys + [f"{c}_exp", f"{c}_got"]].head(5).to_string())
    assert not bad, f"{what} mismatches:\n" + "\n".join(bad)


def assert_close_cols(m, keys, cols, rel, abs_, what):
    bad = []
    for c in cols:
        a = m[f"{c}_exp"].to_numpy(dtype="float64", na_value=np.nan)
        b = m[f"{c}_got"].to_numpy(dtype="float64", na_value=np.nan)
        both_nan = np.isnan(a) & np.isnan(b)
        ok = both_nan | np.isclose(a, b, rtol=rel, atol=abs_)
        if not ok.all():
            bad.append(m.loc[~ok, keys + [f"{c}_exp", f"{c}_got"]].head(5).to_string())
    assert not bad, f"{what} mismatches:\n" + "\n".join(bad)


@pytest.fixture(params=CASES, ids=[f"{c[0]}-s{c[2]}-f{c[4]}" for c in CASES])
def rt(request, tmp_path_factory):
    return roundtrip(request.param, tmp_path_factory)


def test_every_output_parses(rt):
    fab, ing, _ = rt
    failed = [(d.name, f) for d in ing.devices for f in d.failed]
    failed += [(d.name, d.error) for d in ing.devices if not d.ok and d.name not in fab.unreachable]
    assert not failed, failed[:5]
    assert len(ing.devices) == int((fab.devices["platform"] == "linux").sum())


def test_ports(rt):
    fab, ing, _ = rt
    exp, got = expected(fab, "ports"), ing.snapshot.ports
    keys = ["device", "port"]
    m = merged(exp, got, keys, ["admin_up", "oper_up", "speed_gbps", "lanes", "mtu", "fec"])
    assert_equal_cols(m, keys, ["admin_up", "oper_up", "mtu"], "ports")
    up = m[m["oper_up_exp"].astype(bool)]
    assert_equal_cols(up, keys, ["speed_gbps", "lanes"], "ports (up)")
    # a down port prints 'Speed: Unknown!' and no Lanes line: unknown, never 0
    down = m[~m["oper_up_exp"].astype(bool)]
    assert not down.empty, "the cabling faults should leave some host ports down"
    assert down["speed_gbps_got"].isna().all() and down["lanes_got"].isna().all()
    # 'Active FEC encoding: RS' is all ethtool says: RS(544) reads back as rs
    assert set(up["fec_got"]) == {"rs"} and down["fec_got"].isna().all()
    # only the fabric ports and the loopback: nothing the simulator does not know
    extra = set(got["port"]) - set(exp["port"])
    assert extra == {"lo"}


def test_modules(rt):
    fab, ing, _ = rt
    exp, got = expected(fab, "modules"), ing.snapshot.modules
    keys = ["device", "port"]
    text = ["present", "identifier", "media", "vendor", "part_number", "serial", "revision", "dom_supported"]
    num = ["temperature_c", "voltage_v", "wavelength_nm", "length_m", *THRESHOLD_COLUMNS]
    m = merged(exp, got, keys, text + num)
    assert_equal_cols(m, keys, text, "modules")
    assert_close_cols(m, keys, ["temperature_c"], 0, 0.01, "module temperature")
    assert_close_cols(m, keys, ["voltage_v", "wavelength_nm", "length_m"], 1e-4, 1e-4, "modules")
    power_thr = [c for c in THRESHOLD_COLUMNS if "power" in c]
    assert_close_cols(m, keys, power_thr, 1e-3, 1e-4, "power thresholds")
    assert_close_cols(m, keys, [c for c in THRESHOLD_COLUMNS if c.startswith("tx_bias")], 0, 2e-3, "bias thr")
    assert_close_cols(m, keys, [c for c in THRESHOLD_COLUMNS if c.startswith(("temperature", "voltage"))],
                      1e-4, 1e-2, "temperature/voltage thresholds")


def test_lanes(rt):
    fab, ing, _ = rt
    exp, got = expected(fab, "lanes"), ing.snapshot.lanes
    keys = ["device", "port", "lane"]
    # a lane of a module that reports no diagnostics holds nothing: no line, so no row, reads it back
    blind = exp[["tx_power_mw", "rx_power_mw", "tx_bias_ma", "rx_los"]].isna().all(axis=1)
    exp = exp[~blind]
    got = got.astype({"lane": "int64"})
    exp = exp.astype({"lane": "int64"})
    m = merged(exp, got, keys, ["tx_power_mw", "rx_power_mw", "tx_bias_ma", "rx_los"])
    assert_close_cols(m, keys, ["tx_power_mw", "rx_power_mw"], 1e-3, 1e-4, "lane power")
    assert_close_cols(m, keys, ["tx_bias_ma"], 0, 2e-3, "lane bias")
    assert_equal_cols(m, keys, ["rx_los"], "lane rx_los")
    # lanes the CMIS bank prints beyond the ones in use read zero (health ignores them)
    extra = got.merge(exp[keys], on=keys, how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"]
    optical_ports = set(map(tuple, exp[["device", "port"]].drop_duplicates().to_numpy()))
    assert set(map(tuple, extra[["device", "port"]].drop_duplicates().to_numpy())) <= optical_ports
    assert (extra[["tx_power_mw", "rx_power_mw", "tx_bias_ma"]].fillna(0) == 0).all().all()
    if len(exp):
        assert (m["rx_los_exp"].astype(bool)).any(), "a missing cable should leave a dark optical lane"


def test_counters(rt):
    fab, ing, _ = rt
    exp, got = expected(fab, "counters"), ing.snapshot.counters
    keys = ["device", "port"]
    cols = ["rx_bytes", "tx_bytes", "rx_packets", "tx_packets", "rx_crc_errors", "rx_errors", "tx_errors",
            "rx_discards", "tx_discards", "symbol_errors", "fec_corrected_cw", "fec_uncorrectable_cw",
            "fec_corrected_bits", "link_down_events"]
    m = merged(exp, got, keys, cols)
    assert_equal_cols(m, keys, cols, "counters")


def test_neighbors(rt):
    fab, ing, _ = rt
    keys = ["device", "port"]
    exp = expected(fab, "neighbors")[keys + ["remote_device", "remote_port", "protocol"]]
    got = ing.snapshot.neighbors[keys + ["remote_device", "remote_port", "protocol"]]
    both = exp.merge(got, how="outer", indicator=True)
    assert (both["_merge"] == "both").all(), both[both["_merge"] != "both"].head(20)
    # down ports have no neighbor
    ports = expected(fab, "ports")
    down = ports.loc[~ports["oper_up"].astype(bool), keys]
    assert down.merge(got, on=keys).empty


def test_literal_lines(rt):
    fab, _, out = rt
    ports = expected(fab, "ports")
    host = ports["device"].iloc[0]
    port = ports.loc[ports["device"] == host, "port"].iloc[0]
    d = out / "devices" / host
    index = {e["command"]: (d / e["file"]).read_text() for e in json.loads((d / "index.json").read_text())}
    assert list(index)[:2] == ["ip -j -s -d link show", "lldpctl -f json"]
    speed = int(ports.loc[(ports["device"] == host) & (ports["port"] == port), "speed_gbps"].iloc[0] * 1000)
    assert f"\tSpeed: {speed}Mb/s\n" in index[f"ethtool {port}"]
    assert index[f"ethtool -I --show-fec {port}"].startswith(f"FEC parameters for {port}:\n")
    assert index[f"ethtool -S {port}"].startswith("NIC statistics:\n     rx_packets: ")
    mod = index[f"ethtool -m {port}"]
    ident = expected(fab, "modules").set_index(["device", "port"]).loc[(host, port), "identifier"]
    want = {"OSFP": "\tIdentifier                                : 0x19 (OSFP 8X Pluggable Transceiver)\n",
            "QSFP112": "\tIdentifier                                : 0x1e (QSFP+ or later with Common "
                       "Management Interface Specification (CMIS))\n"}[ident]
    assert mod.startswith(want)


def _dev(fab, name):
    s = fab.snapshot
    pick = {t: s.table(t)[s.table(t)["device"] == name] for t in ("ports", "modules", "lanes", "counters",
                                                                  "neighbors")}
    return DeviceTables(name, "linux", {}, **pick)


def test_down_port_text():
    fab = engine.simulate(presets.get("hgx-rail"), 256, seed=1, miswires=4)
    p = fab.snapshot.ports
    row = p[p["device"].str.startswith("gpu") & ~p["oper_up"].astype(bool)].iloc[0]
    out = dict(render_linux(_dev(fab, row["device"])))
    link = out[f"ethtool {row['port']}"]
    assert b"\tSpeed: Unknown!\n" in link and b"\tLink detected: no\n" in link and b"\tLanes:" not in link
    ip = out["ip -j -s -d link show"].decode()
    assert f'"ifname":"{row["port"]}","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"]' in ip
    assert f'"{row["port"]}"' not in out["lldpctl -f json"].decode()
    mod = out[f"ethtool -m {row['port']}"].decode()
    assert "\tRx loss of signal                         : [ Yes, Yes, Yes, Yes, No, No, No, No ]\n" in mod
    assert "\tRcvr signal avg optical power (Channel 1) : 0.0000 mW / -inf dBm\n" in mod
    assert b"Active FEC encoding: None\n" in out[f"ethtool -I --show-fec {row['port']}"]


def test_dac_module_text():
    fab = engine.simulate(presets.get("b300-quad-plane"), 64, seed=1)
    host = fab.devices.loc[fab.devices["platform"] == "linux", "name"].iloc[0]
    out = dict(render_linux(_dev(fab, host)))
    port = fab.snapshot.ports.loc[fab.snapshot.ports["device"] == host, "port"].iloc[0]
    mod = out[f"ethtool -m {port}"].decode()
    assert "\tTransmitter technology                    : 0x0a (Copper cable, unequalized)\n" in mod
    assert "\tCable assembly length                     : 1.0000m\n" in mod
    assert "Module temperature" not in mod and "Rx loss of signal" not in mod  # flat memory: no DOM
    assert "\tPort: Direct Attach Copper\n" in out[f"ethtool {port}"].decode()


def test_sff8636_layout_roundtrip():
    """A QSFP28 module takes the SFF-8636 decoder's layout (4 channels) and still parses back."""
    from netdiag import parsers
    fab = engine.simulate(presets.get("hgx-rail"), 64, seed=4)
    host = fab.devices.loc[fab.devices["platform"] == "linux", "name"].iloc[0]
    dev = _dev(fab, host)
    dev.modules = dev.modules.assign(identifier="QSFP28")
    port = dev.modules["port"].iloc[0]
    text = dict(render_linux(dev))[f"ethtool -m {port}"].decode()
    assert text.startswith("\tIdentifier                                : 0x11 (QSFP28)\n")
    assert "(Channel 5)" not in text and "\tRevision Compliance                       : SFF-8636" in text
    tables = parsers.parse_text("ethtool-module", text, device=host, port=port)
    m = tables["modules"][0]
    want = dev.modules.iloc[0]
    assert m["identifier"] == "QSFP28" and m["media"] == "optical" and m["serial"] == want["serial"]
    assert m["temperature_c"] == pytest.approx(want["temperature_c"], abs=0.01)
    lanes = {r["lane"]: r for r in tables["lanes"]}
    for _, ln in dev.lanes[dev.lanes["port"] == port].iterrows():
        assert lanes[ln["lane"]]["rx_power_mw"] == pytest.approx(ln["rx_power_mw"], abs=1e-4)


def test_render_speed():
    """All hosts of a 2,048-GPU fabric render well within budget (10k GPUs must stay far below a minute)."""
    fab = engine.simulate(presets.get("hgx-rail"), 2048, seed=5, miswires=4)
    s = fab.snapshot
    hosts = fab.devices.loc[fab.devices["platform"] == "linux", "name"].tolist()
    groups = {t: dict(tuple(s.table(t).groupby("device", sort=False))) for t in
              ("ports", "modules", "lanes", "counters", "neighbors")}
    empty = {t: s.table(t).iloc[0:0] for t in groups}
    t0 = time.perf_counter()
    n = 0
    for h in hosts:
        dev = DeviceTables(h, "linux", {}, *(groups[t].get(h, empty[t]) for t in groups))
        n += sum(len(b) for _, b in render_linux(dev))
    dt = time.perf_counter() - t0
    assert n > 0
    assert dt < 12.0, f"{len(hosts)} hosts took {dt:.1f}s"
