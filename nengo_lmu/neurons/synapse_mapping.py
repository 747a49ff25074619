"""Synapse-aware mapping of a linear system onto a recurrently connected population.

A population that represents a state ``x`` and feeds ``M x`` back to itself
through a synapse ``h`` (the NEF's third principle) does not implement
``x' = A x + B u`` with ``M = A``: the synapse is the population's only
memory, and it shapes the dynamics. The functions here choose the recurrent
transform and the input so that the *closed loop* is the desired system:

- `map_continuous_lowpass`: continuous time, lowpass ``1 / (tau s + 1)``;
- `map_discrete_lowpass`: exact in discrete time for nengo's zero-order-hold
  lowpass;
- `map_discrete_synapse`: exact in discrete time for any linear synapse
  (for example two lowpass filters and a transmission delay, as on Loihi's
  decoded connections), with the input filtered to match.

All three assume the population's decoded value is the synapse's output
(instantaneous rate neurons or, on average, spiking ones).
"""

from typing import NamedTuple

import numpy as np
from nengo.exceptions import ValidationError
from nengo.synapses import LinearFilter, Lowpass
from nengo.utils.filter_design import cont2discrete

from nengo_lmu.arguments import check_positive, check_system


def map_continuous_lowpass(A, B, tau):
    """Recurrent and input transforms for a continuous lowpass synapse.

    With :math:`h(s) = 1 / (\\tau s + 1)`, the loop
    :math:`x = h(s) (M x + N u)` gives :math:`\\tau \\dot{x} = (M - I) x + N u`,
    so

    .. math::

        M = \\tau A + I, \\qquad N = \\tau B.

    Exact in continuous time; in a simulator with step ``dt`` the error grows
    with ``dt / tau`` and with the system's fastest poles.

    Parameters
    ----------
    A : (q, q) array_like
        The continuous system's state matrix (per second).
    B : (q, d) array_like
        Its input matrix.
    tau : float or nengo.Lowpass
        The synapse's time constant in seconds (> 0).

    Returns
    -------
    M : (q, q) ndarray
        The recurrent transform, :math:`\\tau A + I`.
    N : (q, d) ndarray
        The input transform, :math:`\\tau B`.
    """
    A = np.asarray(A, dtype=np.float64)
    tau = _check_tau(tau)
    return tau * A + np.eye(len(A)), tau * np.asarray(B, dtype=np.float64)


def map_discrete_lowpass(Ad, Bd, tau, dt):
    """Recurrent and input transforms for nengo's discrete lowpass synapse.

    Nengo simulates ``Lowpass(tau)`` with zero-order hold:
    :math:`h(z) = (1 - a) / (z - a)`, :math:`a = e^{-\\Delta t / \\tau}`. The loop
    :math:`x = h(z) (M x + N u)` is :math:`x[t+1] = (a I + (1 - a) M) x[t] + (1
    - a) N u[t]`, which equals :math:`x[t+1] = A_d x[t] + B_d u[t]` for

    .. math::

        M = \\frac{A_d - a I}{1 - a}, \\qquad N = \\frac{B_d}{1 - a}.

    Exact for every ``dt`` and ``tau``: the state follows the discrete system
    one step after its input (the synapse's delay).

    Parameters
    ----------
    Ad : (q, q) array_like
        The discrete system's state matrix (at ``dt``).
    Bd : (q, d) array_like
        Its input matrix.
    tau : float or nengo.Lowpass
        The synapse's time constant in seconds (> 0).
    dt : float
        The time step in seconds.

    Returns
    -------
    M : (q, q) ndarray
        The recurrent transform, :math:`(A_d - a I) / (1 - a)`.
    N : (q, d) ndarray
        The input transform, :math:`B_d / (1 - a)`.
    """
    Ad, Bd = check_system(Ad, Bd)
    a = np.exp(-check_positive(dt, "dt") / _check_tau(tau))
    return (Ad - a * np.eye(len(Ad))) / (1 - a), Bd / (1 - a)


class SynapseMapping(NamedTuple):
    """A linear system mapped onto a population with a general synapse.

    Attributes
    ----------
    recurrent : (q, q) ndarray
        The recurrent transform ``M``.
    input_filters : list of nengo.LinearFilter
        One discrete filter per state dimension, applied to the input ``u``
        before the input synapse (on a host, for example; in a `nengo.Node`,
        run `node_filter` of it).
    input_synapses : list of nengo.LinearFilter
        The same filters followed by the input synapse: where any filter can
        sit on a connection (nengo, NengoDL), the synapse that the input
        connection into state dimension ``i`` needs.
    lag : int
        Steps by which the population's state trails the discrete system's
        state for the same input, beyond the one step of delay of a lowpass
        synapse (so 0 for a plain lowpass).
    """

    recurrent: np.ndarray
    input_filters: list
    input_synapses: list
    lag: int


