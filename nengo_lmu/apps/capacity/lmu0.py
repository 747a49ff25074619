"""The paper's untrained LMU on the capacity task, run in nengo, exact or in neurons.

"LMU-0": a `.LegendreMemory` of order 100 and window :math:`\\theta = T -
0.5` steps, its input the sequence itself (encoder 1), no hidden state,
and the five delays read out by the exact Legendre decoders
(`.legendre_readout`) at :math:`r = 0, 1/4, 1/2, 3/4, 1`: nothing is
trained. Each test sequence is one input dimension of a single memory Node,
and a scoring Node accumulates the squared errors step by step, so that
the run stores no signals (at :math:`T = 100{,}000` the memory holds 10,000
values for 250,000 steps). `spiking_lmu0_mse` runs the same memory in
spiking neurons (`.LegendreMemoryNetwork`), read out the same way.
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.apps.capacity.data import CUTOFF_HZ, CapacityData
from nengo_lmu.legendre import legendre_readout
from nengo_lmu.memory.process import LegendreMemory
from nengo_lmu.neurons.network import LegendreMemoryNetwork

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
    lag : int
        Steps by which the received memory trails the input (a neural
        memory's ``delay``): the memory received at step :math:`k` is that
        of step :math:`k -` ``lag``, and is scored as such.
    """

    def __init__(self, sequences, readout, delays, first, dt, lag=0):
        self.sequences = np.asarray(sequences)
        self.readout = np.asarray(readout)
        self.delays = np.asarray(delays)
        self.first = int(first)
        self.dt = float(dt)
        self.lag = int(lag)
        self.sums = np.zeros(len(self.delays))
        self.count = 0

    def __call__(self, t, memory):
        k = int(round(t / self.dt)) - 1 - self.lag
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


def _sequences(data, sequences):
    if not isinstance(data, CapacityData):
        raise ValidationError(
            f"must be the task's CapacityData (capacity_data(T)), got "
            f"{type(data).__name__}",
            attr="data",
        )
    sequences = data.test if sequences is None else np.asarray(sequences)
    if sequences.ndim != 2 or sequences.shape[1] != data.test.shape[1]:
        raise ValidationError(
            f"must be (n, {data.test.shape[1]}) sequences, got shape {sequences.shape}",
            attr="sequences",
        )
    return sequences


def _run(data, sequences, order, make_memory, optimize, progress_bar):
    """Simulate ``make_memory(n)`` (a memory of ``n`` inputs: ``(input,
    output, lag)``) on the sequences; the scorer's MSE per delay.

    nengo's graph optimiser makes the neurons' many small operators faster
    to step but the exact memory's one big operator slower (7 times at
    T = 10,000, build included): ``optimize`` chooses."""
    n, steps = sequences.shape
    # the delays as fractions of T: DELAY_FRACTIONS, or the whole steps they
    # are rounded to where T is not a multiple of 4
    readout = legendre_readout(order, np.asarray(data.delays) / data.T)
    with nengo.Network(seed=0) as net:
        stim = nengo.Node(nengo.processes.PresentInput(sequences.T, data.dt))
        memory_input, memory_output, lag = make_memory(n)
        scorer = SquaredErrors(
            sequences, readout, data.delays, data.scored_steps.start, data.dt, lag
        )
        score = nengo.Node(scorer, size_in=n * order, size_out=0)
        nengo.Connection(stim, memory_input, synapse=None)
        nengo.Connection(memory_output, score, synapse=None)
    with nengo.Simulator(
        net, dt=data.dt, progress_bar=progress_bar, optimize=optimize
    ) as sim:
        # the memory's lag more steps, so that the last input is scored too
        sim.run_steps(steps + lag)
    return scorer.mse


def lmu0_mse(data, sequences=None, order=ORDER, discretizer="zoh", progress_bar=False):
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
    progress_bar : bool
        Show nengo's progress bar.

    Returns
    -------
    (5,) ndarray
        The test MSE at the delays :math:`0, T/4, T/2, 3T/4, T`.
    """
    sequences = _sequences(data, sequences)
    theta = (data.T - HALF_STEP) * data.dt

    def exact(n):
        memory = nengo.Node(LegendreMemory(order, theta, discretizer, size_in=n))
        return memory, memory, 0

    return _run(data, sequences, order, exact, False, progress_bar)


def spiking_lmu0_mse(
    data,
    n_neurons,
    sequences=None,
    order=ORDER,
    neuron_type=nengo.SpikingRectifiedLinear(),
    synapse=0.1,
    progress_bar=False,
):
    """LMU-0 with its memory in spiking neurons: the MSE per delay, in nengo.

    The memory is a `.LegendreMemoryNetwork` (``n_neurons`` per coefficient
    and sequence, the same discrete system as `lmu0_mse`'s, each
    coefficient scaled for white noise of the training sequences' RMS and
    the task's 10 Hz band); its output trails the input by the network's
    ``delay``, which the scoring takes into account. The readout is the
    same exact Legendre decoders: nothing is trained or fitted.

    Parameters
    ----------
    data : nengo_lmu.apps.capacity.data.CapacityData
        The task.
    n_neurons : int
        Neurons per coefficient (a sequence's memory has ``order *
        n_neurons``).
    sequences : (n, steps) ndarray, optional
        The sequences to score (default: ``data.test``).
    order : int
        The memory's order.
    neuron_type : nengo.neurons.NeuronType
        The memory's neurons.
    synapse : float
        The recurrent lowpass time constant in seconds.
    progress_bar : bool
        Show nengo's progress bar.

    Returns
    -------
    (5,) ndarray
        The MSE at the delays :math:`0, T/4, T/2, 3T/4, T`.
    """
    sequences = _sequences(data, sequences)
    theta = (data.T - HALF_STEP) * data.dt
    rms = float(np.sqrt(np.mean(data.train**2)))

    def neural(n):
        memory = LegendreMemoryNetwork(
            order,
            theta,
            n_neurons,
            size_in=n,
            neuron_type=neuron_type,
            synapse=synapse,
            scaling=nengo.processes.WhiteSignal(60.0, high=CUTOFF_HZ, rms=rms),
            dt=data.dt,
        )
        return memory.input, memory.output, memory.delay

    return _run(data, sequences, order, neural, True, progress_bar)
