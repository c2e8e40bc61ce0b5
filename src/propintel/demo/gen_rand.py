"""Cheap draws from a ``random.Random`` (``randrange``/``choice`` cost ~1.5 µs; these ~0.2 µs)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def ri(rng: random.Random, lo: int, hi: int) -> int:
    """A random integer in ``[lo, hi)``."""
    return lo + int(rng.random() * (hi - lo))


def pick(rng: random.Random, seq: Sequence[T]) -> T:
    """A random element of a non-empty sequence."""
    return seq[int(rng.random() * len(seq))]
