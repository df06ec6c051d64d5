"""Capture directory: atomic write, read back, broken devices kept, replay transport."""

import json

import pytest

from netdiag.capture import CaptureError, CaptureWriter, read_capture
from netdiag.collect import collect_device
from netdiag.collect.replay import ReplayTransport


def test_write_then_read_round_trip(tmp_path):
    out = tmp_path / "cap"
    with CaptureWriter(out) as cw:
        r = cw.device("leaf-p0-01", "sonic", "10.0.0.1")
        r.record("show interfaces status", b"Interface  Lanes\n", exit_status=0, duration_s=0.1)
        r.record("show lldp table", b"", b"lldp not running\n", exit_status=1)
        bad = cw.device("leaf-p0-02", "sonic", "10.0.0.2")
        bad.fail("unreachable: connection refused")
    cap = read_capture(out)
    assert cap.meta["format"] == "netdiag-capture/1"
    assert cap.meta["devices"] == ["leaf-p0-01", "leaf-p0-02"]
    d = cap.device("leaf-p0-01")
    assert [e.command for e in d.entries] == ["show interfaces status", "show lldp table"]
    assert d.entries[0].stdout() == b"Interface  Lanes\n"
    assert d.entries[1].stderr() == b"lldp not running\n" and d.entries[1].exit_status == 1
    assert (out / "devices" / "leaf-p0-01" / "0002.err").exists()
    b = cap.device("leaf-p0-02")
    assert b.ok is False and b.error == "unreachable: connection refused" and b.entries == []


def test_crash_inside_the_block_leaves_no_capture_under_the_final_name(tmp_path):
    out = tmp_path / "cap"
    with pytest.raises(RuntimeError):
        with CaptureWriter(out) as cw:
            cw.device("h1", "linux").record("ip -j link", b"[]")
            raise RuntimeError("boom")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_keeps_a_valid_partial_capture(tmp_path):
    out = tmp_path / "cap"
    with pytest.raises(KeyboardInterrupt):
        with CaptureWriter(out) as cw:
            cw.device("h1", "linux").record("ip -j link", b"[]")
            raise KeyboardInterrupt
    cap = read_capture(out)
    assert cap.meta["partial"] is True and cap.device("h1").entries[0].stdout() == b"[]"


def test_refuses_to_overwrite_and_unsafe_device_names(tmp_path):
    (tmp_path / "cap").mkdir()
    with pytest.raises(CaptureError, match="already exists"):
        CaptureWriter(tmp_path / "cap")
    cw = CaptureWriter(tmp_path / "cap2")
    for name in ("../etc", "a/b", "", ".hidden"):
        with pytest.raises(CaptureError):
            cw.device(name, "linux")
    cw.abort()


def test_a_device_with_broken_index_is_reported_and_others_kept(tmp_path):
    out = tmp_path / "cap"
    with CaptureWriter(out) as cw:
        cw.device("a", "linux").record("ip -j link", b"[]")
        cw.device("b", "linux").record("ip -j link", b"[]")
    (out / "devices" / "a" / "index.json").write_text("{not json")
    cap = read_capture(out)
    assert cap.device("a").ok is False and "index.json" in cap.device("a").error
    assert cap.device("b").ok is True and len(cap.device("b").entries) == 1


def test_index_entries_cannot_point_outside_the_device_folder(tmp_path):
    out = tmp_path / "cap"
    with CaptureWriter(out) as cw:
        cw.device("a", "linux").record("x", b"1")
    (out / "devices" / "a" / "index.json").write_text(json.dumps([{"command": "x", "file": "../../../etc/passwd"}]))
    assert "outside" in read_capture(out).device("a").error


def test_not_a_capture(tmp_path):
    with pytest.raises(CaptureError, match="capture.json"):
        read_capture(tmp_path)


def test_replay_transport_serves_recorded_outputs_and_127_for_others(tmp_path):
    out = tmp_path / "cap"
    with CaptureWriter(out) as cw:
        cw.device("a", "linux").record("ethtool  -m eth0", b"Identifier : 0x11 (QSFP28)\n")
    t = ReplayTransport(read_capture(out).device("a"))
    assert t.run("ethtool -m eth0").stdout.startswith(b"Identifier")
    r = t.run("rm -rf /")
    assert r.exit_status == 127 and b"not in capture" in r.stderr


def test_collect_device_refuses_unsafe_port_names_and_keeps_the_rest(tmp_path, mocker):
    """A device reporting a port named like a shell injection gets no command built from it."""
    from netdiag import platforms

    fake = platforms.Platform(name="fake-test", description="", discovery=("list",), per_port=("show {port}",),
                              commands=(), ports_from=lambda t: ["eth0", "eth1;reboot", "$(id)"])
    mocker.patch.object(platforms, "get", return_value=fake)

    class T:
        def __init__(self):
            self.ran = []

        def run(self, command, timeout=None):
            from netdiag.collect import CommandResult
            self.ran.append(command)
            return CommandResult(b"ok\n")

    t = T()
    with CaptureWriter(tmp_path / "cap") as cw:
        rec = cw.device("d", "fake-test")
        collect_device(t, rec, "fake-test")
    assert t.ran == ["list", "show eth0"]
    entries = read_capture(tmp_path / "cap").device("d").entries
    assert any("eth1;reboot" in (e.error or "") for e in entries)
