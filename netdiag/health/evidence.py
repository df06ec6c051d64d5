"""What each port's data says, before any rule compares it with a threshold (docs/thresholds.md).

The evidence layer answers, column-wise over the canonical tables:
- is the port administratively up? (reported, or inferred from a lit transmitter or a module in
  ModuleReady; otherwise unknown, never "down")
- which lanes does the port use? (the port's lane count, the module's media lanes, the port's speed,
  the module's own lit transmitters; "non-zero now" only when nothing else is known)
- is a lane dark? (the module's Rx LOS flag, a reading at the optics' noise floor, or far below the
  module's own low alarm; not a fixed -40 dBm)
- which module class is it (SR, DR, FR, LR, ER/ZR, AOC) for fallback thresholds?
- which BER table applies (FEC mode x lane rate)?
- is a counter a lifetime count, and what rate does it give where the platform reports the time
  since the counters were cleared?

Unknown stays unknown (NaN / <NA>); evidence that is present is never dropped because some other
field is missing.
"""

from __future__ import annotations

import re
import weakref

import numpy as np
import pandas as pd

from netdiag import units

# counters that are measured by the receiving PHY of this link (its FEC decoder, its PCS): they
# localize. CRC/FCS is counted by the MAC and can come from corrupted frames a cut-through switch
# forwarded from elsewhere.
PHY_LOCAL_COUNTERS = ("fec_uncorrectable_cw", "symbol_errors")
PHY_LOCAL_BER = ("raw_ber", "effective_ber", "symbol_ber")
PHY_KNOWN_COUNTERS = PHY_LOCAL_COUNTERS + ("fec_corrected_cw", "fec_corrected_bits")


def _f(s) -> np.ndarray:
    return pd.Series(s).to_numpy(dtype="float64", na_value=np.nan) if not isinstance(s, np.ndarray) else s.astype("float64")


# ---------------------------------------------------------------------------------------------
# admin state


def admin_state(f: pd.DataFrame, dark_mw: float) -> np.ndarray:
    """Per row of `f` (device, port, admin_up, module_state, tx_power_mw): 1.0 admin up (reported, or
    inferred), 0.0 admin down (reported), NaN unknown.

    Inferred up when the admin state is not reported and the port's module transmits (any lane's Tx
    above the noise floor: a laser is on only when the port is enabled) or reports ModuleReady."""
    admin = f["admin_up"].astype("boolean") if "admin_up" in f else pd.Series(pd.NA, index=f.index, dtype="boolean")
    known = admin.notna().to_numpy()
    out = np.where(known, admin.fillna(False).to_numpy(dtype=bool).astype(float), np.nan)
    if known.all():
        return out
    tx = _f(f["tx_power_mw"]) if "tx_power_mw" in f else np.full(len(f), np.nan)
    with np.errstate(invalid="ignore"):
        lit = tx > dark_mw
    key = [f["device"], f["port"]]
    any_lit = pd.Series(lit, index=f.index).groupby(key, sort=False).transform("any").to_numpy(dtype=bool)
    ready = np.zeros(len(f), dtype=bool)
    if "module_state" in f:
        ready = f["module_state"].astype(object).fillna("").astype(str).str.lower().str.contains(
            "moduleready|module ready|ready", regex=True).to_numpy(dtype=bool)
    return np.where(known, out, np.where(any_lit | ready, 1.0, np.nan))


# ---------------------------------------------------------------------------------------------
# lanes in use and dark lanes


def lanes_in_use(f: pd.DataFrame, cfg: dict, known_ports: pd.MultiIndex | None = None) -> np.ndarray:
    """Lanes the port really uses, per lane row of `f` (lane, tx/rx/bias, port_lanes, media_lanes,
    speed_gbps). In order of evidence:
    1. the module's own transmitter on that lane is lit: in use (a module lights only the lanes its
       data path is configured for);
    2. the lane is within the module's media lane count (CMIS application: DOM lanes are media
       lanes), or else within the port's lane count (breakout map / port config), or else within
       the lanes the port's speed needs
       (speed / the fastest lane rate, [lanes].max_lane_gbps);
    3. nothing known: a port whose lit lanes are exactly a leading 1, 2 or 4 of a bank and whose
       other lanes read nothing (0, -inf or the noise floor, no bias) uses only the leading ones
       (CMIS banks print 8 lanes)."""
    lc = cfg["lanes"]
    floor = dark_floor_mw(cfg)
    lane = _f(f["lane"])
    tx = _f(f["tx_power_mw"])
    rx = _f(f["rx_power_mw"])
    bias = _f(f["tx_bias_ma"])
    with np.errstate(invalid="ignore"):
        tx_lit = tx > floor
    # "all-zero": no Tx and no Rx above the noise floor (unused lanes read -inf or the floor), no bias
    with np.errstate(invalid="ignore"):
        zero = ~(tx > floor) & ~(rx > floor) & (np.nan_to_num(bias, nan=0.0) == 0)
    key = [f["device"], f["port"]]
    n = len(f)
    need = np.full(n, np.nan)
    for col in ("media_lanes", "port_lanes"):   # DOM lanes are media lanes (400G-DR4: 8 host, 4 media)
        if col in f:
            v = _f(f[col])
            need = np.where(np.isnan(need), v, need)
    if "speed_gbps" in f:
        sp = _f(f["speed_gbps"])
        with np.errstate(invalid="ignore", divide="ignore"):
            by_speed = np.where(sp > 0, np.ceil(sp / float(lc.get("max_lane_gbps", 100.0))), np.nan)
        need = np.where(np.isnan(need), by_speed, need)
    lit_lane = np.where(~zero, lane, 0.0)
    max_lit = pd.Series(lit_lane, index=f.index).groupby(key, sort=False).transform("max").to_numpy()
    n_lanes = pd.Series(lane, index=f.index).groupby(key, sort=False).transform("max").to_numpy()
    heuristic = ~(np.isin(max_lit, (1, 2, 4)) & (max_lit < n_lanes) & (lane > max_lit))
    with np.errstate(invalid="ignore"):
        by_count = np.where(np.isnan(need), heuristic, lane <= need)
    in_use = tx_lit | by_count
    # 4. lanes past the port's own lane count belong to another port of the module: a breakout
    #    sibling the device reports (SONiC/EOS/Cumulus naming: judged there), or a port the name
    #    does not tell (a twin-port module printed under each NIC port): not this port's lanes
    if "port_lanes" in f:
        k = _f(f["port_lanes"])
        kn = _f(f["_name_lanes"]) if "_name_lanes" in f else k
        with np.errstate(invalid="ignore"):
            beyond = (k > 0) & (lane > k) & in_use
        if beyond.any():
            idx = np.flatnonzero(beyond)
            known = known_ports if known_ports is not None else pd.MultiIndex.from_arrays([f["device"], f["port"]]).unique()
            sub = f.iloc[idx]
            owner = breakout_owner(sub["device"], sub["port"], lane[idx], k[idx], known, kn[idx])
            in_use[idx] = owner != sub["port"].to_numpy(dtype=object)
    return in_use


