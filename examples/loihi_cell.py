"""An LMU cell with spiking ReLU neurons on the NengoLoihi emulator.

A small `LMUCell` (64 ReLU units reading a Legendre memory of order 6 and
window 0.2 s, the input also fed to the hidden units) learns to delay band-
limited white noise by 0.1 s. Only its linear readout is trained, by least
squares on the parallel path: the cell has no feedback, so its memory, and
from it every hidden state, is a closed-form function of the input
(`LMUCell.parallel_input`). The rate network then runs in nengo, and its
spiking conversion (`convert_to_spiking`: ``SpikingRectifiedLinear`` at
1000 times the ReLU rates, 5 ms synapse on the spikes) runs in nengo and on
the NengoLoihi emulator. On the emulator the hidden neurons are on the chip,
while the exact memory (a `LegendreMemory` process in a Node) and the
readout Node run on the host.

The table gives, for each network, the NRMSE of its output against the rate
network's and against the delayed input (the task), after the first 0.2 s.
The spiking network in nengo differs from the rate network by its spike
noise only. On the emulator the readout trained for the rate network is
far off (about 0.19 against 0.045 in nengo, on a 2 s signal), mostly
because of the chip's neurons: a Loihi ``SpikingRectifiedLinear`` neuron
resets to zero and spikes on whole steps, so the voltage above threshold at
each spike is lost and it fires at about :math:`1 / (dt \\lceil 1 / (J dt)
\\rceil)` instead of :math:`J` (370 Hz becomes 333 Hz). The rest is the
path of the input from the host: one on/off spike pair per dimension,
filtered by 5 ms, and 8-bit weights.

What the chip computes is fixed once the network is built, so the last rows
fit the readout to it: the converted network runs on the emulator on the
training signal, and the readout is the least-squares fit of the delayed
input to the chip's hidden spikes, filtered as the readout filters them
(`fit_readout`). This halves the error. At twice the rates the
neurons' spikes carry less noise each, and the fitted readout gets within
1.5 times the nengo network's error at the example's rates; nengo at the
same doubled rates is about three times better still (the lost voltage
grows with the rate, nengo's neurons keep it).

The last two rows keep the example's rates and halve the time step (the
same signal held over the finer steps, the memory discretised for them).
The voltage lost at each spike is on average half a step's input, so it
halves too: with the fitted readout the chip gets within 1.4 times the
nengo network's error at the same spike rate, at the cost of twice the
chip's steps per second of signal. Nengo's neurons keep their voltage and
hardly change.

    python examples/loihi_cell.py [--quick]
"""

import argparse
import os
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # nengo_loihi loads TensorFlow
warnings.filterwarnings("ignore", message=".*has not been tested with your")

import nengo  # noqa: E402
import numpy as np  # noqa: E402

from nengo_lmu import LMUCell, convert_to_spiking  # noqa: E402

UNITS, ORDER, THETA, DELAY, DT = 64, 6, 0.2, 0.1, 0.001
# rms 0.6 keeps the hidden rates up (about 370 Hz at most, at RATE_SCALE):
# with rms 0.3 the spike noise doubles
SIGNAL = dict(high=3, rms=0.6)
RATE_SCALE, SYNAPSE = 1000.0, 0.005  # the spiking version's rates and synapse
# a finer step for the chip: a Loihi neuron loses the voltage above threshold
# at each spike, on average half a step's input, so half the step halves it
FINE_DT = DT / 2
PROBE_SYNAPSE = 0.05  # on all outputs alike; averages the spike noise


def white_noise(seconds, seed, dt=DT):
    """Band-limited white noise and the same noise delayed by `DELAY`.

    The noise is sampled every `DT` and, for a finer ``dt``, held over the
    steps of each sample, so that every time step sees the same signal.

    Parameters
    ----------
    seconds : float
        Duration.
    seed : int
        Seed of the noise.
    dt : float
        Time step: `DT` divided by a whole number.

    Returns
    -------
    x, delayed : (n_steps,) ndarray
        The signal at each step, and its value `DELAY` seconds before (0
        before the start).
    """
    repeats = int(round(DT / dt))
    if repeats < 1 or not np.isclose(repeats * dt, DT):
        raise ValueError(f"dt must be {DT} divided by a whole number, got {dt}")
    n = int(round(seconds / DT))
    x = nengo.processes.WhiteSignal(seconds, **SIGNAL, seed=seed).run_steps(n, dt=DT)
    lag = int(round(DELAY / DT))
    delayed = np.concatenate([np.zeros(lag), x[:-lag, 0]])
    return np.repeat(x[:, 0], repeats), np.repeat(delayed, repeats)


