"""`netdiag parse --format auto` never guesses silently (issue 16): when more than one format fits,
the most specific is chosen and stderr says so; --list-formats shows each format's command."""

import json
import subprocess
import sys
from pathlib import Path

from netdiag import parsers

CASES = Path(__file__).resolve().parent / "cases"


def netdiag(*args):
    return subprocess.run([sys.executable, "-m", "netdiag.cli", *args], capture_output=True)


def test_list_formats_shows_the_command_of_each_format():
    r = netdiag("parse", "--list-formats")
    assert r.returncode == 0
    lines = {ln.split()[0]: ln for ln in r.stdout.decode().splitlines()}
    assert set(lines) == set(parsers.formats())
    assert "show interface transceiver details | json" in lines["nxos-transceiver-json"]
    assert "show interfaces diagnostics optics" in lines["junos-optics-text"]
    assert "ethtool -m IFACE" in lines["ethtool-module"]
    for name, ln in lines.items():
        assert "->" in ln and ln.split("->")[0][len(name):].strip(), f"{name}: no command shown"


def test_ambiguous_output_names_the_chosen_format_on_stderr():
    # Junos CLI optics text also satisfies the (generic) ethtool -m detector
    f = next((CASES / "junos-optics-text").glob("*/input.txt"))
    assert parsers.detect_all(f.read_text())[:2] == ["junos-optics-text", "ethtool-module"]
    r = netdiag("parse", str(f))
    assert r.returncode == 0, r.stderr
    err = r.stderr.decode()
    assert "chose junos-optics-text" in err and "also fits: ethtool-module" in err
    assert json.loads(r.stdout)["modules"][0]["port"] == "et-0/0/0"


def test_unambiguous_output_gets_no_note():
    f = next((CASES / "nxos-transceiver-text").glob("ntc_*/input.txt"))
    assert parsers.detect_all(f.read_text()) == ["nxos-transceiver-text"]
    r = netdiag("parse", str(f))
    assert r.returncode == 0 and r.stderr == b""


def test_cisco_detail_text_is_not_taken_for_arista():
    # IOS-XE and EOS print the same detail tables; the port names tell them apart
    f = next((CASES / "iosxe-transceiver-detail-text").glob("*/input.txt"))
    assert parsers.detect(f.read_text()) == "iosxe-transceiver-detail-text"
    eos = next((CASES / "eos-transceiver-detail-text").glob("*/input.txt"))
    assert "iosxe-transceiver-detail-text" not in parsers.detect_all(eos.read_text())


def test_when_the_most_specific_format_cannot_read_it_the_next_one_does_and_says_so(monkeypatch):
    """A detector that accepts text its parser then rejects (a fault real formats do not produce on
    demand): auto falls back to the next format that fits and names both on stderr."""
    from click.testing import CliRunner

    from netdiag.cli import main

    def refuse(text, ctx):
        raise parsers.ParseError("not mine after all", line=3)

    parsers.formats()  # load the registry before adding to it
    fake = parsers.Format("zz-greedy", refuse, ("modules",), "test: accepts everything", lambda t: True, 0)
    monkeypatch.setitem(parsers._REGISTRY, "zz-greedy", fake)
    f = next((CASES / "nxos-transceiver-text").glob("ntc_*/input.txt"))
    r = CliRunner().invoke(main, ["parse", str(f)])
    assert r.exit_code == 0, r.output
    assert "chose nxos-transceiver-text: zz-greedy could not read it (not mine after all)" in r.stderr
    assert json.loads(r.stdout)["modules"][0]["port"] == "Ethernet3/1"
