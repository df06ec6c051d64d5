"""evidence.module_class, text looked at once per distinct value, against the per-row definition it
replaced (kept below), on random module tables with the awkward cases: missing and mixed-case media,
reach codes in part numbers or identifiers (ZR as ER), 1310 nm with and without a length, MPO/MTP
connectors, no connector column."""

import numpy as np
import pandas as pd
import pytest

from netdiag.health import evidence
from netdiag.health.evidence import _CLASS_RX, _f


def ref_module_class(modules: pd.DataFrame) -> np.ndarray:
    n = len(modules)
    media = modules["media"].astype(object).fillna("").astype(str).str.lower().to_numpy() if n else np.array([], object)
    out = np.full(n, "default", dtype=object)
    if not n:
        return out
    pairs = pd.DataFrame({"pn": modules["part_number"].astype(object).to_numpy(),
                          "id": modules["identifier"].astype(object).to_numpy()})
    tcodes = pairs.groupby(["pn", "id"], sort=False, dropna=False).ngroup().to_numpy()
    u = pairs.drop_duplicates()
    text = u["pn"].fillna("").astype(str) + " " + u["id"].fillna("").astype(str)
    code = pd.Series(text.to_numpy(dtype=object), dtype=object).str.extract(_CLASS_RX, expand=False).fillna(
        "").str.lower().to_numpy(dtype=object)[tcodes]
    code = np.where(code == "zr", "er", code)
    wl = _f(modules["wavelength_nm"])
    length = _f(modules["length_m"])
    with np.errstate(invalid="ignore"):
        by_wl = np.where((wl >= 800) & (wl <= 950), "sr",
                         np.where((wl >= 1260) & (wl <= 1360),
                                  np.where(length <= 500, "dr", np.where(length <= 2000, "fr",
                                                                         np.where(length > 2000, "lr", "default"))),
                                  np.where((wl >= 1500) & (wl <= 1620), "er", "default")))
    mpo = (modules["connector"].astype(object).fillna("").astype(str).str.upper().str.contains("MPO|MTP", regex=True)
           .to_numpy(dtype=bool) if "connector" in modules else np.zeros(n, dtype=bool))
    with np.errstate(invalid="ignore"):
        by_wl = np.where((by_wl == "default") & (wl >= 1260) & (wl <= 1360) & np.isnan(length) & mpo, "dr", by_wl)
    out = np.where(code != "", code, by_wl)
    out = np.where(media == "aoc", "aoc", out)
    out = np.where(np.isin(media, ["dac", "acc"]), "copper", out)
    return out.astype(object)


def _modules(rng, n: int, connector: bool) -> pd.DataFrame:
    pick = lambda vals: [vals[i] for i in rng.integers(0, len(vals), n)]   # noqa: E731
    df = pd.DataFrame({
        "media": pd.array(pick(["fiber", "AOC", "aoc", "dac", "ACC", None, "", "copper", "Fiber"]), dtype="str"),
        "part_number": pick(["QSFP-400G-DR4", "OSFP-800G-2xSR4", "MMA4Z00-NS", "400G-ZR", "XYZ-LR4-10", None, "",
                             "QDD-400G-FR4", "1G-SX"]),
        "identifier": pick(["QSFP-DD", "OSFP", "SFP", None, "QSFP28 LR4", "OSFP 8x100G ER8"]),
        "wavelength_nm": pick([850.0, 1310.0, 1311.0, 1550.0, np.nan, 0.0, 1271.0, 940.0]),
        "length_m": pick([np.nan, 100.0, 500.0, 501.0, 2000.0, 2001.0, 10000.0, 0.0]),
    })
    if connector:
        df["connector"] = pick(["MPO 1x12", "LC", None, "mtp-16", "No separable connector", "", "MPO"])
    return df


@pytest.mark.parametrize("seed", range(6))
def test_same_classes_as_per_row(seed):
    rng = np.random.default_rng(seed)
    mods = _modules(rng, 3000, connector=seed % 3 != 0)
    got = evidence.module_class(mods)
    assert got.dtype == object and got.tolist() == ref_module_class(mods).tolist()
    assert {"sr", "dr", "fr", "lr", "er", "aoc", "copper", "default"} <= set(got.tolist())


def test_empty_and_literal_cases():
    assert evidence.module_class(_modules(np.random.default_rng(0), 0, True)).tolist() == []
    mods = pd.DataFrame({"media": ["fiber", "fiber", "dac", None], "part_number": ["400G-ZR", None, None, "X-DR4"],
                         "identifier": [None, None, None, None], "wavelength_nm": [1550.0, 1310.0, 1310.0, np.nan],
                         "length_m": [np.nan, np.nan, np.nan, np.nan], "connector": ["LC", "MPO 1x12", "LC", None]})
    assert evidence.module_class(mods).tolist() == ["er", "dr", "copper", "dr"]
