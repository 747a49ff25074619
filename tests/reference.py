"""The plain recurrence that the tests compare simulators against."""

import numpy as np


def recurrence(u, Ad, Bd, dtype=np.float64):
    """``m[t] = Ad m[t-1] + Bd u[t]`` from zero, for each input dimension.

    Parameters
    ----------
    u : (steps,) or (steps, d) array_like
        The input.
    Ad, Bd : ndarray
        The discrete system, shapes ``(q, q)`` and ``(q, 1)``.
    dtype : numpy dtype
        The arithmetic to step in.

    Returns
    -------
    (steps, d * q) ndarray
        The memories in `LegendreMemory`'s layout.
    """
    u = np.asarray(u, dtype=dtype).reshape(len(u), -1)
    AdT = np.asarray(Ad, dtype=dtype).T
    BdT = np.asarray(Bd, dtype=dtype).T
    m = np.zeros((u.shape[1], len(AdT)), dtype=dtype)
    out = np.empty((len(u), m.size), dtype=dtype)
    for t in range(len(u)):
        m = m @ AdT + u[t][:, None] * BdT
        out[t] = m.ravel()
    return out
