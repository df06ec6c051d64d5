"""A dark row on a small hand-built fabric: three rows of two hosts and two leaves each, and a
spine row of four spines. What says "row" is the links leaving the row seen down from the live
devices outside it; the silence of the row's own devices alone is unknown, never a finding."""

from pathlib import Path

import pytest

from netdiag import jobs
from netdiag.fabric.localize import row_parts, row_ref
from netdiag.ingest import DeviceStatus
from netdiag.inventory import load
from netdiag.model import Snapshot

ROWS = ("01", "02", "03")
SPINES = [f"spine-{i}" for i in range(1, 5)]


def hand_built(tmp: Path) -> tuple[Path, Path, list[tuple]]:
    """devices.csv and cabling.csv of the fabric, and its links (cable, a, a_port, b, b_port)."""
    dev = ["name,platform,address,role,plane,site,hall,row,rack,u"]
    links = []
    for r in ROWS:
        for k in (1, 2):
            dev.append(f"gpu-{r}-{k},linux,10.0.{r}.{k},gpu_host,,dc1,A,{r},r{r}-1,{10 * k}")
            dev.append(f"leaf-{r}-{k},sonic,10.1.{r}.{k},leaf,0,dc1,A,{r},net-{r},{40 + k}")
        for h in (1, 2):              # each host has one port on each of its row's two leaves
            for k in (1, 2):
                links.append((f"H{r}{h}{k}", f"gpu-{r}-{h}", f"ens{k}np0", f"leaf-{r}-{k}", f"Ethernet{8 * h}"))
        for k in (1, 2):              # each leaf has two uplinks to each spine
            for s, spine in enumerate(SPINES):
                for j in (0, 1):
                    links.append((f"F{r}{k}{s}{j}", f"leaf-{r}-{k}", f"Ethernet{64 + 16 * s + 8 * j}", spine,
                                  f"Ethernet{(int(r) * 2 + k) * 16 + 8 * j}"))
    for i, s in enumerate(SPINES):
        dev.append(f"{s},sonic,10.2.0.{i + 1},spine,0,dc1,A,SP,spine-1,{40 - 2 * i}")
    (tmp / "devices.csv").write_text("\n".join(dev) + "\n")
    plan = ["cable_id,a_device,a_port,b_device,b_port,media,length_m,plane,path"]
    plan += [f"{c},{a},{ap},{b},{bp},fiber,{5 if c[0] == 'H' else 40},0," for c, a, ap, b, bp in links]
    (tmp / "cabling.csv").write_text("\n".join(plan) + "\n")
    return tmp / "devices.csv", tmp / "cabling.csv", links


def observe(links, silent: set[str], down: set[str]):
    """The snapshot and collection status when the devices in `silent` did not answer and the cables
    in `down` are down: every answering device reports its planned ports, up or down, each with a
    module plugged in (no optical readings: unknown, not bad)."""
    ports, modules = [], []
    for c, a, ap, b, bp in links:
        for d, p in ((a, ap), (b, bp)):
            if d not in silent:
                ports.append({"device": d, "port": p, "admin_up": True, "oper_up": c not in down,
                              "speed_gbps": 400.0, "lanes": 4})
                modules.append({"device": d, "port": p, "present": True, "serial": f"SN-{d}-{p}"})
    names = {x for c, a, ap, b, bp in links for x in (a, b)}
    status = [DeviceStatus(n, "sonic" if not n.startswith("gpu") else "linux", n not in silent,
                           "unreachable: connect timeout after 10.0 s" if n in silent else None, 8)
              for n in sorted(names)]
    return Snapshot.from_tables({"ports": ports, "modules": modules}, taken_at="2026-12-01T00:00:00Z"), status


def row_devices(row):
    return {f"gpu-{row}-1", f"gpu-{row}-2", f"leaf-{row}-1", f"leaf-{row}-2"}


def test_row_ref_is_site_hall_row_as_far_as_known():
    assert row_ref("dc1", "A", "07") == "dc1/A/07"
    assert row_ref("", "A", "07") == "A/07"
    assert row_ref("dc1", "A", "") == ""
    assert row_ref(None, None, " 7 ") == "7"


