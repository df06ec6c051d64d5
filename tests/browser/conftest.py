import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chromium import Browser, find_chromium  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium. Skips where there is none, except in CI (.ci/run installs it)."""
    if find_chromium() is None:
        if os.environ.get("CI"):
            raise RuntimeError("CI must run the browser tests: chromium is missing (apt-get install chromium)")
        pytest.skip("chromium not installed")
    try:
        import websocket  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("websocket-client not installed (pip install -e '.[test]')")
    b = Browser()
    yield b
    b.close()
