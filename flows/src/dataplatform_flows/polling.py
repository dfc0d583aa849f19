"""Wait for a long-running Azure operation: exponential backoff with jitter, bounded by an overall timeout."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


class WaitTimeout(TimeoutError):
    """The operation did not reach a terminal state within the overall timeout."""


@dataclass(frozen=True)
class Backoff:
    """Delay between polls: ``initial * factor**n`` capped at ``maximum``, each multiplied by a jitter in
    [1 - jitter, 1] so parallel waiters spread out. Default: 5 s, x2, 60 s cap, 20 % jitter."""

    initial_seconds: float = 5.0
    maximum_seconds: float = 60.0
    factor: float = 2.0
    jitter: float = 0.2
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, poll: int) -> float:
        raw = min(self.maximum_seconds, self.initial_seconds * (self.factor**poll))
        return raw * self.rng.uniform(1.0 - self.jitter, 1.0)


def wait_until(
    fetch: Callable[[], T],
    done: Callable[[T], bool],
    *,
    timeout_seconds: float,
    backoff: Backoff,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Poll ``fetch`` until ``done``; raise ``WaitTimeout`` once ``timeout_seconds`` have passed (never sleeps past it)."""
    deadline = clock() + timeout_seconds
    poll = 0
    while True:
        value = fetch()
        if done(value):
            return value
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout(f"{what} did not finish within {timeout_seconds:g} s")
        sleep(min(backoff.delay(poll), remaining))
        poll += 1