def test_row_parts_are_the_links_leaving_a_row_observed_from_outside(tmp_path):
    d, p, links = hand_built(tmp_path)
    inv = load(d, p)
    seen = {x for c, a, ap, b, bp in links for x in (a, b)} - row_devices("02")
    rp = row_parts(inv.plan, inv, seen)
    # row 02's uplinks are seen from the spines; row 01's and 03's from the spines too; the spine
    # row's from the leaves of rows 01 and 03 only (row 02's leaves are silent); host links stay
    # inside their row and count for no row
    assert sorted(rp.groupby("ref").size().items()) == [("dc1/A/01", 16), ("dc1/A/02", 16), ("dc1/A/03", 16),
                                                        ("dc1/A/SP", 32)]
    assert not rp["cable_id"].str.startswith("H").any()


def test_a_dark_row_is_one_finding_whose_children_are_its_observed_links(tmp_path):
    d, p, links = hand_built(tmp_path)
    inv = load(d, p)
    silent = row_devices("02")
    dark = {c for c, a, ap, b, bp in links if a in silent or b in silent}
    snap, status = observe(links, silent, dark)
    res = jobs.analyse(snap, status, inv)
    out = res.to_json()
    assert [(f["kind"], f["suspects"][0]["component"], f["suspects"][0]["ref"]) for f in out["findings"]] == \
        [("failing_row", "row", "dc1/A/02")]
    (f,) = out["findings"]
    # the 16 uplinks the spines saw down; the 4 host links inside the row nobody could observe
    assert sorted(c["link"]["cable_id"] for c in f["children"]) == sorted(c for c in dark if c.startswith("F"))
    assert f["evidence"][0].startswith("16 of the 16 collected links of row dc1/A/02 are symptomatic")
    assert f["location"]["row"] == "02" and f["location"]["hall"] == "A" and f["location"]["device"] is None
    assert f["location"]["text"] == "dc1 hall A row 02 (the whole row)"
    assert f["action"].startswith("Check row dc1/A/02 as a whole (its power feeds and PDUs first")
    assert res.exit_code() == 2
    assert sorted(x["name"] for x in out["devices"] if not x["ok"]) == sorted(silent)


def test_a_row_whose_devices_did_not_answer_but_whose_links_are_up_is_unknown(tmp_path):
    d, p, links = hand_built(tmp_path)
    snap, status = observe(links, row_devices("02"), set())
    res = jobs.analyse(snap, status, load(d, p))
    assert res.to_json()["findings"] == []
    assert res.exit_code() == 3


def test_one_dead_leaf_is_that_switch_not_its_row(tmp_path):
    d, p, links = hand_built(tmp_path)
    dark = {c for c, a, ap, b, bp in links if "leaf-02-1" in (a, b)}
    snap, status = observe(links, {"leaf-02-1"}, dark)
    out = jobs.analyse(snap, status, load(d, p)).to_json()
    assert [(f["kind"], f["suspects"][0]["ref"]) for f in out["findings"]] == [("failing_switch", "leaf-02-1")]
    assert len(out["findings"][0]["children"]) == 10   # its 8 uplinks and its 2 host links, seen from the far ends


@pytest.mark.parametrize("event", ["dark-row:02", "dark-row:dc1/A/02"])
def test_the_simulated_dark_row_names_its_row_devices_and_links(event):
    import dataclasses

    from netdiag.simulate import engine, presets

    p = dataclasses.replace(presets.get("hgx-rail"), racks_per_row=1)
    fab = engine.simulate(p, 96, 0, events=(event,))
    (t,) = fab.truth
    assert (t["kind"], t["component"], t["ref"]) == ("dark_row", "row", "dc1/A/02")
    assert t["devices"] == [f"gpu-r0002-n0{i}" for i in range(1, 5)] == fab.unreachable
    # four hosts of eight NICs each, every link down, no neighbor entry at the far ends
    assert len(t["links"]) == 32
    gone = set(t["devices"])
    assert not fab.snapshot.ports["device"].isin(gone).any()
    far = fab.snapshot.neighbors
    assert not far["remote_device"].isin(gone).any()


def test_an_unknown_row_is_a_usage_error_naming_the_rows():
    from netdiag.errors import UserInputError
    from netdiag.simulate import engine, presets

    with pytest.raises(UserInputError, match=r"dark-row:07: matches no row; the fabric has rows dc1/A/01, dc1/A/SP"):
        engine.simulate(presets.get("hgx-rail"), 32, 0, events=("dark-row:07",))
