"""The mathematics of the Legendre Memory Unit's memory.

Every other part of nengo-lmu calls these functions for the state-space
matrices, their discretisation, the delay readout and the impulse response, so
that the mathematics lives in one place.

The Legendre delay system of order :math:`q` and window :math:`\\theta`
(Voelker, Kajić and Eliasmith, 2019) is the linear time-invariant system

.. math::

    \\dot{m}(t) = A m(t) + B u(t),

    A_{ij} = \\frac{2i + 1}{\\theta} \\begin{cases}
        -1 & i < j \\\\ (-1)^{i - j + 1} & i \\ge j \\end{cases},
    \\qquad
    B_i = \\frac{2i + 1}{\\theta} (-1)^i,

whose state :math:`m \\in \\mathbb{R}^q` holds the coefficients of the shifted
Legendre polynomials that best fit the last :math:`\\theta` seconds of
:math:`u`. KerasLMU, the LMU paper code, nengolib and NengoDL's LMU notebook
all use this sign convention, so weights move between them unchanged.
"""

import numpy as np
import scipy.linalg
from nengo.exceptions import ValidationError

DISCRETIZERS = ("zoh", "euler")


def _check_order(order):
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)):
        raise ValidationError(
            f"must be an integer >= 1, got {order!r}", attr="order"
        )
    if order < 1:
        raise ValidationError(f"must be an integer >= 1, got {order}", attr="order")
    return int(order)


def _check_positive(value, attr):
    if isinstance(value, bool) or not np.isscalar(value) or not value > 0:
        raise ValidationError(f"must be a number > 0, got {value!r}", attr=attr)
    return float(value)


def lmu_system(order, theta):
    """The continuous-time Legendre delay system ``(A, B)``.

    Parameters
    ----------
    order : int
        Number of Legendre coefficients :math:`q` kept in the memory (>= 1).
    theta : float
        Length of the sliding window :math:`\\theta` in seconds (> 0).

    Returns
    -------
    A : (order, order) ndarray
        :math:`A_{ij} = \\frac{2i+1}{\\theta} (-1 \\text{ if } i < j
        \\text{ else } (-1)^{i-j+1})`.
    B : (order, 1) ndarray
        :math:`B_i = \\frac{2i+1}{\\theta} (-1)^i`.
    """
    order = _check_order(order)
    theta = _check_positive(theta, "theta")
    q = np.arange(order)
    scale = (2 * q + 1)[:, None] / theta
    i, j = np.meshgrid(q, q, indexing="ij")
    A = scale * np.where(i < j, -1.0, (-1.0) ** (i - j + 1))
    B = scale * ((-1.0) ** q)[:, None]
    return A, B


def discretize(A, B, dt, method="zoh"):
    """Discretise ``dm/dt = A m + B u`` for the time step ``dt``.

    The discrete system is ``m[t] = Ad m[t-1] + Bd u[t]``.

    Parameters
    ----------
    A : (q, q) array_like
        Continuous state matrix.
    B : (q, k) array_like
        Continuous input matrix.
    dt : float
        Time step in seconds (> 0).
    method : {"zoh", "euler"}
        ``"zoh"`` (zero-order hold) is exact for input that is constant over
        each step: :math:`\\exp\\left(\\begin{bmatrix} A & B \\\\ 0 & 0
        \\end{bmatrix} \\Delta t\\right) = \\begin{bmatrix} A_d & B_d \\\\ 0 & I
        \\end{bmatrix}`. ``"euler"`` (forward Euler) is :math:`A_d = I +
        \\Delta t A`, :math:`B_d = \\Delta t B`; it is stable only when the
        window is long compared to the step (see `euler_min_theta`).

    Returns
    -------
    Ad : (q, q) ndarray
    Bd : (q, k) ndarray
    """
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    dt = _check_positive(dt, "dt")
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValidationError(f"must be a square matrix, got shape {A.shape}", "A")
    if B.ndim != 2 or B.shape[0] != A.shape[0]:
        raise ValidationError(
            f"must have shape ({A.shape[0]}, k) to match A, got {B.shape}", "B"
        )
    q, k = B.shape
    if method == "zoh":
        aug = np.zeros((q + k, q + k))
        aug[:q, :q] = A
        aug[:q, q:] = B
        expm = scipy.linalg.expm(aug * dt)
        return expm[:q, :q], expm[:q, q:]
    if method == "euler":
        return np.eye(q) + dt * A, dt * B
    raise ValidationError(
        f"must be one of {DISCRETIZERS}, got {method!r}", attr="discretizer"
    )


def lmu_eigenvalues(order):
    """Eigenvalues of the continuous Legendre system for ``theta = 1``.

    The eigenvalues for another window are these divided by ``theta``.

    They are computed on the similar matrix :math:`T = S^{-1} A S` with
    :math:`S = \\mathrm{diag}((-1)^i \\sqrt{2i + 1})`, which is the sum of a
    symmetric negative semi-definite and a skew-symmetric matrix. That makes
    the eigenvalue problem far better conditioned than on ``A`` itself, whose
    rows differ in scale by a factor ``2 q - 1``.
    """
    A, _ = lmu_system(order, 1.0)
    q = np.arange(order)
    s = ((-1.0) ** q) * np.sqrt(2 * q + 1)
    return np.linalg.eigvals(A * s[None, :] / s[:, None])


