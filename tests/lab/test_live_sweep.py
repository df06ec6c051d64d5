"""Live sweeps against real OpenSSH sshd (netdiag.lab): 200 played devices equal their replay, and
every injected fault is reported with its cause while the other devices are analysed."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netdiag import jobs
from netdiag.capture import CaptureWriter, read_capture
from netdiag.collect.ssh import SSHOptions
from netdiag.inventory import load
from netdiag.lab import SSHLab
from netdiag.lab.fleet import build_fleet

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "demo" / "capture"
FAULTS = ("hang", "close", "flood", "slow", "refuse", "blackhole", "silent", "auth", "unknown_key", "changed_key",
          "one_session")
OPTIONS = SSHOptions(connect_timeout=1.0, banner_timeout=1.5, command_timeout=2.0, device_timeout=30.0,
                     max_output=4 * 2**20)
# for tests of routing and key policy, not of timeouts: limits a loaded machine cannot trip
RELAXED = SSHOptions(connect_timeout=10.0, banner_timeout=15.0, command_timeout=20.0, device_timeout=120.0)


def strip(findings):
    """Findings without their times, in id order (the order across devices depends on the others swept)."""
    return sorted(({k: v for k, v in f.items() if k not in ("first_seen", "last_seen")} for f in findings),
                  key=lambda f: f["id"])


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """200 devices (25 racks x 4 GPU hosts, SONiC, Cumulus, EOS leaves, ibdiagnet host) plus one
    device per fault, played over sshd with hashed known_hosts."""
    tmp = tmp_path_factory.mktemp("fleet")
    rows = build_fleet(tmp / "capture", 25)
    lab = SSHLab(hashed_known_hosts=True)
    played = lab.add_capture(tmp / "capture", inventory={r["name"]: r for r in rows})
    host = read_capture(DEMO).device("gpu-r07-n01")
    for f in FAULTS:
        lab.add_device(f"x-{f}", host, f)
    lab.start()
    yield lab, tmp, played
    lab.stop()



def test_live_sweep_of_200_devices_equals_replay_and_reports_each_fault_with_its_cause(fleet):
    lab, tmp, played = fleet
    inv = load(lab.inventory)
    t0 = time.monotonic()
    live = jobs.sweep_live(inv, ssh_config=lab.ssh_config, parallel=16, record_dir=tmp / "live", options=OPTIONS)
    took = time.monotonic() - t0
    replay = jobs.sweep_capture(tmp / "capture", inv)
    out = live.to_json()
    by = {d["name"]: d for d in out["devices"]}

    fleet_names = {d.name for d in played}
    assert len(fleet_names) == 200
    assert [(n, by[n]["error"], by[n]["failed"]) for n in sorted(fleet_names) if not by[n]["ok"] or by[n]["failed"]] == []
    # findings of the played fleet (those of the fault devices aside; the ibdiagnet host reports on others)
    fault_devices = {d.name for d in lab.devices} - fleet_names
    assert strip([f for f in out["findings"] if f["device"] not in fault_devices]) == strip(replay.to_json()["findings"])
    assert len(replay.findings) == 454  # 25 EOS clones x 5 faults (F4 seen since the status command)

    causes = {n: by[n]["cause"] for n in by if n.startswith("x-")}
    assert causes == {"x-hang": "timeout", "x-close": "command_failed", "x-flood": "output_capped",
                      "x-slow": None, "x-refuse": "refused", "x-blackhole": "unreachable", "x-silent": "timeout",
                      "x-auth": "auth", "x-unknown_key": "host_key", "x-changed_key": "host_key",
                      "x-one_session": None}
    dev = {d.name: d for d in lab.devices}
    port = lab.port
    assert by["x-hang"]["failed"] == [{"command": "ethtool -S ens1np0",
                                       "error": "timeout: no end of output within 2 s (0 bytes read)"}]
    assert by["x-hang"]["ok"] and by["x-hang"]["commands"] == 18
    assert by["x-flood"]["failed"] == [{"command": "ethtool -S ens1np0", "error":
                                        "output_capped: more than 4194304 bytes of output; the first 4194304 kept"}]
    cap = read_capture(tmp / "live")
    flood = {e.command: e for e in cap.device("x-flood").entries}["ethtool -S ens1np0"]
    assert len(flood.stdout()) == 4194304 and flood.stdout().startswith(b"netdiag lab: flood of output")
    assert by["x-close"]["error"].startswith("command_failed: connection closed by the device during "
                                             "'ethtool -S ens1np0' after ")
    assert by["x-refuse"]["error"] == f"refused: connection refused by {dev['x-refuse'].address}:{port} (no SSH server listening?)"
    assert by["x-blackhole"]["error"] == f"unreachable: connect timeout after 1 s ({dev['x-blackhole'].address}:{port})"
    assert by["x-silent"]["error"] == f"timeout: no SSH banner from [{dev['x-silent'].address}]:{port} within 1.5 s"
    assert by["x-auth"]["error"] == (f"auth: no key accepted for netdiag-play@[{dev['x-auth'].address}]:{port} "
                                     f"(tried: {lab.client_key})")
    unknown = by["x-unknown_key"]["error"]
    assert unknown.startswith(f"host_key: unknown host key for [{dev['x-unknown_key'].address}]:{port}: ssh-ed25519 SHA256:")
    assert f"ssh-keyscan -p {port} -t ed25519 {dev['x-unknown_key'].address} >> {lab.known_hosts}" in unknown
    changed = by["x-changed_key"]["error"]
    line = 1 + [d.name for d in lab.devices if d.fault != "unknown_key"].index("x-changed_key")
    assert changed.startswith(f"host_key: HOST KEY CHANGED for [{dev['x-changed_key'].address}]:{port}: it offers ssh-ed25519")
    assert f"but {lab.known_hosts}:{line} records ssh-ed25519" in changed
    # the devices that answered, however slowly or stingily, were analysed like their healthy twin
    twin = strip([f for f in out["findings"] if f["device"] == "f000-gpu-r07-n01"])
    for name in ("x-slow", "x-one_session", "x-hang", "x-flood"):
        got = [f for f in out["findings"] if f["device"] == name]
        assert sorted((f["kind"], f["port"], f["evidence"]) for f in got) == \
            sorted((f["kind"], f["port"], f["evidence"]) for f in twin)
    assert live.exit_code() == 2
    assert took < 90, took  # the hung command did not hold the sweep up (about 15-30 s here)


def _config_with(lab, tmp, head: str) -> Path:
    cfg = tmp / f"ssh_config.{abs(hash(head))}"
    cfg.write_text(head + "\n" + lab.ssh_config.read_text())
    return cfg


def test_accept_new_records_first_seen_keys_and_still_refuses_a_changed_key(fleet, tmp_path):
    lab, tmp, _ = fleet
    kh = tmp_path / "ssh" / "known_hosts"
    inv = load(lab.inventory)
    cfg = _config_with(lab, tmp_path, f"Host *\n  StrictHostKeyChecking accept-new\n  UserKnownHostsFile {kh}\n")
    res = jobs.sweep_live(inv, ["f000-gpu-*"], ssh_config=cfg, record_dir=tmp_path / "a", options=RELAXED)
    assert [(d.name, d.ok) for d in res.devices] == [(f"f000-gpu-r07-n0{i}", True) for i in range(1, 5)]
    lines = kh.read_text().splitlines()
    addr = {d.name: d.address for d in lab.devices}
    host_key = (lab.dir / "host_ed25519.pub").read_text().split()[1]
    assert sorted(lines) == sorted(f"[{addr[f'f000-gpu-r07-n0{i}']}]:{lab.port} ssh-ed25519 {host_key}" for i in range(1, 5))
    assert oct(kh.stat().st_mode & 0o777) == "0o600"
    # now known: plain 'yes' accepts them
    cfg_yes = _config_with(lab, tmp_path, f"Host *\n  UserKnownHostsFile {kh}\n")
    res = jobs.sweep_live(inv, ["f000-gpu-r07-n01"], ssh_config=cfg_yes, record_dir=tmp_path / "b", options=RELAXED)
    assert res.devices[0].ok
    # accept-new never overrides a recorded key that differs
    res = jobs.sweep_live(inv, ["x-changed_key"], ssh_config=_config_with(lab, tmp_path, "Host *\n  StrictHostKeyChecking accept-new\n"),
                          record_dir=tmp_path / "c", options=RELAXED)
    assert res.devices[0].error.startswith("host_key: HOST KEY CHANGED")


def test_proxyjump_reaches_devices_through_a_bastion_and_names_a_dead_bastion(fleet, tmp_path):
    lab, tmp, _ = fleet
    inv = load(lab.inventory)
    cfg = _config_with(lab, tmp_path, "Host f001-*\n  ProxyJump f000-eos-leaf-01\n")
    res = jobs.sweep_live(inv, rack="f001", ssh_config=cfg, record_dir=tmp_path / "j", options=RELAXED)
    assert [(d.name, d.ok, d.failed) for d in res.devices] == [(n, True, []) for n in sorted(
        d.name for d in lab.devices if d.name.startswith("f001-"))]
    cfg = _config_with(lab, tmp_path, "Host f001-*\n  ProxyJump x-refuse\n")
    res = jobs.sweep_live(inv, ["f001-gpu-r07-n01"], ssh_config=cfg, record_dir=tmp_path / "k", options=RELAXED)
    addr = {d.name: d.address for d in lab.devices}
    assert res.devices[0].error == (f"refused: jump host x-refuse: connection refused by {addr['x-refuse']}:{lab.port}"
                                    " (no SSH server listening?)")


def _cli(*args, cwd=None, **kw):
    return subprocess.Popen([sys.executable, "-m", "netdiag.cli", "sweep", *args], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def test_cli_live_sweep_records_its_capture_and_replaying_it_gives_the_same_json(fleet, tmp_path):
    lab, tmp, _ = fleet
    p = _cli("--inventory", str(lab.inventory), "--ssh-config", str(lab.ssh_config), "--hosts", "f002-*",
             "--hosts", "x-refuse", "--json", cwd=tmp_path)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 2, err
    live = json.loads(out)
    assert err == ""  # no progress bar when stderr is not a terminal
    assert {d["name"]: d["cause"] for d in live["devices"]} == {**{d.name: None for d in lab.devices
                                                                  if d.name.startswith("f002-")}, "x-refuse": "refused"}
    [rec] = list((tmp_path / "reports" / "captures").iterdir())  # the default --record
    p = _cli("--inventory", str(lab.inventory), "--capture", str(rec), "--json")
    again, _ = p.communicate(timeout=60)
    assert strip(json.loads(again)["findings"]) == strip(live["findings"]) and len(live["findings"]) == 22  # incl. the EOS clone's link_down (F4)


def test_ctrl_c_leaves_a_valid_partial_capture(fleet, tmp_path):
    lab, tmp, _ = fleet
    p = _cli("--inventory", str(lab.inventory), "--ssh-config", str(lab.ssh_config), "--hosts", "x-hang",
             "--hosts", "f003-gpu-*", "--timeout", "30", "--record", str(tmp_path / "rec"))
    def recorded(name):
        idx = list(tmp_path.glob(f".rec.tmp-*/devices/{name}/index.json"))
        try:
            return len(json.loads(idx[0].read_text())) if idx else 0
        except ValueError:
            return 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(recorded(f"f003-gpu-r07-n0{i}") == 18 for i in range(1, 5)):
        time.sleep(0.05)  # until the healthy devices are done and only the hung one is left
    time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 3, err
    assert f"netdiag sweep: interrupted; partial capture written to {tmp_path / 'rec'}" in err
    cap = read_capture(tmp_path / "rec")
    assert cap.meta["partial"] is True
    st = {d.name: (d.ok, d.error) for d in cap.devices}
    assert st["x-hang"] == (False, "interrupted: the sweep was stopped (Ctrl-C) before this device finished")
    assert all(st[f"f003-gpu-r07-n0{i}"] == (True, None) for i in range(1, 5))


def test_device_supplied_interface_names_are_checked_before_they_reach_a_command(tmp_path):
    src = read_capture(DEMO).device("gpu-r07-n01")
    evil = "ens1np0;touch${IFS}/tmp/netdiag-pwned"
    with CaptureWriter(tmp_path / "cap") as cw:
        rec = cw.device("evil", "linux")
        for e in src.entries:
            data = e.stdout()
            if e.command == "ip -j -s -d link show":
                data = data.replace(b'"ifname":"ens4np0"', json.dumps({"ifname": evil})[1:-1].encode().replace(b'": "', b'":"'))
            rec.record(e.command, data)
    assert evil.encode() in (tmp_path / "cap" / "devices" / "evil" / "0001.txt").read_bytes()
    with SSHLab(log_commands=True) as lab:
        lab.add_capture(tmp_path / "cap")
        lab.start()
        res = jobs.sweep_live(load(lab.inventory), ["evil"], ssh_config=lab.ssh_config, record_dir=tmp_path / "r",
                              options=OPTIONS)
        received = (lab.dir / "play" / "evil.log").read_text().splitlines()
    assert res.devices[0].ok
    assert {"command": "# netdiag: port names refused",
            "error": f"device-supplied port names not safe to put in a command: {[evil]!r}"} in res.devices[0].failed
    assert sorted(received[:2]) == ["ip -j -s -d link show", "lldpctl -f json"] and len(received) == 14
    assert not any("pwned" in c for c in received)
    assert not os.path.exists("/tmp/netdiag-pwned")


def test_a_command_waiting_for_a_channel_is_not_charged_for_the_wait(tmp_path):
    """A device that takes one session at a time (sshd MaxSessions 1) and answers each command after
    1 s: netdiag's four channels are refused down to one, and the other commands wait their turn.
    Each command's 2.5 s starts when it gets its channel (the wait is bounded by the device
    deadline): all 18 commands succeed. Charged for the wait (as before), the fourth of a batch
    would time out after waiting 3 s behind the others, however idle the machine."""
    host = read_capture(DEMO).device("gpu-r07-n01")
    with SSHLab(slow_s=1.0) as lab:
        lab.add_device("slow-one-session", host, "slow", sessions=1)
        lab.start()
        opts = SSHOptions(connect_timeout=5.0, banner_timeout=10.0, command_timeout=2.5, device_timeout=120.0,
                          channels=4)
        res = jobs.sweep_live(load(lab.inventory), ssh_config=lab.ssh_config, record_dir=tmp_path / "r",
                              options=opts)
    (d,) = res.devices
    assert (d.ok, d.error, d.failed, d.commands) == (True, None, [], 18)