def make_cell(dt=DT, **kwargs):
    return LMUCell(
        UNITS,
        ORDER,
        THETA,
        1,
        hidden_to_hidden=False,
        input_to_hidden=True,
        neuron_type=nengo.RectifiedLinear(),
        dt=dt,
        seed=0,
        **kwargs,
    )


def train_readout(seconds=20.0, regularization=1e-3):
    """The readout ``(1, units)`` that best decodes the delayed input.

    Ridge regression of the delayed input on the rate cell's hidden state,
    computed on the parallel path: :math:`h_t = \\max(0, W_x x_t + W_m m_t +
    b)` with :math:`m_t` in closed form (the memory of :math:`u_t = e_x
    x_t`).

    Parameters
    ----------
    seconds : float
        Length of the training signal.
    regularization : float
        Ridge penalty, relative to the hidden state's mean square.

    Returns
    -------
    (1, units) ndarray
    """
    cell = make_cell(add_to_container=False)
    weights = cell.get_weights()
    x, target = white_noise(seconds, seed=1)
    # x and the memory of x at every step, (steps, 1 + order); the memory of
    # the cell's memory input u = e_x x is e_x times the memory of x
    features = cell.parallel_input(x[None, :, None])[0]
    memory = weights["input_encoders"][0, 0] * features[:, 1:]
    current = (
        features[:, :1] @ weights["input_kernel"].T
        + memory @ weights["memory_kernel"].T
        + weights["hidden_bias"]
    )
    return ridge(np.maximum(current, 0), target, regularization)


def ridge(features, target, regularization):
    """``(1, n)`` weights of the ridge regression of ``target`` on ``features``."""
    gram = features.T @ features
    gram += regularization * np.trace(gram) / len(gram) * np.eye(len(gram))
    return np.linalg.solve(gram, features.T @ target)[None, :]


def fit_readout(simulator, rate_scale, seconds=40.0, regularization=1e-4, dt=DT):
    """The readout fitted to the converted network's own spikes on ``simulator``.

    The converted network (readout zero) runs on a training signal; the
    hidden neurons' spikes, filtered by the readout's synapse (``SYNAPSE``)
    and the probe's (``PROBE_SYNAPSE``), are regressed on the delayed input
    filtered the same way (ridge, after the first ``THETA``). The fit sees
    what the chip computes (its neurons, the input's path from the host,
    the 8-bit weights), which no closed form gives.

    Parameters
    ----------
    simulator : type
        ``nengo_loihi.Simulator`` (run with ``target="sim"``) or
        ``nengo.Simulator``.
    rate_scale : float
        The conversion's factor on the rates.
    seconds : float
        Length of the training signal.
    regularization : float
        Ridge penalty, relative to the features' mean square.
    dt : float
        Time step of the network and the simulator.

    Returns
    -------
    (1, units) ndarray
    """
    x, delayed = white_noise(seconds, seed=1, dt=dt)
    net = convert_to_spiking(
        build(np.zeros((1, UNITS)), x, delayed, dt=dt), rate_scale, SYNAPSE
    )
    with net:
        p_hidden = nengo.Probe(net.cell.hidden.neurons, synapse=SYNAPSE)
    kwargs = {"target": "sim"} if simulator is not nengo.Simulator else {}
    with simulator(net, dt=dt, progress_bar=False, **kwargs) as sim:
        sim.run(seconds)
    probe = nengo.Lowpass(PROBE_SYNAPSE)
    hidden = probe.filt(sim.data[p_hidden], dt=dt, y0=0, axis=0)
    target = probe.filt(nengo.Lowpass(SYNAPSE).filt(delayed, dt=dt, y0=0), dt=dt, y0=0)
    skip = int(round(THETA / dt))
    return ridge(hidden[skip:], target[skip:], regularization)


