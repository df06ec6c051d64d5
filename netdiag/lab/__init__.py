"""A real SSH lab on loopback: OpenSSH ``sshd`` playing recorded devices, with faults on demand.

Each played device gets its own loopback address ``127.77.X.Y`` on one lab port; ``sshd`` (started
here, as root, with a temporary config, host key and client key) runs a forced command that looks at
the address dialed (``SSH_CONNECTION``) and the command asked (``SSH_ORIGINAL_COMMAND``) and answers
with the output recorded in a capture, byte for byte, with its exit status. One ``sshd`` plays up to
16 devices (OpenSSH listens on at most 16 sockets per process); the lab starts as many as needed.

Devices are played by a dedicated local account (``netdiag-play``, shell ``/bin/sh``, created when
missing): Debian's bash reads ``.bashrc`` for commands arriving over SSH, tens of milliseconds per
command. Faults, per device:

- ``hang``: one command never finishes (it waits on stdin, so it ends when the channel closes)
- ``close``: one command prints half its output, then the device drops the connection
- ``flood``: one command prints 50 MB
- ``slow``: every command waits ``slow_s`` before answering
- ``refuse``: nothing listens on the device's address (TCP connection refused)
- ``blackhole``: the address accepts no connection and answers nothing (connect timeout)
- ``silent``: TCP is accepted but no SSH banner ever comes (sshd cannot do this: a plain socket)
- ``auth``: the device accepts no key
- ``unknown_key``: the lab's known_hosts has no entry for the device
- ``changed_key``: the lab's known_hosts has another key for the device
- ``one_session``: one session (channel) at a time (sshd ``MaxSessions 1``), like some switches

Use it from Python (:class:`SSHLab`) or the command line::

    python -m netdiag.lab serve --capture fixtures/demo/capture
"""

from __future__ import annotations

import csv
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from netdiag.capture import Device, read_capture
from netdiag.collect.knownhosts import hashed_name

PLAY_USER = "netdiag-play"
FAULTS = ("hang", "close", "flood", "slow", "refuse", "blackhole", "silent", "auth", "unknown_key", "changed_key",
          "one_session")
FLOOD_BYTES = 50 * 1000 * 1000
_PER_SSHD = 16  # OpenSSH's MAX_LISTEN_SOCKS
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


class LabError(Exception):
    """The lab cannot start here (no sshd, not root, no free port...): says what is missing."""


@dataclass
class PlayedDevice:
    name: str
    platform: str
    address: str
    source: Device
    fault: str | None = None
    fault_command: str | None = None  # the command the fault hits (hang, close, flood)
    info: dict | None = None          # inventory columns (role, rack...) for the lab's devices.csv
    sessions: int | None = None       # sshd MaxSessions for this device (one_session: 1; default 10)


def lab_available() -> str | None:
    """None when the lab can run here, else why not."""
    if os.geteuid() != 0:
        return "the SSH lab runs sshd as root (to play devices under a dedicated account)"
    if not os.path.exists(SSHD):
        return "OpenSSH sshd not installed (apt-get install openssh-server)"
    if not shutil.which("ssh-keygen"):
        return "ssh-keygen not installed"
    return None


