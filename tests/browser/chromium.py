"""A headless Chromium driven over the DevTools protocol (one websocket, flattened sessions).

Just what the report tests and benchmark need: open a page, evaluate expressions, take a screenshot,
and record every network request and JavaScript dialog the page attempts. Uses Debian's `chromium`
(no browser download) and websocket-client.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--remote-debugging-port=0")


def find_chromium() -> str | None:
    """Path of the chromium binary, or None."""
    for name in ("chromium", "chromium-browser"):
        p = shutil.which(name)
        if p:
            return p
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


class Browser:
    """A Chromium process and one page. `events` keeps every protocol event received."""

    def __init__(self, binary: str | None = None, timeout: float = 30.0, width: int = 1400, height: int = 1000):
        import websocket  # websocket-client, the `test` extra

        self.binary = binary or find_chromium()
        if not self.binary:
            raise RuntimeError("chromium not found (apt-get install chromium)")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="netdiag-chromium-")
        self.proc = subprocess.Popen([self.binary, *FLAGS, f"--user-data-dir={self.profile}",
                                      f"--window-size={width},{height}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"chromium did not start (exit {self.proc.returncode})")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=timeout,
                                              suppress_origin=True)
        self._id = 0
        self.events: list[dict] = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable", session=True)

    def send(self, method: str, params: dict | None = None, session: bool = False) -> dict:
        """Send one command and wait for its result (events meanwhile go to `events`)."""
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        while True:
            m = json.loads(self.ws.recv())
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self._event(m)

    def _event(self, m: dict) -> None:
        if "method" in m:
            self.events.append(m)
            if m["method"] == "Page.javascriptDialogOpening":   # never leave a page blocked on alert()
                self.ws.send(json.dumps({"id": 0, "method": "Page.handleJavaScriptDialog",
                                         "params": {"accept": False}, "sessionId": self.session}))

    def wait_event(self, method: str, since: int = 0) -> dict:
        """The first event named `method` at index >= since, reading more as needed."""
        deadline = time.monotonic() + self.timeout
        while True:
            for e in self.events[since:]:
                if e["method"] == method:
                    return e
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {self.timeout}s")
            self._event(json.loads(self.ws.recv()))

    def open(self, url: str) -> float:
        """Navigate and wait for the load event; returns seconds from the command to the event."""
        mark = len(self.events)
        t0 = time.perf_counter()
        self.send("Page.navigate", {"url": url}, session=True)
        self.wait_event("Page.loadEventFired", mark)
        return time.perf_counter() - t0

    def eval(self, expression: str):
        """Evaluate a JavaScript expression in the page; its value (JSON-able) or raise."""
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True}, session=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"page error: {r['exceptionDetails']}")
        return r["result"].get("value")

    def screenshot(self, path: str | Path) -> Path:
        import base64

        r = self.send("Page.captureScreenshot", {"format": "png"}, session=True)
        Path(path).write_bytes(base64.b64decode(r["data"]))
        return Path(path)

    def requests(self, except_url: str | None = None) -> list[str]:
        """URLs the page asked the network for, except the document itself and data: URLs."""
        return [e["params"]["request"]["url"] for e in self.events
                if e["method"] == "Network.requestWillBeSent"
                and e["params"]["request"]["url"] != except_url
                and not e["params"]["request"]["url"].startswith("data:")]

    def dialogs(self) -> list[dict]:
        return [e["params"] for e in self.events if e["method"] == "Page.javascriptDialogOpening"]

    def console_errors(self) -> list[str]:
        """Console errors and CSP violations the page logged."""
        out = []
        for e in self.events:
            if e["method"] == "Runtime.exceptionThrown":
                out.append(str(e["params"]["exceptionDetails"].get("text")))
            elif e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error":
                out.append(e["params"]["entry"].get("text", ""))
            elif e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] == "error":
                out.append(" ".join(str(a.get("value")) for a in e["params"]["args"]))
        return out

    def close(self) -> None:
        try:
            if getattr(self, "ws", None):
                self.ws.close()
        finally:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
