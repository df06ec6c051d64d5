"""Suite v2: a dark plane with a few healthy links spread over its leaves is one failing plane."""

from __future__ import annotations

from netdiag.fabric.localize import _parsimony


def _part(comp, ref, cables, n, logp=-20.0):
    return {"component": comp, "ref": ref, "all": list(cables), "cables": list(cables), "k": len(cables), "n": n,
            "logp": logp}


def test_v2_every_leaf_of_a_plane_blamed_with_a_few_healthy_links_each_is_the_plane():
    # 3-plane fabric, plane 2 unreachable: leaves of 32 and 16 host links, two hosts whose plane-2
    # ports still read up leave 4 healthy links on each leaf (28/32, 28/32, 12/16, 12/16)
    sizes = [(32, 28), (32, 28), (16, 12), (16, 12)]
    leaves, allc, start = [], [], 0
    for i, (n, k) in enumerate(sizes):
        cs = [f"C{start + j:04d}" for j in range(k)]
        start += n
        allc += cs
        leaves.append(_part("switch", f"leaf-p2-0{i + 1}", cs, n))
    plane = _part("plane", "2", allc, 96, logp=-300.0)
    got = _parsimony(leaves, leaves + [plane], {}, m=100)
    assert [(p["component"], p["ref"], p["k"]) for p in got] == [("plane", "2", 80)]


def test_v2_four_bad_switches_among_a_planes_forty_stay_four_switches():
    leaves, allc = [], []
    for i in range(4):
        cs = [f"C{i}{j:03d}" for j in range(28)]
        allc += cs
        leaves.append(_part("switch", f"leaf{i}", cs, 32))
    plane = _part("plane", "1", allc, 40 * 32, logp=-50.0)
    got = _parsimony(leaves, leaves + [plane], {}, m=100)
    assert sorted(p["ref"] for p in got) == ["leaf0", "leaf1", "leaf2", "leaf3"]
