"""Live collection over SSH (paramiko): one connection per device, its commands as exec channels.

:class:`SSHConnector` turns an inventory device into an authenticated connection, following the
OpenSSH client config (:mod:`netdiag.collect.sshconfig`) and known_hosts files
(:mod:`netdiag.collect.knownhosts`); :class:`SSHTransport` runs commands on it, several at once over
separate channels when the device allows (it backs off to fewer when a device refuses a channel).

Safety and robustness, in order of what goes wrong in a fleet:

* every wait is bounded: TCP connect, SSH banner, key exchange, authentication, each command, and
  the whole device (a watchdog closes the connection at the device deadline, which ends any wait);
* stdout and stderr are drained together (select on the channel), then the exit status is read;
  output beyond ``max_output`` bytes is cut there, the channel closed and the command reported
  ``output_capped``;
* host keys: unknown keys are refused unless ``StrictHostKeyChecking accept-new`` (or ``no``), which
  records them; a changed key is always refused, naming the file and line of the recorded key;
* transient failures (connection reset or closed before the banner, as sshd does under
  ``MaxStartups`` pressure) are retried with exponential backoff; nothing else is.

Every failure is a :class:`DeviceError` whose text starts with its cause (docs/capture.md ``error``):
``unreachable``, ``refused``, ``auth``, ``host_key``, ``timeout``, ``command_failed``.
"""

from __future__ import annotations

import errno
import logging
import random
import select
import socket
import threading
import time
from dataclasses import dataclass

import paramiko

from netdiag.collect import CommandResult
from netdiag.collect.knownhosts import KnownHosts, fingerprint, host_key_name
from netdiag.collect.sshconfig import HostParams, SSHSettings

# Fast, widely supported algorithms first (OpenSSH >= 6.5 and every current NOS have them); the rest of
# paramiko's list stays as fallback for old devices.
_KEX_FIRST = ("curve25519-sha256@libssh.org", "ecdh-sha2-nistp256")
_CIPHERS_FIRST = ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr")
_WINDOW = 8 * 2**20          # bytes the device may send on a channel before we acknowledge
_READ = 2**18
# paramiko logs a traceback for every failed handshake; the failure is reported as a DeviceError
logging.getLogger("paramiko").addHandler(logging.NullHandler())


@dataclass
class SSHOptions:
    """Limits of one sweep. Times in seconds, sizes in bytes."""

    connect_timeout: float | None = None   # None: the config's ConnectTimeout, else 10
    banner_timeout: float = 10.0
    auth_timeout: float = 10.0
    command_timeout: float = 60.0
    device_timeout: float = 300.0
    max_output: int = 32 * 2**20
    channels: int = 4                      # commands at once per device
    retries: int = 2                       # extra attempts after a transient connection failure
    backoff: float = 0.5                   # first retry delay; doubles each time, with jitter


class DeviceError(Exception):
    """A device-level failure: ``str(e)`` is ``"<cause>: <what happened>"``."""

    def __init__(self, cause: str, message: str, transient: bool = False):
        super().__init__(f"{cause}: {message}")
        self.cause = cause
        self.transient = transient


class _Slots:
    """How many channels a device takes at once; shrinks when the device refuses one more."""

    def __init__(self, limit: int):
        self.limit = max(1, limit)
        self.used = 0
        self.cv = threading.Condition()

    def acquire(self):
        with self.cv:
            while self.used >= self.limit:
                self.cv.wait()
            self.used += 1

    def release(self):
        with self.cv:
            self.used -= 1
            self.cv.notify()

    def refused(self) -> bool:
        """A channel open was refused: lower the limit to what else is open now. False when nothing
        else is open (the limit is then 1)."""
        with self.cv:
            self.limit = max(1, self.used - 1)
            return self.used > 1


