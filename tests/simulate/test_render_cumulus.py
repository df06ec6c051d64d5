"""Round trip of the Cumulus (NVUE) renderer: simulate a fabric with Cumulus switches, render the
switches' command outputs into a capture, parse it back with the real parsers, and check that the
parsed tables equal the simulator's snapshot on every column the NVUE / lldpd formats carry."""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import pandas as pd
import pytest

from netdiag import platforms
from netdiag.capture import read_capture
from netdiag.ingest import ingest
from netdiag.model import THRESHOLD_COLUMNS
from netdiag.platforms.cumulus import front_panel_ports
from netdiag.simulate import engine, presets
from netdiag.simulate.render import DeviceTables, renderer
from netdiag.simulate.write import write_capture

#: (preset, gpus, seed, miswires): cabling faults include a `missing` cable (a port down, dark)
CASES = [("gb200-nvl72", 144, 1, 4), ("gb200-nvl72", 288, 7, 5), ("gb200-nvl72", 576, 3, 8)]
KEYS = ["device", "port"]


def _cumulus_only(fab: engine.Fabric) -> engine.Fabric:
    """The fabric with only its Cumulus devices in the inventory (hosts are another renderer's)."""
    devs = fab.devices[fab.devices["platform"] == "cumulus"].reset_index(drop=True)
    return dataclasses.replace(fab, devices=devs)


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-{c[1]}gpu-seed{c[2]}-mis{c[3]}")
def rt(request, tmp_path_factory):
    preset, gpus, seed, mis = request.param
    fab = engine.simulate(presets.get(preset), gpus, seed=seed, miswires=mis)
    sw = _cumulus_only(fab)
    out = write_capture(sw, tmp_path_factory.mktemp("cap") / "capture")
    cap = read_capture(out)
    got = ingest(cap)
    names = set(sw.devices["name"]) - set(fab.unreachable)

    def exp(t):
        df = fab.snapshot.table(t)
        return df[df["device"].isin(names)].reset_index(drop=True)

    def parsed(t):
        df = got.snapshot.table(t)
        return df[df["device"].isin(names)].reset_index(drop=True)

    return {"fab": fab, "names": names, "cap": cap, "got": got, "exp": exp, "parsed": parsed, "dir": out}


def _same(a: pd.Series, b: pd.Series, rtol=0.0, atol=0.0) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(a.dtype) and pd.api.types.is_numeric_dtype(b.dtype) \
            and not pd.api.types.is_bool_dtype(a.dtype) and not pd.api.types.is_bool_dtype(b.dtype):
        x = a.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        y = b.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        return np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=True)
    x = a.astype(object).where(a.notna(), None)
    y = b.astype(object).where(b.notna(), None)
    return np.array([u == v for u, v in zip(x, y)], dtype=bool)


def _compare(name: str, exp: pd.DataFrame, got: pd.DataFrame, keys: list[str], cols: dict[str, tuple]):
    """Outer-merge on keys; every row on both sides, every column equal (within (rtol, atol))."""
    m = exp[keys + list(cols)].merge(got[keys + list(cols)], on=keys, how="outer", suffixes=("_exp", "_got"),
                                     indicator=True)
    lonely = m[m["_merge"] != "both"]
    assert lonely.empty, f"{name}: {len(lonely)} rows on one side only:\n{lonely[keys + ['_merge']].head(20)}"
    problems = []
    for c, (rtol, atol) in cols.items():
        ok = _same(m[f"{c}_exp"], m[f"{c}_got"], rtol, atol)
        if not ok.all():
            bad = m.loc[~ok, keys + [f"{c}_exp", f"{c}_got"]]
            problems.append(f"{name}.{c}: {len(bad)} mismatches, e.g.\n{bad.head(5).to_string()}")
    assert not problems, "\n".join(problems)
    return m


def test_every_output_parses(rt):
    assert rt["names"], "the preset has no cumulus devices"
    bad = [(d.name, d.error, d.failed) for d in rt["got"].devices if d.name in rt["names"] and (not d.ok or d.failed)]
    assert not bad, f"devices/outputs that failed to parse: {bad[:5]}"
    coll = rt["got"].snapshot.collection
    coll = coll[coll["device"].isin(rt["names"])]
    assert coll["ok"].all()
    # every output went to the parser the platform maps its command to
    assert set(coll["parser"]) == {"nvue-interface", "nvue-transceiver-brief", "lldpctl-json",
                                   "nvue-link-phy-detail", "nvue-counters-errors", "nvue-transceiver",
                                   "nvue-transceiver-channel"}