def ib_reduced_width(snap, device_platforms: dict[str, str] | None) -> pd.DataFrame:
    """InfiniBand ports up at fewer lanes than they should train at: (device, port, trained,
    expected). An IB link whose lane fails trains at a narrower width (4x -> 2x or 1x) and stays up;
    the port then reports the trained width as its lanes, and the failed lane would read as unused.
    Expected is the width the device's other up ports train at (their most common width), capped
    by the lanes the port's module reports. IB ports: the device's platform starts with "ib", the
    port is an HCA port (mlx5_N/P), or the device's neighbours come from ibdiagnet/ibnetdiscover
    (switches seen through them). Ethernet ports run at their configured lanes: not judged."""
    P = snap.ports
    empty = pd.DataFrame({"device": [], "port": [], "trained": [], "expected": []})
    if P.empty or "lanes" not in P:
        return empty
    up = P["oper_up"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    k = _f(P["lanes"])
    live = up & (k > 0)
    if not live.any():
        return empty
    # IB by device (platform, or neighbours from ibdiagnet/ibnetdiscover: switches seen through them,
    # not devices of the inventory) or by port name (an HCA port), each decided per distinct value
    N = snap.neighbors
    ib_dev = {d for d, pf in (device_platforms or {}).items() if str(pf).startswith("ib")}
    if len(N):
        ib_dev |= set(N.loc[N["protocol"].isin(["ibdiagnet", "ibnetdiscover"]).to_numpy(dtype=bool), "device"].unique())
    dc, du = pd.factorize(P["device"])
    pc, pu = pd.factorize(P["port"])
    ib = (np.append(pd.Index(du, dtype=object).isin(list(ib_dev)), False)[dc]
          | np.append(pd.Index(pu, dtype=object).astype(str).str.match(r"^mlx\d+_\d+/\d+$"), False)[pc])
    sel = ib & live
    if not sel.any():
        return empty
    q = P.loc[sel, ["device", "port"]].assign(trained=k[sel])
    mode = q.groupby("device", sort=False)["trained"].agg(lambda x: x.value_counts().idxmax()).rename("expected")
    q = q.join(mode, on="device")
    L = snap.lanes
    if len(L):
        rd = [c for c in ("tx_power_mw", "rx_power_mw", "tx_bias_ma") if c in L]
        lr = L.loc[L[rd].notna().any(axis=1).to_numpy(), ["device", "port", "lane"]] if rd else L.iloc[:0]
        m = lr.groupby(["device", "port"], sort=False)["lane"].max().rename("module_lanes").reset_index()
        q = q.merge(m, on=["device", "port"], how="left")
        ml = _f(q["module_lanes"])
        q["expected"] = np.where(ml > 0, np.fmin(_f(q["expected"]), ml), _f(q["expected"]))
    q = q[_f(q["trained"]) < _f(q["expected"])]
    return q[["device", "port", "trained", "expected"]].reset_index(drop=True)


def dark_floor_mw(cfg: dict) -> float:
    """The optics' noise floor in mW: a reading at or below it is no light ([lanes].dark_dbm)."""
    lc = cfg["lanes"]
    if "dark_dbm" in lc:
        return float(units.dbm_to_mw(lc["dark_dbm"]))
    return float(lc.get("dark_mw", 1e-4))


def dark_lanes(f: pd.DataFrame, cfg: dict) -> np.ndarray:
    """No light on the lane: the module's Rx LOS flag (unless the lane's own reading is above its low
    alarm: flags are latched), a reading at or below the noise floor, or a reading more than
    [lanes].dark_below_low_alarm_db under the module's own Rx low alarm."""
    rx = _f(f["rx_power_mw"])
    los = f["rx_los"].astype("boolean").fillna(False).to_numpy(dtype=bool) if "rx_los" in f else np.zeros(len(f), bool)
    lo = _f(f["rx_power_mw_low_alarm"]) if "rx_power_mw_low_alarm" in f else np.full(len(f), np.nan)
    margin = float(cfg["lanes"].get("dark_below_low_alarm_db", 10.0))
    with np.errstate(invalid="ignore"):
        floor = rx <= dark_floor_mw(cfg)
        far_below = (lo > 0) & (rx < lo / 10 ** (margin / 10.0))
        # CMIS flags are latched: a LOS flag beside a reading above the low alarm is a past event
        contradicted = rx > np.where(lo > 0, lo, dark_floor_mw(cfg))
    return (los & ~contradicted) | floor | far_below


# ---------------------------------------------------------------------------------------------
# breakout: lanes of a module read on the first sub-port belong to the sibling sub-ports

_SONIC = re.compile(r"^(Ethernet)(\d+)$")
_EOS = re.compile(r"^((?:Ethernet|Et)\d+(?:/\d+)*/)(\d+)$")
_CUMULUS = re.compile(r"^(swp\d+s)(\d+)$")


def _sibling_name(port: str, step: int, k: int) -> str | None:
    """The sub-port `step` places after `port` in a breakout, by the platform's naming: SONiC and EOS
    names step by the host lanes `k` (Ethernet0 -> Ethernet2; Ethernet1/1 -> Ethernet1/3), Cumulus
    by one (swp1s0 -> swp1s1); None for a name of no breakout form."""
    for rx, per_lane in ((_SONIC, True), (_EOS, True), (_CUMULUS, False)):
        m = rx.match(port)
        if m:
            base = int(m.group(2))
            return f"{m.group(1)}{base + step * k if per_lane else base + step}"
    return None


def breakout_owner(device: pd.Series, port: pd.Series, lane: np.ndarray, port_lanes: np.ndarray,
                   known_ports: pd.MultiIndex, name_lanes: np.ndarray | None = None) -> np.ndarray:
    """For lanes beyond their port's lane count: the sibling sub-port that owns the lane when the
    device reports that port (SONiC EthernetN + k, EOS Ethernet1/1 -> 1/3, Cumulus swp1s0 -> s1),
    else the port itself. Module data of a breakout sits on the first sub-port. `port_lanes` are
    the module lanes each sub-port owns; `name_lanes` (default: the same) the host lanes the
    platform's names step by (a 400G-DR4 split 4 x 100G: one media lane each, names 2 apart).
    (The sibling's name is worked out once per distinct (port, name step, step); the device's ports
    looked up at once.)"""
    out = port.to_numpy(dtype=object).copy()
    with np.errstate(invalid="ignore"):
        beyond = (port_lanes > 0) & (lane > port_lanes)
    idx = np.flatnonzero(beyond)
    if not len(idx):
        return out
    k = np.asarray(port_lanes)[idx].astype(np.int64)
    if name_lanes is None:
        kn = k
    else:
        nl = np.asarray(name_lanes, dtype="float64")[idx]
        kn = np.where(nl > 0, nl, k).astype(np.int64)
    step = (np.asarray(lane)[idx].astype(np.int64) - 1) // k
    pcodes, puniq = pd.factorize(pd.Series(out[idx], dtype=object).map(str).to_numpy(dtype=object))
    tkey = (pcodes.astype(np.int64) * (int(kn.max()) + 1) + kn) * (int(step.max()) + 1) + step
    tcodes, tuniq = pd.factorize(tkey)
    names = [None] * len(tuniq)
    first = np.unique(tcodes, return_index=True)[1]   # a row of each distinct (port, name step, step)
    kk, ss, first_p = kn[first], step[first], pcodes[first]
    for t in range(len(tuniq)):
        names[t] = _sibling_name(puniq[first_p[t]], int(ss[t]), int(kk[t]))
    cand = np.array(names, dtype=object)[tcodes]
    has = np.flatnonzero(pd.notna(cand))
    if len(has):
        dev = device.to_numpy(dtype=object)[idx[has]]
        pairs = pd.MultiIndex.from_arrays([pd.Index(dev, dtype=object), pd.Index(cand[has], dtype=object)])
        known = np.asarray(pairs.isin(known_ports), dtype=bool)
        out[idx[has[known]]] = cand[has[known]]
    return out


# ---------------------------------------------------------------------------------------------
# one module serving several ports, printed whole under each (Linux twin-port OSFP, Cumulus splits)


def _natural(name: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))