def ensure_play_user(name: str = PLAY_USER) -> pwd.struct_passwd:
    """The account devices are played under: /bin/sh shell, no password, not locked."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    home = f"/var/lib/{name}"
    subprocess.run(["useradd", "--system", "--shell", "/bin/sh", "--home-dir", home, "--create-home", name],
                   check=True, capture_output=True)
    # '!' (useradd's default) means locked, and sshd refuses locked accounts even for keys
    subprocess.run(["usermod", "-p", "*", name], check=True, capture_output=True)
    return pwd.getpwnam(name)


def _sq(s: str) -> str:
    """Single-quote for sh, any content."""
    return "'" + s.replace("'", "'\\''") + "'"


def _free_port() -> int:
    for _ in range(50):
        port = 20000 + int.from_bytes(os.urandom(2), "big") % 20000
        with socket.socket() as s:
            try:
                s.bind(("0.0.0.0", port))
                return port
            except OSError:
                continue
    raise LabError("no free TCP port found for the lab")


class SSHLab:
    """Play devices over real SSH. ``add_capture``/``add_device``, then ``start()``; ``stop()`` (or leaving
    the ``with`` block) ends every process and socket it started and removes the temporary directory
    it made (a `workdir` given is left in place).

    After start: ``ssh_config`` (an OpenSSH client config naming every played device, usable by
    ``ssh -F`` and ``netdiag --ssh-config``), ``inventory`` (devices.csv with address and port),
    ``known_hosts``, ``client_key``, ``port``.
    """

    def __init__(self, workdir: str | Path | None = None, hashed_known_hosts: bool = False,
                 slow_s: float = 0.4, log_commands: bool = False, net: int = 77, accept_unrecorded: bool = False):
        if (why := lab_available()) is not None:
            raise LabError(why)
        self._own_dir = workdir is None
        self.dir = Path(workdir).resolve() if workdir else Path(tempfile.mkdtemp(prefix="netdiag-lab-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o755)
        closed = [str(p) for p in self.dir.parents if not os.stat(p).st_mode & 0o001]
        if closed:  # sshd reads authorized_keys, and the player runs, as the play account
            raise LabError(f"{closed[0]} is not searchable by other users, so {PLAY_USER} cannot reach {self.dir}; "
                           "choose a workdir under /tmp or /var/tmp")
        self.hashed = hashed_known_hosts
        self.slow_s = slow_s
        self.log_commands = log_commands
        self.accept_unrecorded = accept_unrecorded   # answer commands not in the capture with exit 0 (shut, drain)
        self.net = net
        self.devices: list[PlayedDevice] = []
        self.port = 0
        self._procs: list[subprocess.Popen] = []
        self._sockets: list[socket.socket] = []
        self._stop = threading.Event()
        self._sources: dict[int, Path] = {}
        self.ssh_config = self.dir / "ssh_config"
        self.inventory = self.dir / "devices.csv"
        self.known_hosts = self.dir / "known_hosts"
        self.client_key = self.dir / "id_ed25519"

    # -- what to play ---------------------------------------------------------------------------
    def add_device(self, name: str, source: Device, fault: str | None = None,
                   fault_command: str | None = None, platform: str | None = None,
                   info: dict | None = None, sessions: int | None = None) -> PlayedDevice:
        if fault is not None and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        i = len(self.devices)
        address = f"127.{self.net}.{i // 250}.{i % 250 + 1}"
        if fault in ("hang", "close", "flood") and fault_command is None:
            per_port = [e.command for e in source.entries if e.command.startswith(("ethtool -S", "show "))]
            fault_command = (per_port or [e.command for e in source.entries])[0]
        d = PlayedDevice(name, platform or source.platform, address, source, fault, fault_command, info,
                         1 if fault == "one_session" else sessions)
        self.devices.append(d)
        return d

    def add_capture(self, capture_dir: str | Path, faults: dict[str, str] | None = None,
                    inventory: dict[str, dict] | None = None) -> list[PlayedDevice]:
        """Play every device of a capture that was reachable when recorded; `inventory` gives
        devices.csv columns per device name (e.g. the rows of :func:`netdiag.lab.fleet.build_fleet`)."""
        faults, inventory = faults or {}, inventory or {}
        return [self.add_device(d.name, d, faults.get(d.name), info=inventory.get(d.name))
                for d in read_capture(capture_dir).devices if d.ok]

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> "SSHLab":
        user = ensure_play_user()
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation directory
        self._keys()
        self.port = _free_port()
        (self.dir / "play").mkdir(exist_ok=True)
        for d in self.devices:
            self._write_play_script(d, user)
        player = self.dir / "player.sh"
        player.write_text(
            "set -- $SSH_CONNECTION\n"
            f"p={self.dir}/play/$3_$4.sh\n"
            "[ -r \"$p\" ] || { echo \"netdiag lab: no device plays $3 port $4\" >&2; exit 255; }\n"
            ". \"$p\"\n")
        self._write_client_files()
        listening = [d for d in self.devices if d.fault not in ("refuse", "blackhole", "silent")]
        for g in range(0, len(listening), _PER_SSHD):
            self._start_sshd(g // _PER_SSHD, listening[g:g + _PER_SSHD], player)
        for d in self.devices:
            if d.fault == "blackhole":
                self._blackhole(d.address)
            elif d.fault == "silent":
                self._silent(d.address)
        self._wait_listening(listening)
        return self

    def stop(self) -> None:
        self._stop.set()
        for p in self._procs:
            if p.poll() is None:
                p.terminate()
        for p in self._procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        for s in self._sockets:
            s.close()
        self._procs.clear()
        self._sockets.clear()
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- pieces ---------------------------------------------------------------------------------
    def _keys(self):
        for name, comment in (("host_ed25519", "lab-host"), ("other_host_ed25519", "lab-other-host"),
                              ("id_ed25519", "lab-client")):
            key = self.dir / name
            if not key.exists():
                subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(key)],
                               check=True, capture_output=True)
        pub = (self.dir / "id_ed25519.pub").read_text()
        (self.dir / "authorized_keys").write_text(pub)
        (self.dir / "authorized_keys.none").write_text("")
        for f in ("authorized_keys", "authorized_keys.none"):
            os.chmod(self.dir / f, 0o644)

    def _source_dir(self, dev: Device) -> Path:
        """A copy of the device's outputs the play account can read (hard links when possible)."""
        key = id(dev)
        if key not in self._sources:
            dst = self.dir / "src" / str(len(self._sources))
            dst.mkdir(parents=True)
            for e in dev.entries:
                for f in (e.file, Path(e.file).stem + ".err"):
                    src = e._dir / f
                    if src.exists():
                        try:
                            os.link(src, dst / f)
                        except OSError:
                            shutil.copyfile(src, dst / f)
                        os.chmod(dst / f, 0o644)
            os.chmod(dst.parent, 0o755)
            os.chmod(dst, 0o755)
            self._sources[key] = dst
        return self._sources[key]

    def _write_play_script(self, d: PlayedDevice, user) -> None:
        src = self._source_dir(d.source)
        lines = []
        if self.log_commands:
            log = self.dir / "play" / f"{d.name}.log"
            log.touch()
            os.chown(log, user.pw_uid, user.pw_gid)
            lines.append(f"printf '%s\\n' \"$SSH_ORIGINAL_COMMAND\" >> {log}")
        if d.fault == "slow":
            lines.append(f"sleep {self.slow_s}")
        body = {}
        for e in d.source.entries:
            if e.error or e.command.startswith("#"):
                continue  # not something the device answered (a timeout, netdiag's own note)
            out = f"cat {src / e.file}"
            if (src / (Path(e.file).stem + ".err")).exists():
                out += f"; cat {src / (Path(e.file).stem + '.err')} >&2"
            body[" ".join(e.command.split())] = (e.file, out, e.exit_status or 0)
        if d.fault in ("hang", "close", "flood"):
            cmd = d.fault_command
            if d.fault == "hang":
                act = "exec cat >/dev/null"  # waits for stdin: ends when the client closes the channel
            elif d.fault == "close":
                size = (src / body[cmd][0]).stat().st_size
                # the pause lets sshd forward the half output before it dies (a loaded machine
                # may not schedule it within a fraction of a second: the client then saw nothing)
                act = f"head -c {size // 2} {src / body[cmd][0]}; sleep 1; kill -9 $PPID; exit 1"
            else:
                act = f"yes 'netdiag lab: flood of output from one command' | head -c {FLOOD_BYTES}; exit 0"
            lines.append(f"case $SSH_ORIGINAL_COMMAND in {_sq(cmd)}) {act};; esac")
        lines.append("case $SSH_ORIGINAL_COMMAND in")
        for cmd, (_, out, status) in body.items():
            lines.append(f"{_sq(cmd)}) {out}; exit {status};;")
        if self.accept_unrecorded:
            lines.append("*) exit 0;;")
        else:
            lines.append("*) printf 'netdiag lab: command not recorded: %s\\n' \"$SSH_ORIGINAL_COMMAND\" >&2; exit 127;;")
        lines.append("esac")
        script = self.dir / "play" / f"{d.address}_{self.port}.sh"
        script.write_text("\n".join(lines) + "\n")
        os.chmod(script, 0o644)

    def _write_client_files(self) -> None:
        host_pub = (self.dir / "host_ed25519.pub").read_text().split()[:2]
        other_pub = (self.dir / "other_host_ed25519.pub").read_text().split()[:2]
        kh, cfg = [], []
        for d in self.devices:
            host = f"[{d.address}]:{self.port}"
            if d.fault != "unknown_key":
                key = other_pub if d.fault == "changed_key" else host_pub
                kh.append(f"{hashed_name(host) if self.hashed else host} {key[0]} {key[1]}")
            cfg.append(f"Host {d.name}\n  HostName {d.address}\n")
        self.known_hosts.write_text("\n".join(kh) + "\n")
        cfg.append(f"Host *\n  Port {self.port}\n  User {PLAY_USER}\n  IdentityFile {self.client_key}\n"
                   f"  IdentitiesOnly yes\n  UserKnownHostsFile {self.known_hosts}\n  GlobalKnownHostsFile /dev/null\n"
                   "  StrictHostKeyChecking yes\n  BatchMode yes\n  ConnectTimeout 5\n  LogLevel ERROR\n")
        self.ssh_config.write_text("".join(cfg))
        cols = ["name", "platform", "address", "role", "plane", "site", "hall", "row", "rack", "u", "port"]
        with open(self.inventory, "w", newline="") as f:
            w = csv.DictWriter(f, cols, extrasaction="ignore")
            w.writeheader()
            for d in self.devices:
                w.writerow({"site": "lab", **(d.info or {}), "name": d.name, "platform": d.platform,
                            "address": d.address, "port": self.port})

    def _start_sshd(self, n: int, devices: list[PlayedDevice], player: Path) -> None:
        cfg = [f"ListenAddress {d.address}:{self.port}" for d in devices]
        cfg += [
            f"HostKey {self.dir / 'host_ed25519'}",
            f"PidFile {self.dir / f'sshd-{n}.pid'}",
            "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes", f"AuthorizedKeysFile {self.dir / 'authorized_keys'}",
            "StrictModes no", f"AllowUsers {PLAY_USER}", "PermitRootLogin no",
            f"ForceCommand . {player}", "MaxStartups 1000", "MaxSessions 10", "LogLevel ERROR",
            "PrintMotd no", "UseDNS no", "X11Forwarding no", "AllowTcpForwarding yes",
            "PermitTunnel no", "ClientAliveInterval 0",
        ]
        for d in devices:
            if d.fault == "auth":
                cfg += [f"Match LocalAddress {d.address}", f"  AuthorizedKeysFile {self.dir / 'authorized_keys.none'}"]
            elif d.sessions:
                cfg += [f"Match LocalAddress {d.address}", f"  MaxSessions {d.sessions}"]
        path = self.dir / f"sshd_config.{n}"
        path.write_text("\n".join(cfg) + "\n")
        check = subprocess.run([SSHD, "-t", "-f", str(path)], capture_output=True, text=True)
        if check.returncode != 0:
            raise LabError(f"sshd rejects {path}: {check.stderr.strip()}")
        log = open(self.dir / f"sshd-{n}.log", "wb")
        self._procs.append(subprocess.Popen([SSHD, "-D", "-e", "-f", str(path)], stdout=log, stderr=log,
                                            stdin=subprocess.DEVNULL))

    def _wait_listening(self, devices: list[PlayedDevice], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        for d in devices:
            while True:
                try:
                    socket.create_connection((d.address, self.port), timeout=1).close()
                    break
                except OSError:
                    dead = [p for p in self._procs if p.poll() is not None]
                    if dead or time.monotonic() > deadline:
                        self.stop()
                        logs = " ".join((self.dir / f"sshd-{i}.log").read_text(errors="replace")
                                        for i in range(len(self._procs) or 1) if (self.dir / f"sshd-{i}.log").exists())
                        raise LabError(f"sshd does not listen on {d.address}:{self.port}: {logs.strip()[:500]}")
                    time.sleep(0.02)

    def _blackhole(self, address: str) -> None:
        """A listening socket whose queue is full: further SYNs are dropped, so connecting times out."""
        s = socket.socket()
        s.bind((address, self.port))
        s.listen(0)
        self._sockets.append(s)
        for _ in range(3):  # fill the accept queue; never accepted
            c = socket.socket()
            c.setblocking(False)
            c.connect_ex((address, self.port))
            self._sockets.append(c)
        time.sleep(0.05)

    def _silent(self, address: str) -> None:
        """Accepts TCP connections and never says anything (no SSH banner)."""
        s = socket.socket()
        s.bind((address, self.port))
        s.listen(64)
        s.settimeout(0.2)
        self._sockets.append(s)

        def hold():
            while not self._stop.is_set():
                try:
                    c, _ = s.accept()
                except (socket.timeout, OSError):
                    continue
                self._sockets.append(c)

        threading.Thread(target=hold, daemon=True, name=f"lab-silent-{address}").start()

    def describe(self) -> str:
        """How to use the running lab, for people."""
        return (f"# netdiag SSH lab in {self.dir}: {len(self.devices)} devices on port {self.port}\n"
                f"ssh -F {shlex.quote(str(self.ssh_config))} {self.devices[0].name if self.devices else 'DEVICE'} "
                "'ip -j -s -d link show'\n"
                f"netdiag sweep --inventory {shlex.quote(str(self.inventory))} --ssh-config "
                f"{shlex.quote(str(self.ssh_config))} --hosts '*'\n")
