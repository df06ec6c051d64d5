"""OpenSSH client configuration: what to connect to, as whom, with which keys, trusting which host keys.

``SSHSettings(path)`` reads ``path`` alone when given (like ``ssh -F``), else ``~/.ssh/config`` then
``/etc/ssh/ssh_config`` (the first value obtained wins, as in OpenSSH; IdentityFile accumulates).
Parsing is paramiko's; these options are resolved here: HostName, Port, User, IdentityFile,
IdentitiesOnly, UserKnownHostsFile, GlobalKnownHostsFile, StrictHostKeyChecking, HashKnownHosts,
ProxyJump, ConnectTimeout.

The inventory is like ``ssh``'s command line: its ``address``, ``port``, ``user`` and ``jump`` columns,
when filled, win over the config; the config fills in the rest. Config ``Host`` patterns are matched
against the inventory name (what you would type after ``ssh``).
"""

from __future__ import annotations

import getpass
import os
import re
from dataclasses import dataclass
from pathlib import Path

import paramiko

DEFAULT_IDENTITIES = ("~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa")
DEFAULT_KNOWN_HOSTS = ("~/.ssh/known_hosts", "~/.ssh/known_hosts2")
DEFAULT_GLOBAL_KNOWN_HOSTS = ("/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2")
_STRICT = {"yes": "yes", "ask": "yes", "accept-new": "accept-new", "no": "no", "off": "no"}
_HOP = re.compile(r"^(?:ssh://)?(?:(?P<user>[^@\s]+)@)?(?P<host>\[[^\]]+\]|[^:\s]+)(?::(?P<port>\d+))?$")


class SSHConfigError(ValueError):
    """A config value netdiag cannot use; names the option and the value."""


@dataclass(frozen=True)
class Hop:
    """One ProxyJump hop as written: host (an alias looked up in the config), optional user, port."""

    host: str
    user: str = ""
    port: int | None = None


@dataclass(frozen=True)
class HostParams:
    """Everything needed to reach one device."""

    name: str                      # the name looked up (inventory name or jump alias)
    hostname: str                  # what to dial
    port: int
    user: str
    identity_files: tuple[str, ...]
    identities_only: bool
    known_hosts: tuple[str, ...]   # user files; the first is where accept-new records keys
    global_known_hosts: tuple[str, ...]
    strict: str                    # "yes" | "accept-new" | "no"
    hash_known_hosts: bool
    jump: tuple[Hop, ...]
    connect_timeout: float | None


def parse_jump(spec: str) -> tuple[Hop, ...]:
    """'[user@]host[:port],...' (ProxyJump / inventory `jump`) -> hops; 'none' or '' -> ()."""
    spec = (spec or "").strip()
    if not spec or spec.lower() == "none":
        return ()
    hops = []
    for part in spec.split(","):
        m = _HOP.match(part.strip())
        if not m:
            raise SSHConfigError(f"ProxyJump: cannot read hop {part!r} (expected [user@]host[:port])")
        port = int(m["port"]) if m["port"] else None
        hops.append(Hop(m["host"].strip("[]"), m["user"] or "", port))
    return tuple(hops)


def _yes(v: str | None) -> bool:
    return (v or "").strip().lower() in ("yes", "true")


class SSHSettings:
    """The SSH client config files of one sweep, resolved per host."""

    def __init__(self, path: str | os.PathLike | None = None):
        if path is not None:
            files = [Path(path)]
            if not files[0].is_file():
                raise SSHConfigError(f"{path}: no such ssh config file")
        else:
            files = [p for p in (Path("~/.ssh/config").expanduser(), Path("/etc/ssh/ssh_config")) if p.is_file()]
        self.files = files
        self._configs = []
        for f in files:
            try:
                self._configs.append(paramiko.SSHConfig.from_path(str(f)))
            except (OSError, paramiko.ssh_exception.ConfigParseError, ValueError) as e:
                raise SSHConfigError(f"{f}: {e}") from None

    def _lookup(self, name: str) -> dict:
        merged: dict = {}
        for cfg in self._configs:
            for k, v in cfg.lookup(name).items():
                if k == "identityfile":
                    merged.setdefault(k, []).extend(x for x in v if x not in merged.get(k, []))
                else:
                    merged.setdefault(k, v)
        return merged

    def resolve(self, name: str, address: str = "", port: int | None = None, user: str = "",
                jump: str = "") -> HostParams:
        """Connection parameters for `name`; the explicit arguments (inventory columns) win."""
        o = self._lookup(name)
        try:
            cfg_port = int(o["port"]) if "port" in o else 22
        except ValueError:
            raise SSHConfigError(f"Port {o['port']!r} for {name} is not a number") from None
        strict_raw = str(o.get("stricthostkeychecking", "yes")).lower()
        if strict_raw not in _STRICT:
            raise SSHConfigError(f"StrictHostKeyChecking {strict_raw!r} for {name}: expected yes, accept-new or no")
        timeout = None
        if "connecttimeout" in o:
            try:
                timeout = float(o["connecttimeout"])
            except ValueError:
                raise SSHConfigError(f"ConnectTimeout {o['connecttimeout']!r} for {name} is not a number") from None
        identities = tuple(os.path.expanduser(p) for p in o.get("identityfile", [])) or tuple(
            os.path.expanduser(p) for p in DEFAULT_IDENTITIES)
        known = tuple(os.path.expanduser(p) for p in str(o.get("userknownhostsfile", " ".join(DEFAULT_KNOWN_HOSTS))).split())
        glob_known = tuple(os.path.expanduser(p) for p in
                           str(o.get("globalknownhostsfile", " ".join(DEFAULT_GLOBAL_KNOWN_HOSTS))).split())
        return HostParams(
            name=name,
            hostname=address or o.get("hostname") or name,
            port=port or cfg_port,
            user=user or o.get("user") or getpass.getuser(),
            identity_files=identities,
            identities_only=_yes(o.get("identitiesonly")),
            known_hosts=known,
            global_known_hosts=glob_known,
            strict=_STRICT[strict_raw],
            hash_known_hosts=_yes(o.get("hashknownhosts")),
            jump=parse_jump(jump) if jump else parse_jump(o.get("proxyjump", "")),
            connect_timeout=timeout,
        )
