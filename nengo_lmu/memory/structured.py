"""Memory steps in O(order) operations, from the structure of the Legendre ``A``.

A dense step ``m <- Ad m + Bd u`` costs O(order^2). Two properties of the
continuous Legendre system (`.lmu_system`) make cheaper steps possible:

- each row of :math:`A` is a constant times a sign pattern, so :math:`A m`
  takes two cumulative sums (`.lmu_matvec`);
- :math:`A^{-1}` is tridiagonal (`.lmu_inverse`), so :math:`(z I - h A)^{-1}`
  applied to a vector is a tridiagonal solve.

Both steps use the equilibrium of a constant input: :math:`A^{-1} B = -e_0`,
so with :math:`w = m - u e_0` (the distance from the equilibrium of this
step's input)

.. math::

    \\text{Euler:}\\quad m \\leftarrow m + \\Delta t\\, A w, \\qquad
    \\text{Padé:}\\quad m \\leftarrow R(\\Delta t A)\\, w + u e_0,

where :math:`R` is the Padé approximant of the exponential (`.pade_exp`):
the exact zero-order hold would use :math:`e^{\\Delta t A}` in its place.
Each is the same discrete system as `.discretize` gives for ``"euler"`` and
``"pade"``, computed in a different order (equal to rounding).

With the partial fractions :math:`R(z) = r_\\infty + \\sum_l c_l / (z -
p_l)` and :math:`\\hat{G} = (\\Delta t A)^{-1}`,

.. math::

    R(\\Delta t A)\\, w = r_\\infty w + \\sum_l c_l (I - p_l \\hat{G})^{-1}
    \\hat{G} w,

one tridiagonal product and one tridiagonal solve per pole (a conjugate pair
of poles needs one complex solve, whose real part counts twice). The LU
factors of the tridiagonal matrices are computed once.
"""

import numpy as np
from scipy.linalg import lapack

from nengo_lmu.legendre import PADE_DEGREES, lmu_inverse, pade_exp

STRUCTURED_METHODS = ("euler", "pade")


def structured_update(order, theta, dt, method, memory):
    """A function ``advance(u)`` that steps ``memory`` in place.

    Parameters
    ----------
    order : int
        Order of the memory (>= 3).
    theta : float
        Window length in seconds.
    dt : float
        Time step in seconds.
    method : {"euler", "pade"}
        The discrete system to step (see `.discretize`).
    memory : (size_in, order) ndarray
        The memory (a view is fine); updated in place.

    Returns
    -------
    callable
        ``advance(u)`` with ``u`` of shape ``(size_in,)``: one step of
        ``method``'s discrete system for every input dimension,
        :math:`m \\leftarrow m + \\Delta t\\, A w` (Euler) or
        :math:`m \\leftarrow R(\\Delta t A)\\, w + u e_0` (Padé), with
        :math:`w = m - u e_0` (see the module's description). Returns
        None; ``memory`` holds the result.
    """
    if order < 3:  # LAPACK's tridiagonal LU needs n >= 3 in scipy's wrapper
        raise ValueError("structured steps need order >= 3")
    if memory.shape[-1] != order:
        raise ValueError(
            f"memory has {memory.shape[-1]} coefficients, expected {order}"
        )
    if method == "euler":
        return _euler_update(order, theta, dt, memory)
    if method == "pade":
        return _pade_update(order, theta, dt, memory)
    raise ValueError(
        f"no structured step for {method!r}; use one of {STRUCTURED_METHODS}"
    )


def _euler_update(order, theta, dt, memory):
    # `lmu_matvec`'s prefix sums, in preallocated buffers for the hot path
    k = np.arange(order)
    sign = (-1.0) ** k
    scale = dt * (2 * k + 1) / theta
    w = np.empty_like(memory)
    alternating = np.empty_like(memory)
    total = np.empty((memory.shape[0], 1))

    def advance(u):
        w[...] = memory
        w[:, 0] -= u
        # (A w)_i = (2i+1)/theta * ((-1)^(i+1) sum_{j<=i} (-1)^j w_j - sum_{j>i} w_j)
        np.multiply(w, sign, out=alternating)
        np.cumsum(alternating, axis=1, out=alternating)
        np.multiply(alternating, sign, out=alternating)
        total[:, 0] = w.sum(axis=1)
        np.cumsum(w, axis=1, out=w)
        np.subtract(w, alternating, out=w)
        np.subtract(w, total, out=w)
        np.multiply(w, scale, out=w)
        np.add(memory, w, out=memory)

    return advance


def _pade_update(order, theta, dt, memory):
    lower, diag, upper = (band / dt for band in lmu_inverse(order, theta))
    r_inf, poles, residues = pade_exp(*PADE_DEGREES)

    # one factorisation per real pole and per conjugate pair (upper half)
    factors = []
    for pole, residue in zip(poles, residues):
        if pole.imag < 0:
            continue
        real = abs(pole.imag) < 1e-12 * abs(pole)
        dtype = np.float64 if real else np.complex128
        gttrf = lapack.dgttrf if real else lapack.zgttrf
        p = pole.real if real else pole
        dl, d, du, du2, ipiv, info = gttrf(
            (-p * lower).astype(dtype),
            (1 - p * diag).astype(dtype),
            (-p * upper).astype(dtype),
        )
        assert info == 0, (
            "I - p G is singular, but the poles lie in the right half-plane"
        )
        weight = residue.real if real else 2 * residue  # a pair counts twice
        gttrs = lapack.dgttrs if real else lapack.zgttrs
        factors.append((gttrs, (dl, d, du, du2, ipiv), weight))

    # column-major views: LAPACK solves for all input dimensions at once
    w = np.empty((order, memory.shape[0]), order="F")
    gw = np.empty_like(w)
    memory_T = memory.T

    def advance(u):
        w[...] = memory_T
        w[0] -= u
        # G w with G tridiagonal
        np.multiply(diag[:, None], w, out=gw)
        gw[1:] += lower[:, None] * w[:-1]
        gw[:-1] += upper[:, None] * w[1:]
        np.multiply(w, r_inf, out=memory_T)
        for gttrs, lu, weight in factors:
            x, info = gttrs(*lu, gw)
            memory_T[...] += (weight * x).real
        memory_T[0] += u

    return advance