def module_share(modules: pd.DataFrame) -> pd.DataFrame:
    """Ports served by one module: (device, port, share_n, share_i) for every port whose module's
    serial number (same device) also sits on other ports; share_n ports in all, share_i this port's
    place among them in natural name order (ens1f1np1 < ens2f1np1, swp3s0 < swp3s1, Ethernet0 <
    Ethernet4). A split or twin-port module drives consecutive lane groups in that order."""
    cols = ["device", "port", "serial", "share_n", "share_i"]
    if modules is None or modules.empty or "serial" not in modules:
        return pd.DataFrame(columns=cols)
    return _memo("module_share", (modules,), lambda: _module_share(modules, cols))


def _module_share(modules: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    m = modules[["device", "port", "serial"]].dropna(subset=["serial"])
    m = m[m["serial"].astype(str).str.strip().str.len() > 0].drop_duplicates(["device", "port"])
    if m.empty:
        return pd.DataFrame(columns=cols)
    n = m.groupby(["device", "serial"], sort=False)["port"].transform("size")
    m = m[(n >= 2).to_numpy()]
    if m.empty:
        return pd.DataFrame(columns=cols)
    # natural order of the port names, computed once per distinct name (names repeat on every
    # device): equal keys share a rank, so the stable sort keeps their row order
    codes, uniq = pd.factorize(m["port"].astype(str).to_numpy(dtype=object), use_na_sentinel=False)
    keys = [_natural(u) for u in uniq]
    rank_of = {k: i for i, k in enumerate(sorted(set(keys)))}
    rank = np.array([rank_of[k] for k in keys], dtype=np.int64)
    m = m.assign(_k=rank[codes]).sort_values(["device", "serial", "_k"], kind="stable")
    m["share_i"] = m.groupby(["device", "serial"], sort=False).cumcount()
    m["share_n"] = m.groupby(["device", "serial"], sort=False)["port"].transform("size")
    return m[cols].reset_index(drop=True)


_MEMO: dict = {}


def breakout_media_lanes(snap) -> dict:
    """{(device, port): module lanes each sub-port owns} for the first sub-ports of breakouts whose
    sub-ports own fewer module (media) lanes than host lanes: a 400G-DR4 module split 4 x 100G
    reports 4 media lanes on its first sub-port, each 100G sub-port using 2 host lanes (so names
    step by 2: Ethernet0, 2, 4, 6) and 1 media lane. The sub-ports are the port and its siblings by
    name (as breakout_owner names them) up to the next port holding its own lane readings; the
    module's media lanes are shared equally among them. Ports whose shares equal their host lanes
    (an 800G module split 2 x 400G) are left out: nothing changes for them."""
    M, P = snap.modules, snap.ports
    if M.empty or P.empty or "media_lanes" not in M:
        return {}
    return _memo("breakout_media_lanes", (M, P, snap.lanes), lambda: _breakout_media_lanes(snap))


def _breakout_media_lanes(snap) -> dict:
    M, P = snap.modules, snap.ports
    # module ports with a breakout name form only (decided per distinct name), two columns at a time
    codes, names = pd.factorize(M["port"])
    form = np.array([_sibling_name(str(x), 1, 1) is not None for x in names], dtype=bool)
    sel = (codes >= 0) & np.append(form, False)[codes] & M["media_lanes"].notna().to_numpy(dtype=bool)
    m = M.loc[sel, ["device", "port", "media_lanes"]].drop_duplicates(["device", "port"])
    if m.empty:
        return {}
    pl = P[["device", "port", "lanes"]]
    m = m.merge(pl[pl["lanes"].notna().to_numpy(dtype=bool)].drop_duplicates(["device", "port"]), on=["device", "port"])
    ml, k = _f(m["media_lanes"]), _f(m["lanes"])
    # a module shared by sub-ports that each use fewer media than host lanes has more media lanes
    # than its first sub-port has host lanes
    m = m[(k > 0) & (ml > k)]
    if m.empty:
        return {}
    # the first sibling of each module port, per distinct (name, lanes); only rows whose first sibling
    # is a port of the device with no module row and no lane readings of its own go further
    pc, pu = pd.factorize(m["port"])
    kk = _f(m["lanes"]).astype(np.int64)
    kc, ku = pd.factorize(pc.astype(np.int64) * (int(kk.max()) + 1) + kk)
    at = np.unique(kc, return_index=True)[1]
    first = np.array([_sibling_name(str(pu[pc[i]]), 1, int(kk[i])) for i in at], dtype=object)[kc]
    devs = set(m["device"])

    def pairs(frame):
        f = frame[["device", "port"]]
        f = f[f["device"].isin(devs).to_numpy(dtype=bool)]
        return pd.MultiIndex.from_arrays([f["device"].astype(object), f["port"].astype(object)])

    known, own = pairs(P), pairs(M).append(pairs(snap.lanes)) if len(snap.lanes) else pairs(M)
    sib = pd.MultiIndex.from_arrays([m["device"].astype(object), pd.Index(first, dtype=object)])
    go = np.asarray(sib.isin(known), dtype=bool) & ~np.asarray(sib.isin(own), dtype=bool)
    m = m[go]
    if m.empty:
        return {}
    known, own = set(known), set(own)
    out = {}
    for dev, port, ml_, k_ in zip(m["device"], m["port"], _f(m["media_lanes"]), _f(m["lanes"])):
        n = 1
        while n < ml_:
            sname = _sibling_name(str(port), n, int(k_))
            if (dev, sname) not in known or (dev, sname) in own:
                break
            n += 1
        if n > 1 and ml_ % n == 0 and ml_ // n != k_:
            out[(dev, port)] = int(ml_ // n)
    return out


def breakout_lanes_of(device, port, k: np.ndarray, override: dict) -> np.ndarray:
    """`k` (host lanes per row) with breakout_media_lanes' override where it applies."""
    if not override:
        return k
    o = np.array([override.get(x, np.nan) for x in zip(device, port)], dtype="float64")
    return np.where(np.isnan(o), k, o)


def _memo(name: str, frames: tuple, compute):
    """`compute()` once per set of input frames (by identity, held weakly): the analysis derives the
    same table from the same snapshot in several rules. Callers must not modify the result."""
    hit = _MEMO.get(name)
    if hit is not None and len(hit[0]) == len(frames) and all(r() is f for r, f in zip(hit[0], frames)):
        return hit[1]
    out = compute()
    try:
        refs = [weakref.ref(f, lambda _r, n=name: _MEMO.pop(n, None)) for f in frames]
    except TypeError:
        return out
    _MEMO[name] = (refs, out)
    return out


def shared_lane_offset(f: pd.DataFrame, share: pd.DataFrame,
                       port_lanes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per lane row of `f` (device, port, lane, tx/rx power): (owned, offset). A port whose module
    serves share_n ports and is printed whole under each of them owns only its own group, lanes
    share_i x per + 1 .. (share_i + 1) x per (per = the module's lanes / share_n); `offset` is
    share_i x per, to number the lanes within the port (port lane = lane - offset). Printed whole:
    the port lists more lanes than its own lane count (`port_lanes`, where known), or every port of
    the module lists the same readings lane by lane (one module, one print). A module whose ports
    each list their own lanes keeps them. Other rows: owned, offset 0."""
    n = len(f)
    owned, offset = np.ones(n, bool), np.zeros(n)
    if not n or share is None or share.empty:
        return owned, offset
    s = f[["device", "port"]].merge(share, on=["device", "port"], how="left")
    sn, si = _f(s["share_n"]), _f(s["share_i"])
    lane = _f(f["lane"])
    top = pd.Series(lane, index=f.index).groupby([f["device"], f["port"]], sort=False).transform("max").to_numpy()
    shared = ~np.isnan(sn)
    same = np.zeros(n, bool)
    if shared.any():   # identical readings under every port of the module, lane by lane
        idx = np.flatnonzero(shared)
        vals = [np.round(_f(f[c]).take(idx), 6) for c in ("tx_power_mw", "rx_power_mw") if c in f]
        # integer codes for the keys (no strings copied): groups (device, serial, lane) and
        # (device, serial) are the same as over the names
        d = pd.factorize(f["device"].take(idx))[0]
        sc = pd.factorize(s["serial"].take(idx))[0]
        pc = pd.factorize(f["port"].take(idx))[0].astype("float64")
        pc[pc < 0] = np.nan
        grp = pd.DataFrame({"d": d, "s": sc, "l": lane[idx]}).groupby(["d", "s", "l"], sort=False, dropna=False).ngroup()
        grp = grp.to_numpy()
        # one reading per (device, serial, lane): every row equal to its group's first row; a
        # reading with a NaN in it equals no other (as the distinct count of the (tx, rx) tuples
        # of numpy floats counts it), so a group of two or more such rows is not one reading
        pos = np.arange(len(idx))
        first = pd.Series(pos).groupby(grp, sort=False).transform("min").to_numpy()
        eq = np.ones(len(idx), bool)
        for v in vals:
            eq &= v == v[first]
        size = np.bincount(grp)[grp] if len(grp) else grp
        one_val = (pd.Series(eq).groupby(grp, sort=False).transform("all").to_numpy(dtype=bool)) | (size == 1)
        ports_n = pd.Series(pc).groupby(grp, sort=False).transform("nunique").to_numpy()
        one = one_val & (ports_n == sn[idx]) & ~np.isnan(lane[idx])   # a lane with no number is in no group
        ds = pd.DataFrame({"d": d, "s": sc}).groupby(["d", "s"], sort=False).ngroup().to_numpy()
        same[idx] = pd.Series(one).groupby(ds, sort=False).transform("all").to_numpy(dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        per = np.floor(top / sn)
        beyond = top > port_lanes if port_lanes is not None else np.zeros(n, bool)
        whole = shared & (sn >= 2) & (per >= 1) & (top > per) & (beyond | same)
        lo = si * per
        mine = (lane > lo) & (lane <= lo + per)
    owned = np.where(whole, mine, True)
    offset = np.where(whole, lo, 0.0)
    return owned.astype(bool), np.nan_to_num(offset)


def owned_lanes(snap) -> pd.DataFrame:
    """The lanes table keyed to the ports that own each lane: breakout lanes on the first sub-port
    moved to their sibling (:func:`lanes_by_owner`), a module printed whole under each port it
    serves cut to each port's own lane group, with `port_lane` the lane's number within its port."""
    return _memo("owned_lanes", (snap.lanes, snap.ports, snap.modules), lambda: _owned_lanes(snap))


def _owned_lanes(snap) -> pd.DataFrame:
    if snap.lanes.empty:
        return snap.lanes.assign(port_lane=pd.Series([], dtype="float64"))
    L = lanes_by_owner(snap)
    lane = _f(L["lane"])
    moved = L["port"].to_numpy(dtype=object) != snap.lanes["port"].to_numpy(dtype=object)
    if moved.any():   # a breakout sibling's lanes: numbered from 1 within the sibling
        k = L[["device", "port"]].merge(snap.ports[["device", "port", "lanes"]].drop_duplicates(["device", "port"]),
                                        on=["device", "port"], how="left")["lanes"]
        k0 = snap.lanes[["device", "port"]].merge(snap.ports[["device", "port", "lanes"]].drop_duplicates(
            ["device", "port"]), on=["device", "port"], how="left")["lanes"]
        kk = np.where(np.isnan(_f(k0)), _f(k), _f(k0))
        with np.errstate(invalid="ignore"):
            lane = np.where(moved & (kk > 0), (lane - 1) % np.where(kk > 0, kk, 1) + 1, lane)
    pl = L[["device", "port"]].merge(snap.ports[["device", "port", "lanes"]].drop_duplicates(["device", "port"]),
                                     on=["device", "port"], how="left")["lanes"] if len(snap.ports) else None
    owned, off = shared_lane_offset(L, module_share(snap.modules), None if pl is None else _f(pl))
    L = L[owned]
    return L.assign(port_lane=(lane - off)[owned])


# ---------------------------------------------------------------------------------------------
# module classes and fallback thresholds

# a reach code standing alone or after a speed ('-SR4', '400G-DR4', 'SFP-10/25GLR-31', '400ZR')
_CLASS_RX = re.compile(r"(?:(?<![A-Za-z])|(?<=\dG)|(?<=\d))(SR|DR|FR|LR|ER|ZR)(?=\d|\b|-|_)", re.I)


def module_class(modules: pd.DataFrame) -> np.ndarray:
    """Class of each module for fallback thresholds: sr, dr, fr, lr, er (ER/ZR), aoc, copper or
    default. From the media, then the reach code in the part number / identifier (…-SR4, DR4,
    400ZR), then the wavelength (850 nm multimode -> sr; 1310 nm single-mode with a length -> dr
    up to 500 m, fr up to 2 km, lr beyond; 1310 nm over MPO with no length -> dr).
    Text is looked at once per distinct value (media, part number and identifier, connector)."""
    n = len(modules)
    out = np.full(n, "default", dtype=object)
    if not n:
        return out

    def distinct(col: str):
        """(codes, the distinct values as text, '' for a missing value at code -1)"""
        codes, uniq = pd.factorize(modules[col])
        return codes, [str(u) for u in np.asarray(uniq, dtype=object).tolist()] + [""]

    mcodes, mtext = distinct("media")
    mlow = [t.lower() for t in mtext]
    # the reach code of each distinct (part number, identifier) pair (they repeat across the fleet)
    pcodes, ptext = distinct("part_number")
    icodes, itext = distinct("identifier")
    w = len(itext)
    kcodes, kuniq = pd.factorize((pcodes.astype(np.int64) + 1) * w + (icodes + 1))
    text = [ptext[k // w - 1] + " " + itext[k % w - 1] for k in kuniq.tolist()]
    code = pd.Series(text, dtype=object).str.extract(_CLASS_RX, expand=False).fillna("").str.lower() \
        .to_numpy(dtype=object)
    code = np.where(code == "zr", "er", code)[kcodes] if len(text) else np.full(n, "", dtype=object)
    wl = _f(modules["wavelength_nm"])
    length = _f(modules["length_m"])
    labels = np.array(["default", "sr", "dr", "fr", "lr", "er"], dtype=object)
    with np.errstate(invalid="ignore"):
        sr, o, er = (wl >= 800) & (wl <= 950), (wl >= 1260) & (wl <= 1360), (wl >= 1500) & (wl <= 1620)
        by_wl = np.select([sr, o & (length <= 500), o & (length <= 2000), o & (length > 2000), o, er],
                          [1, 2, 3, 4, 0, 5], 0)
    # 1310 nm over a parallel (MPO) connector with no length is DR (400GBASE-DR4/800G DR8 are the
    # 1310 nm parallel single-mode PMDs; FR/LR use duplex LC with CWDM)
    if "connector" in modules:
        ccodes, ctext = distinct("connector")
        mpo = np.array([bool(re.search("MPO|MTP", t.upper())) for t in ctext], dtype=bool)[ccodes]
    else:
        mpo = np.zeros(n, dtype=bool)
    by_wl = np.where((by_wl == 0) & o & np.isnan(length) & mpo, 2, by_wl)
    out = np.where(code != "", code, labels[by_wl])
    out = np.where(np.array([t == "aoc" for t in mlow], dtype=bool)[mcodes], "aoc", out)
    out = np.where(np.array([t in ("dac", "acc") for t in mlow], dtype=bool)[mcodes], "copper", out)
    return out.astype(object)


# ---------------------------------------------------------------------------------------------
# BER tables: FEC mode x lane rate


def ber_profile(fec: pd.Series, speed: np.ndarray, lanes: np.ndarray, ib: np.ndarray, dac: np.ndarray) -> np.ndarray:
    """Which [ber.*] table of thresholds.toml applies to each row: infiniband / infiniband_dac for
    InfiniBand; for Ethernet by FEC mode and lane rate: ethernet_nofec (no FEC: the raw BER is the
    delivered BER), ethernet_fc (BASE-R/Firecode), ethernet_rs528 (RS(528,514), 25G NRZ lanes),
    ethernet_rs544 (RS(544,514), 50/100G PAM4 lanes), ethernet_rs544_200g (200G lanes); plain
    `ethernet` when the FEC mode is not reported."""
    codes, modes = pd.factorize(fec.astype(object).fillna(""), use_na_sentinel=False)   # per distinct FEC text
    fe = pd.Series(modes, dtype=object).astype(str).str.lower().str.replace(r"[^a-z0-9]", "", regex=True).to_numpy(
        dtype=object)[codes] if len(modes) else np.array([], dtype=object)
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


# ---------------------------------------------------------------------------------------------
# counters: lifetime counts, PHY-local evidence


def lifetime_rate_severity(count: np.ndarray, seconds: np.ndarray, severity: str, cfg: dict,
                           frames: np.ndarray | None = None,
                           link_downs: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A counter read once is a count since the last clear. It is judged against its exposure:
    - where the platform reports the time since the clear, as a rate ([counter_rates] per hour): at
      or over `critical_per_hour` critical, at or over `warning_per_hour` warning;
    - else, where the port's received frames are known, as a ratio per frame: at or over
      `critical_per_frame` critical, at or over `warning_per_frame` warning;
    - below those: info (a lifetime count at a negligible rate is context, not a fault); never above
      the counter's configured severity;
    - with no exposure known: counts within `bring_up_allowance` per link bring-up (link-down
      events + 1) are info, larger counts keep the configured severity.
    Returns (severity, rate per hour, ratio per frame)."""
    rc = cfg.get("counter_rates", {})
    n = len(count)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_h = np.where(seconds > 0, count / (seconds / 3600.0), np.nan)
        fr = np.full(n, np.nan) if frames is None else frames.astype("float64")
        per_f = np.where(np.isnan(per_h) & (fr > 0), count / fr, np.nan)
    by_time = np.where(per_h >= float(rc.get("critical_per_hour", 1.0)), "critical",
                       np.where(per_h >= float(rc.get("warning_per_hour", 1.0 / 24)), "warning", "info"))
    by_frames = np.where(per_f >= float(rc.get("critical_per_frame", 1e-9)), "critical",
                         np.where(per_f >= float(rc.get("warning_per_frame", 6.2e-11)), "warning", "info"))
    # no exposure at all: a few errors per link bring-up (training, module insertion) are what every
    # link counts since boot; only counts beyond that allowance keep the configured severity
    allow = float(rc.get("bring_up_allowance", 0))
    ups = np.full(n, 1.0) if link_downs is None else np.nan_to_num(link_downs.astype("float64"), nan=0.0) + 1.0
    blind = np.where(count <= allow * ups, "info", severity)
    sev = np.where(~np.isnan(per_h), by_time, np.where(~np.isnan(per_f), by_frames, blind)).astype(object)
    if severity == "warning":
        sev = np.where(sev == "critical", "warning", sev)
    elif severity == "info":
        sev = np.where(sev != "off", "info", sev)
    return sev.astype(object), per_h, per_f


def window_severity(win: np.ndarray, seconds: np.ndarray, severity: str, cfg: dict,
                    sevs: np.ndarray, detail: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A counter's change between two readings the device or tool took itself (ibdiagnet PM_DELTA
    over --pm_pause_time), where known, decides instead of the lifetime count: no change -> info
    (the lifetime count is history, not a current fault); a change over a known time -> its rate per
    hour judged as [counter_rates]; a change over an unknown time -> the counter's severity (rising
    now). Never above the configured severity. Rows with no window count keep (sevs, detail)."""
    rc = cfg.get("counter_rates", {})
    known = ~np.isnan(win)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_h = np.where(seconds > 0, win / (seconds / 3600.0), np.nan)
    rated = np.where(per_h >= float(rc.get("critical_per_hour", 1.0)), "critical",
                     np.where(per_h >= float(rc.get("warning_per_hour", 1.0 / 24)), "warning", "info"))
    by_win = np.where(win <= 0, "info", np.where(np.isnan(per_h), severity, rated)).astype(object)
    if severity == "warning":
        by_win = np.where(by_win == "critical", "warning", by_win)
    elif severity == "info":
        by_win = np.where(by_win != "off", "info", by_win)
    text = np.array([
        "" if not k else
        (f"not rising: no change over the {s:g} s between two counter readings (a lifetime count)" if s == s
         else "not rising: no change between the tool's two counter readings (a lifetime count)") if w <= 0 else
        (f"rising: {w:.0f} more over the {s:g} s between two counter readings ({h:.3g} per hour)" if s == s
         else f"rising: {w:.0f} more between the tool's two counter readings")
        for k, w, s, h in zip(known, win, seconds, per_h)], dtype=object)
    return (np.where(known, by_win, sevs).astype(object), np.where(known, text, detail).astype(object))


# which counter of the same row a device-reported BER is computed from (errors / bits since the clear)
BER_COUNTS = {"effective_ber": "fec_uncorrectable_cw", "symbol_ber": "symbol_errors"}


def poisson_lower(k: np.ndarray, z: float) -> np.ndarray:
    """One-sided lower confidence bound of a Poisson mean from `k` observed events (Wilson-Hilferty
    approximation of the chi-square quantile; 0 for k = 0)."""
    k = np.asarray(k, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = k * np.clip(1.0 - 1.0 / (9.0 * k) - z / (3.0 * np.sqrt(k)), 0.0, None) ** 3
    return np.where(k > 0, lo, 0.0)


def ber_count_factor(frame: pd.DataFrame, ber: str, cfg: dict) -> np.ndarray:
    """Per row: the factor that turns a device-reported post-FEC/symbol BER into the lower bound of
    its confidence interval, from the event count the BER was computed from ([ber_counts]).

    A post-FEC BER since the last clear is (uncorrectable codewords x bits per codeword) / bits
    received: three codewords in months read 1e-13, at a limit of 1e-13. Three events say the true
    rate lies anywhere in about 0.3x..2.5x the estimate; the BER is judged over its limit only when
    the lower bound is (one-sided, [ber_counts].z). Rows whose count is not reported are judged as
    reported (factor 1)."""
    n = len(frame)
    col = BER_COUNTS.get(ber)
    z = cfg.get("ber_counts", {}).get("z")
    if col is None or z is None or col not in frame:
        return np.ones(n)
    k = _f(frame[col])
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(k > 0, poisson_lower(np.nan_to_num(k, nan=0.0), float(z)) / k, 1.0)
    return np.where(np.isnan(f), 1.0, f)


def phy_local(counters: pd.DataFrame, fec_histogram: pd.DataFrame | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per counters row: (PHY-local evidence reported, PHY-local errors present). Reported when any
    FEC/symbol counter or a BER is given, or the port has a FEC histogram; errors when FEC
    uncorrectable codewords or symbol errors are non-zero."""
    n = len(counters)
    known = np.zeros(n, bool)
    bad = np.zeros(n, bool)
    for c in PHY_KNOWN_COUNTERS + PHY_LOCAL_BER:
        if c in counters:
            v = _f(counters[c])
            known |= ~np.isnan(v)
            if c in PHY_LOCAL_COUNTERS:
                with np.errstate(invalid="ignore"):
                    bad |= v > 0
    if fec_histogram is not None and len(fec_histogram):
        k = pd.MultiIndex.from_arrays([counters["device"], counters["port"]]).isin(
            pd.MultiIndex.from_arrays([fec_histogram["device"], fec_histogram["port"]]))
        known |= np.asarray(k, dtype=bool)
    return known, bad


def fec_tail(hist: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    """Ports whose FEC histogram has codewords in its tail bins (at or over [fec_histogram].tail_bin
    corrected symbols: RS(544,514) corrects at most 15 per codeword) at a share of all codewords of
    at least [fec_histogram].tail_fraction. The histogram counts since the last clear like any
    counter: a few tail codewords among 1e12 are a lifetime count, not a link without margin.
    Columns device, port, tail (codewords in the tail), bin (first tail bin), fraction."""
    cols = ["device", "port", "tail", "bin", "fraction"]
    if hist is None or hist.empty:
        return pd.DataFrame(columns=cols)
    hc = cfg.get("fec_histogram", {})
    t = int(hc.get("tail_bin", 13))
    frac = float(hc.get("tail_fraction", 1e-6))
    b = _f(hist["bin"])
    cnt = np.nan_to_num(_f(hist["count"]), nan=0.0)
    with np.errstate(invalid="ignore"):
        tail = (b >= t) & (cnt > 0)
    if not tail.any():
        return pd.DataFrame(columns=cols)
    h = pd.DataFrame({"device": hist["device"].to_numpy(), "port": hist["port"].to_numpy(), "_c": cnt,
                      "_t": np.where(tail, cnt, 0.0), "_b": np.where(tail, b, np.inf)})
    g = h.groupby(["device", "port"], sort=False).agg(total=("_c", "sum"), tail=("_t", "sum"), bin=("_b", "min"))
    g = g[g["tail"] > 0]
    g["fraction"] = g["tail"] / g["total"]
    g = g[g["fraction"] >= frac]
    return g.reset_index()[cols]


# ---------------------------------------------------------------------------------------------
# link level: port-level "seen", flaps on both ends


def ports_seen(snap) -> pd.MultiIndex:
    """(device, port) pairs the snapshot holds any row for."""
    keys = [snap.ports, snap.modules, snap.lanes, snap.counters]
    parts = [t[["device", "port"]] for t in keys if len(t)]
    if not parts:
        return pd.MultiIndex.from_arrays([[], []], names=["device", "port"])
    allp = pd.concat(parts, ignore_index=True).drop_duplicates()
    return pd.MultiIndex.from_frame(allp)


def end_seen(devices: pd.Series, ports: pd.Series, snap, collected_devices: set) -> tuple[np.ndarray, np.ndarray]:
    """Per link end: (seen, gone). Seen: the snapshot has a row for that port. Gone: its device was
    collected but the port is missing (a NIC port that vanished is evidence, not silence)."""
    seen_ports = ports_seen(snap)
    here = pd.MultiIndex.from_arrays([devices, ports])
    seen = np.asarray(here.isin(seen_ports), dtype=bool)
    dev_ok = devices.isin(collected_devices).to_numpy(dtype=bool)
    # a device that reports ports at all (some platforms give only neighbors): a port absent from
    # its port table is gone
    with_ports = devices.isin(set(snap.ports["device"].unique())).to_numpy(dtype=bool)
    gone = dev_ok & with_ports & ~seen
    return seen, gone


def flap_both_ends(a_flap: np.ndarray, b_flap: np.ndarray, a_known: np.ndarray, b_known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A flap is a link going down and up: both ends count it. When both ends' link-down counters
    are known, a flap needs both ends over the limit (one end's count since boot from the other
    end's reboots is not a flap); with one end unknown, that end's own count stands."""
    both = a_flap & b_flap
    a = np.where(b_known, both, a_flap)
    b = np.where(a_known, both, b_flap)
    return a, b


def flapping_ports(counters: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    """(device, port) whose link-down count reaches [links].flap_link_down_events. With a time base
    (time_since_clear_s) the count must also come at [links].flap_per_day or faster: twelve
    link-downs over 200 days of host reboots are not a flapping link."""
    if counters is None or counters.empty:
        return pd.DataFrame(columns=["device", "port"])
    n = float(cfg["links"]["flap_link_down_events"])
    per_day = float(cfg["links"].get("flap_per_day", n))
    lde = _f(counters["link_down_events"])
    secs = _f(counters["time_since_clear_s"]) if "time_since_clear_s" in counters else np.full(len(counters), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(secs > 0, lde / (secs / 86400.0), np.nan)
        hit = (lde >= n) & ~(rate < per_day)
    return counters.loc[hit, ["device", "port"]].reset_index(drop=True)


def link_down_known(links: pd.DataFrame, snap) -> tuple[np.ndarray, np.ndarray]:
    """Per planned link: is the link-down counter of end a / end b reported?"""
    c = snap.counters
    if c.empty:
        z = np.zeros(len(links), bool)
        return z, z.copy()
    k = c.loc[c["link_down_events"].notna().to_numpy(dtype=bool), ["device", "port"]]
    idx = pd.MultiIndex.from_frame(k)
    a = pd.MultiIndex.from_arrays([links["a_device"], links["a_port"]]).isin(idx)
    b = pd.MultiIndex.from_arrays([links["b_device"], links["b_port"]]).isin(idx)
    return np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)


def lit_ports(snap, symptoms: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    """(device, port) that receive light: some lane reads above the noise floor and no lane has a
    dark/LOS symptom. With a link down at both ends, light both ways points at configuration (FEC,
    speed, autoneg), not at the optics."""
    L = owned_lanes(snap)
    if L.empty:
        return pd.DataFrame(columns=["device", "port"])
    rx = _f(L["rx_power_mw"])
    with np.errstate(invalid="ignore"):
        lit = rx > dark_floor_mw(cfg)
    p = L.loc[lit, ["device", "port"]].drop_duplicates()
    if len(symptoms):
        d = symptoms.loc[symptoms["rule"].isin(["dark_lane", "rx_los"]), ["device", "port"]].drop_duplicates()
        if len(d):
            p = p[~pd.MultiIndex.from_frame(p).isin(pd.MultiIndex.from_frame(d))]
    return p.reset_index(drop=True)


def odd_config(ports: pd.DataFrame, min_peers: int = 3) -> pd.DataFrame:
    """(device, port) whose FEC mode or speed differs from what most of its device's other ports
    with the same lane count run (at least `min_peers` of them, a majority, reporting one): with a
    link down and light both ways, the end whose setting is the odd one out is the likely
    misconfigured one."""
    empty = pd.DataFrame(columns=["device", "port"])
    if ports is None or ports.empty:
        return empty
    out = []
    for col in ("fec", "speed_gbps"):
        p = ports[["device", "port", col, "lanes"]].dropna(subset=[col])
        if p.empty:
            continue
        p = p.assign(_v=p[col].astype(str).str.lower(), _g=p["lanes"].astype("Float64").fillna(-1))
        cnt = p.groupby(["device", "_g", "_v"], sort=False).size().rename("_n").reset_index()
        top = cnt.sort_values("_n", ascending=False, kind="stable").drop_duplicates(["device", "_g"])
        tot = cnt.groupby(["device", "_g"])["_n"].sum().rename("_tot").reset_index()
        top = top.merge(tot, on=["device", "_g"]).rename(columns={"_v": "_mode"})
        m = p.merge(top, on=["device", "_g"])
        odd = (m["_v"] != m["_mode"]) & (m["_n"] >= min_peers) & (m["_n"] * 2 > m["_tot"])
        out.append(m.loc[odd.to_numpy(dtype=bool), ["device", "port"]])
    if not out:
        return empty
    return pd.concat(out, ignore_index=True).drop_duplicates().reset_index(drop=True)


def fec_reported(ports: pd.DataFrame) -> pd.DataFrame:
    """(device, port) whose FEC mode the device reports (ethtool --show-fec, SONiC/EOS status). Of
    the two ends of a link down with light both ways, an end whose setting cannot be read is the one
    to check first when the other end's setting is read and agrees with its device's other ports."""
    if ports is None or ports.empty or "fec" not in ports:
        return pd.DataFrame(columns=["device", "port"])
    fe = ports["fec"].astype(object).fillna("").astype(str).str.strip()
    return ports.loc[(fe.str.len() > 0).to_numpy(dtype=bool), ["device", "port"]].drop_duplicates().reset_index(drop=True)


def lanes_by_owner(snap) -> pd.DataFrame:
    """The lanes table with each lane keyed to the port that owns it: a breakout module's lanes past
    its first sub-port's lane count move to the sibling sub-port the device reports
    (:func:`breakout_owner`); other lanes stay."""
    L = snap.lanes
    if L.empty or snap.ports.empty:
        return L
    pl = snap.ports[["device", "port", "lanes"]].drop_duplicates(["device", "port"])
    kn = L[["device", "port"]].merge(pl, on=["device", "port"], how="left")["lanes"].to_numpy(dtype="float64", na_value=np.nan)
    k = breakout_lanes_of(L["device"], L["port"], kn, breakout_media_lanes(snap))
    lane = _f(L["lane"])
    with np.errstate(invalid="ignore"):
        beyond = (k > 0) & (lane > k)
    if not beyond.any():
        return L
    idx = np.flatnonzero(beyond)
    known = pd.MultiIndex.from_frame(pl[["device", "port"]])
    sub = L.iloc[idx]
    owner = breakout_owner(sub["device"], sub["port"], lane[idx], k[idx], known, kn[idx])
    port = L["port"].to_numpy(dtype=object).copy()
    port[idx] = owner
    return L.assign(port=port)


def lifetime_pre_fec_ber(counters: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    """(device, port, raw_ber) estimated from lifetime counts where the row reports no pre-FEC BER:
    FEC-corrected bits / (8 x received bytes) over at least [ber_estimate].min_rx_bytes, divided by
    [ber_estimate].margin so that it is judged against the raw_ber limits times the margin (the
    estimate counts idle codewords' corrections against frame bytes only: it overstates BER on a
    lightly loaded link). Empty when the table has no such rows."""
    est = cfg.get("ber_estimate") or {}
    cols = ("raw_ber", "fec_corrected_bits", "rx_bytes")
    if counters.empty or not est or any(c not in counters for c in cols):
        return pd.DataFrame({"device": [], "port": [], "raw_ber": []})
    raw = _f(counters["raw_ber"])
    bits = _f(counters["fec_corrected_bits"])
    rx = _f(counters["rx_bytes"])
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = np.isnan(raw) & (bits > 0) & (rx >= float(est.get("min_rx_bytes", 1e9)))
        ber = bits / (8.0 * rx) / float(est.get("margin", 1.0))
    return pd.DataFrame({"device": counters["device"].to_numpy()[ok], "port": counters["port"].to_numpy()[ok],
                         "raw_ber": ber[ok]})


# ---------------------------------------------------------------------------------------------
# link level: an end reported administratively down (suite v2 / issue 13 item 1)

#: per-end features that a far end's reported admin-down explains: its laser is off (no light, no
#: LLDP), so the near end is dark, low, down, and its link-down counter rises when it went down
ADMIN_DOWN_EXPLAINS_NEAR = ("dark", "rx_low", "down", "flap", "lit")
#: and at the admin-down end itself: its own transmitter is off, its port is down
ADMIN_DOWN_EXPLAINS_SELF = ("dark", "rx_low", "down", "flap", "lit", "tx_low")


def admin_down_ports(ports: pd.DataFrame) -> pd.MultiIndex:
    """(device, port) whose device REPORTS the port administratively down (`admin_up` false).
    Unknown admin state (NaN) is not down: only a reported state explains a dark link."""
    if ports is None or ports.empty or "admin_up" not in ports:
        return pd.MultiIndex.from_arrays([[], []], names=["device", "port"])
    a = ports["admin_up"].astype("boolean")
    down = (a == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    return pd.MultiIndex.from_frame(ports.loc[down, ["device", "port"]].drop_duplicates())


def admin_down_ends(links: pd.DataFrame, ports: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per planned link: is end a / end b reported administratively down?"""
    idx = admin_down_ports(ports)
    if not len(idx) or links.empty:
        z = np.zeros(len(links), bool)
        return z, z.copy()
    a = pd.MultiIndex.from_arrays([links["a_device"], links["a_port"]]).isin(idx)
    b = pd.MultiIndex.from_arrays([links["b_device"], links["b_port"]]).isin(idx)
    return np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)


def explain_admin_down(A: dict, B: dict, a_down: np.ndarray, b_down: np.ndarray) -> np.ndarray:
    """Clear, in place, the per-end features (A/B: name -> bool per link) that a reported admin-down
    end explains on its link, at both ends; errors, temperature, voltage, overload and the far
    transmitter's own readings stay evidence. Returns the mask of links with an admin-down end."""
    either = a_down | b_down
    if not either.any():
        return either
    for X, self_down, far_down in ((A, a_down, b_down), (B, b_down, a_down)):
        for name in ADMIN_DOWN_EXPLAINS_NEAR:
            if name in X:
                X[name] = X[name] & ~far_down
        for name in ADMIN_DOWN_EXPLAINS_SELF:
            if name in X:
                X[name] = X[name] & ~self_down
    return either