def discrete_transfer_function(synapse, dt):
    """The synapse as nengo simulates it: ``(num, den)`` in powers of ``z``.

    Coefficients are in descending powers, as in `nengo.LinearFilter`, and
    include the synapse's own one-step delay (a strictly proper ``h(z)``).
    An analog synapse is discretised with its own ``method``.

    Parameters
    ----------
    synapse : nengo.LinearFilter
        The synapse (``Lowpass``, ``Alpha``, a discrete ``LinearFilter``,
        ...); None or a synapse without delay is refused.
    dt : float
        The time step in seconds.

    Returns
    -------
    num, den : ndarray
        :math:`h(z) = b(z) / c(z)`, leading zeros removed and ``den``
        monic (``den[0] == 1``); ``len(num) < len(den)``.
    """
    dt = check_positive(dt, "dt")
    if synapse is None:
        raise ValidationError(
            "a recurrent connection needs a synapse (its delay and filter are "
            "what the mapping compensates); got None",
            attr="synapse",
        )
    if not isinstance(synapse, LinearFilter):
        raise ValidationError(
            f"must be a nengo.LinearFilter (Lowpass, Alpha, ...), got {synapse!r}",
            attr="synapse",
        )
    if synapse.analog:
        num, den, _ = cont2discrete(
            (synapse.num, synapse.den), dt, method=synapse.method
        )
        num = np.atleast_1d(np.squeeze(num))
    else:
        num, den = synapse.num, synapse.den
    num = np.trim_zeros(np.asarray(num, dtype=np.float64), "f")
    den = np.trim_zeros(np.asarray(den, dtype=np.float64), "f")
    if len(num) == 0 or len(num) >= len(den):
        raise ValidationError(
            f"{synapse!r} has no delay (it is not strictly proper at dt={dt}); "
            "a recurrent loop through it would be instantaneous",
            attr="synapse",
        )
    return num / den[0], den / den[0]


def map_discrete_synapse(Ad, Bd, synapse, dt, input_synapse=None):
    """Map ``x[t+1] = Ad x[t] + Bd u[t]`` onto a population with any linear synapse.

    Let the synapse, as simulated, be :math:`h(z) = b(z) / c(z)` with
    :math:`\\deg c = n > \\deg b = k`, and let the population's state be the
    synapse output of :math:`M x + v`: :math:`c(z) x = b(z) (M x + v)`. For a
    polynomial :math:`p` and the target :math:`z x^* = A_d x^* + B_d u`,

    .. math::

        p(z) x^* = p(A_d) x^* + K_p(z) u, \\qquad
        K_p(z) = \\sum_{j} \\Big( \\sum_{i > j} p_i A_d^{i - 1 - j} \\Big) B_d z^j.

    Choosing :math:`M = c(A_d) b(A_d)^{-1}` cancels every term in the state,
    and the loop then follows :math:`x[t] = x^*[t - L]` exactly when the
    input that enters through the synapse is

    .. math::

        h(z) v = h_{in}(z) v_{in} = \\frac{K_c(z) - M K_b(z)}{z^{L} c(z)} u,

    which is causal for :math:`L = n - 1` (the lag). With a separate input
    synapse :math:`h_{in}` (on Loihi, host input skips the decode neurons of
    the recurrent connection), the filter on the input before it is
    :math:`(K_c - M K_b) / (z^L c\\, h_{in})`, and ``L`` grows until that is
    causal.

    Parameters
    ----------
    Ad, Bd : ndarray
        The discrete system, shapes ``(q, q)`` and ``(q, 1)``.
    synapse : nengo.LinearFilter
        The recurrent connection's synapse (analog ones are discretised with
        their own method, as nengo does).
    dt : float
        The simulator's time step.
    input_synapse : nengo.LinearFilter, optional
        The input's synapse, if it differs from ``synapse``.

    Returns
    -------
    SynapseMapping
    """
    Ad, Bd = check_system(Ad, Bd)
    if Bd.shape[1] != 1:
        raise ValidationError(f"must have one column, got shape {Bd.shape}", attr="Bd")
    b, c = discrete_transfer_function(synapse, dt)
    try:
        M = np.linalg.solve(_matrix_polynomial(b, Ad).T, _matrix_polynomial(c, Ad).T).T
    except np.linalg.LinAlgError:
        raise ValidationError(
            f"{synapse!r} has a zero at a pole of the system; the loop cannot "
            "reach every state",
            attr="synapse",
        ) from None

    # what must arrive through the synapse: N(z) / (z^L c(z)) u, with
    # N = K_c - M K_b one polynomial (row) per state dimension
    K_c = _input_polynomial(c, Ad, Bd)
    numerator = K_c - _pad_left(M @ _input_polynomial(b, Ad, Bd), K_c.shape[1])
    lag = len(c) - 2
    arriving_den = np.concatenate([c, np.zeros(lag)])  # z^L c(z)

    # the filter before the input synapse h_in = b_in / c_in: N c_in / (z^L c b_in)
    if input_synapse is None:
        # h_in = h: the synapse's poles cancel, N / (z^L b)
        filter_num, filter_den = numerator, np.concatenate([b, np.zeros(lag)])
    else:
        b_in, c_in = discrete_transfer_function(input_synapse, dt)
        filter_num = np.array([np.polymul(row, c_in) for row in numerator])
        filter_den = np.polymul(arriving_den, b_in)
    # delay everything further until the filter is causal (proper)
    extra = max(0, filter_num.shape[1] - len(filter_den))
    if extra:
        filter_den = np.concatenate([filter_den, np.zeros(extra)])
        arriving_den = np.concatenate([arriving_den, np.zeros(extra)])
        lag += extra
    return SynapseMapping(
        recurrent=M,
        input_filters=[
            LinearFilter(row, filter_den, analog=False) for row in filter_num
        ],
        input_synapses=[
            LinearFilter(row, arriving_den, analog=False) for row in numerator
        ],
        lag=lag,
    )


