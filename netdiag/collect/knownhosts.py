"""OpenSSH known_hosts files: look a host's keys up, tell a changed key from an unknown one, add one.

Entries are ``[marker] patterns keytype base64 [comment]``; patterns are comma-separated host names
or wildcards (``*``, ``?``, ``!negation``) or hashed (``|1|salt|hmac-sha1``, what ``HashKnownHosts``
writes). A host on a port other than 22 is written ``[host]:port``. ``@revoked`` keys are refused;
``@cert-authority`` lines are skipped (certificates are not checked here).
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import functools
import hashlib
import hmac
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path


def fingerprint(blob: bytes) -> str:
    """OpenSSH's SHA256 fingerprint of a public key blob: 'SHA256:...' (base64, no padding)."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def host_key_name(host: str, port: int) -> str:
    """How known_hosts names a host: 'host' on port 22, '[host]:port' otherwise."""
    return host if port == 22 else f"[{host}]:{port}"


def hashed_name(name: str) -> str:
    """The host name as HashKnownHosts writes it: '|1|base64(salt)|base64(hmac-sha1(salt, name))'."""
    salt = os.urandom(20)
    digest = hmac.new(salt, name.encode(), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


@dataclass(frozen=True)
class KnownKey:
    file: str
    line: int
    keytype: str
    blob: bytes
    marker: str = ""  # "" or "@revoked"

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def _pattern_matches(patterns: str, name: str) -> bool:
    if patterns.startswith("|1|"):
        try:
            _, _, salt, digest = patterns.split("|", 3)
            want = base64.b64decode(digest)
            got = hmac.new(base64.b64decode(salt), name.encode(), hashlib.sha1).digest()
        except (ValueError, binascii.Error):
            return False
        return hmac.compare_digest(want, got)
    matched = False
    for p in patterns.split(","):
        if p.startswith("!"):
            if _wildcard(p[1:]).fullmatch(name.lower()):
                return False
        elif _wildcard(p).fullmatch(name.lower()):
            matched = True
    return matched


@functools.lru_cache(maxsize=4096)
def _wildcard(pattern: str) -> re.Pattern:
    """OpenSSH patterns know only '*' and '?' ('[' is literal, as in '[host]:port')."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern.lower()))


class KnownHosts:
    """The known_hosts files of one sweep; thread-safe. ``files[0]`` is where new keys are written."""

    def __init__(self, files: list[str | Path], global_files: list[str | Path] = ()):
        self.files = [Path(os.path.expanduser(str(f))) for f in files]
        self.global_files = [Path(os.path.expanduser(str(f))) for f in global_files]
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[float, list[tuple[str, KnownKey]]]] = {}

    def _entries(self, path: Path) -> list[tuple[str, KnownKey]]:
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            return []
        hit = self._cache.get(path)
        if hit and hit[0] == mtime:
            return hit[1]
        out = []
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        for lineno, line in enumerate(text.splitlines(), start=1):
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            marker = ""
            if parts[0].startswith("@"):
                marker, parts = parts[0], parts[1:]
                if marker == "@cert-authority":
                    continue
            if len(parts) < 3:
                continue
            try:
                blob = base64.b64decode(parts[2], validate=True)
            except (binascii.Error, ValueError):
                continue
            out.append((parts[0], KnownKey(str(path), lineno, parts[1], blob, marker)))
        self._cache[path] = (mtime, out)
        return out

    def lookup(self, host: str, port: int) -> list[KnownKey]:
        """Every key recorded for the host, in file order (user files, then global ones)."""
        name = host_key_name(host, port)
        with self._lock:
            return [k for f in self.files + self.global_files for pat, k in self._entries(f)
                    if _pattern_matches(pat, name)]

    def add(self, host: str, port: int, keytype: str, blob: bytes, hashed: bool = False) -> KnownKey:
        """Append the key for host to the first user file (created 0600, its directory 0700)."""
        path = self.files[0]
        name = host_key_name(host, port)
        if hashed:
            name = hashed_name(name)
        line = f"{name} {keytype} {base64.b64encode(blob).decode()}\n"
        with self._lock:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                size = os.fstat(fd).st_size
                if size:
                    with open(path, "rb") as fh:
                        fh.seek(size - 1)
                        if fh.read(1) != b"\n":
                            line = "\n" + line
                    with open(path, "rb") as fh:
                        lineno = fh.read().count(b"\n") + 1 + (1 if line.startswith("\n") else 0)
                else:
                    lineno = 1
                os.write(fd, line.encode())
            finally:
                os.close(fd)
            self._cache.pop(path, None)
        return KnownKey(str(path), lineno, keytype, blob)