class SSHTransport:
    """Commands on one connected device (the Transport protocol of :mod:`netdiag.collect`)."""

    def __init__(self, name: str, transport: paramiko.Transport, options: SSHOptions, deadline: float):
        self.name = name
        self.t = transport
        self.options = options
        self.deadline = deadline
        self.failure: DeviceError | None = None  # set when the device as a whole failed mid-way
        self._slots = _Slots(options.channels)
        # commands running now: command -> [bytes of output so far, end of output seen]; tells which
        # command a dropped connection was "during" when several run at once
        self._running: dict[str, list] = {}
        self._lost_lock = threading.Lock()
        self._watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), self._expire)
        self._watchdog.daemon = True
        self._watchdog.start()

    def _expire(self):
        if self.failure is None:
            self.failure = DeviceError("timeout", f"device did not finish within {self.options.device_timeout:g} s")
        self.t.close()

    def close(self):
        self._watchdog.cancel()
        self.t.close()

    def _lost(self, command: str, got: int) -> CommandResult:
        """The connection dropped: the device's failure names the command it dropped during. With
        several commands at once, whichever thread notices first, that is the one cut off in the
        middle of its output (output read, no end of it), else the first one started."""
        with self._lost_lock:
            if self.failure is None:
                # in start order; output counts what each command's thread has read plus what the
                # transport has already received for it (a loaded client reads late, but the data
                # that came before the drop is in the channel's buffers)
                running = [(c, v[0] + _buffered(v[2]), v[1] or v[2].eof_received) for c, v in list(self._running.items())]
                mid = [(c, n) for c, n, eof in running if n > 0 and not eof]
                during, n = (mid or [(c, n) for c, n, _ in running] or [(command, got)])[0]
                self.failure = DeviceError("command_failed", f"connection closed by the device during {during!r}"
                                                             f" after {n} bytes of output")
        return CommandResult(b"", b"", None, str(self.failure))

    def _open(self, command: str, deadline: float) -> paramiko.Channel | CommandResult:
        lone_refusals = 0
        while True:
            left = deadline - time.monotonic()
            try:
                return self.t.open_session(window_size=_WINDOW, timeout=max(left, 0.001))
            except paramiko.ChannelException as e:
                # a session limit (OpenSSH MaxSessions; many switches allow 1-2): fewer channels at once
                if self._slots.refused():
                    self._slots.release()
                    self._slots.acquire()
                    continue
                # alone and refused: the device has not yet freed the sessions we closed (OpenSSH
                # frees one when its process is reaped; a loaded device lags): wait, up to the deadline
                lone_refusals += 1
                wait = min(0.01 * 2**lone_refusals, 0.5)
                if time.monotonic() + wait >= deadline:
                    return CommandResult(b"", b"", None, f"command_failed: device refused a channel "
                                                         f"({lone_refusals} tries): {e.text}")
                time.sleep(wait)
            except (paramiko.SSHException, OSError, EOFError) as e:
                if not self.t.is_active():
                    return self._lost(command, 0)
                return CommandResult(b"", b"", None, f"timeout: could not open a channel: {e}")

    def run(self, command: str, timeout: float | None = None) -> CommandResult:
        """Run one command in its own channel; never raises for device behaviour."""
        if self.failure is not None:
            return CommandResult(b"", b"", None, str(self.failure))
        limit = timeout if timeout is not None else self.options.command_timeout
        self._slots.acquire()
        try:
            # the command's time starts when it has a channel slot: waiting behind the device's
            # other commands (a hung or flooding one, a session limit) is bounded by the device
            # deadline, not charged to this command
            deadline = min(time.monotonic() + limit, self.deadline)
            chan = self._open(command, deadline)
            if isinstance(chan, CommandResult):
                return chan
            try:
                return self._exec(chan, command, deadline, limit)
            finally:
                chan.close()
        finally:
            self._slots.release()

    def _exec(self, chan: paramiko.Channel, command: str, deadline: float, limit: float) -> CommandResult:
        cap = self.options.max_output
        out, err = bytearray(), bytearray()
        state = self._running[command] = [0, False, chan]
        try:
            return self._read(chan, command, deadline, limit, out, err, state, cap)
        finally:
            self._running.pop(command, None)

    def _read(self, chan: paramiko.Channel, command: str, deadline: float, limit: float, out: bytearray,
              err: bytearray, state: list, cap: int) -> CommandResult:
        try:
            chan.exec_command(command)
        except (paramiko.SSHException, OSError, EOFError) as e:
            if not self.t.is_active():
                return self._lost(command, 0)
            return CommandResult(b"", b"", None, f"command_failed: device refused to run it: {e}")
        chan.fileno()  # a pipe set whenever stdout or stderr has data or the channel ends
        while True:
            if chan.recv_ready():
                out += chan.recv(_READ)
                state[0] = len(out) + len(err)
            elif chan.recv_stderr_ready():
                err += chan.recv_stderr(_READ)
                state[0] = len(out) + len(err)
            elif chan.eof_received or chan.closed:
                state[1] = chan.eof_received
                break
            else:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([chan], [], [], left)[0]:
                    if self.failure is not None:
                        return CommandResult(bytes(out), bytes(err), None, str(self.failure))
                    return CommandResult(bytes(out), bytes(err), None,
                                         f"timeout: no end of output within {limit:g} s ({len(out)} bytes read)")
                continue
            if len(out) + len(err) > cap:
                keep_err = min(len(err), cap)
                return CommandResult(bytes(out[:cap - keep_err]), bytes(err[:keep_err]), None,
                                     f"output_capped: more than {cap} bytes of output; the first {cap} kept")
        left = deadline - time.monotonic()
        if not chan.status_event.wait(max(left, 0)):
            return CommandResult(bytes(out), bytes(err), None, f"timeout: no exit status within {limit:g} s")
        if not self.t.is_active() and chan.exit_status == -1:
            return self._lost(command, len(out) + len(err))
        if self.failure is not None:
            return CommandResult(bytes(out), bytes(err), None, str(self.failure))
        if chan.exit_status == -1:
            return CommandResult(bytes(out), bytes(err), None,
                                 "command_failed: the command ended without an exit status (killed by a signal?)")
        return CommandResult(bytes(out), bytes(err), chan.exit_status, None)