def test_commands_are_the_platforms(rt):
    """Discovery first, then the per-port commands for the ports the driver picks from discovery."""
    plat = platforms.get("cumulus")
    snap = rt["got"].snapshot
    for name in sorted(rt["names"])[:3]:
        dev = rt["cap"].device(name)
        cmds = [e.command for e in dev.entries]
        ports = snap.ports[snap.ports["device"] == name][["port", "admin_up", "oper_up"]]
        mods = snap.modules[snap.modules["device"] == name][["port", "present"]]
        tables = {"ports": ports.astype(object).where(ports.notna(), None).to_dict("records"),
                  "modules": mods.astype(object).where(mods.notna(), None).to_dict("records")}
        picked = front_panel_ports(tables)
        assert cmds == list(plat.discovery) + plat.port_commands(picked)
        exp_ports = rt["exp"]("ports")
        assert set(picked) == set(exp_ports.loc[exp_ports["device"] == name, "port"])


def test_ports(rt):
    m = _compare("ports", rt["exp"]("ports"), rt["parsed"]("ports"), KEYS,
                 {"admin_up": (0, 0), "oper_up": (0, 0), "speed_gbps": (0, 0), "mtu": (0, 0)})
    # the cabling faults leave at least one switch port admin up, link down (a `missing` cable)
    assert (m["oper_up_exp"] == False).any()  # noqa: E712


def test_modules(rt):
    cols = {c: (0, 0) for c in ("present", "identifier", "media", "vendor", "part_number", "serial", "revision",
                                "length_m")}
    cols.update({"temperature_c": (0, 1e-9), "voltage_v": (0, 1e-9)})
    for c in THRESHOLD_COLUMNS:
        # power thresholds are printed in dBm with 2 decimals: 0.005 dB is 0.12 %
        cols[c] = (2e-3, 1e-6) if "power" in c else (0, 1e-9)
    _compare("modules", rt["exp"]("modules"), rt["parsed"]("modules"), KEYS, cols)


def test_lanes(rt):
    m = _compare("lanes", rt["exp"]("lanes"), rt["parsed"]("lanes"), KEYS + ["lane"],
                 {"tx_power_mw": (1e-3, 1e-4), "rx_power_mw": (1e-3, 1e-4), "tx_bias_ma": (0, 1e-3)})
    # a dark receiver (missing cable): 0 mW, and the module raises its low alarm
    got = rt["parsed"]("lanes")
    dark = got[got["rx_power_mw"] == 0.0]
    assert len(dark) > 0 and len(dark) == (m["rx_power_mw_exp"] == 0.0).sum()
    assert dark["alarms"].map(lambda a: "rx_power_low_alarm" in a).all()
    lit = got[got["rx_power_mw"] > 0.2]
    assert lit["alarms"].map(lambda a: len(a) == 0).all()


def test_counters(rt):
    exp, got = rt["exp"]("counters"), rt["parsed"]("counters")
    _compare("counters", exp, got, KEYS,
             {c: (0, 0) for c in ("rx_crc_errors", "rx_errors", "tx_errors", "symbol_errors",
                                  "fec_uncorrectable_cw", "effective_ber", "symbol_ber", "time_since_clear_s")})
    # raw BER is printed as NVUE does: an integer coefficient 1..15 times a power of ten
    m = exp[KEYS + ["raw_ber"]].merge(got[KEYS + ["raw_ber"]], on=KEYS, suffixes=("_exp", "_got"))
    x, y = m["raw_ber_exp"].to_numpy(), m["raw_ber_got"].to_numpy()
    assert (np.isnan(x) == np.isnan(y)).all(), "raw_ber known on one side only"
    k = ~np.isnan(x)
    assert k.any()
    rel = np.abs(y[k] - x[k]) / x[k]
    # worst case: 1.55e-N prints as 2E-N (the coefficient has 4 bits: 16 does not fit)
    assert rel.max() <= 0.33, m.loc[k].iloc[int(rel.argmax())]


def test_fec_histogram(rt):
    """bins 1..15 of the RS-FEC histogram sum to the simulator's corrected codewords."""
    h = rt["parsed"]("fec_histogram")
    assert set(h["bin"]) == set(range(16))
    corr = h[h["bin"] >= 1].groupby(KEYS, as_index=False)["count"].sum().rename(columns={"count": "fec_corrected_cw"})
    exp = rt["exp"]("counters")[KEYS + ["fec_corrected_cw"]]
    _compare("fec_histogram", exp, corr, KEYS, {"fec_corrected_cw": (0, 0)})
    up = rt["exp"]("ports")
    b0 = h[h["bin"] == 0].merge(up[KEYS + ["oper_up"]], on=KEYS)
    assert (b0.loc[b0["oper_up"] == True, "count"] > 0).all()  # noqa: E712
    assert (b0.loc[b0["oper_up"] == False, "count"] == 0).all()  # noqa: E712


