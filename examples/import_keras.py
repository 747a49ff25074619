"""Train an LMU in KerasLMU, save it, and run it in Nengo: rate and spiking.

The task: tell which of three frequencies (2, 4 or 6 Hz, random phase and
amplitude, plus noise) a 0.3 s signal has. A KerasLMU model (``LMU`` layer
with a tanh ``SimpleRNNCell`` hidden cell, then ``Dense(3)``) is trained
for a few epochs and saved as ``.keras`` (or ``.h5``);
`nengo_lmu.cell.load_keras_lmu_model` reads the file into an
`.LMUClassifier` (nothing in the file is executed), which runs in nengo and
NengoDL and converts to spiking neurons.

    python examples/import_keras.py [--quick] [--format keras|h5]
"""

import argparse
import tempfile
from pathlib import Path

from nengo_lmu.apps.quiet import quiet_known_warnings

quiet_known_warnings(import_nengo_dl=True)  # before TensorFlow loads

import keras_lmu  # noqa: E402
import nengo  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import nengo_lmu.dl  # noqa: E402
from nengo_lmu import convert_to_spiking  # noqa: E402
from nengo_lmu.cell import load_keras_lmu_model  # noqa: E402

DT = 0.001
STEPS = 300
FREQUENCIES = (2.0, 4.0, 6.0)


def task(n, seed):
    rng = np.random.RandomState(seed)
    labels = rng.randint(len(FREQUENCIES), size=n)
    t = np.arange(STEPS) * DT
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    amplitude = rng.uniform(0.5, 1.0, size=(n, 1))
    freq = np.array(FREQUENCIES)[labels][:, None]
    x = amplitude * np.sin(2 * np.pi * freq * t + phase)
    x += 0.1 * rng.standard_normal(x.shape)
    return x[..., None].astype(np.float32), labels


def keras_model(units=16, order=8):
    inp = tf.keras.Input((STEPS, 1))
    lmu = keras_lmu.LMU(
        memory_d=1,
        order=order,
        theta=STEPS,
        hidden_cell=tf.keras.layers.SimpleRNNCell(units),
        hidden_to_memory=False,
        memory_to_memory=False,
        input_to_hidden=True,
    )(inp)
    return tf.keras.Model(inp, tf.keras.layers.Dense(len(FREQUENCIES))(lmu))


def nengo_accuracy(path, x, y, spiking):
    with nengo.Network(seed=0) as net:
        model = load_keras_lmu_model(path, dt=DT)
        inp = nengo.Node(np.zeros(1))
        nengo.Connection(inp, model.input, synapse=None)
        if spiking:
            # signed spikes for tanh; no synapse: each step's spikes as they are
            convert_to_spiking(net, rate_scale=2000, synapse=None)
        # stateless, each operator on its own (faster on a CPU)
        nengo_lmu.dl.configure()
        probe = nengo.Probe(model.output, synapse=0.01 if spiking else None)
    scores = nengo_lmu.dl.predict(net, {inp: x}, probe, minibatch_size=len(x))
    return float(np.mean(scores[:, -1].argmax(axis=-1) == y))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--format", choices=("keras", "h5"), default="keras")
    args = parser.parse_args()
    n_train, n_test, epochs = (256, 50, 2) if args.quick else (2000, 200, 10)
    tf.keras.utils.set_random_seed(0)
    x, y = task(n_train, seed=0)
    x_test, y_test = task(n_test, seed=1)

    model = keras_model()
    model.compile(
        tf.optimizers.Adam(0.01),
        tf.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    keras_accuracy = model.evaluate(x_test, y_test, verbose=0)[1]

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"lmu.{args.format}"
        model.save(path, save_format="keras_v3" if args.format == "keras" else "h5")
        rate = nengo_accuracy(path, x_test, y_test, spiking=False)
        spiking = nengo_accuracy(path, x_test, y_test, spiking=True)

    print(f"{'model':<34} {'accuracy':>8}")
    print(f"{'KerasLMU':<34} {keras_accuracy:8.3f}")
    print(f"{'Nengo (NengoDL), tanh rate':<34} {rate:8.3f}")
    print(f"{'Nengo (NengoDL), signed spikes':<34} {spiking:8.3f}")


if __name__ == "__main__":
    main()
