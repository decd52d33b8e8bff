"""What the fuzz tests share: hypothesis settings scaled by ``PLEDGES_RELIABILITY_SCALE``, and
an alarm that tells a hung input from a slow machine."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from hypothesis import HealthCheck, settings

SCALE = max(1, int(os.environ.get("PLEDGES_RELIABILITY_SCALE", "1")))


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        deadline=None,  # a loaded machine is slow, not hung: the alarm below tells them apart
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )


class Hung(Exception):
    pass


@contextmanager
def time_limit(seconds: int, what: str) -> Iterator[None]:
    def alarm(_signal: int, _frame: FrameType | None) -> None:
        raise Hung(f"{what} took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
