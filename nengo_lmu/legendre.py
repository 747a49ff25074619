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

from functools import lru_cache
from math import factorial

import numpy as np
import scipy.fft
import scipy.linalg
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import (
    MAX_ARRAY_BYTES,
    check_count,
    check_order,
    check_positive,
    check_size,
    check_system,
    real_array,
)

DISCRETIZERS = ("zoh", "euler", "pade")

# Degrees (numerator, denominator) of the Padé approximant of exp used by the
# "pade" discretiser: subdiagonal, so L-stable, and of order 5.
PADE_DEGREES = (2, 3)


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
    order = check_order(order)
    theta = check_positive(theta, "theta")
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
    method : {"zoh", "euler", "pade"}
        ``"zoh"`` (zero-order hold) is exact for input that is constant over
        each step: :math:`\\exp\\left(\\begin{bmatrix} A & B \\\\ 0 & 0
        \\end{bmatrix} \\Delta t\\right) = \\begin{bmatrix} A_d & B_d \\\\ 0 & I
        \\end{bmatrix}`. ``"euler"`` (forward Euler) is :math:`A_d = I +
        \\Delta t A`, :math:`B_d = \\Delta t B`; it is stable only when the
        window is long compared to the step (see `euler_min_theta`).
        ``"pade"`` replaces the exponential of ``"zoh"`` by its (2, 3) Padé
        approximant :math:`R` (`pade_exp`): L-stable for every step and
        accurate to fifth order, and, for the Legendre system, computable in
        O(order) per step (`nengo_lmu.structured`).

    Returns
    -------
    Ad : (q, q) ndarray
    Bd : (q, k) ndarray
    """
    A, B = check_system(A, B, names=("A", "B"))
    dt = check_positive(dt, "dt")
    q, k = B.shape
    if method == "zoh":
        aug = np.zeros((q + k, q + k))
        aug[:q, :q] = A
        aug[:q, q:] = B
        expm = scipy.linalg.expm(aug * dt)
        return expm[:q, :q], expm[:q, q:]
    if method == "euler":
        return np.eye(q) + dt * A, dt * B
    if method == "pade":
        # R applied to the augmented matrix, through its partial fractions
        # R(z) = r_inf + sum_j c_j / (z - p_j); the poles lie in the right
        # half-plane, away from the spectrum of a stable system
        aug = np.zeros((q + k, q + k))
        aug[:q, :q] = A * dt
        aug[:q, q:] = B * dt
        r_inf, poles, residues = pade_exp(*PADE_DEGREES)
        R = r_inf * np.eye(q + k, dtype=complex)
        for pole, residue in zip(poles, residues):
            R += residue * np.linalg.inv(aug - pole * np.eye(q + k))
        R = R.real
        return R[:q, :q], R[:q, q:]
    raise ValidationError(
        f"must be one of {DISCRETIZERS}, got {method!r}", attr="method"
    )


def pade_exp(numerator_degree, denominator_degree):
    """The Padé approximant of :math:`e^z` in partial fractions.

    With :math:`k` and :math:`j` the degrees,

    .. math::

        R(z) = \\frac{\\sum_{i=0}^{k} \\frac{(k + j - i)!\\, k!}{(k + j)!\\, i!\\,
        (k - i)!} z^i}{\\sum_{i=0}^{j} \\frac{(k + j - i)!\\, j!}{(k + j)!\\, i!\\,
        (j - i)!} (-z)^i}
        = r_\\infty + \\sum_{l=1}^{j} \\frac{c_l}{z - p_l},

    which matches :math:`e^z` to order :math:`k + j`. For :math:`j > k`,
    :math:`r_\\infty = 0` and :math:`R(z) \\to 0` as :math:`z \\to -\\infty`
    (L-stability: stiff modes are damped, as the exact exponential damps them).

    Parameters
    ----------
    numerator_degree : int
        :math:`k`, from 0 to 20.
    denominator_degree : int
        :math:`j`, from 1 to 20.

    Returns
    -------
    r_inf : float
        The limit of :math:`R` at infinity.
    poles, residues : (j,) complex ndarray
        :math:`p_l` and :math:`c_l`; the poles are simple.
    """
    # the degrees of a usable approximant are small; factorials of large ones
    # overflow the floats (and take minutes to compute)
    k = check_count(numerator_degree, "numerator_degree", 0, 20)
    j = check_count(denominator_degree, "denominator_degree", 1, 20)
    num = np.polynomial.Polynomial(
        [
            factorial(k + j - i)
            * factorial(k)
            / (factorial(k + j) * factorial(i) * factorial(k - i))
            for i in range(k + 1)
        ]
    )
    den = np.polynomial.Polynomial(
        [
            (-1) ** i
            * factorial(k + j - i)
            * factorial(j)
            / (factorial(k + j) * factorial(i) * factorial(j - i))
            for i in range(j + 1)
        ]
    )
    poles = den.roots().astype(complex)
    residues = num(poles) / den.deriv()(poles)
    r_inf = num.coef[-1] / den.coef[-1] if k == j else 0.0
    return float(r_inf), poles, residues


def lmu_inverse(order, theta):
    """The inverse of the continuous Legendre ``A``, which is tridiagonal.

    The integral of a Legendre polynomial is a difference of two others,
    :math:`(2k + 1) \\int P_k = P_{k+1} - P_{k-1}`, and so

    .. math::

        (A^{-1})_{i, i-1} = -\\frac{\\theta}{2 (2i - 1)}, \\quad
        (A^{-1})_{i, i+1} = \\frac{\\theta}{2 (2i + 3)},

    with diagonal :math:`-\\theta / 2` in the first and
    :math:`-\\theta / (2 (2q - 1))` in the last row (together
    :math:`-\\theta` for order 1) and zero elsewhere. Also
    :math:`A^{-1} B = -e_0`: a constant input ``u`` holds the memory at
    :math:`u e_0`.

    Parameters
    ----------
    order : int
        The order ``q``.
    theta : float
        The window in seconds.

    Returns
    -------
    lower : (order - 1,) ndarray
        The subdiagonal.
    diag : (order,) ndarray
        The diagonal.
    upper : (order - 1,) ndarray
        The superdiagonal.
    """
    order = check_order(order)
    theta = check_positive(theta, "theta")
    i = np.arange(order)
    lower = -theta / (2 * (2 * i[1:] - 1))
    upper = theta / (2 * (2 * i[:-1] + 3))
    diag = np.zeros(order)
    diag[0] -= theta / 2
    diag[-1] -= theta / (2 * (2 * order - 1))
    return lower, diag, upper


def lmu_eigenvalues(order):
    """Eigenvalues of the continuous Legendre system for ``theta = 1``.

    The eigenvalues for another window are these divided by ``theta``.

    They are computed on the similar matrix :math:`T = S^{-1} A S` with
    :math:`S = \\mathrm{diag}((-1)^i \\sqrt{2i + 1})`, which is the sum of a
    symmetric negative semi-definite and a skew-symmetric matrix. That makes
    the eigenvalue problem far better conditioned than on ``A`` itself, whose
    rows differ in scale by a factor ``2 q - 1``.

    Parameters
    ----------
    order : int
        The order ``q``.

    Returns
    -------
    (order,) complex ndarray
        The eigenvalues of :math:`A` for ``theta = 1``.
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

    Notes
    -----
    The eigenvalues cost O(order^3) once per order (about 2 s at order 1024
    and 100 s at order 4096 on two cores); they are cached.
    """
    dt = check_positive(dt, "dt")
    return dt * _euler_min_theta_steps(check_order(order))


def check_euler_stable(order, theta, dt, obj=None):
    """Refuse a window too short for a stable Euler discretisation.

    Parameters
    ----------
    order : int
        Order of the memory.
    theta : float
        Its window in seconds.
    dt : float
        The time step in seconds.
    obj : object, optional
        The object named in the error.
    """
    theta_min = euler_min_theta(order, dt)
    if not theta > theta_min:
        raise ValidationError(
            f"theta={theta} s is too short for Euler discretisation of order "
            f"{order} at dt={dt} s: the discrete system is unstable. Use theta > "
            f"{theta_min:.6g} s, or discretizer='zoh' (stable for every theta).",
            attr="theta",
            obj=obj,
        )


@lru_cache(maxsize=None)
def _euler_min_theta_steps(order):
    lam = lmu_eigenvalues(order)
    return float(np.max(np.abs(lam) ** 2 / (-2 * lam.real)))


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
    order = check_order(order)
    r = np.atleast_1d(real_array(r, "r"))
    if r.ndim != 1 or np.any((r < 0) | (r > 1)):
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
        Number of steps to return (>= 1; the response may take at most
        `.arguments.MAX_ARRAY_BYTES`).

    Returns
    -------
    H : (n_steps, q) ndarray
        ``H[t] = Ad^t Bd``.
    """
    Ad, Bd = check_system(Ad, Bd)
    if Bd.shape[1] != 1:
        raise ValidationError(f"must have one column, got shape {Bd.shape}", "Bd")
    Bd = Bd[:, 0]
    n_steps = check_count(n_steps, "n_steps", low=1)
    what = f"{n_steps} steps of an order-{len(Bd)} response"
    check_size(n_steps * len(Bd) * 8, "n_steps", MAX_ARRAY_BYTES, what)
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
    m = real_array(m, "m")
    if m.ndim == 0 or m.shape[-1] == 0:
        raise ValidationError(
            f"must have the Legendre coefficients on its last axis, got shape "
            f"{m.shape}",
            "m",
        )
    theta = check_positive(theta, "theta")
    order = m.shape[-1]
    k = np.arange(order)
    sign = (-1.0) ** k
    prefix = np.cumsum(sign * m, axis=-1)  # sum_{j <= i} (-1)^j m_j
    total = np.sum(m, axis=-1, keepdims=True)
    suffix = total - np.cumsum(m, axis=-1)  # sum_{j > i} m_j
    return (2 * k + 1) / theta * (-sign * prefix - suffix)


