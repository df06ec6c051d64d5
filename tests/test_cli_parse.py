"""`netdiag parse`: the on-call debugging tool and the parser contract (docs/parsers.md)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from netdiag import parsers, platforms

CASES = Path(__file__).resolve().parent / "cases"


def netdiag(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "netdiag.cli", *args], capture_output=True, input=stdin)


def test_list_formats_names_every_registered_parser():
    r = netdiag("parse", "--list-formats")
    assert r.returncode == 0
    listed = {ln.split()[0] for ln in r.stdout.decode().splitlines()}
    assert listed == set(parsers.formats())
    assert {"ethtool-module", "ethtool-stats", "ethtool-fec", "ethtool-link", "ip-link-json", "lldpctl-json",
            "lldpctl-json0", "lldpctl-keyvalue", "lldpctl-text", "mlxlink", "ibstat"} <= listed


def test_auto_on_a_16_lane_cmis_sample_returns_every_lane():
    f = CASES / "ethtool-module" / "qsfpdd_cmis_16lane_los_fragments_netdev2023" / "input.txt"
    r = netdiag("parse", "--format", "auto", "--device", "leaf1", str(f))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    lanes = out["lanes"]
    assert sorted(x["lane"] for x in lanes) == list(range(1, 17))
    assert all(x["device"] == "leaf1" for x in lanes)
    assert [x["rx_los"] for x in sorted(lanes, key=lambda x: x["lane"])] == [True] * 16


def test_no_light_is_zero_mw_and_na_is_null():
    f = CASES / "sonic-klish-transceiver-dom"
    case = next(p for p in f.iterdir() if p.is_dir())
    out = json.loads(netdiag("parse", "--format", "sonic-klish-transceiver-dom", str(next(case.glob("input*")))).stdout)
    rx = [x["rx_power_mw"] for x in out["lanes"]]
    tx = [x["tx_power_mw"] for x in out["lanes"]]
    assert 0.0 in rx and all(v is None for v in tx)


def test_stdin_and_port_option():
    f = CASES / "ethtool-module" / "qsfp28_cwdm4_finisar_healthy" / "input.txt"
    r = netdiag("parse", "--format", "ethtool-module", "--port", "eth7", "-", stdin=f.read_bytes())
    out = json.loads(r.stdout)
    assert out["modules"][0]["port"] == "eth7" and out["modules"][0]["serial"] == "UX503M0"
    assert {x["port"] for x in out["lanes"]} == {"eth7"}


def test_unreadable_input_says_where_and_exits_unknown(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("Identifier : 0x11 (QSFP28)\n\x00\x00")
    r = netdiag("parse", "--format", "ethtool-module", "--device", "gpu-1", str(f))
    assert r.returncode == 3
    assert "device gpu-1, format ethtool-module: binary data" in r.stderr.decode()
    f.write_text("hello world\n")
    r = netdiag("parse", str(f))
    assert r.returncode == 3 and "cannot tell the format" in r.stderr.decode()


@pytest.mark.parametrize("name", sorted(platforms.platforms()))
def test_every_platform_command_maps_to_a_registered_parser(name):
    p = platforms.get(name)
    known = set(parsers.formats())
    for rx, fmt in p.commands:
        assert fmt in known, f"platform {name}: {rx!r} names unknown format {fmt!r}"
    example = {"ib-host": "mlx5_0/1"}.get(name, "eth0")
    for cmd in p.discovery + tuple(p.port_commands([example]) if p.per_port else ()):
        assert p.parser_for(cmd) is not None, f"platform {name}: no parser reads its own command {cmd!r}"
