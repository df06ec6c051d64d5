"""The fabric as a graph and as tables of parts.

- `graph`: a networkx MultiGraph, one node per device (role, plane, location), one edge per
  planned cable (key = cable_id; ports, plane, media, patch-panel path). Built on first use: it is
  the topology for queries and paths, not something to loop over per link.
- `ends`: one row per cable end (device, port, cage, module, nic, far end, plane, media): far end
  and plane of a port are lookups here. `module` is the ref of the transceiver in that end
  (DEVICE:CAGE), identified from data first (`identify`, docs/localization.md): ports whose EEPROMs
  report one serial number share one module, ports with different serials are different modules
  whatever their names say; then the plan's optional a_cage/b_cage/a_module/b_module columns; the
  platform's port naming last (`module_basis` says which).
- `parts`: one row per (cable_id, component, ref): the field-replaceable and shared parts each link
  depends on, in the finding vocabulary of docs/findings.md (transceiver DEVICE:CAGE, cable
  cable_id or breakout harness, patch_panel PANEL:PORT, nic DEVICE:NIC, switch DEVICE, linecard
  DEVICE:LC, plane). "Links that share a part" is a group-by over this table. A host's NIC ref
  (DEVICE:ens5, DEVICE:mlx5_3) never equals a module ref (DEVICE:ens5f0np0, DEVICE:mlx5_3/1); a
  host port whose name does not tell its NIC has no NIC part.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from netdiag.fabric import naming
from netdiag.inventory import Inventory

SWITCH_ROLES = {"leaf", "spine", "superspine", "core", "tor"}


_NO_SERIAL = {"", "n/a", "na", "none", "unknown", "0", "-", "null", "not available"}


def module_refs(ends: pd.DataFrame, serials: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    """The module (transceiver ref DEVICE:CAGE) of each cable end, and what identified it.

    `ends` needs device, port, cage and optionally plan_module; `serials` is (device, port, serial)
    from the modules table. Ports of one device reporting one serial are one module, named after the
    cage of its first port (shortest name first, then alphabetical); ports of one name-cage reporting different serials are
    different modules, each named after its own port; a plan module groups ports without a serial;
    the name-cage is the last resort."""
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
    i = np.flatnonzero(known)
    kdev, kport, kcage, kser = dev[known], port[known], cage[known], got[known]
    # integer codes instead of sorting and grouping the names: group (device, serial)
    dcode = pd.factorize(kdev)[0].astype(np.int64)
    scode = pd.factorize(kser)[0].astype(np.int64)
    g = dcode * (int(scode.max()) + 1) + scode
    # the module's name: the cage of its first port (shortest name, then alphabetical: ens9 < ens10;
    # ties keep their order)
    pcodes, puniq = pd.factorize(kport)
    prank = np.empty(len(puniq), dtype=np.int64)
    prank[np.argsort(puniq.astype(object), kind="stable")] = np.arange(len(puniq))
    plen = pd.Series(kport, dtype=object).str.len().to_numpy(dtype="float64", na_value=np.nan)
    order = np.lexsort((np.arange(len(g)), prank[pcodes], plen, g))
    gs = g[order]
    starts = np.r_[True, gs[1:] != gs[:-1]]
    first_of = pd.Series(order[starts], index=gs[starts])
    head = first_of.reindex(g).to_numpy()
    name_cage, name_port = kcage[head], kport[head]
    # a name-cage whose ports report different serials holds more than one module
    ccode = pd.factorize(pd.Series(kcage, dtype=object))[0].astype(np.int64)
    pair = dcode * (int(ccode.max()) + 2) + ccode
    mixed = (pd.Series(scode).groupby(pair, sort=False).transform("nunique").to_numpy() > 1) & (ccode >= 0)
    mixed_name = pd.Series(mixed).groupby(g, sort=False).transform("any").to_numpy()
    # a module that only one port of its device reports is the module in that port: named after the
    # port (EOS Ethernet2/1, not its cage Ethernet2), as the device's own transceiver commands name it
    nports = (s.assign(serial=s["serial"].astype(str).str.strip()).groupby(["device", "serial"], sort=False)["port"]
              .nunique())
    alone = nports.reindex(pd.MultiIndex.from_arrays([kdev, kser])).to_numpy() == 1
    # only where the port is a sub-port of that cage by its own name (Ethernet2/1 of Ethernet2): a cage
    # that platform knowledge derives (InfiniBand twin-port OSFP cage26 of port 52, whose sibling 51
    # may simply be uncabled) keeps naming the module
    cand = np.flatnonzero(alone)
    if len(cand):   # once per distinct (port, cage) pair: port names repeat across devices
        pc = pd.Series(kport[cand], dtype=object).astype(str) + "\0" + pd.Series(kcage[cand], dtype=object).astype(str)
        codes, uniq = pd.factorize(pc)
        is_sub = np.array([p.startswith(c + "/") for p, c in (u.split("\0", 1) for u in uniq)], dtype=bool)
        alone[cand] = is_sub[codes]
    if "cage_source" in ends:   # the plan's cage column names the slot: keep it (a split cage's module
        # that the switch prints under its first sub-port only)
        alone &= ends["cage_source"].to_numpy()[i] != "plan"
    name = np.where(mixed_name | alone, name_port, name_cage)
    ref[i] = (pd.Series(kdev).astype(str) + ":" + pd.Series(name).astype(str)).to_numpy()
    k = pd.DataFrame({"i": i})
    basis[k["i"].to_numpy()] = "serial"
    return ref, basis


def _per_distinct(fn, platforms: pd.Series, ports: pd.Series) -> np.ndarray:
    """fn(platforms, ports) (an element-wise naming rule: naming.cages, naming.nics) evaluated once
    per distinct (platform, port) pair: a fabric repeats a few hundred port names on every device."""
    pairs = pd.DataFrame({"pl": platforms.astype(object).to_numpy(), "po": ports.astype(object).to_numpy()})
    codes = pairs.groupby(["pl", "po"], sort=False, dropna=False).ngroup().to_numpy()
    first = pairs.drop_duplicates()
    if len(first) == len(pairs):
        return fn(platforms, ports)
    out = np.asarray(fn(pd.Series(first["pl"].to_numpy(), dtype=object), pd.Series(first["po"].to_numpy(), dtype=object)),
                     dtype=object)
    return out[codes]


class FabricGraph:
    def __init__(self, inventory: Inventory, serials: pd.DataFrame | None = None):
        self.inventory = inventory
        plan = inventory.plan
        dev = inventory.devices
        platform = {n: d.platform for n, d in dev.items()}
        role = {n: d.role for n, d in dev.items()}
        ea = pd.DataFrame({"device": plan["a_device"].to_numpy(), "port": plan["a_port"].to_numpy(),
                           "far_device": plan["b_device"].to_numpy(), "far_port": plan["b_port"].to_numpy(), "end": "a"})
        eb = pd.DataFrame({"device": plan["b_device"].to_numpy(), "port": plan["b_port"].to_numpy(),
                           "far_device": plan["a_device"].to_numpy(), "far_port": plan["a_port"].to_numpy(), "end": "b"})
        common = {"cable_id": plan["cable_id"].to_numpy(), "plane": plan["plane"].astype(str).to_numpy(),
                  "media": plan["media"].to_numpy()}
        ends = pd.concat([ea.assign(**common), eb.assign(**common)], ignore_index=True)
        ends["platform"] = ends["device"].map(platform).fillna("")
        ends["role"] = ends["device"].map(role).fillna("")
        ends["cage"] = _per_distinct(naming.cages, ends["platform"], ends["port"])
        ends["cage_source"] = "name"
        # the plan may name each end's cage and module (optional columns; old plans load unchanged)
        for col, dst in (("cage", "cage"), ("module", "plan_module")):
            if f"a_{col}" in plan.columns or f"b_{col}" in plan.columns:
                given = pd.concat([plan[c] if c in plan.columns else pd.Series([None] * len(plan), dtype=object)
                                   for c in (f"a_{col}", f"b_{col}")], ignore_index=True).astype(object)
                ok = given.notna() & (given.astype(str).str.strip() != "")
                if dst == "cage":
                    ends.loc[ok.to_numpy(), "cage"] = given[ok].astype(str).str.strip().to_numpy()
                    ends.loc[ok.to_numpy(), "cage_source"] = "plan"
                else:
                    ends[dst] = given.where(ok, None).to_numpy(dtype=object)
        host = ~ends["role"].isin(SWITCH_ROLES | {"patch_panel"}).to_numpy()
        nic = _per_distinct(naming.nics, ends["platform"], ends["port"])
        nic[~host] = None
        ends["nic"] = nic
        self.ends = ends
        self._plan = plan
        self.identify(serials)

    def identify(self, serials: pd.DataFrame | None) -> "FabricGraph":
        """Name each end's module from the EEPROM serial numbers in `serials` (device, port,
        serial: the modules table) where known; see `module_refs`."""
        ref, basis = module_refs(self.ends, serials)
        self.ends["module"] = ref
        self.ends["module_basis"] = basis
        for name in ("parts", "_end_index"):
            self.__dict__.pop(name, None)
        return self

    # --- lookups --------------------------------------------------------------------------------
    @cached_property
    def _end_index(self) -> pd.DataFrame:
        return self.ends.set_index(["device", "port"])

    def far_end(self, device: str, port: str) -> tuple[str, str, str] | None:
        """(far device, far port, cable_id) of a planned port, or None."""
        try:
            r = self._end_index.loc[(device, port)]
        except KeyError:
            return None
        if isinstance(r, pd.DataFrame):
            r = r.iloc[0]
        return r["far_device"], r["far_port"], r["cable_id"]

    def plane_of(self, device: str, port: str) -> str | None:
        try:
            r = self._end_index.loc[(device, port)]
        except KeyError:
            d = self.inventory.devices.get(device)
            return d.plane if d and d.plane else None
        if isinstance(r, pd.DataFrame):
            r = r.iloc[0]
        return r["plane"] or None

    # --- parts ----------------------------------------------------------------------------------
    @cached_property
    def parts(self) -> pd.DataFrame:
        """(cable_id, component, ref, device) for every part each planned link depends on."""
        return self._parts(self.ends, self._plan)

    def _parts(self, e: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
        cid = e["cable_id"].to_numpy()
        dev = e["device"].to_numpy()
        ref_cage = e["module"].to_numpy(dtype=object)
        assembly = e["media"].isin(["dac", "acc", "aoc"]).to_numpy()
        is_switch = e["role"].isin(SWITCH_ROLES).to_numpy()
        is_host = ~is_switch & (e["role"] != "patch_panel").to_numpy()
        frames = [
            # the module in each end's cage (a DAC/AOC's ends belong to the cable assembly)
            pd.DataFrame({"cable_id": cid[~assembly], "component": "transceiver", "ref": ref_cage[~assembly],
                          "device": dev[~assembly]}),
            pd.DataFrame({"cable_id": cid[is_switch], "component": "switch", "ref": dev[is_switch], "device": dev[is_switch]}),
        ]
        nic = e["nic"].to_numpy(dtype=object)
        has_nic = is_host & pd.notna(nic)
        if has_nic.any():
            frames.append(pd.DataFrame({"cable_id": cid[has_nic], "component": "nic",
                                        "ref": pd.Series(dev[has_nic], dtype=object) + ":" + pd.Series(nic[has_nic], dtype=object),
                                        "device": dev[has_nic]}))
        harness = plan["cable_id"].map(naming.harness_of)
        frames.append(pd.DataFrame({"cable_id": plan["cable_id"].to_numpy(), "component": "cable",
                                    "ref": harness.fillna(plan["cable_id"]).to_numpy(), "device": None}))
        frames.append(pd.DataFrame({"cable_id": plan["cable_id"].to_numpy(), "component": "plane",
                                    "ref": plan["plane"].astype(str).to_numpy(), "device": None}))
        hops = plan[["cable_id", "path"]]
        hops = hops[hops["path"].astype(str).str.len() > 0]
        if len(hops):
            h = hops.assign(ref=hops["path"].str.split(";")).explode("ref")
            h = h[h["ref"].str.len() > 0]
            # a panel as a whole: the runs through its ports share it
            frames.append(pd.DataFrame({"cable_id": h["cable_id"].to_numpy(), "component": "patch_panel",
                                        "ref": h["ref"].str.split(":").str[0].to_numpy(), "device": None}))
        if (e["platform"] == "eos").any():
            lc = np.array([naming.linecard_of(p, q) for p, q in zip(e["platform"], e["port"])], dtype=object)
            m = np.array([x is not None for x in lc])
            if m.any():
                frames.append(pd.DataFrame({"cable_id": cid[m], "component": "linecard",
                                            "ref": (e["device"].to_numpy()[m] + ":" + lc[m].astype(str)),
                                            "device": dev[m]}))
        return pd.concat(frames, ignore_index=True)

    @cached_property
    def _cable_side_counts(self) -> pd.Series:
        """(component, ref) -> links, for harnesses, planes and patch panels over the whole plan."""
        plan = self._plan
        ids = plan["cable_id"].astype(object)
        leg = ids.str.contains(".", regex=False)
        harness = ids.where(~leg, ids.str.rsplit(".", n=1).str[0])
        parts = [pd.DataFrame({"component": "cable", "ref": harness.to_numpy()}),
                 pd.DataFrame({"component": "plane", "ref": plan["plane"].astype(str).to_numpy()})]
        paths = plan["path"].astype(str)
        hops = paths[paths.str.len() > 0].str.split(";").explode()
        hops = hops[hops.str.len() > 0]
        if len(hops):
            parts.append(pd.DataFrame({"component": "patch_panel", "ref": hops.str.split(":").str[0].to_numpy()}))
        return pd.concat(parts, ignore_index=True).value_counts(["component", "ref"])

    def parts_for(self, cable_ids: set[str]) -> tuple[pd.DataFrame, pd.Series]:
        """The parts of just these links, and for each of those parts the number of links in the
        whole fabric that depend on it -- without building the fabric-wide parts table."""
        e = self.ends
        mine = e[e["cable_id"].isin(cable_ids)]
        devs = set(mine["device"].unique())
        near_e = e[e["device"].isin(devs)]                      # every end on the devices involved
        plan = self._plan
        near_plan = plan[plan["cable_id"].isin(set(near_e["cable_id"].unique()) | set(cable_ids))]
        parts = self._parts(near_e, near_plan)
        mine_parts = parts[parts["cable_id"].isin(cable_ids)]
        sizes = parts.groupby(["component", "ref"], sort=False)["cable_id"].nunique()
        # cable-side parts reach beyond these devices: their fabric-wide counts
        cable_side = mine_parts["component"].isin(["cable", "plane", "patch_panel"])
        if cable_side.any():
            sizes = sizes.copy()
            whole = self._cable_side_counts
            for k in set(zip(mine_parts.loc[cable_side, "component"], mine_parts.loc[cable_side, "ref"])):
                sizes[k] = int(whole.get(k, sizes.get(k, 1)))
        return mine_parts, sizes

    def parts_of(self, cable_id: str) -> list[tuple[str, str]]:
        p = self.parts
        sel = p[p["cable_id"] == cable_id]
        return list(zip(sel["component"], sel["ref"]))

    def links_sharing(self, component: str, ref: str) -> list[str]:
        p = self.parts
        return sorted(p.loc[(p["component"] == component) & (p["ref"] == ref), "cable_id"].unique())

    def link_counts(self) -> pd.DataFrame:
        """(component, ref) -> number of links depending on it: the denominator for base rates."""
        return self.parts.groupby(["component", "ref"], sort=False).size().rename("links").reset_index()

    # --- the networkx view ----------------------------------------------------------------------
    @cached_property
    def graph(self) -> nx.MultiGraph:
        import networkx as nx   # here, not at module level: the analysis never needs it (0.15 s to import)

        g = nx.MultiGraph()
        for name, d in self.inventory.devices.items():
            g.add_node(name, role=d.role, plane=d.plane, platform=d.platform, location=d.location())
        p = self._plan
        g.add_edges_from(
            (a, b, c, {"a_port": ap, "b_port": bp, "plane": str(pl), "media": m, "path": pa})
            for c, a, ap, b, bp, m, pl, pa in p[["cable_id", "a_device", "a_port", "b_device", "b_port", "media",
                                                 "plane", "path"]].itertuples(index=False, name=None))
        return g

    def plane_graph(self, plane: str) -> nx.MultiGraph:
        """The sub-fabric of one plane (its links and the devices they join)."""
        g = self.graph
        return g.edge_subgraph([(u, v, k) for u, v, k, d in g.edges(keys=True, data=True) if d["plane"] == plane])
