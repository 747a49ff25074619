"""Train an LMU cell with NengoDL, sequentially and on the parallel path, and
run the trained networks with spiking neurons.

The task: output the input as it was 50 ms ago (a delay that the cell must
learn to decode from its memory, through its hidden neurons), for 5 Hz
band-limited white noise.

1. A recurrent cell (``hidden_to_memory``, ``hidden_to_hidden``) trained by
   stepping through time with ``nengo_dl.Simulator.fit``.
2. A feed-forward cell (no feedback) trained on the parallel path: the memory
   of each sequence is computed in closed form and every time step is an
   independent sample, so NengoDL runs the network for one step.
3. Both converted to spiking neurons (`nengo_lmu.convert_to_spiking`) and run
   in nengo core.

Prints the normalised RMS error (NRMSE) of each; ``--quick`` for a short run.

    python examples/train_lmu.py [--quick]
"""

import argparse
import time

from nengo_lmu.apps.quiet import quiet_known_warnings

quiet_known_warnings(import_nengo_dl=True)  # before TensorFlow loads

import nengo  # noqa: E402
import nengo_dl  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import nengo_lmu  # noqa: E402
import nengo_lmu.dl  # noqa: E402

DT = 0.001
DELAY = 50  # steps


def task(n, steps, seed):
    process = nengo.processes.WhiteSignal(steps * DT, high=5, rms=0.4, seed=seed)
    rngs = [np.random.RandomState(seed * 10000 + i) for i in range(n)]
    x = np.stack([process.run_steps(steps, dt=DT, rng=rng) for rng in rngs])
    y = np.zeros_like(x)
    y[:, DELAY:] = x[:, :-DELAY]
    return x, y


def build(units, order, parallel=False, weights=None, readout=None, **cell_kwargs):
    with nengo.Network(seed=0) as net:
        # each operator on its own: NengoDL trains the cell faster on a CPU
        # (docs/measurements.rst)
        nengo_dl.configure_settings(planner=nengo_dl.graph_optimizer.noop_planner)
        net.cell = nengo_lmu.LMUCell(
            units,
            order,
            theta=0.1,
            input_d=1,
            neuron_type=nengo.RectifiedLinear(),
            parallel=parallel,
            weights=weights,
            dt=DT,
            **cell_kwargs,
        )
        net.inp = nengo.Node(np.zeros(net.cell.input.size_in))
        nengo.Connection(net.inp, net.cell.input, synapse=None)
        net.out = nengo.Node(size_in=1)
        net.readout = nengo.Connection(
            net.cell.output,
            net.out,
            transform=np.zeros((1, units)) if readout is None else readout,
            synapse=None,
        )
        net.probe = nengo.Probe(net.out, synapse=None)
    return net


def train(net, x, y, epochs, minibatch_size=32):
    # nengo-lmu's faster dense product, for the simulators built inside
    with nengo_lmu.dl.fast_dot_products():
        sim = nengo_dl.Simulator(net, minibatch_size=minibatch_size, progress_bar=False)
    with sim:
        sim.compile(optimizer=tf.optimizers.Adam(0.005), loss=tf.losses.mse)
        start = time.perf_counter()
        sim.fit({net.inp: x}, {net.probe: y}, epochs=epochs, verbose=0)
        seconds = time.perf_counter() - start
        weights = net.cell.get_weights(sim)
        readout = sim.data[net.readout].weights
    return weights, readout, seconds


def nrmse(actual, target):
    return float(np.sqrt(np.mean((actual - target) ** 2) / np.mean(target**2)))


def run_nengo(net, x):
    """Run each test sequence through nengo core; return the outputs."""
    outputs = []
    for sequence in x:
        with net:
            net.inp.output = nengo.processes.PresentInput(sequence, DT)
        with nengo.Simulator(net, dt=DT, progress_bar=False) as sim:
            sim.run_steps(len(sequence))
        outputs.append(sim.data[net.probe])
    return np.stack(outputs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run")
    args = parser.parse_args()
    n_train, n_test, steps, epochs = (
        (64, 2, 200, 4) if args.quick else (512, 8, 500, 20)
    )
    units, order = 32, 8
    x, y = task(n_train, steps, seed=0)
    x_test, y_test = task(n_test, steps, seed=1)
    rows = []

    # 1. sequential training of a recurrent cell
    recurrent = dict(hidden_to_memory=True, hidden_to_hidden=True)
    weights, readout, seconds = train(build(units, order, **recurrent), x, y, epochs)
    rate = run_nengo(
        build(units, order, weights=weights, readout=readout, **recurrent), x_test
    )
    rows.append(("recurrent, sequential", seconds, rate))

    # 2. the parallel path for a feed-forward cell
    feedforward = dict(hidden_to_hidden=False, input_to_hidden=True)
    parallel = build(units, order, parallel=True, **feedforward)
    features = parallel.cell.parallel_input(x)  # (n, steps, parallel_size)
    flat_x = features.reshape(-1, 1, features.shape[-1])  # steps become samples
    weights_ff, readout_ff, seconds = train(
        parallel, flat_x, y.reshape(-1, 1, 1), epochs
    )
    ff = build(units, order, weights=weights_ff, readout=readout_ff, **feedforward)
    rows.append(("feed-forward, parallel path", seconds, run_nengo(ff, x_test)))

    # 3. spiking versions of both
    for label, net in (
        (
            "recurrent, spiking",
            build(units, order, weights=weights, readout=readout, **recurrent),
        ),
        (
            "feed-forward, spiking",
            build(units, order, weights=weights_ff, readout=readout_ff, **feedforward),
        ),
    ):
        nengo_lmu.convert_to_spiking(net, rate_scale=1000, synapse=0.005)
        rows.append((label, None, run_nengo(net, x_test)))

    print(f"{'network':<30} {'training s':>10} {'NRMSE':>8}")
    for label, seconds, output in rows:
        trained = f"{seconds:10.1f}" if seconds is not None else f"{'':>10}"
        error = nrmse(output[:, 2 * DELAY :], y_test[:, 2 * DELAY :])
        print(f"{label:<30} {trained} {error:8.3f}")


if __name__ == "__main__":
    main()
