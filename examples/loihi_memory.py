"""The spiking Legendre memory on the NengoLoihi emulator.

Task A of benchmarks/delay.py (Voelker 2019): order 3, window 0.1 s, 3 x 128
spiking neurons, 3 Hz band-limited white noise, decode the input delayed by
the whole window. The same `LegendreMemoryNetwork` is built three times:
mapped onto nengo's lowpass synapse (``target=None``, run in nengo); mapped
onto NengoLoihi's signal paths with its defaults (``target="loihi"``: decode
neurons and their 5 ms filter folded into the mapping), run as built by a
plain ``nengo_loihi.Simulator``; and with the tuned path of
``benchmarks/delay.py`` (25 pairs of decode neurons a dimension, a 30 ms
decode filter, a 10 ms recurrent synapse), run with
`nengo_lmu.loihi.simulator`, which gives the model that path.

    python examples/loihi_memory.py [--seconds 10]
"""

import argparse
import os
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # nengo_loihi loads TensorFlow
warnings.filterwarnings("ignore", message=".*has not been tested with your")

import nengo  # noqa: E402
import numpy as np  # noqa: E402

from nengo_lmu import legendre_readout  # noqa: E402
from nengo_lmu.loihi import LoihiPath, simulator  # noqa: E402
from nengo_lmu.neurons import LegendreMemoryNetwork  # noqa: E402

ORDER, THETA, DT = 3, 0.1, 0.001
# the best of the settings tried on the emulator (docs/measurements.rst)
PATH, PATH_SYNAPSE = LoihiPath(decode_tau=0.03, decode_pairs=25), 0.01


def build(seconds, target, synapse, seed=0):
    with nengo.Network(seed=seed) as net:
        net.stim = nengo.Node(
            nengo.processes.WhiteSignal(seconds, high=3, rms=0.3, seed=seed)
        )
        net.memory = LegendreMemoryNetwork(
            ORDER,
            THETA,
            n_neurons=128,
            synapse=synapse,
            scaling=nengo.processes.WhiteSignal(60, high=3, rms=0.3),
            target=target,
            dt=DT,
        )
        nengo.Connection(net.stim, net.memory.input, synapse=None)
        net.p_memory = nengo.Probe(net.memory.output)
        net.p_stim = nengo.Probe(net.stim)
    return net


def nrmse(net, data, skip=1.0):
    """Error of the input decoded one window late, after ``skip`` seconds."""
    lag = int(round(THETA / DT)) + net.memory.delay
    decoded = (data[net.p_memory] @ legendre_readout(ORDER, 1.0)[0])[lag:]
    target = data[net.p_stim][: len(decoded), 0]
    n = int(skip / DT)
    return float(
        np.sqrt(np.mean((decoded[n:] - target[n:]) ** 2) / np.mean(target[n:] ** 2))
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    import nengo_loihi  # pylint: disable=import-outside-toplevel

    print(f"{'simulator':<24} {'NRMSE':>7} {'wall s':>7}")
    for label, target, synapse, make in (
        (
            "nengo",
            None,
            0.1,
            lambda net: nengo.Simulator(net, dt=DT, progress_bar=False),
        ),
        (
            "emulator, as built",
            "loihi",
            0.1,
            lambda net: nengo_loihi.Simulator(
                net, dt=DT, target="sim", progress_bar=False
            ),
        ),
        (
            "emulator, tuned",
            PATH,
            PATH_SYNAPSE,
            lambda net: simulator(net, PATH, dt=DT, progress_bar=False),
        ),
    ):
        net = build(args.seconds, target, synapse)
        start = time.perf_counter()
        with make(net) as sim:
            sim.run(args.seconds)
        print(
            f"{label:<24} {nrmse(net, sim.data):7.3f} {time.perf_counter() - start:7.1f}"
        )


if __name__ == "__main__":
    main()
