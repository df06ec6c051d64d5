"""OpenSSH conventions without a network: known_hosts lookups (hashed, wildcards, [host]:port,
@revoked) and ssh_config resolution with the inventory's columns winning."""

import base64

import pytest

from netdiag.collect import cause_of
from netdiag.collect.knownhosts import KnownHosts, fingerprint, hashed_name
from netdiag.collect.sshconfig import Hop, SSHConfigError, SSHSettings, parse_jump

KEY_A = base64.b64decode("AAAAC3NzaC1lZDI1NTE5AAAAIBa6S0DZ3Cgh6Jd1dlg2cNjTd7hZXmcD8XbJcz6W4S1n")
KEY_B = base64.b64decode("AAAAC3NzaC1lZDI1NTE5AAAAIMm7mE0xT1bH0PZ3cN7xA8Zpq9Yc1Kx9L5JkNpQfB3v2")
A64, B64 = base64.b64encode(KEY_A).decode(), base64.b64encode(KEY_B).decode()


def test_known_hosts_matches_hashed_wildcard_and_bracketed_port_entries(tmp_path):
    kh = tmp_path / "known_hosts"
    kh.write_text(f"# comment\n{hashed_name('10.0.0.1')} ssh-ed25519 {A64}\n"
                  f"[10.0.0.2]:2222 ssh-ed25519 {A64}\n"
                  f"leaf-*,!leaf-bad ssh-ed25519 {B64}\n"
                  f"@revoked spine1 ssh-ed25519 {B64}\n"
                  f"@cert-authority *.dc1 ssh-ed25519 {A64}\n")
    k = KnownHosts([kh])
    assert [(x.line, x.blob) for x in k.lookup("10.0.0.1", 22)] == [(2, KEY_A)]
    assert k.lookup("10.0.0.1", 2222) == []
    assert [x.line for x in k.lookup("10.0.0.2", 2222)] == [3]
    assert k.lookup("10.0.0.2", 22) == []
    assert [x.line for x in k.lookup("leaf-7", 22)] == [4]
    assert k.lookup("leaf-bad", 22) == []
    assert [(x.line, x.marker) for x in k.lookup("spine1", 22)] == [(5, "@revoked")]
    assert k.lookup("x.dc1", 22) == []


def test_known_hosts_add_appends_a_line_and_reports_where(tmp_path):
    kh = tmp_path / "new" / "known_hosts"
    k = KnownHosts([kh])
    got = k.add("10.1.1.1", 2200, "ssh-ed25519", KEY_A)
    assert (got.file, got.line) == (str(kh), 1)
    assert kh.read_text() == f"[10.1.1.1]:2200 ssh-ed25519 {A64}\n"
    assert oct(kh.parent.stat().st_mode & 0o777) == "0o700"
    got = k.add("10.1.1.2", 22, "ssh-ed25519", KEY_B, hashed=True)
    assert got.line == 2 and kh.read_text().splitlines()[1].startswith("|1|")
    assert [x.blob for x in k.lookup("10.1.1.2", 22)] == [KEY_B]


def test_fingerprint_is_openssh_sha256_without_padding():
    assert fingerprint(b"abc") == "SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0"


def test_inventory_columns_win_over_the_config_which_fills_the_rest(tmp_path):
    cfg = tmp_path / "config"
    cfg.write_text("Host gpu-*\n  HostName 10.9.9.9\n  Port 2200\n  User ops\n  ProxyJump jump@bastion:2022\n"
                   "  StrictHostKeyChecking accept-new\n  ConnectTimeout 3\n  IdentityFile ~/k1\n"
                   "  UserKnownHostsFile /tmp/kh1 /tmp/kh2\n"
                   "Host *\n  IdentityFile /keys/k2\n  HashKnownHosts yes\n")
    s = SSHSettings(cfg)
    p = s.resolve("gpu-01")
    assert (p.hostname, p.port, p.user, p.strict, p.connect_timeout) == ("10.9.9.9", 2200, "ops", "accept-new", 3.0)
    assert p.jump == (Hop("bastion", "jump", 2022),)
    assert p.known_hosts == ("/tmp/kh1", "/tmp/kh2") and p.hash_known_hosts
    assert p.identity_files[1] == "/keys/k2" and p.identity_files[0].endswith("/k1")
    p = s.resolve("gpu-01", address="10.0.0.5", port=22, user="root", jump="none")
    assert (p.hostname, p.port, p.user, p.jump) == ("10.0.0.5", 22, "root", ())
    p = s.resolve("leaf-1")
    assert (p.hostname, p.port, p.strict, p.jump) == ("leaf-1", 22, "yes", ())


def test_bad_config_values_are_named():
    with pytest.raises(SSHConfigError, match="ProxyJump: cannot read hop 'a b'"):
        parse_jump("a b")
    assert parse_jump("u@h1:2201,h2") == (Hop("h1", "u", 2201), Hop("h2"))


def test_cause_of_reads_the_leading_cause_or_classifies():
    assert cause_of("unreachable: connect timeout after 10.0 s") == "unreachable"
    assert cause_of("exit status 1: ethtool: bad command line") == "command_failed"
    assert cause_of("device h, command 'ethtool -m x', format ethtool-module: binary data") == "parse_failed"
