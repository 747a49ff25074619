"""Scaling the memory's coefficients onto the ensembles' range.

The Legendre coefficients of a unit-bounded input differ in size by orders
of magnitude across the order, so each coefficient :math:`m_i` is
represented as :math:`x_i = m_i / s_i`, with :math:`s_i` its largest value:
the worst case for bounded input (`coefficient_bounds`) or the peaks of a
sample of an input model (`coefficient_peaks`). Grouped ensembles, one per
input dimension, get encoders on the coordinate axes (`AxisEncoders`).
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError
from nengo.params import Parameter

from nengo_lmu.arguments import (
    check_count,
    check_kwargs,
    check_positive,
    check_system,
)
from nengo_lmu.legendre import impulse_response

# Headroom over the peaks of a sample of the input model: other samples go
# higher, and a saturated ensemble ruins the memory (the measurements that
# chose 1.5 are in docs/measurements.rst)
SCALING_MARGIN = 1.5


def coefficient_bounds(Ad, Bd, tol=1e-9, max_steps=10**6):
    """The largest value each state can take for input in [-1, 1].

    For ``|u[t]| <= 1`` the state obeys :math:`|x_i[t]| \\le \\sum_s |H_i[s]|`
    (the l1 norm of its impulse response), and the input ``sign(H_i)``
    reversed in time attains it: the bound is tight.

    Parameters
    ----------
    Ad, Bd : ndarray
        The discrete system.
    tol : float
        The sum stops once the response has decayed below ``tol`` times its
        peak.
    max_steps : int
        Refuse systems that take longer than this to decay.

    Returns
    -------
    (order,) ndarray
        :math:`\\sum_s |H_i[s]|` for each state :math:`i`.
    """
    Ad, Bd = check_system(Ad, Bd)
    if Bd.shape[1] != 1:
        raise ValidationError(f"must have one column, got shape {Bd.shape}", "Bd")
    tol = check_positive(tol, "tol")
    max_steps = check_count(max_steps, "max_steps", low=1)
    q = len(Ad)
    total = np.zeros(q)
    block = 1000
    state = Bd[:, 0]
    peak = np.max(np.abs(state))
    # an unstable system overflows the floats before the check below sees it
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, max_steps, block):
            H = impulse_response(Ad, state, block)
            total += np.abs(H).sum(axis=0)
            peak = max(peak, np.max(np.abs(H)))
            state = Ad @ H[-1]
            if np.max(np.abs(H[-1])) < tol * peak:
                return total
            if not np.all(np.isfinite(state)):
                break  # grown past the floats: unstable
    raise ValidationError(
        f"the system's impulse response has not decayed below {tol:g} of its peak "
        f"after {max_steps} steps: Ad is unstable, or its window is longer than "
        "max_steps steps",
        attr="Ad",
    )


def coefficient_peaks(Ad, Bd, signal, seconds=60.0, dt=0.001, seed=0):
    """The largest value each state takes for a sample of a random input.

    Tighter than `coefficient_bounds` for smooth inputs, whose higher Legendre
    coefficients stay far below their worst case.

    Parameters
    ----------
    Ad, Bd : ndarray
        The discrete system.
    signal : nengo.Process
        A model of the input (for example a `nengo.processes.WhiteSignal`
        with the input's bandwidth and RMS).
    seconds : float
        Length of the sample.
    dt : float
        The time step the system is discretised for, in seconds.
    seed : int
        Seed of the sample.

    Returns
    -------
    (order,) ndarray
        :math:`\\max_t |m_i[t]|` for each state :math:`i` over the sample,
        with :math:`m[t] = A_d m[t - 1] + B_d u[t]`.
    """
    Ad, Bd = check_system(Ad, Bd)
    if not isinstance(signal, nengo.Process):
        raise ValidationError(
            f"must be a nengo.Process (for example nengo.processes.WhiteSignal), "
            f"got {signal!r}",
            attr="signal",
        )
    seconds = check_positive(seconds, "seconds")
    dt = check_positive(dt, "dt")
    n_steps = int(round(seconds / dt))
    if n_steps < 1:
        raise ValidationError(
            f"must be at least one step (dt={dt}), got {seconds}", attr="seconds"
        )
    u = signal.run_steps(n_steps, d=1, dt=dt, rng=np.random.RandomState(seed))[:, 0]
    m = np.zeros(len(Ad))
    peak = np.zeros(len(Ad))
    AdT, Bd_row = Ad.T, np.asarray(Bd).reshape(-1)
    for x in u:
        m = m @ AdT + Bd_row * x
        np.maximum(peak, np.abs(m), out=peak)
    return peak


class AxisEncoders(nengo.dists.Distribution):
    """Encoders on the coordinate axes: each neuron represents one dimension.

    Of ``n`` neurons in ``d`` dimensions, the first ``n // d`` (plus one if
    ``n % d`` is left over) encode dimension 0, the next ones dimension 1,
    and so on; each encoder is :math:`\\pm e_i` with a random sign, as in a
    one-dimensional ensemble. A ``d``-dimensional ensemble with these
    encoders represents each coordinate as well as ``d`` separate ensembles
    of ``n // d`` neurons, and it is still one ensemble: one decoded
    connection can carry a linear function of all the coordinates, whose
    terms add up in the decoders.

    The grouped layouts of `LegendreMemoryNetwork` use it: with nengo's
    default encoders (uniform on the sphere) a grouped ensemble decodes
    the memory about half as well as separate ensembles, and with these as
    well (:doc:`/measurements`).
    """

    def sample(self, n, d=None, rng=np.random):
        """Draw ``n`` encoders of ``d`` dimensions.

        Parameters
        ----------
        n : int
            Number of neurons.
        d : int, optional
            Number of dimensions (1 if None).
        rng : numpy.random.RandomState
            Draws the signs.

        Returns
        -------
        (n, d) ndarray
            Rows :math:`\\pm e_i`, neuron ``k`` on axis ``k * d // n``.
        """
        d = 1 if d is None else d
        encoders = np.zeros((n, d))
        axes = np.arange(n) * d // n
        encoders[np.arange(n), axes] = rng.choice([-1.0, 1.0], size=n)
        return encoders


def with_axis_encoders(ensemble_kwargs, grouped):
    """The ensembles' arguments; grouped ensembles get `AxisEncoders` unless given.

    Parameters
    ----------
    ensemble_kwargs : dict or None
        The arguments given for the ensembles.
    grouped : bool
        Whether each ensemble represents several coefficients.

    Returns
    -------
    dict
        A copy with ``encoders`` set to `AxisEncoders` if ``grouped`` and not
        given.
    """
    kwargs = check_kwargs(ensemble_kwargs, "ensemble_kwargs")
    unknown = sorted(
        k for k in kwargs if not isinstance(getattr(nengo.Ensemble, k, None), Parameter)
    )
    if unknown:
        raise ValidationError(
            f"{unknown} are not nengo.Ensemble arguments (those are "
            "n_neurons, max_rates, intercepts, encoders, neuron_type, ...)",
            attr="ensemble_kwargs",
        )
    if grouped:
        kwargs.setdefault("encoders", AxisEncoders())
    return kwargs