def memory_trajectory(u, Ad, Bd, steps=None):
    """The memory of a whole input sequence in closed form, without stepping.

    The system is linear and time-invariant, so with :math:`H` the
    `impulse_response`, :math:`m[t] = \\sum_{s \\le t} H[t - s] u[s]` (the
    memory at step ``t`` includes the input of step ``t``, as in
    `.LegendreMemory`). All steps are computed as an FFT convolution; a few
    chosen steps (for example only the last, for a sequence classifier) as
    one matrix product each, :math:`m[t] = u[0..t]^T H[t..0]`, or, for a
    step shortly after another chosen one, by stepping
    :math:`m[t] = A_d m[t - 1] + B_d u[t]` on from it.

    Parameters
    ----------
    u : (..., n_steps) array_like
        Input sequences, time along the last axis.
    Ad, Bd : array_like
        The discrete system, ``(q, q)`` and ``(q, 1)``.
    steps : sequence of int, optional
        The steps to return (negative counts from the end); all if omitted.

    Returns
    -------
    m : (..., n_out, q) ndarray
        The memory at each requested step.
    """
    u = real_array(u, "u")
    if u.ndim == 0 or u.shape[-1] == 0:
        raise ValidationError(f"must have steps on its last axis, got {u.shape}", "u")
    n_steps = u.shape[-1]
    H = impulse_response(Ad, Bd, n_steps)
    if steps is None:
        n_fft = scipy.fft.next_fast_len(2 * n_steps - 1, real=True)
        U = scipy.fft.rfft(u, n_fft, axis=-1)[..., None]
        HF = scipy.fft.rfft(H, n_fft, axis=0)
        return scipy.fft.irfft(U * HF, n_fft, axis=-2)[..., :n_steps, :]
    Ad = np.asarray(Ad, dtype=np.float64)
    Bd = np.asarray(Bd, dtype=np.float64).reshape(len(Ad), 1)
    times = [check_count(t, "steps", -n_steps, n_steps - 1) % n_steps for t in steps]
    known = {}  # step -> memory
    for t in sorted(set(times)):
        previous = max((k for k in known if k < t), default=None)
        if previous is not None and t - previous < n_steps // len(Ad):
            # stepping on from an earlier result costs q^2 a step, the product
            # below q * t: cheaper for nearby steps (a window at the end)
            m = known[previous]
            for k in range(previous + 1, t + 1):
                m = m @ Ad.T + u[..., k, None] * Bd[:, 0]
        else:
            # one 2-D product over all sequences (numpy runs a stack of
            # vector-matrix products 1.5x slower), with a contiguous copy of
            # the reversed response (numpy hands reversed views to a slow loop)
            rows = u.reshape(-1, n_steps)[:, : t + 1]
            m = rows @ np.ascontiguousarray(H[t::-1])
            m = m.reshape(u.shape[:-1] + (len(Ad),))
        known[t] = m
    return np.stack([known[t] for t in times], axis=-2)
