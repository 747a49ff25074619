"""Make the Keras 3 test fixtures: small KerasLMU models and their predictions.

Run by ``make keras-fixtures`` in its own environment (``.venv-keras3``:
TensorFlow 2.19, Keras 3 and keras-lmu 0.9, pinned in
``constraints-keras3.txt``; they cannot live beside TensorFlow 2.12). Each
model is an ``LMU`` layer and a linear ``Dense`` readout, trained for two
epochs on random sequences so that no weight keeps its initial value, and
saved with ``model.save`` as a ``.keras`` file; beside it an ``.npz`` with
fixed inputs and Keras' predictions for them. ``manifest.json`` records the
versions that made the files and each file's SHA-256, which the tests
check before they read a file.

Usage::

    python tools/make_keras_fixtures.py OUT_DIR [--only NAME,NAME,...]

``make keras-fixtures`` runs it twice: with keras-lmu 0.9 for every model
(``tests/io/keras3``), and with keras-lmu 0.8 (installed beside the
environment's 0.9 in ``build/keras-lmu-0.8`` and put first on
``PYTHONPATH``) for a few (``tests/io/keras3/keras-lmu-0.8``).
"""

import argparse
import hashlib
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

STEPS, INPUT_D, CLASSES = 12, 2, 3

# name -> (what it covers, LMU arguments besides the hidden cell, hidden cell)
MODELS = {
    "feedforward_simple_rnn": (
        "the default LMU (KerasLMU runs it feed-forward), SimpleRNNCell, tanh",
        {},
        ("SimpleRNNCell", "tanh"),
    ),
    "recurrent_all_connections": (
        "hidden_to_memory, memory_to_memory, input_to_hidden, use_bias "
        "(KerasLMU runs it as an RNN)",
        dict(
            hidden_to_memory=True,
            memory_to_memory=True,
            input_to_hidden=True,
            use_bias=True,
        ),
        ("SimpleRNNCell", "tanh"),
    ),
    "dense_relu": (
        "a Dense hidden cell, relu, input_to_hidden",
        dict(input_to_hidden=True),
        ("Dense", "relu"),
    ),
    "memory_d2": (
        "two memories (memory_d=2)",
        dict(memory_d=2),
        ("SimpleRNNCell", "tanh"),
    ),
    "trainable_theta_euler": (
        "trainable_theta with the euler discretizer (the trained window is "
        "only in the weights)",
        dict(trainable_theta=True, discretizer="euler", theta=6.0),
        ("SimpleRNNCell", "tanh"),
    ),
    "stacked": (
        "two LMU layers (the first returns sequences; hidden_to_memory in the "
        "second) and a Dense layer",
        dict(),
        ("SimpleRNNCell", "tanh"),
    ),
    "functional": (
        "a Functional model (Input, LMU, Dense)",
        dict(hidden_to_memory=True),
        ("SimpleRNNCell", "tanh"),
    ),
    "lmu_feedforward_dense": (
        "an LMUFeedforward layer: a Dense hidden cell (tanh), use_bias, "
        "input_to_hidden, FFT convolution",
        dict(use_bias=True, input_to_hidden=True),
        ("Dense", "tanh"),
    ),
    "lmu_feedforward_raw": (
        "an LMUFeedforward layer: a SimpleRNNCell hidden cell, the raw "
        "convolution with its impulse response truncated (truncate_ir=1e-4)",
        dict(conv_mode="raw", truncate_ir=1e-4, theta=3.0),
        ("SimpleRNNCell", "tanh"),
    ),
    "memory_only": (
        "an LMUFeedforward layer without a hidden cell or input kernel "
        "(input_to_hidden: it outputs its memory and its input), then an LMU "
        "layer without a hidden cell (memory_to_memory, use_bias, the "
        "recurrent form), a Dense layer",
        dict(memory_d=2),
        (None, None),
    ),
    "dense_between": (
        "an LMU layer, Dense layers (tanh, linear) between it and a second "
        "LMU layer, a relu Dense layer, a Dense readout",
        dict(),
        ("SimpleRNNCell", "tanh"),
    ),
}

# the models of more than one memory layer, or with layers an LMUClassifier
# does not hold: read as stacks only
STACKS = ("stacked", "memory_only", "dense_between")


# also saved as a weights file and its configuration (save_weights, to_json)
WEIGHTS_FILES = ("recurrent_all_connections",)


