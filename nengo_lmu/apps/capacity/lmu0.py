"""The paper's untrained LMU on the capacity task, run in nengo.

"LMU-0": a `.LegendreMemory` of order 100 and window :math:`\\theta = T -
0.5` steps, its input the sequence itself (encoder 1), no hidden state,
and the five delays read out by the exact Legendre decoders
(`.legendre_readout`) at :math:`r = 0, 1/4, 1/2, 3/4, 1`: nothing is
trained. Each test sequence is one input dimension of a single memory Node,
and a scoring Node accumulates the squared errors step by step, so that
the run stores no signals (at :math:`T = 100{,}000` the memory holds 10,000
values for 250,000 steps).
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.apps.capacity.data import DELAY_FRACTIONS
from nengo_lmu.legendre import legendre_readout
from nengo_lmu.memory.process import LegendreMemory

ORDER = 100
HALF_STEP = 0.5  # theta = T - 0.5 steps, as in the paper


class SquaredErrors:
    """A Node function: the readouts' squared errors, summed over the scored steps.

    The Node receives the memory (``n * order`` values, sequence by
    sequence) and decodes the delays at each step :math:`k` as
    :math:`\\hat y_{k, i} = P(r_i) m_k`; for steps :math:`k \\ge` ``first``
    it adds :math:`(\\hat y_{k, i} - x_{k - d_i})^2` to ``sums[i]``.

    Parameters
    ----------
    sequences : (n, steps) ndarray
        The inputs, whose delayed values are the targets.
    readout : (delays, order) ndarray
        The Legendre decoders.
    delays : sequence of int
        The target delays in steps.
    first : int
        The first scored step.
    dt : float
        The step in seconds: step :math:`k` (from 0) runs at :math:`t = (k +
        1) \\Delta t` (nengo's clock; its call at build time, :math:`t = 0`,
        scores nothing).
    """

    def __init__(self, sequences, readout, delays, first, dt):
        self.sequences = np.asarray(sequences)
        self.readout = np.asarray(readout)
        self.delays = np.asarray(delays)
        self.first = int(first)
        self.dt = float(dt)
        self.sums = np.zeros(len(self.delays))
        self.count = 0

    def __call__(self, t, memory):
        k = int(round(t / self.dt)) - 1
        if k >= self.first:
            n, order = len(self.sequences), self.readout.shape[1]
            decoded = memory.reshape(n, order) @ self.readout.T  # (n, delays)
            targets = self.sequences[:, k - self.delays]
            self.sums += np.sum((decoded - targets) ** 2, axis=0)
            self.count += n

    @property
    def mse(self):
        """The mean squared error per delay so far."""
        return self.sums / max(self.count, 1)


def lmu0_mse(data, sequences=None, order=ORDER, discretizer="zoh"):
    """The untrained LMU's mean squared error per delay, simulated in nengo.

    Parameters
    ----------
    data : nengo_lmu.apps.capacity.data.CapacityData
        The task (its ``T``, step and scored steps).
    sequences : (n, steps) ndarray, optional
        The sequences to score (default: ``data.test``).
    order : int
        The memory's order (the paper: 100).
    discretizer : str
        The memory's discretisation (`.LegendreMemory`).

    Returns
    -------
    (5,) ndarray
        The test MSE at the delays :math:`0, T/4, T/2, 3T/4, T`.
    """
    sequences = data.test if sequences is None else np.asarray(sequences)
    if sequences.ndim != 2 or sequences.shape[1] != data.test.shape[1]:
        raise ValidationError(
            f"must be (n, {data.test.shape[1]}) sequences, got shape {sequences.shape}",
            attr="sequences",
        )
    n, steps = sequences.shape
    theta = (data.T - HALF_STEP) * data.dt
    readout = legendre_readout(order, np.asarray(DELAY_FRACTIONS))
    scorer = SquaredErrors(
        sequences, readout, data.delays, data.scored_steps.start, data.dt
    )
    with nengo.Network() as net:
        stim = nengo.Node(nengo.processes.PresentInput(sequences.T, data.dt))
        memory = nengo.Node(LegendreMemory(order, theta, discretizer, size_in=n))
        score = nengo.Node(scorer, size_in=n * order, size_out=0)
        nengo.Connection(stim, memory, synapse=None)
        nengo.Connection(memory, score, synapse=None)
    with nengo.Simulator(net, dt=data.dt, progress_bar=False, optimize=False) as sim:
        sim.run_steps(steps)
    return scorer.mse
