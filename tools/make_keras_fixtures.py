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

    python tools/make_keras_fixtures.py OUT_DIR
"""

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
}


# also saved as a weights file and its configuration (save_weights, to_json)
WEIGHTS_FILES = ("recurrent_all_connections",)


def make(name, out, rng):
    import keras
    import keras_lmu

    _, lmu_args, (cell, activation) = MODELS[name]
    args = dict(memory_d=1, order=3, theta=4.0)
    args.update(lmu_args)
    hidden = (
        keras.layers.SimpleRNNCell(5, activation=activation)
        if cell == "SimpleRNNCell"
        else keras.layers.Dense(5, activation=activation)
    )
    keras.utils.set_random_seed(int(rng.integers(2**31)))
    lmu = keras_lmu.LMU(hidden_cell=hidden, **args)
    readout = keras.layers.Dense(CLASSES)
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


def main(out):
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
        start = time.perf_counter()
        args = make(name, out, rng)
        manifest["models"][name] = {
            "covers": covers,
            "lmu": {**args, "hidden_cell": cell, "units": 5, "activation": activation},
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
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/io/keras3")