def make(name, out, rng):
    import keras
    import keras_lmu

    _, lmu_args, (cell, activation) = MODELS[name]
    args = dict(memory_d=1, order=3, theta=4.0)
    args.update(lmu_args)
    hidden = {
        "SimpleRNNCell": lambda: keras.layers.SimpleRNNCell(5, activation=activation),
        "Dense": lambda: keras.layers.Dense(5, activation=activation),
        None: lambda: None,
    }[cell]()
    keras.utils.set_random_seed(int(rng.integers(2**31)))
    readout = keras.layers.Dense(CLASSES)
    if name.startswith("lmu_feedforward"):
        lmu = keras_lmu.LMUFeedforward(hidden_cell=hidden, **args)
    else:
        lmu = keras_lmu.LMU(hidden_cell=hidden, **args)
    if name == "functional":
        inputs = keras.Input((STEPS, INPUT_D))
        model = keras.Model(inputs, readout(lmu(inputs)))
    elif name == "stacked":
        first = keras_lmu.LMU(hidden_cell=hidden, return_sequences=True, **args)
        second = keras_lmu.LMU(
            memory_d=1,
            order=2,
            theta=3.0,
            hidden_cell=keras.layers.SimpleRNNCell(4),
            hidden_to_memory=True,
        )
        model = keras.Sequential(
            [keras.Input((STEPS, INPUT_D)), first, second, readout]
        )
    elif name == "memory_only":
        first = keras_lmu.LMUFeedforward(
            memory_d=INPUT_D,
            order=3,
            theta=4.0,
            hidden_cell=None,
            kernel_initializer=None,
            input_to_hidden=True,
            return_sequences=True,
        )
        second = keras_lmu.LMU(
            memory_d=2,
            order=2,
            theta=5.0,
            hidden_cell=None,
            memory_to_memory=True,
            use_bias=True,
        )
        model = keras.Sequential(
            [keras.Input((STEPS, INPUT_D)), first, second, readout]
        )
    elif name == "dense_between":
        first = keras_lmu.LMU(hidden_cell=hidden, return_sequences=True, **args)
        second = keras_lmu.LMU(
            memory_d=1,
            order=2,
            theta=3.0,
            hidden_cell=keras.layers.SimpleRNNCell(4),
            hidden_to_memory=True,
        )
        model = keras.Sequential(
            [
                keras.Input((STEPS, INPUT_D)),
                first,
                keras.layers.Dense(4, activation="tanh"),
                keras.layers.Dense(3),
                second,
                keras.layers.Dense(6, activation="relu"),
                readout,
            ]
        )
    else:
        model = keras.Sequential([keras.Input((STEPS, INPUT_D)), lmu, readout])
    x = rng.standard_normal((64, STEPS, INPUT_D)).astype(np.float32)
    y = rng.standard_normal((64, CLASSES)).astype(np.float32)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    test = rng.standard_normal((4, STEPS, INPUT_D)).astype(np.float32)
    predicted = model.predict(test, verbose=0)
    model.save(out / f"{name}.keras")
    if name in WEIGHTS_FILES:
        model.save_weights(out / f"{name}.weights.h5")
        (out / f"{name}.json").write_text(model.to_json())
    np.savez(out / f"{name}.npz", inputs=test, predictions=predicted)
    return args


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def main(out, only=None):
    import h5py
    import keras
    import keras_lmu
    import tensorflow as tf

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    manifest = {
        "made_by": "tools/make_keras_fixtures.py",
        "versions": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "keras_lmu": keras_lmu.__version__,
            "h5py": h5py.__version__,
            "numpy": np.__version__,
        },
        "models": {},
    }
    for name, (covers, _, (cell, activation)) in MODELS.items():
        if only and name not in only:
            continue
        start = time.perf_counter()
        args = make(name, out, rng)
        manifest["models"][name] = {
            "covers": covers,
            "lmu": {**args, "hidden_cell": cell, "units": 5, "activation": activation},
            "stack": name in STACKS,
            "files": {
                f"{name}{ext}": sha256(out / f"{name}{ext}")
                for ext in (".keras", ".npz")
                + ((".weights.h5", ".json") if name in WEIGHTS_FILES else ())
            },
            "seconds": round(time.perf_counter() - start, 2),
        }
        print(f"{name}: {manifest['models'][name]['seconds']} s", flush=True)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", default="tests/io/keras3")
    parser.add_argument("--only", help="comma-separated model names")
    arguments = parser.parse_args()
    unknown = set((arguments.only or "").split(",")) - set(MODELS) - {""}
    if unknown:
        sys.exit(f"--only: unknown models {sorted(unknown)}; known: {sorted(MODELS)}")
    main(arguments.out, arguments.only and arguments.only.split(","))
