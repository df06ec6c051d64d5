"""NX-OS, IOS-XE and Junos renderer round trips: simulate a fabric whose switches run the platform ->
render (write_capture) -> read_capture -> ingest (the platform drivers' parsers) -> the same tables,
within the precision each CLI prints (NX-OS 0.01, IOS 0.1, Junos 0.0001 mW and whole degrees)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from netdiag import platforms
from netdiag.capture import read_capture
from netdiag.ingest import ingest
from netdiag.model import THRESHOLD_COLUMNS
from netdiag.simulate import engine, presets, render
from netdiag.simulate.write import write_capture

#: -40 dBm: the Cisco renderers print no light (and anything weaker) as -40.00 dBm = 0.0 mW
NO_LIGHT_MW = 1e-4

#: per platform: (dBm rounding -> relative power tolerance, temperature, voltage, bias absolute tolerances)
PRECISION = {
    "nxos": {"power_rtol": 1.2e-3, "power_atol": 0.0, "temp": 0.0051, "volt": 0.0051, "bias": 0.0051},
    "iosxe": {"power_rtol": 1.2e-2, "power_atol": 0.0, "temp": 0.051, "volt": 0.0051, "bias": 0.051},
    "junos": {"power_rtol": 0.0, "power_atol": 5.1e-5, "temp": 0.51, "volt": 0.00051, "bias": 0.00051},
}


@pytest.fixture
def hosts_stubbed(monkeypatch):
    """The hosts (platform linux) render nothing here: only the switches are checked."""
    try:
        render.renderer("no such platform")
    except KeyError:
        pass
    monkeypatch.setitem(render._RENDERERS, "linux", lambda dev: [])


def _fabric(platform: str, gpus=144, seed=1, **kw):
    preset = dataclasses.replace(presets.get("gb300-dual-plane"), name=f"{platform}-dual-plane",
                                 switch_platform=platform)
    return engine.simulate(preset, gpus, seed=seed, miswires=4, **kw)


def _close(a: pd.Series, b: pd.Series, rtol: float, atol: float) -> np.ndarray:
    x = pd.to_numeric(a, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    y = pd.to_numeric(b, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return (np.isnan(x) & np.isnan(y)) | np.isclose(x, y, rtol=rtol, atol=atol)


def _merge(table, exp, got, keys):
    m = exp.merge(got, on=keys, how="outer", suffixes=("_exp", "_got"), indicator=True)
    one_side = m[m["_merge"] != "both"]
    assert one_side.empty, f"{table}: rows on one side only:\n{one_side[keys + ['_merge']].head(10)}"
    return m


def _check(m, table, col, ok):
    bad = m.loc[~ok, [c for c in m.columns if c in ("device", "port", "lane")] + [f"{col}_exp", f"{col}_got"]]
    assert bad.empty, f"{table}.{col}: {len(bad)} mismatches, e.g.\n{bad.head(5).to_string()}"


@pytest.mark.parametrize("platform", ["nxos", "iosxe", "junos"])
def test_round_trip(tmp_path, hosts_stubbed, platform):
    fab = _fabric(platform)
    got = ingest(read_capture(write_capture(fab, tmp_path / "capture")))
    sw = set(fab.devices.loc[fab.devices["platform"] == platform, "name"])
    assert len(sw) == 24
    bad = [(d.name, d.error, d.failed) for d in got.devices if d.name in sw and (not d.ok or d.failed)]
    assert not bad, bad[:3]
    exp, snap = fab.snapshot, got.snapshot
    pr = PRECISION[platform]

    def mine(s, t):
        df = s.table(t)
        return df[df["device"].isin(sw)].reset_index(drop=True)

    # ports: link state and speed of up ports
    m = _merge("ports", mine(exp, "ports")[["device", "port", "admin_up", "oper_up", "speed_gbps"]],
               mine(snap, "ports")[["device", "port", "admin_up", "oper_up", "speed_gbps"]], ["device", "port"])
    for c in ("admin_up", "oper_up"):
        _check(m, "ports", c, (m[f"{c}_exp"].astype(object) == m[f"{c}_got"].astype(object)).to_numpy(dtype=bool))
    up = m["oper_up_exp"].astype(bool).to_numpy()
    _check(m, "ports", "speed_gbps", ~up | _close(m["speed_gbps_exp"], m["speed_gbps_got"], 0, 1e-9))

    # modules with diagnostics: readings and thresholds (NX-OS also lists the DOM-less ones)
    em = mine(exp, "modules")
    em = em[em["present"].astype("boolean").fillna(False) & em["dom_supported"].astype("boolean").fillna(False)]
    gm = mine(snap, "modules")
    gm = gm[gm["dom_supported"].astype("boolean").fillna(False)]
    cols = ["temperature_c", "voltage_v", *THRESHOLD_COLUMNS]
    m = _merge("modules", em[["device", "port", *cols]], gm[["device", "port", *cols]], ["device", "port"])
    assert len(m) >= 24 * 32, len(m)
    for c in cols:
        if "power" in c:
            ok = _close(m[f"{c}_exp"], m[f"{c}_got"], pr["power_rtol"], pr["power_atol"])
        else:
            tol = pr["temp"] if c.startswith("temperature") else pr["volt"] if c.startswith("voltage") else pr["bias"]
            ok = _close(m[f"{c}_exp"], m[f"{c}_got"], 0, tol)
        _check(m, "modules", c, ok)
    if platform == "nxos":
        no_dom = mine(snap, "modules")["dom_supported"].eq(False).sum()
        assert no_dom == mine(exp, "modules")["dom_supported"].eq(False).sum()

    # lanes: Tx/Rx power and bias of every lane with a reading
    lcols = ["tx_power_mw", "rx_power_mw", "tx_bias_ma"]
    el = mine(exp, "lanes")
    el = el[el["device"].isin(sw) & el[lcols].notna().any(axis=1)].copy()
    if platform != "junos":
        for c in ("tx_power_mw", "rx_power_mw"):
            el[c] = el[c].where(~(el[c] < NO_LIGHT_MW), 0.0)
    m = _merge("lanes", el[["device", "port", "lane", *lcols]], mine(snap, "lanes")[["device", "port", "lane", *lcols]],
               ["device", "port", "lane"])
    assert len(m) >= 24 * 32 * 4, len(m)
    assert (m["rx_power_mw_got"] == 0.0).any(), "no dark lane (a cabling fault) came back as 0.0 mW"
    for c in ("tx_power_mw", "rx_power_mw"):
        _check(m, "lanes", c, _close(m[f"{c}_exp"], m[f"{c}_got"], pr["power_rtol"], pr["power_atol"]))
    _check(m, "lanes", "tx_bias_ma", _close(m["tx_bias_ma_exp"], m["tx_bias_ma_got"], 0, pr["bias"]))

    # counters the platform prints
    ccols = ["rx_crc_errors", "rx_errors", "tx_errors"] + (["fec_corrected_cw", "fec_uncorrectable_cw"]
                                                           if platform == "junos" else [])
    ec = mine(exp, "counters")
    m = _merge("counters", ec[["device", "port", *ccols]], mine(snap, "counters")[["device", "port", *ccols]],
               ["device", "port"])
    for c in ccols:
        _check(m, "counters", c, _close(m[f"{c}_exp"], m[f"{c}_got"], 0, 0))

    # neighbors
    k = ["device", "port", "remote_device", "remote_port"]
    e = mine(exp, "neighbors")[k].astype(str).drop_duplicates()
    g = mine(snap, "neighbors")[k].astype(str).drop_duplicates()
    m = e.merge(g, on=k, how="outer", indicator=True)
    assert (m["_merge"] == "both").all(), f"neighbors differ:\n{m[m['_merge'] != 'both'].head(10)}"


@pytest.mark.parametrize("platform", ["nxos", "iosxe", "junos"])
def test_outputs_are_the_drivers_discovery_commands(tmp_path, hosts_stubbed, platform):
    fab = _fabric(platform)
    cap = read_capture(write_capture(fab, tmp_path / "capture"))
    plat = platforms.get(platform)
    seen = 0
    for dev in cap.devices:
        if dev.platform == platform:
            seen += 1
            assert [e.command for e in dev.entries] == list(plat.discovery)
            assert plat.ports_from({}) == []
    assert seen == 24


def test_literal_lines(tmp_path, hosts_stubbed):
    """A few lines exactly as the CLIs print them, for a known port of each platform."""
    for platform, cmd, needle in (
            ("nxos", "show interface transceiver details", "Lane Number:2 Network Lane\n"),
            ("nxos", "show interface", "admin state is up, Dedicated Interface\n"),
            ("iosxe", "show interfaces", ", line protocol is up (connected) \n"),
            ("iosxe", "show interfaces transceiver detail", "Port       (Celsius)            (Celsius)"),
            ("junos", "show interfaces diagnostics optics", "  Lane 0\n    Laser bias current"),
            ("junos", "show lldp neighbors", "Local Interface    Parent Interface    Chassis Id"),
    ):
        fab = _fabric(platform, gpus=72)
        cap = read_capture(write_capture(fab, tmp_path / f"cap-{platform}-{len(cmd)}"))
        dev = next(d for d in cap.devices if d.platform == platform)
        out = {e.command: e.stdout().decode() for e in dev.entries}
        assert needle in out[cmd], (platform, cmd)