def test_neighbors(rt):
    exp, got = rt["exp"]("neighbors"), rt["parsed"]("neighbors")
    assert not got.duplicated(KEYS).any()
    m = _compare("neighbors", exp, got, KEYS, {"remote_device": (0, 0), "remote_port": (0, 0)})
    assert (got["protocol"] == "lldp").all()
    # miswired host cables: the neighbor seen is the one physically there, not the plan's
    plan = rt["fab"].plan
    planned = set(zip(plan["b_device"], plan["b_port"], plan["a_device"], plan["a_port"])) | \
        set(zip(plan["a_device"], plan["a_port"], plan["b_device"], plan["b_port"]))
    seen = set(zip(m["device"], m["port"], m["remote_device_exp"], m["remote_port_exp"]))
    assert seen - planned, "expected some neighbors off-plan (miswires)"


def test_literal_text(rt):
    snap, name = rt["fab"].snapshot, sorted(rt["names"])[0]
    dev = rt["cap"].device(name)
    out = {e.command: e.stdout().decode() for e in dev.entries}
    p = snap.ports[(snap.ports["device"] == name) & snap.ports["oper_up"].astype(bool)].iloc[0]
    port = p["port"]
    n = snap.neighbors[(snap.neighbors["device"] == name) & (snap.neighbors["port"] == port)].iloc[0]
    lines = out["nv show interface"].splitlines()
    assert lines[0].startswith("Interface  Admin Status  Oper Status  Speed  MTU ")
    row = next(ln for ln in lines if ln.startswith(port + " "))
    assert row.split() == [port, "up", "up", "400G", "9216", "swp", n["remote_device"], n["remote_port"]]
    mod = snap.modules[(snap.modules["device"] == name) & (snap.modules["port"] == port)].iloc[0]
    tx = out[f"nv show platform transceiver {port}"]
    assert f"vendor-sn              : {mod['serial']} \n" in tx
    assert f"  temperature           : {mod['temperature_c']:.2f} C \n" in tx
    ln = snap.lanes[(snap.lanes["device"] == name) & (snap.lanes["port"] == port) & (snap.lanes["lane"] == 1)].iloc[0]
    dbm = 10 * math.log10(ln["rx_power_mw"])
    assert f"        power            : {ln['rx_power_mw']:.4f} mW / {dbm:.2f} dBm \n" in \
        out[f"nv show platform transceiver {port} channel"]
    phy = out[f"nv show interface {port} link phy-detail"]
    assert phy.startswith("                           operational \n\n-------------------------  ---------------- \n")
    assert "effective-ber              15E-255 \n" in phy
    assert f'"value": "{n["remote_port"]}"' in out["lldpctl -f json"]
    assert "FCS Errors        0        n/a     \n" in out[f"nv show interface {port} counters errors"]


def test_ber_format():
    from netdiag.simulate.render.cumulus import _ber
    assert _ber(0.0) == "15E-255"
    assert _ber(3e-6) == "3E-6"
    assert _ber(1.5e-9) == "15E-10"
    assert _ber(9.7e-9) == "1E-8"
    assert _ber(None) is None and _ber(float("nan")) is None


def test_render_speed():
    """All Cumulus devices of a 2304-GPU fabric in well under the 10k-GPU budget's share."""
    fab = engine.simulate(presets.get("gb200-nvl72"), 2304, seed=2, miswires=4)
    snap = fab.snapshot
    groups = {t: dict(tuple(snap.table(t).groupby("device", sort=False)))
              for t in ("ports", "modules", "lanes", "counters", "neighbors")}
    sw = fab.devices[fab.devices["platform"] == "cumulus"]["name"].tolist()
    render = renderer("cumulus")
    t0 = time.process_time()  # CPU time: the test machine may be shared
    n = 0
    for name in sw:
        dev = DeviceTables(name, "cumulus", {}, *(groups[t].get(name, snap.table(t).iloc[0:0])
                                                  for t in ("ports", "modules", "lanes", "counters", "neighbors")))
        n += len(render(dev))
    dt = time.process_time() - t0
    assert n > 0
    # 10,000 GPUs is ~4.3x the switch ports of this fabric: keep that well under a minute
    assert dt * 10000 / 2304 < 30, f"{len(sw)} devices rendered in {dt:.1f} s"


def test_lldp_json_one_and_no_neighbor():
    """lldpd prints one neighbor as a dict keyed by the interface, none as an empty object."""
    from netdiag import parsers
    from netdiag.simulate.render.cumulus import _lldpctl_json
    one = [{"port": "swp3s1", "remote_device": "spine-p0-001", "remote_port": "swp9s0", "remote_chassis_id": None,
            "remote_port_descr": None, "remote_mgmt_ip": None, "ttl_s": float("nan")}]
    text = _lldpctl_json(one)
    assert '"interface": {\n      "swp3s1": {' in text
    rows = parsers.parse_rows("lldpctl-json", text, device="leaf")["neighbors"]
    assert [(r["port"], r["remote_device"], r["remote_port"]) for r in rows] == [("swp3s1", "spine-p0-001", "swp9s0")]
    assert parsers.parse_rows("lldpctl-json", _lldpctl_json([]), device="leaf").get("neighbors") in (None, [])
