"""Healthy readings for a physical fabric, as canonical tables (vectorised, seeded).

Both ends of every link are consistent: the light a receiver sees is what the far transmitter
sends, less the loss of the fibre, its connectors and patch panels. Healthy links get realistic
spread: Rx/Tx power and bias around typical values, module temperature 35-55 °C, a few corrected
FEC codewords, a small pre-FEC BER, zero uncorrectable codewords and CRC errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netdiag import units
from netdiag.model import Snapshot, conform

# module thresholds by media (power in dBm here, converted to mW): a 400G-SR4/DR4-like module
_OPTIC_THR = {"temperature_c": (75.0, 70.0, 0.0, -5.0), "voltage_v": (3.63, 3.465, 3.135, 2.97),
              "tx_power_dbm": (5.0, 4.0, -5.6, -7.6), "rx_power_dbm": (5.0, 4.0, -8.4, -10.4),
              "tx_bias_ma": (13.0, 12.0, 4.0, 3.0)}
_LEVELS = ("high_alarm", "high_warn", "low_warn", "low_alarm")
_VENDORS = {"fiber": ("NVIDIA", "MMA4Z00-NS400", "optical", 850.0), "aoc": ("NVIDIA", "MFA7U10-H003", "aoc", 850.0),
            "dac": ("NVIDIA", "MCP4Y10-N002", "dac", None), "acc": ("NVIDIA", "MCA4J80-N003", "acc", None)}


def ends_of(links: pd.DataFrame) -> pd.DataFrame:
    """Physical links -> one row per link end: device, port, cage, far device/port, media, ..."""
    cols = ["cable_id", "media", "length_m", "plane", "path", "tier", "lanes", "speed_gbps", "up"]
    a = links[["a_device", "a_port", "a_cage", "b_device", "b_port"] + cols].set_axis(
        ["device", "port", "cage", "far_device", "far_port"] + cols, axis=1)
    b = links[["b_device", "b_port", "b_cage", "a_device", "a_port"] + cols].set_axis(
        ["device", "port", "cage", "far_device", "far_port"] + cols, axis=1)
    a = a.assign(end="a")
    b = b.assign(end="b")
    return pd.concat([a, b], ignore_index=True)


def link_loss_db(links: pd.DataFrame) -> np.ndarray:
    """Optical loss of each link: fibre attenuation, two connectors, two per patch-panel hop."""
    hops = links["path"].str.count(";").to_numpy() + (links["path"].str.len().to_numpy() > 0)
    return 0.0035 * links["length_m"].to_numpy() + 0.3 * 2 + 0.5 * hops


def healthy(links: pd.DataFrame, rng: np.random.Generator, taken_at: str):
    """Healthy readings for the physical `links` (topology cables plus `up`), as working frames
    that fault injection edits before `snapshot` assembles the canonical tables:
    modules rows, per-lane optics (device, port, lane, far end, tx_dbm, bias_ma, loss_db), ends."""
    e = ends_of(links)
    n = len(e)
    optical = e["media"].isin(["fiber", "aoc"]).to_numpy()
    vendor = e["media"].map(lambda m: _VENDORS[m][0]).to_numpy()
    # one serial number per module: the ports of one cage (a twin-port module) report the same one
    # (as many draws as ends, so the seeded stream is the same as with one serial per end)
    draws = rng.integers(0, 2**40, n)
    slot_key = e["device"].astype(str) + ":" + e["cage"].astype(str)
    first = pd.Series(np.arange(n)).groupby(slot_key.to_numpy()).transform("min").to_numpy() if n else np.arange(0)
    serial = [f"SIM{h:010X}" for h in draws[first].tolist()]
    temp = np.where(optical, rng.normal(45.0, 4.0, n), np.nan)
    volt = np.where(optical, rng.normal(3.30, 0.03, n), np.nan)
    mods = pd.DataFrame({
        "device": e["device"].to_numpy(), "port": e["port"].to_numpy(), "present": True,
        "identifier": np.where(e["speed_gbps"].to_numpy() >= 400, "OSFP", "QSFP112"),
        "media": e["media"].map(lambda m: _VENDORS[m][2]).to_numpy(),
        "vendor": vendor, "part_number": e["media"].map(lambda m: _VENDORS[m][1]).to_numpy(),
        "serial": serial, "revision": "A1",
        "wavelength_nm": e["media"].map(lambda m: _VENDORS[m][3]).astype("float64").to_numpy(),
        "length_m": np.where(optical & (e["media"] == "fiber").to_numpy(), np.nan, e["length_m"].to_numpy()),
        "temperature_c": np.round(temp, 2), "voltage_v": np.round(volt, 4),
        "media_lanes": e["lanes"].to_numpy(), "dom_supported": optical,
    })
    for sensor, key in (("temperature_c", "temperature_c"), ("voltage_v", "voltage_v"),
                        ("tx_power_mw", "tx_power_dbm"), ("rx_power_mw", "rx_power_dbm"), ("tx_bias_ma", "tx_bias_ma")):
        for lv, v in zip(_LEVELS, _OPTIC_THR[key]):
            val = units.dbm_to_mw(v) if key.endswith("dbm") else v
            mods[f"{sensor}_{lv}"] = np.where(optical, round(val, 4), np.nan)

    # lanes: optical ends only; tx per lane, rx = far tx - loss
    lanes_n = e["lanes"].to_numpy()
    opt_idx = np.flatnonzero(optical)
    rep = np.repeat(opt_idx, lanes_n[opt_idx])
    lane_no = np.concatenate([np.arange(1, k + 1) for k in lanes_n[opt_idx]]) if len(opt_idx) else np.array([], int)
    L = pd.DataFrame({"device": e["device"].to_numpy()[rep], "port": e["port"].to_numpy()[rep], "lane": lane_no,
                      "far_device": e["far_device"].to_numpy()[rep], "far_port": e["far_port"].to_numpy()[rep],
                      "cable_id": e["cable_id"].to_numpy()[rep], "up": e["up"].to_numpy()[rep]})
    L["tx_dbm"] = rng.normal(0.5, 0.6, len(L)).clip(-2.5, 3.0)
    L["bias_ma"] = rng.normal(8.0, 0.8, len(L)).clip(5.5, 10.5)
    loss = pd.Series(link_loss_db(links), index=links["cable_id"]).reindex(L["cable_id"]).to_numpy()
    L["loss_db"] = loss + rng.normal(0.0, 0.3, len(L)).clip(-0.6, 0.6)
    L["no_dom"] = False   # a module that reports no diagnostics (its own readings unknown)
    return mods, L, e


def rx_from_tx(L: pd.DataFrame) -> np.ndarray:
    """Rx dBm at each lane = the far end's Tx dBm on the same lane minus this direction's loss."""
    far = L.set_index(["device", "port", "lane"])["tx_dbm"]
    key = pd.MultiIndex.from_arrays([L["far_device"], L["far_port"], L["lane"]])
    tx_far = far.reindex(key).to_numpy()
    return tx_far - L["loss_db"].to_numpy()


def snapshot(mods: pd.DataFrame, L: pd.DataFrame, e: pd.DataFrame, counters: pd.DataFrame,
             neighbors: pd.DataFrame, taken_at: str) -> Snapshot:
    """Assemble the canonical tables from the simulator's working frames."""
    rx_dbm = rx_from_tx(L)
    up = L["up"].to_numpy(dtype=bool)
    rx_mw = np.where(up & ~np.isnan(rx_dbm), units.dbm_to_mw_array(rx_dbm), 0.0)
    blind = L["no_dom"].to_numpy(dtype=bool)
    lanes = pd.DataFrame({
        "device": L["device"].to_numpy(), "port": L["port"].to_numpy(), "lane": L["lane"].to_numpy(),
        "tx_power_mw": np.where(blind, np.nan, np.round(units.dbm_to_mw_array(L["tx_dbm"].to_numpy()), 4)),
        "rx_power_mw": np.where(blind, np.nan, np.round(rx_mw, 4)),
        "tx_bias_ma": np.where(blind, np.nan, np.round(L["bias_ma"].to_numpy(), 3)),
        "rx_los": np.where(blind, None, rx_mw == 0.0),
    })
    if "alarms" in L:
        lanes["alarms"] = L["alarms"].to_numpy()
    ports = pd.DataFrame({
        "device": e["device"].to_numpy(), "port": e["port"].to_numpy(), "admin_up": True,
        "oper_up": e["up"].to_numpy(dtype=bool), "speed_gbps": np.where(e["up"], e["speed_gbps"], np.nan),
        "lanes": e["lanes"].to_numpy(), "fec": "rs544", "mtu": 9216,
    })
    return Snapshot(ports=conform("ports", ports), modules=conform("modules", mods), lanes=conform("lanes", lanes),
                    counters=conform("counters", counters), neighbors=conform("neighbors", neighbors),
                    taken_at=taken_at)
