"""The reliability suite: bounded so that CI runs it in a few minutes; set
``PLEDGES_RELIABILITY_SCALE=N`` to run N times the trials, writes and examples."""

from __future__ import annotations

import os

import pytest


def scale() -> int:
    """How many times the default size to run (``PLEDGES_RELIABILITY_SCALE``, default 1)."""
    raw = os.environ.get("PLEDGES_RELIABILITY_SCALE", "1")
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise pytest.UsageError(
            f"PLEDGES_RELIABILITY_SCALE must be a whole number >= 1, not {raw!r}"
        )
    return value


@pytest.fixture(name="scale")
def scale_fixture() -> int:
    """:func:`scale`, for tests that take it as a fixture."""
    return scale()