def build(readout, x, delayed, readout_synapse=None, dt=DT):
    """The network: input, cell, readout, and the delayed input as a reference.

    The reference passes through the synapses of the spiking readout (the
    5 ms one that conversion gives the spikes, then the probe's), so that the
    errors compare like with like.

    Parameters
    ----------
    readout : (1, units) ndarray
        The readout's transform.
    x, delayed : (n_steps,) ndarray
        The input and the target.
    readout_synapse : nengo.synapses.Synapse, optional
        The readout's synapse (none, for a network to convert to spiking:
        `convert_to_spiking` gives it ``SYNAPSE``).
    dt : float
        The time step that the inputs are sampled at and the memory is
        discretised for.

    Returns
    -------
    nengo.Network
    """
    with nengo.Network(seed=0) as net:
        stim = nengo.Node(nengo.processes.PresentInput(x[:, None], dt))
        net.cell = make_cell(dt)
        nengo.Connection(stim, net.cell.input, synapse=None)
        out = nengo.Node(size_in=1)
        nengo.Connection(
            net.cell.output, out, transform=readout, synapse=readout_synapse
        )
        target = nengo.Node(nengo.processes.PresentInput(delayed[:, None], dt))
        filtered = nengo.Node(size_in=1)
        nengo.Connection(target, filtered, synapse=SYNAPSE)
        net.p_out = nengo.Probe(out, synapse=PROBE_SYNAPSE)
        net.p_target = nengo.Probe(filtered, synapse=PROBE_SYNAPSE)
    return net


def nrmse(actual, target):
    return float(np.sqrt(np.mean((actual - target) ** 2) / np.mean(target**2)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a 2 s test signal (default 10 s)"
    )
    args = parser.parse_args()
    seconds = 2.0 if args.quick else 10.0

    import nengo_loihi  # pylint: disable=import-outside-toplevel

    readout = train_readout()
    train_seconds = 10.0 if args.quick else 40.0
    skip = int(round(THETA / DT))  # the memory fills its window first

    # the rate reference with the synapse that conversion gives the spikes
    x, delayed = white_noise(seconds, seed=2)
    runs = [("rate, nengo", build(readout, x, delayed, SYNAPSE), nengo.Simulator, DT)]
    emulator = nengo_loihi.Simulator
    for label, simulator, rate_scale, fitted, dt in (
        ("spiking, nengo", nengo.Simulator, RATE_SCALE, readout, DT),
        ("spiking, nengo, rates x2", nengo.Simulator, 2 * RATE_SCALE, readout, DT),
        ("spiking, NengoLoihi emulator", emulator, RATE_SCALE, readout, DT),
        ("emulator, fitted readout", emulator, RATE_SCALE, None, DT),
        ("emulator, x2, fitted readout", emulator, 2 * RATE_SCALE, None, DT),
        ("spiking, nengo, 0.5 ms", nengo.Simulator, RATE_SCALE, readout, FINE_DT),
        ("emulator, 0.5 ms, fitted", emulator, RATE_SCALE, None, FINE_DT),
    ):
        if fitted is None:
            fitted = fit_readout(simulator, rate_scale, train_seconds, dt=dt)
        # the same signal, held over the finer steps
        x, delayed = white_noise(seconds, seed=2, dt=dt)
        net = convert_to_spiking(build(fitted, x, delayed, dt=dt), rate_scale, SYNAPSE)
        assert net.cell.hidden.neuron_type.spiking
        runs.append((label, net, simulator, dt))

    print(f"{'network':<30} {'vs rate':>8} {'vs task':>8} {'wall s':>7}")
    reference = None
    for label, net, simulator, dt in runs:
        kwargs = {"target": "sim"} if simulator is nengo_loihi.Simulator else {}
        start = time.perf_counter()
        with simulator(net, dt=dt, progress_bar=False, **kwargs) as sim:
            sim.run(seconds)
        wall = time.perf_counter() - start
        # the values at the ends of the reference's steps
        every = int(round(DT / dt))
        out = sim.data[net.p_out][every - 1 :: every][skip:, 0]
        target = sim.data[net.p_target][every - 1 :: every][skip:, 0]
        if reference is None:
            reference = out
        print(
            f"{label:<30} {nrmse(out, reference):8.3f} {nrmse(out, target):8.3f} "
            f"{wall:7.1f}"
        )


if __name__ == "__main__":
    main()