def _buffered(chan: paramiko.Channel) -> int:
    """Bytes the transport has received for a channel that its reader has not taken yet."""
    try:
        return len(chan.in_buffer) + len(chan.in_stderr_buffer)
    except (AttributeError, TypeError):
        return 0


class SSHConnector:
    """Connects the devices of one sweep; shares key files, the agent and jump-host connections.

    Thread-safe: the sweep runner calls :meth:`connect` from many threads."""

    def __init__(self, settings: SSHSettings | None = None, options: SSHOptions | None = None):
        self.settings = settings or SSHSettings()
        self.options = options or SSHOptions()
        self._lock = threading.Lock()
        self._keys: dict[str, paramiko.PKey | None] = {}
        self._key_notes: dict[str, str] = {}
        self._agent: paramiko.Agent | None = None
        self._agent_lock = threading.Lock()
        self._known: dict[tuple, KnownHosts] = {}
        self._jumps: dict[tuple, paramiko.Transport] = {}
        self._jump_locks: dict[tuple, threading.Lock] = {}
        self._live: set[paramiko.Transport] = set()

    # -- public ---------------------------------------------------------------------------------
    def connect(self, name: str, address: str = "", port: int | None = None, user: str = "",
                jump: str = "") -> SSHTransport:
        """An authenticated connection to the device, or DeviceError saying why not."""
        params = self.settings.resolve(name, address, port, user, jump)
        deadline = time.monotonic() + self.options.device_timeout
        attempt = 0
        while True:
            try:
                t = self._connect_chain(params, deadline)
                return SSHTransport(name, t, self.options, deadline)
            except DeviceError as e:
                delay = self.options.backoff * 2**attempt * (0.5 + random.random())
                if not e.transient or attempt >= self.options.retries or time.monotonic() + delay >= deadline:
                    raise
                attempt += 1
                time.sleep(delay)

    def abort(self):
        """Close every connection now (Ctrl-C): blocked commands end at once."""
        with self._lock:
            live = list(self._live)
        for t in live:
            t.close()

    def close(self):
        """Close the shared jump-host connections."""
        with self._lock:
            jumps = list(self._jumps.values())
            self._jumps.clear()
        for t in jumps:
            t.close()

    # -- connection -----------------------------------------------------------------------------
    def _connect_chain(self, params: HostParams, deadline: float) -> paramiko.Transport:
        via = None
        for i in range(len(params.jump)):
            via = self._jump(params.jump[:i + 1], deadline)
        return self._connect_one(params, deadline, via)

    def _jump(self, hops: tuple, deadline: float) -> paramiko.Transport:
        """The shared connection to the last of `hops` (reached through the ones before)."""
        key = tuple((h.host, h.user, h.port) for h in hops)
        with self._lock:
            lock = self._jump_locks.setdefault(key, threading.Lock())
        with lock:
            t = self._jumps.get(key)
            if t is not None and t.is_active():
                return t
            hop = hops[-1]
            params = self.settings.resolve(hop.host, "", hop.port, hop.user, "none")
            via = self._jump(hops[:-1], deadline) if len(hops) > 1 else None
            try:
                t = self._connect_one(params, deadline, via)
            except DeviceError as e:
                raise DeviceError(e.cause, f"jump host {hop.host}: {str(e).split(': ', 1)[1]}", e.transient) from None
            with self._lock:
                self._jumps[key] = t
                self._live.discard(t)
            return t

    def _socket(self, p: HostParams, deadline: float, via: paramiko.Transport | None):
        ct = self.options.connect_timeout or p.connect_timeout or 10.0
        ct = max(0.001, min(ct, deadline - time.monotonic()))
        where = f"{p.hostname}:{p.port}"
        if via is not None:
            try:
                return via.open_channel("direct-tcpip", (p.hostname, p.port), ("127.0.0.1", 0), timeout=ct)
            except paramiko.ChannelException as e:
                cause = "refused" if "refused" in str(e).lower() else "unreachable"
                raise DeviceError(cause, f"jump host could not reach {where}: {e.text}") from None
            except (paramiko.SSHException, EOFError, OSError) as e:
                raise DeviceError("unreachable", f"through the jump host to {where}: {e}", transient=True) from None
        try:
            sock = socket.create_connection((p.hostname, p.port), timeout=ct)
        except socket.gaierror as e:
            raise DeviceError("unreachable", f"cannot resolve {p.hostname!r}: {e.strerror}") from None
        except ConnectionRefusedError:
            raise DeviceError("refused", f"connection refused by {where} (no SSH server listening?)") from None
        except (socket.timeout, TimeoutError):
            raise DeviceError("unreachable", f"connect timeout after {ct:g} s ({where})") from None
        except OSError as e:
            transient = e.errno in (errno.ECONNRESET, errno.EAGAIN)
            raise DeviceError("unreachable", f"{where}: {e.strerror or e}", transient) from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def _known_hosts(self, p: HostParams) -> KnownHosts:
        key = (p.known_hosts, p.global_known_hosts)
        with self._lock:
            if key not in self._known:
                self._known[key] = KnownHosts(list(p.known_hosts), list(p.global_known_hosts))
            return self._known[key]

    def _connect_one(self, p: HostParams, deadline: float, via) -> paramiko.Transport:
        sock = self._socket(p, deadline, via)
        where = host_key_name(p.hostname, p.port)
        known = self._known_hosts(p)
        recorded = [k for k in known.lookup(p.hostname, p.port) if k.marker != "@revoked"]
        t = paramiko.Transport(sock, default_window_size=_WINDOW)
        with self._lock:
            self._live.add(t)
        ok = False
        try:
            o = self.options
            t.banner_timeout = max(0.001, min(o.banner_timeout, deadline - time.monotonic()))
            t.auth_timeout = max(0.001, min(o.auth_timeout, deadline - time.monotonic()))
            sec = t.get_security_options()
            sec.kex = _first(_KEX_FIRST, sec.kex)
            sec.ciphers = _first(_CIPHERS_FIRST, sec.ciphers)
            sec.key_types = _first(tuple(k.keytype for k in recorded), sec.key_types)
            done = threading.Event()
            t0 = time.monotonic()
            t.start_client(event=done)
            left = max(0.001, min(o.banner_timeout + o.auth_timeout, deadline - time.monotonic()))
            if not done.wait(left) or not t.is_active():
                raise _handshake_error(t, where, time.monotonic() - t0, o.banner_timeout, done.is_set())
            self._check_host_key(t, p, known, recorded)
            self._authenticate(t, p, where)
            ok = True
            return t
        finally:
            if not ok:
                t.close()
                with self._lock:
                    self._live.discard(t)

    def _check_host_key(self, t: paramiko.Transport, p: HostParams, known: KnownHosts, recorded: list) -> None:
        key = t.get_remote_server_key()
        blob, ktype = key.asbytes(), key.get_name()
        fp = fingerprint(blob)
        where = host_key_name(p.hostname, p.port)
        revoked = [k for k in known.lookup(p.hostname, p.port) if k.marker == "@revoked" and k.blob == blob]
        if revoked:
            raise DeviceError("host_key", f"{where} offers {ktype} {fp}, which {revoked[0].where} marks @revoked")
        if any(k.blob == blob for k in recorded):
            return
        if recorded:
            old = recorded[0]
            raise DeviceError(
                "host_key", f"HOST KEY CHANGED for {where}: it offers {ktype} {fp}, but {old.where} records "
                f"{old.keytype} {fingerprint(old.blob)}. Someone may be intercepting the connection, or the "
                f"device was reinstalled. If the change is expected, remove the old key: "
                f"ssh-keygen -R '{where}' -f {old.file}")
        if p.strict == "yes":
            short = "rsa" if "rsa" in ktype else "ecdsa" if "ecdsa" in ktype else ktype.removeprefix("ssh-")
            scan = f"ssh-keyscan {'' if p.port == 22 else f'-p {p.port} '}-t {short} {p.hostname}"
            raise DeviceError(
                "host_key", f"unknown host key for {where}: {ktype} {fp} is not in {', '.join(p.known_hosts)}. "
                f"Check the fingerprint, then add it ({scan} >> {p.known_hosts[0]}), or sweep with "
                "StrictHostKeyChecking accept-new to record first-seen keys")
        known.add(p.hostname, p.port, ktype, blob, hashed=p.hash_known_hosts)

    # -- authentication -------------------------------------------------------------------------
    def _identities(self, p: HostParams) -> list[tuple[str, paramiko.PKey]]:
        ids = []
        if not p.identities_only:
            with self._agent_lock:
                if self._agent is None:
                    self._agent = paramiko.Agent()
                agent_keys = self._agent.get_keys()
            ids += [(f"agent key {fingerprint(k.asbytes())}", k) for k in agent_keys]
        for path in p.identity_files:
            with self._lock:
                if path not in self._keys:
                    try:
                        self._keys[path] = paramiko.PKey.from_path(path)
                    except FileNotFoundError:
                        self._keys[path] = None
                    except paramiko.PasswordRequiredException:
                        self._keys[path] = None
                        self._key_notes[path] = f"{path} (passphrase-protected: load it into ssh-agent)"
                    except (paramiko.SSHException, OSError, ValueError) as e:
                        self._keys[path] = None
                        self._key_notes[path] = f"{path} (unreadable: {e})"
                key = self._keys[path]
            if key is not None:
                ids.append((path, key))
        return ids

    def _authenticate(self, t: paramiko.Transport, p: HostParams, where: str) -> None:
        tried = []
        for desc, key in self._identities(p):
            try:
                if isinstance(key, paramiko.AgentKey):
                    with self._agent_lock:  # one agent socket for all threads
                        t.auth_publickey(p.user, key)
                else:
                    t.auth_publickey(p.user, key)
            except paramiko.BadAuthenticationType as e:
                raise DeviceError("auth", f"{p.user}@{where} does not accept public keys "
                                          f"(allows: {', '.join(e.allowed_types)})") from None
            except paramiko.AuthenticationException as e:
                if "timeout" in str(e).lower():
                    raise DeviceError("timeout", f"no answer to authentication within {t.auth_timeout:g} s") from None
                tried.append(desc)
                continue
            except (paramiko.SSHException, EOFError, OSError) as e:
                raise DeviceError("unreachable", f"connection lost during authentication: {e}", True) from None
            if t.is_authenticated():
                return
        notes = [n for path, n in self._key_notes.items() if path in p.identity_files]
        raise DeviceError("auth", f"no key accepted for {p.user}@{where} (tried: "
                                  f"{', '.join(tried + notes) or 'nothing: no agent key, no key file'})")


def _first(preferred: tuple, available: tuple) -> tuple:
    """`available` reordered with the `preferred` ones that it has first."""
    head = [x for x in dict.fromkeys(preferred) if x in available]
    return tuple(head + [x for x in available if x not in head])


def _handshake_error(t: paramiko.Transport, where: str, elapsed: float, banner_timeout: float,
                     negotiated: bool) -> DeviceError:
    e = t.get_exception()
    text = str(e) if e else ""
    if "banner" in text.lower():
        if "timed out" in text.lower() or elapsed >= banner_timeout * 0.95:
            return DeviceError("timeout", f"no SSH banner from {where} within {banner_timeout:g} s")
        return DeviceError("unreachable", f"{where} closed the connection before its SSH banner", transient=True)
    if "incompatible" in text.lower():
        return DeviceError("refused", f"{where}: no algorithms in common ({text})")
    if e is None and t.is_active():
        return DeviceError("timeout", f"key exchange with {where} did not finish within {elapsed:.1f} s")
    if isinstance(e, (EOFError, ConnectionResetError)) or not text:
        return DeviceError("unreachable", f"{where} closed the connection during key exchange", transient=True)
    return DeviceError("unreachable", f"{where}: key exchange failed: {text}", transient=True)
