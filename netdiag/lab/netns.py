"""A real small fabric on one machine: Linux network namespaces joined by veth pairs ("cables"),
real lldpd in each, and a transport that runs a device's commands inside its namespace.

    with NetnsFabric() as fab:
        fab.device("h1"); fab.device("leaf")
        fab.cable("h1", "eth0", "leaf", "swp1")
        fab.start_lldpd()
        fab.wait_for_neighbors("leaf", 1)
        t = fab.transport("leaf")          # a netdiag.collect Transport

Needs root, iproute2 and lldpd. Every lldpd gets its own control socket under a temporary
directory; the transport points the platform's `lldpctl` commands at its device's socket. The
namespaces and daemons are removed on exit.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from netdiag.collect import CommandResult


def available() -> str | None:
    """None when this machine can run the lab, else why not."""
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    for tool in ("ip", "lldpd", "lldpcli"):
        if shutil.which(tool) is None:
            return f"needs {tool} (apt-get install iproute2 lldpd)"
    return None


def _run(*args: str, check: bool = True, timeout: float = 20.0) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, timeout=timeout, check=check)


class NetnsTransport:
    """Run commands in a namespace with /bin/sh; `lldpctl`/`lldpcli` use that namespace's lldpd."""

    def __init__(self, netns: str, lldpd_socket: str):
        self.netns = netns
        self.socket = lldpd_socket

    def run(self, command: str, timeout: float | None = None) -> CommandResult:
        words = command.split(None, 1)
        if words and words[0] in ("lldpctl", "lldpcli"):
            command = f"{words[0]} -u {shlex.quote(self.socket)} {words[1] if len(words) > 1 else ''}".strip()
        try:
            r = subprocess.run(["ip", "netns", "exec", self.netns, "sh", "-c", command], capture_output=True,
                               timeout=timeout or 30.0)
        except subprocess.TimeoutExpired:
            return CommandResult(b"", b"", None, f"timeout after {timeout or 30.0:.0f} s")
        return CommandResult(r.stdout, r.stderr, r.returncode, None)


class NetnsFabric:
    def __init__(self):
        self.tag = f"nd{os.getpid() % 100000}"
        self.dir = Path(tempfile.mkdtemp(prefix="netdiag-netns-"))
        self.dir.chmod(0o755)  # lldpd drops privileges to _lldpd and must reach its socket here
        self.devices: list[str] = []
        self.procs: dict[str, subprocess.Popen] = {}

    def ns(self, device: str) -> str:
        return f"{self.tag}-{device}"

    def socket(self, device: str) -> str:
        return str(self.dir / f"{device}.socket")

    def device(self, name: str) -> None:
        _run("ip", "netns", "add", self.ns(name))
        _run("ip", "-n", self.ns(name), "link", "set", "lo", "up")
        self.devices.append(name)

    def cable(self, a: str, a_port: str, b: str, b_port: str) -> None:
        """A veth pair: a:a_port <-> b:b_port, both up."""
        _run("ip", "link", "add", a_port, "netns", self.ns(a), "type", "veth", "peer", "name", b_port,
             "netns", self.ns(b))
        _run("ip", "-n", self.ns(a), "link", "set", a_port, "up")
        _run("ip", "-n", self.ns(b), "link", "set", b_port, "up")

    def start_lldpd(self) -> None:
        """One lldpd per namespace, named as its device, advertising every 1 s, port id = ifname.

        The settings are given at start (`-O`: lldpd applies them through lldpcli before it sends
        anything), so no neighbor ever hears a frame with the machine's own hostname or a MAC port
        id; they are applied again below once the socket answers, which also tells it is up."""
        for name in self.devices:
            sock = self.socket(name)
            conf = self.dir / f"{name}.conf"
            conf.write_text(f"configure system hostname {name}\nconfigure lldp tx-interval 1\n"
                            "configure lldp portidsubtype ifname\n")
            self.procs[name] = subprocess.Popen(
                ["ip", "netns", "exec", self.ns(name), "lldpd", "-d", "-u", sock, "-p", str(self.dir / f"{name}.pid"),
                 "-O", str(conf)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        for name in self.devices:
            while not os.path.exists(self.socket(name)):
                if time.monotonic() > deadline or self.procs[name].poll() is not None:
                    raise RuntimeError(f"lldpd for {name} did not start")
                time.sleep(0.05)
            for conf in (("system", "hostname", name), ("lldp", "tx-interval", "1"),
                         ("lldp", "portidsubtype", "ifname")):
                # the socket exists a moment before lldpd answers on it
                while _run("ip", "netns", "exec", self.ns(name), "lldpcli", "-u", self.socket(name), "configure",
                           *conf, check=False).returncode != 0:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"lldpd for {name} does not accept configuration")
                    time.sleep(0.1)

    def transport(self, name: str) -> NetnsTransport:
        return NetnsTransport(self.ns(name), self.socket(name))

    def neighbors(self, name: str) -> list[tuple[str, str]]:
        """(local port, neighbor system name) of every LLDP neighbor `name`'s lldpd knows now."""
        import json

        r = self.transport(name).run("lldpctl -f json")
        try:
            iface = json.loads(r.stdout or b"{}").get("lldp", {}).get("interface", [])
        except ValueError:
            return []
        # one interface: {"eth0": {...}}; several: [{"swp1": {...}}, {"swp2": {...}}]
        entries = [e for x in (iface if isinstance(iface, list) else [iface]) for e in x.items()]
        out = []
        for port, v in entries:
            chassis = v.get("chassis", {}) if isinstance(v, dict) else {}
            out += [(port, sysname) for sysname in (chassis if isinstance(chassis, dict) else {})]
        return out

    def wait_for_neighbors(self, name: str, count: int, timeout: float = 60.0) -> None:
        """Until `name` knows `count` neighbors that are devices of this fabric (a frame sent before
        a daemon took its name does not count); RuntimeError naming what it saw otherwise."""
        deadline = time.monotonic() + timeout
        seen: list = []
        while time.monotonic() < deadline:
            seen = self.neighbors(name)
            if len([p for p, n in seen if n in self.devices]) >= count:
                return
            time.sleep(0.3)
        raise RuntimeError(f"{name} saw fewer than {count} LLDP neighbors of this fabric within {timeout:.0f} s: "
                           f"{seen or 'none'}")

    def close(self) -> None:
        for p in self.procs.values():
            p.terminate()
        for p in self.procs.values():
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        for name in self.devices:
            _run("ip", "netns", "del", self.ns(name), check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