def node_filter(linear_filter):
    """The process that realises a discrete filter exactly inside a `nengo.Node`.

    Nengo steps a strictly proper discrete filter "advanced": in a Node it
    computes :math:`z F(z)` (its output at step ``t`` already reflects the
    input of step ``t``), while on a connection, whose synapse output is read
    one step later, it computes :math:`F(z)`. Running :math:`F(z) / z` in the
    Node gives :math:`F(z)` there too.

    Parameters
    ----------
    linear_filter : nengo.LinearFilter
        A discrete (``analog=False``) filter :math:`F(z)`.

    Returns
    -------
    nengo.LinearFilter
        :math:`F(z) / z` (one more zero in the denominator), to use as a
        Node's output process.
    """
    if not isinstance(linear_filter, LinearFilter) or linear_filter.analog:
        raise ValidationError(
            f"must be a discrete nengo.LinearFilter (analog=False), got "
            f"{linear_filter!r}",
            attr="linear_filter",
        )
    return LinearFilter(
        linear_filter.num, np.concatenate([linear_filter.den, [0.0]]), analog=False
    )


def _check_tau(tau):
    if isinstance(tau, Lowpass):
        tau = tau.tau
    if not np.isscalar(tau) or not np.isfinite(tau) or not tau > 0:
        raise ValidationError(f"must be a time constant > 0, got {tau!r}", attr="tau")
    return float(tau)


def _matrix_polynomial(p, X):
    """``p(X)`` for coefficients ``p`` in descending powers (Horner)."""
    result = np.zeros_like(X)
    for coef in p:
        result = result @ X + coef * np.eye(len(X))
    return result


def _input_polynomial(p, Ad, Bd):
    """Coefficients of :math:`K_p(z)`, descending powers, one row per state.

    Returns an array of shape ``(q, deg p)``: column ``m`` holds the
    coefficient of :math:`z^{\\deg p - 1 - m}`.
    """
    p = np.asarray(p)[::-1]  # ascending: p[i] multiplies z^i
    degree = len(p) - 1
    columns = []
    for j in range(degree - 1, -1, -1):
        term = np.zeros(len(Ad))
        power = Bd[:, 0].copy()  # Ad^(i - 1 - j) Bd, starting at i = j + 1
        for i in range(j + 1, degree + 1):
            term += p[i] * power
            power = Ad @ power
        columns.append(term)
    return np.array(columns).T if columns else np.zeros((len(Ad), 0))


def _pad_left(x, width):
    """Pad the last axis of ``x`` with zeros on the left up to ``width``."""
    x = np.atleast_2d(x)
    return np.concatenate([np.zeros(x.shape[:-1] + (width - x.shape[-1],)), x], axis=-1)
