"""Run netdiag with stderr on a real pseudo-terminal (what a user's terminal would show)."""

import os
import pty
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_on_tty(args, cwd=None) -> tuple[int, bytes, bytes]:
    """(exit status, stdout, what the terminal on stderr showed) of `python -m netdiag.cli ARGS`."""
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", "COLUMNS": "100"}
    p = subprocess.Popen([sys.executable, "-m", "netdiag.cli", *map(str, args)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=slave, env=env, cwd=cwd)
    os.close(slave)
    term = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:   # EIO: the child closed its end
            break
        if not chunk:
            break
        term += chunk
    out = p.stdout.read()
    p.wait(timeout=300)
    os.close(master)
    return p.returncode, out, term