def euler_min_theta(order, dt):
    """The shortest window for which the Euler-discretised system is stable.

    Euler maps each continuous eigenvalue :math:`\\lambda / \\theta` to
    :math:`1 + \\Delta t \\lambda / \\theta`, which lies inside the unit circle
    exactly when :math:`\\theta > \\Delta t |\\lambda|^2 / (-2 \\Re\\lambda)`.

    Parameters
    ----------
    order : int
        Order of the memory.
    dt : float
        Time step in seconds.

    Returns
    -------
    float
        The bound in seconds; a window must be strictly longer.
    """
    dt = _check_positive(dt, "dt")
    lam = lmu_eigenvalues(order)
    return dt * float(np.max(np.abs(lam) ** 2 / (-2 * lam.real)))


def legendre_readout(order, r):
    """Matrix that decodes the delayed input ``u(t - r * theta)`` from the memory.

    .. math::

        u(t - r \\theta) \\approx \\sum_{k=0}^{q-1} P_k(2 r - 1) \\, m_k(t),

    with :math:`P_k` the Legendre polynomial on :math:`[-1, 1]` (so
    :math:`P_k(2r - 1)` is the shifted Legendre polynomial at ``r``).

    Parameters
    ----------
    order : int
        Order of the memory.
    r : float or array_like
        Delays as fractions of the window, each in [0, 1].

    Returns
    -------
    (len(r), order) ndarray
        Row ``i`` decodes the input delayed by ``r[i] * theta``.
    """
    order = _check_order(order)
    r = np.atleast_1d(np.asarray(r, dtype=np.float64))
    if r.ndim != 1 or np.any(~np.isfinite(r)) or np.any((r < 0) | (r > 1)):
        raise ValidationError(
            f"must be delays in [0, 1] (fractions of theta), got {r}", attr="r"
        )
    x = 2 * r - 1
    # Bonnet's recurrence: (k + 1) P_{k+1} = (2k + 1) x P_k - k P_{k-1}
    P = np.empty((len(r), order))
    P[:, 0] = 1.0
    if order > 1:
        P[:, 1] = x
    for k in range(1, order - 1):
        P[:, k + 1] = ((2 * k + 1) * x * P[:, k] - k * P[:, k - 1]) / (k + 1)
    return P


def impulse_response(Ad, Bd, n_steps):
    """Response of the discrete system to a unit impulse at step 0.

    With the update ``m[t] = Ad m[t-1] + Bd u[t]`` from ``m[-1] = 0``, the
    memory is the causal convolution :math:`m[t] = \\sum_{s \\le t} H[t - s]
    u[s]` with :math:`H[t] = A_d^t B_d`.

    Parameters
    ----------
    Ad : (q, q) array_like
        Discrete state matrix.
    Bd : (q, 1) array_like
        Discrete input matrix.
    n_steps : int
        Number of steps to return (>= 1).

    Returns
    -------
    H : (n_steps, q) ndarray
        ``H[t] = Ad^t Bd``.
    """
    Ad = np.asarray(Ad, dtype=np.float64)
    Bd = np.asarray(Bd, dtype=np.float64).reshape(-1)
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)):
        raise ValidationError(f"must be an integer >= 1, got {n_steps!r}", "n_steps")
    if n_steps < 1:
        raise ValidationError(f"must be an integer >= 1, got {n_steps}", "n_steps")
    H = np.empty((n_steps, len(Bd)))
    H[0] = Bd
    AdT = Ad.T
    for t in range(1, n_steps):
        np.dot(H[t - 1], AdT, out=H[t])
    return H


def lmu_matvec(m, theta):
    """Compute ``A @ m`` for the continuous Legendre system in O(order).

    Each row of :math:`A` is :math:`(2i+1)/\\theta` times a fixed sign
    pattern: :math:`-1` right of the diagonal, :math:`(-1)^{i-j+1}` on and left
    of it. Hence

    .. math::

        (A m)_i = \\frac{2i + 1}{\\theta} \\left( (-1)^{i+1}
        \\sum_{j \\le i} (-1)^j m_j - \\sum_{j > i} m_j \\right),

    two cumulative sums instead of a dense product.

    Parameters
    ----------
    m : (..., order) ndarray
        Memory states, with the Legendre coefficients on the last axis.
    theta : float
        Window length in the same time unit as the step that will scale it.

    Returns
    -------
    (..., order) ndarray
    """
    m = np.asarray(m)
    order = m.shape[-1]
    k = np.arange(order)
    sign = (-1.0) ** k
    prefix = np.cumsum(sign * m, axis=-1)  # sum_{j <= i} (-1)^j m_j
    total = np.sum(m, axis=-1, keepdims=True)
    suffix = total - np.cumsum(m, axis=-1)  # sum_{j > i} m_j
    return (2 * k + 1) / theta * (-sign * prefix - suffix)
