"""Vectorised rewrites (issue 15) against the per-row definitions they replaced, on random tables with
the awkward cases: shared modules, NaN readings, -0.0, ports missing, lane numbers missing, names
that sort differently as text and as numbers. Each reference below is the earlier implementation."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from netdiag.fabric import localize
from netdiag.health import evidence


def _natural(name: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))


def ref_module_share(modules: pd.DataFrame) -> pd.DataFrame:
    cols = ["device", "port", "serial", "share_n", "share_i"]
    m = modules[["device", "port", "serial"]].dropna(subset=["serial"])
    m = m[m["serial"].astype(str).str.strip().str.len() > 0].drop_duplicates(["device", "port"])
    if m.empty:
        return pd.DataFrame(columns=cols)
    n = m.groupby(["device", "serial"], sort=False)["port"].transform("size")
    m = m[(n >= 2).to_numpy()]
    if m.empty:
        return pd.DataFrame(columns=cols)
    key = m["port"].astype(str).map(_natural)
    m = m.assign(_k=key).sort_values(["device", "serial", "_k"], kind="stable")
    m["share_i"] = m.groupby(["device", "serial"], sort=False).cumcount()
    m["share_n"] = m.groupby(["device", "serial"], sort=False)["port"].transform("size")
    return m[cols].reset_index(drop=True)


def ref_same(f: pd.DataFrame, s: pd.DataFrame, sn: np.ndarray, lane: np.ndarray) -> np.ndarray:
    """The 'every port of the module lists the same readings' test as it was: distinct (tx, rx)
    tuples and distinct ports per (device, serial, lane)."""
    n = len(f)
    same = np.zeros(n, bool)
    shared = ~np.isnan(sn)
    if not shared.any():
        return same
    idx = np.flatnonzero(shared)
    vals = [np.round(evidence._f(f[c]).take(idx), 6) for c in ("tx_power_mw", "rx_power_mw") if c in f]
    g = pd.DataFrame({"d": f["device"].to_numpy()[idx], "s": s["serial"].to_numpy()[idx], "l": lane[idx],
                      "p": f["port"].to_numpy()[idx], "n": sn[idx],
                      "v": list(zip(*vals)) if vals else [()] * len(idx)})
    gg = g.groupby(["d", "s", "l"], sort=False)
    one = (gg["v"].transform("nunique") <= 1) & (gg["p"].transform("nunique") == g["n"])
    same[idx] = one.groupby([g["d"], g["s"]], sort=False).transform("all").to_numpy(dtype=bool)
    return same


def _modules(rng: np.random.Generator, devices: int) -> pd.DataFrame:
    names = ["Ethernet0", "Ethernet4", "Ethernet10", "Ethernet8", "swp3s0", "swp3s1", "swp10s0", "ens1f1np1",
             "ens2f1np1", "ens10f0np0", "Ethernet1/1", "Ethernet1/10", "Ethernet1/2", "p01", "p1"]
    rows = []
    for d in range(devices):
        ports = rng.choice(names, size=rng.integers(2, len(names)), replace=False)
        for p in ports:
            serial = rng.choice(["S1", "S2", "S3", "", None, "  "])
            rows.append({"device": f"dev{d}", "port": str(p), "serial": serial})
    return pd.DataFrame(rows).astype({"device": "str", "port": "str", "serial": "str"})


@pytest.mark.parametrize("seed", range(8))
def test_module_share_matches_the_per_row_natural_sort(seed):
    evidence._MEMO.clear()
    mods = _modules(np.random.default_rng(seed), 12)
    got = evidence.module_share(mods)
    pd.testing.assert_frame_equal(got, ref_module_share(mods), check_dtype=False)
    assert len(got) > 0


def _lanes(rng: np.random.Generator, mods: pd.DataFrame) -> pd.DataFrame:
    rows = []
    count = {d: int(rng.choice([4, 8])) for d in mods["device"].unique()}
    for r in mods.itertuples(index=False):
        for lane in range(1, count[r.device] + 1):
            tx = rng.choice([0.5, 0.5000001, 0.7, -0.0, 0.0, np.nan])
            rx = rng.choice([0.4, 0.4, np.nan, 0.9])
            odd = int(r.device[3:]) % 3 == 2        # a few devices with a lane number missing
            rows.append({"device": r.device, "port": r.port,
                         "lane": np.nan if odd and rng.random() < 0.1 else float(lane),
                         "tx_power_mw": tx, "rx_power_mw": rx})
    return pd.DataFrame(rows).astype({"device": "str", "port": "str"})


@pytest.mark.parametrize("seed", range(8))
def test_shared_lane_offset_same_readings_matches_distinct_tuples(seed):
    rng = np.random.default_rng(100 + seed)
    evidence._MEMO.clear()
    mods = _modules(rng, 10)
    f = _lanes(rng, mods)
    share = evidence.module_share(mods)
    # all identical readings on one module so that the 'printed whole' branch is taken too
    # (one with NaN Rx everywhere: NaN counts as one reading; one whose lane 1 has no number on
    # every port: such rows are in no group, so the module is not 'one print')
    first = share.drop_duplicates(["device", "serial"]).head(4)
    for i, r in enumerate(first.itertuples(index=False)):
        on = f["device"].eq(r.device) & f["port"].isin(share.loc[(share["device"] == r.device)
                                                                 & (share["serial"] == r.serial), "port"])
        f.loc[on, ["tx_power_mw", "rx_power_mw"]] = [0.6, np.nan if i == 1 else 0.3]
        if i == 2:
            f.loc[on & f["lane"].eq(1.0), "lane"] = np.nan
    s = f[["device", "port"]].merge(share, on=["device", "port"], how="left")
    sn = evidence._f(s["share_n"])
    lane = evidence._f(f["lane"])
    want_same = ref_same(f, s, sn, lane)
    assert want_same.any() and not want_same[~np.isnan(sn)].all()
    # the function's own result, with `port_lanes` unknown so that only `same` can make a port whole
    owned, offset = evidence.shared_lane_offset(f, share, None)
    si = evidence._f(s["share_i"])
    top = pd.Series(lane, index=f.index).groupby([f["device"], f["port"]], sort=False).transform("max").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        per = np.floor(top / sn)
        whole = ~np.isnan(sn) & (sn >= 2) & (per >= 1) & (top > per) & want_same
        lo = si * per
        mine = (lane > lo) & (lane <= lo + per)
    np.testing.assert_array_equal(owned, np.where(whole, mine, True).astype(bool))
    np.testing.assert_array_equal(offset, np.nan_to_num(np.where(whole, lo, 0.0)))


def ref_testable(lpmin: list[float], q: float) -> int:
    if not lpmin:
        return 0
    v = np.sort(np.asarray(lpmin, dtype=float))
    for K in range(1, len(v) + 1):
        if np.searchsorted(v, math.log(q / K), side="right") <= K:
            return K
    return len(v)


@pytest.mark.parametrize("seed", range(20))
def test_testable_matches_the_loop(seed):
    rng = np.random.default_rng(seed)
    lp = list(rng.uniform(-30, 0, size=int(rng.integers(1, 300))))
    if seed % 4 == 0:
        lp += [-np.inf] * 5
    q = float(rng.choice([0.05, 0.01, 0.2]))
    assert localize._testable(lp, q) == ref_testable(lp, q)


def test_cable_side_parts_harness_heads_match_the_regex():
    ids = ["C1.2", "C1.x", "C.1", ".1", "C1.", "A.B.3", "x.١٢", "plain", "C7.10", "a.b.c.99"]
    plan = pd.DataFrame({"cable_id": ids, "plane": "0", "path": ""})
    got = localize._cable_side_parts(plan)
    want = pd.Series(ids).str.extract(r"^(.+)\.\d+$")[0]
    cab = got[got["component"] == "cable"]
    assert cab["cable_id"].tolist() == [i for i, h in zip(ids, want) if pd.notna(h)]
    assert cab["ref"].tolist() == [h for h in want if pd.notna(h)]


def test_naming_rules_per_distinct_pair_match_the_element_wise_rule():
    from netdiag.fabric import graph, naming

    plats = ["sonic", "cumulus", "eos", "linux", "ib-host", "ibdiagnet", "", "sonic", "eos", "linux"]
    ports = ["Ethernet13", "swp3s1", "Ethernet3/1/2", "ens1f0np0", "mlx5_3/1", "7", "x", None, "Ethernet3/1/2",
             "ens1f0np0"]
    pl = pd.Series(plats * 7, dtype="str")
    po = pd.Series(ports * 7, dtype="str")
    for fn in (naming.cages, naming.nics):
        want = pd.Series(fn(pl, po), dtype=object)
        got = pd.Series(graph._per_distinct(fn, pl, po), dtype=object)
        assert got.isna().equals(want.isna())
        assert got[want.notna()].tolist() == want[want.notna()].tolist()
        assert want.notna().sum() > 0


def test_cable_side_parts_patch_panels_match_split():
    paths = ["PP1:3;PP2:4", "", "PP1:3", "PPX", "A:B:C;;PP9:1", "PP2:7"]
    plan = pd.DataFrame({"cable_id": [f"C{i}" for i in range(len(paths))], "plane": "0", "path": paths})
    got = localize._cable_side_parts(plan)
    pp = got[got["component"] == "patch_panel"]
    hops = pd.Series(paths).str.split(";").explode()
    hops = hops[hops.str.len() > 0]
    want = pd.DataFrame({"cable_id": [f"C{i}" for i in hops.index], "ref": hops.str.split(":").str[0].tolist()})
    assert list(zip(pp["cable_id"], pp["ref"])) == list(zip(want["cable_id"], want["ref"]))
    assert ("C4", "A") in set(zip(pp["cable_id"], pp["ref"])) and ("C3", "PPX") in set(zip(pp["cable_id"], pp["ref"]))


def test_port_key_table_matches_the_full_table_filtered():
    from netdiag.fabric import cabling

    ports = pd.DataFrame({
        "device": ["s1", "s1", "s1", "s2", "s2", "s2"],
        "port": ["Ethernet0", "Ethernet4", "Ethernet8", "Ethernet0", "Ethernet4", "Ethernet8"],
        "alias": ["etp1", None, "  ", "etp1", "etp2", None],
        "description": [None, "uplink", None, None, None, "AA:BB:CC:DD:EE:01"],
        "mac": ["AA-BB-CC-DD-EE-01", None, "aabb.ccdd.ee02", None, None, None]}).astype(
        {"device": "str", "port": "str"})
    for c in ("alias", "description", "mac"):
        ref = pd.DataFrame({"remote_device": ports["device"].to_numpy(), "_key": cabling._mac_key(ports[c]).to_numpy(),
                            "_port": ports["port"].to_numpy()})
        ref = ref[ref["_key"].astype(str) != ""].reset_index(drop=True)
        got = cabling._key_table(ports, c)
        pd.testing.assert_frame_equal(got, ref, check_dtype=False)
        assert len(got) >= 2
    assert cabling._key_table(ports, "mac")["_key"].tolist() == ["aabbccddee01", "aabbccddee02"]


def ref_module_refs(ends: pd.DataFrame, serials: pd.DataFrame | None):
    """graph.module_refs as it was (sort and group by the names)."""
    from netdiag.fabric.graph import _NO_SERIAL
    dev = ends["device"].astype(object).to_numpy()
    port = ends["port"].astype(object).to_numpy()
    cage = ends["cage"].astype(object).to_numpy()
    ref = (ends["device"].astype(str) + ":" + ends["cage"].astype(str)).to_numpy(dtype=object)
    basis = np.full(len(ends), "name", dtype=object)
    if "cage_source" in ends:
        basis[ends["cage_source"].to_numpy() == "plan"] = "plan"
    if "plan_module" in ends:
        pm = ends["plan_module"].astype(object).to_numpy()
        has = pd.notna(pm) & (pd.Series(pm, dtype=object).astype(str).str.strip() != "").to_numpy()
        ref[has] = (pd.Series(dev[has], dtype=object).astype(str) + ":"
                    + pd.Series(pm[has], dtype=object).astype(str)).to_numpy()
        basis[has] = "plan"
    if serials is None or serials.empty or len(ends) == 0:
        return ref, basis
    s = serials[["device", "port", "serial"]].dropna(subset=["serial"])
    s = s[~s["serial"].astype(str).str.strip().str.lower().isin(_NO_SERIAL)].drop_duplicates(["device", "port"])
    if s.empty:
        return ref, basis
    key = pd.MultiIndex.from_arrays([s["device"], s["port"]])
    ser = pd.Series(s["serial"].astype(str).str.strip().to_numpy(), index=key)
    got = ser.reindex(pd.MultiIndex.from_arrays([dev, port])).to_numpy(dtype=object)
    known = pd.notna(got)
    if not known.any():
        return ref, basis
    k = pd.DataFrame({"i": np.flatnonzero(known), "device": dev[known], "port": port[known],
                      "cage": cage[known], "serial": got[known]})
    # the module's name: the cage of its first port (shortest name, then alphabetical: ens9 < ens10)
    k["_len"] = k["port"].astype(str).str.len()
    k = k.sort_values(["device", "serial", "_len", "port"], kind="stable")
    first = k.groupby(["device", "serial"], sort=False).head(1).set_index(["device", "serial"])
    k["name_cage"] = first["cage"].reindex(pd.MultiIndex.from_frame(k[["device", "serial"]])).to_numpy()
    k["name_port"] = first["port"].reindex(pd.MultiIndex.from_frame(k[["device", "serial"]])).to_numpy()
    # a name-cage whose ports report different serials holds more than one module
    mixed = k.groupby(["device", "cage"], sort=False)["serial"].transform("nunique").to_numpy() > 1
    mixed_name = k.assign(m=mixed).groupby(["device", "serial"], sort=False)["m"].transform("any").to_numpy()
    # a module only one port of its device reports is named after that port (a14's rule, as written there)
    alone = (s.assign(serial=s["serial"].astype(str).str.strip()).groupby(["device", "serial"], sort=False)["port"]
             .nunique().reindex(pd.MultiIndex.from_arrays([k["device"], k["serial"]])).to_numpy() == 1)
    alone &= np.array([str(p).startswith(f"{c}/") for p, c in zip(k["port"], k["cage"])], dtype=bool)
    if "cage_source" in ends:
        alone &= ends["cage_source"].to_numpy()[k["i"].to_numpy()] != "plan"
    name = np.where(mixed_name | alone, k["name_port"].to_numpy(dtype=object), k["name_cage"].to_numpy(dtype=object))
    ref[k["i"].to_numpy()] = (k["device"].astype(str) + ":" + pd.Series(name, index=k.index).astype(str)).to_numpy()
    basis[k["i"].to_numpy()] = "serial"
    return ref, basis


@pytest.mark.parametrize("seed", range(6))
def test_module_refs_match_the_sorted_group_by(seed):
    from netdiag.fabric import graph

    rng = np.random.default_rng(seed)
    ports = ["ens9f0np0", "ens10f0np0", "ens9f1np1", "Ethernet0", "Ethernet4", "Ethernet1/1", "swp1s0", "swp1s1",
             "mlx5_0/1", "e1"]
    rows = []
    for d in range(15):
        for p in rng.choice(ports, size=int(rng.integers(2, len(ports))), replace=False):
            rows.append({"device": f"dev{d}", "port": str(p), "cage": str(rng.choice(["c1", "c2", str(p), str(p).split("/")[0]])),
                         "cage_source": "name"})
    ends = pd.DataFrame(rows).astype({"device": "str", "port": "str", "cage": "str"})
    serials = ends[["device", "port"]].assign(
        serial=rng.choice(["S1", "S2", "S3", "n/a", " ", None, "S1 "], size=len(ends)))
    want = ref_module_refs(ends, serials)
    got = graph.module_refs(ends, serials)
    assert list(got[0]) == list(want[0]) and list(got[1]) == list(want[1])
    assert (np.asarray(want[1]) == "serial").sum() > 5


def ref_reach_code(modules: pd.DataFrame) -> np.ndarray:
    text = (modules["part_number"].astype(object).fillna("").astype(str) + " "
            + modules["identifier"].astype(object).fillna("").astype(str))
    return text.str.extract(evidence._CLASS_RX, expand=False).fillna("").str.lower().to_numpy(dtype=object)


def test_module_class_reach_codes_per_distinct_text_match_per_row():
    pn = ["QSFP-400G-SR4", None, "X-DR4", None, "400ZR", "ABC", "QSFP-400G-SR4", "", "SFP-10/25GLR-31", "x"]
    ident = [None, "OSFP 800G 2xDR4", None, None, "FR4", "FR4x", None, "LR4", None, ""]
    mods = pd.DataFrame({"media": None, "part_number": pn * 3, "identifier": ident * 3,
                         "wavelength_nm": np.nan, "length_m": np.nan}).astype({"part_number": "str", "identifier": "str"})
    code = ref_reach_code(mods)
    want = np.where(code == "zr", "er", code)
    want = np.where(want != "", want, "default")
    assert list(evidence.module_class(mods)) == list(want)
    assert {"sr", "dr", "er", "lr"} <= set(want)


def ref_ber_profile(fec, speed, lanes, ib, dac):
    """evidence.ber_profile as it was (the FEC text normalised row by row)."""
    fe = fec.astype(object).fillna("").astype(str).str.lower().str.replace(r"[^a-z0-9]", "", regex=True).to_numpy(dtype=object)
    with np.errstate(invalid="ignore", divide="ignore"):
        lane_rate = np.where(lanes > 0, speed / lanes, np.nan)
    nofec = np.isin(fe, ["none", "off", "nofec", "disabled"])
    fc = np.isin(fe, ["fc", "baser", "firecode", "fcfec"])
    rs528 = np.isin(fe, ["rs528", "rs528514", "cl91", "kr4"])
    rs544 = np.isin(fe, ["rs544", "rs544514", "kp4", "cl134"])
    rs = np.isin(fe, ["rs", "rsfec", "on", "auto"]) & ~rs528 & ~rs544
    with np.errstate(invalid="ignore"):
        rs528 |= rs & (lane_rate <= 30)
        rs544 |= rs & (lane_rate > 30)
        fast = lane_rate > 150
    eth = np.where(nofec, "ethernet_nofec", np.where(fc, "ethernet_fc", np.where(
        rs528, "ethernet_rs528", np.where(rs544 & fast, "ethernet_rs544_200g", np.where(rs544, "ethernet_rs544", "ethernet")))))
    return np.where(ib, np.where(dac, "infiniband_dac", "infiniband"), eth).astype(object)


def test_ber_profile_fec_modes_per_distinct_text_match_per_row():
    rng = np.random.default_rng(3)
    modes = ["RS-FEC", "rs_544", None, "Off", "FC", "rs", "RS(528,514)", "auto", "KP4", "Base-R", "none", "CL91"]
    n = 400
    fec = pd.Series(rng.choice(np.array(modes, dtype=object), size=n), dtype="str")
    speed = rng.choice([25.0, 100.0, 400.0, 800.0, np.nan], size=n)
    lanes = rng.choice([1.0, 2.0, 4.0, 8.0, 0.0, np.nan], size=n)
    ib, dac = rng.random(n) < 0.1, rng.random(n) < 0.5
    want = ref_ber_profile(fec, speed, lanes, ib, dac)
    got = evidence.ber_profile(fec, speed, lanes, ib, dac)
    assert list(got) == list(want)
    assert len(set(want)) >= 6
