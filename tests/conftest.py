import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
FIXTURES = ROOT / "fixtures"


def _realworld() -> Path | None:
    env = os.environ.get("NETDIAG_REALWORLD")
    for p in ([Path(env)] if env else []) + [ROOT.parent / "shared" / "realworld"]:
        if p.is_dir():
            return p
    return None


REALWORLD = _realworld()


@pytest.fixture
def realworld() -> Path:
    """../shared/realworld when present (the project's sample library); tests using it skip otherwise."""
    if REALWORLD is None:
        pytest.skip("../shared/realworld not available")
    return REALWORLD
