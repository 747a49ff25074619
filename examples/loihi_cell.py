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
PROBE_SYNAPSE = 0.05  # on all outputs alike; averages the spike noise


def white_noise(seconds, seed):
    """Band-limited white noise and the same noise delayed by `DELAY`.

    Parameters
    ----------
    seconds : float
        Duration.
    seed : int
        Seed of the noise.

    Returns
    -------
    x, delayed : (n_steps,) ndarray
        The signal at each step, and its value `DELAY` seconds before (0
        before the start).
    """
    n = int(round(seconds / DT))
    x = nengo.processes.WhiteSignal(seconds, **SIGNAL, seed=seed).run_steps(n, dt=DT)
    lag = int(round(DELAY / DT))
    return x[:, 0], np.concatenate([np.zeros(lag), x[:-lag, 0]])


def make_cell(**kwargs):
    return LMUCell(
        UNITS,
        ORDER,
        THETA,
        1,
        hidden_to_hidden=False,
        input_to_hidden=True,
        neuron_type=nengo.RectifiedLinear(),
        dt=DT,
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


def fit_readout(simulator, rate_scale, seconds=40.0, regularization=1e-4):
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

    Returns
    -------
    (1, units) ndarray
    """
    x, delayed = white_noise(seconds, seed=1)
    net = convert_to_spiking(
        build(np.zeros((1, UNITS)), x, delayed), rate_scale, SYNAPSE
    )
    with net:
        p_hidden = nengo.Probe(net.cell.hidden.neurons, synapse=SYNAPSE)
    kwargs = {"target": "sim"} if simulator is not nengo.Simulator else {}
    with simulator(net, dt=DT, progress_bar=False, **kwargs) as sim:
        sim.run(seconds)
    probe = nengo.Lowpass(PROBE_SYNAPSE)
    hidden = probe.filt(sim.data[p_hidden], dt=DT, y0=0, axis=0)
    target = probe.filt(nengo.Lowpass(SYNAPSE).filt(delayed, dt=DT, y0=0), dt=DT, y0=0)
    skip = int(round(THETA / DT))
    return ridge(hidden[skip:], target[skip:], regularization)


def build(readout, x, delayed, readout_synapse=None):
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

    Returns
    -------
    nengo.Network
    """
    with nengo.Network(seed=0) as net:
        stim = nengo.Node(nengo.processes.PresentInput(x[:, None], DT))
        net.cell = make_cell()
        nengo.Connection(stim, net.cell.input, synapse=None)
        out = nengo.Node(size_in=1)
        nengo.Connection(
            net.cell.output, out, transform=readout, synapse=readout_synapse
        )
        target = nengo.Node(nengo.processes.PresentInput(delayed[:, None], DT))
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
    x, delayed = white_noise(seconds, seed=2)
    skip = int(round(THETA / DT))  # the memory fills its window first

    # the rate reference with the synapse that conversion gives the spikes
    runs = [("rate, nengo", build(readout, x, delayed, SYNAPSE), nengo.Simulator)]
    for label, simulator, rate_scale, fitted in (
        ("spiking, nengo", nengo.Simulator, RATE_SCALE, readout),
        ("spiking, nengo, rates x2", nengo.Simulator, 2 * RATE_SCALE, readout),
        ("spiking, NengoLoihi emulator", nengo_loihi.Simulator, RATE_SCALE, readout),
        ("emulator, fitted readout", nengo_loihi.Simulator, RATE_SCALE, None),
        ("emulator, x2, fitted readout", nengo_loihi.Simulator, 2 * RATE_SCALE, None),
    ):
        if fitted is None:
            fitted = fit_readout(simulator, rate_scale, train_seconds)
        net = convert_to_spiking(build(fitted, x, delayed), rate_scale, SYNAPSE)
        assert net.cell.hidden.neuron_type.spiking
        runs.append((label, net, simulator))

    print(f"{'network':<30} {'vs rate':>8} {'vs task':>8} {'wall s':>7}")
    reference = None
    for label, net, simulator in runs:
        kwargs = {"target": "sim"} if simulator is nengo_loihi.Simulator else {}
        start = time.perf_counter()
        with simulator(net, dt=DT, progress_bar=False, **kwargs) as sim:
            sim.run(seconds)
        wall = time.perf_counter() - start
        out, target = sim.data[net.p_out][skip:, 0], sim.data[net.p_target][skip:, 0]
        if reference is None:
            reference = out
        print(
            f"{label:<30} {nrmse(out, reference):8.3f} {nrmse(out, target):8.3f} "
            f"{wall:7.1f}"
        )


if __name__ == "__main__":
    main()
