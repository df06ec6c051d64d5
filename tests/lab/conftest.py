"""The SSH lab for these tests: one sshd-backed lab per module, devices played from captures."""

import pytest

from netdiag.lab import lab_available

_why = lab_available()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/lab/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.lab)
            if _why:
                item.add_marker(pytest.mark.skip(reason=_why))
