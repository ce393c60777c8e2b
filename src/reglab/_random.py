"""Independent random streams from one seed, so that (say) data and initial weights never share draws."""

import zlib

import numpy as np

__all__ = ["rng_for"]


def rng_for(seed, purpose: str) -> np.random.Generator:
    """A NumPy generator for one purpose: the same (seed, purpose) always gives the same stream."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be a non-negative integer; got {seed!r}")
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(zlib.crc32(purpose.encode()),)))
