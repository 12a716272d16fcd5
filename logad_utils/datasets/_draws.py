"""Seeded scalar random draws, and the value specs incident scenarios are written with."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np

_BLOCK = 1 << 15  # numbers drawn per refill: one rng.random() call per value costs ~1 us


class Draws:
    """Scalar draws served from buffered numpy blocks of one generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        def blocks(draw: Callable[[int], np.ndarray]):
            while True:
                yield draw(_BLOCK).tolist()

        self.uniform: Callable[[], float] = itertools.chain.from_iterable(blocks(rng.random)).__next__
        self.normal: Callable[[], float] = itertools.chain.from_iterable(blocks(rng.standard_normal)).__next__

    def integer(self, lo: int, hi: int) -> int:
        """Integer uniform in [lo, hi]."""
        return lo + int(self.uniform() * (hi - lo + 1))

    def choice(self, seq: Sequence):
        """Uniform choice from a sequence."""
        return seq[int(self.uniform() * len(seq))]

    def lognormal(self, median: float, sigma: float, lo: float, hi: float) -> float:
        """Log-normal value around median, clipped to [lo, hi] (durations, latencies)."""
        return min(hi, max(lo, median * math.exp(sigma * self.normal())))

    def seconds(self, lo: float, span: float) -> float:
        """Uniform in [lo, lo + span]."""
        return lo + span * self.uniform()


# Value specs: a scenario names its random values as functions of the draws.
Value = Callable[[Draws], object]


def between(lo: int, hi: int) -> Value:
    """An integer uniform in [lo, hi]."""
    return lambda draws: draws.integer(lo, hi)


def pick(*options) -> Value:
    """One of the options, uniformly."""
    return lambda draws: draws.choice(options)


def around(median: float, sigma: float, lo: float, hi: float) -> Value:
    """An integer log-normal around median, clipped (latencies in ms)."""
    return lambda draws: int(draws.lognormal(median, sigma, lo, hi))
