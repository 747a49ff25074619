"""Writing a KerasLMU classifier as a Keras 3 ``.keras`` file.

The file is what Keras 3 writes for a ``Sequential`` model of an
``InputLayer``, keras-lmu ``LMU`` layers (one, or a chain) and a ``Dense``
readout: an
uncompressed zip of ``metadata.json``, ``config.json`` (the layers'
configurations) and ``model.weights.h5`` (each layer's variables, numbered
in the order Keras creates them). It is written with json, zipfile and
h5py; Keras is not needed to write it. ``keras.models.load_model`` loads it
once ``keras_lmu`` is imported (keras-lmu 0.8 and 0.9 with Keras 3).

Where keras-lmu keeps the memory's variables depends on the options, as
for reading (`nengo_lmu.io.keras_files`): the layer runs feed-forward
(``LMUFeedforward``, variables under ``layer``) unless it has
``hidden_to_memory``, ``memory_to_memory`` or ``trainable_theta``, and as an
RNN of an ``LMUCell`` (under ``layer/cell``) otherwise.
"""

import datetime
import io
import json
import zipfile

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.io.hdf5 import import_h5py

# the Keras version whose files this layout was checked against
KERAS_VERSION = "3.15.1"


def keras_arrays(options, weights):
    """KerasLMU's arrays from `.LMUCell` options and weights.

    The inverse of `.keras_weights.cell_weights`: Keras kernels are
    ``(inputs, outputs)``, the transposes of Nengo's transforms, and each
    kernel stacks what the cell keeps apart (the memory's input kernel
    :math:`[e_x, e_h]`, the hidden cell's kernel :math:`[W_m, W_x]`).

    Parameters
    ----------
    options : dict
        ``order``, ``memory_d``, ``units``, ``input_d``, ``theta_steps``,
        the connection flags, ``use_bias``, ``trainable_theta``.
    weights : dict of str to ndarray
        The cell's weights (`.LMUCell.weight_shapes`).

    Returns
    -------
    hidden : list of ndarray
        The hidden cell's variables: kernel, recurrent kernel (a
        ``SimpleRNNCell``, with ``hidden_to_hidden``) and bias.
    memory : list of ndarray
        The memory's: kernel, bias (``use_bias``), ``theta_inv``
        (``trainable_theta``), recurrent kernel (``memory_to_memory``).
    """
    kernel = weights["input_encoders"]
    if options["hidden_to_memory"]:
        kernel = np.hstack([kernel, weights["hidden_encoders"]])
    memory = [kernel.T]
    if options["use_bias"]:
        memory.append(weights["memory_bias"])
    if options["trainable_theta"]:
        memory.append(np.asarray(weights["theta_inv"]).reshape(()))
    if options["memory_to_memory"]:
        memory.append(weights["memory_encoders"].T)
    hidden_kernel = weights["memory_kernel"]
    if options["input_to_hidden"]:
        hidden_kernel = np.hstack([hidden_kernel, weights["input_kernel"]])
    hidden = [hidden_kernel.T]
    if options["hidden_to_hidden"]:
        hidden.append(weights["hidden_kernel"].T)
    hidden.append(weights["hidden_bias"])
    return hidden, memory


def is_feedforward(options):
    """Whether keras-lmu runs an ``LMU`` layer of these options feed-forward.

    Parameters
    ----------
    options : dict
        The layer's options.

    Returns
    -------
    bool
    """
    return not (
        options["hidden_to_memory"]
        or options["memory_to_memory"]
        or options["trainable_theta"]
    )


def _entry(module, class_name, config, registered_name=None, build_shape=None):
    entry = {
        "module": module,
        "class_name": class_name,
        "config": config,
        "registered_name": registered_name,
    }
    if build_shape is not None:
        entry["build_config"] = {"input_shape": list(build_shape)}
    return entry


def _lmu_entry(options, key, return_sequences, input_shape):
    units, md, order = options["units"], options["memory_d"], options["order"]
    hidden_in = md * order + (options["input_d"] if options["input_to_hidden"] else 0)
    cell_config = {
        "name": f"{key}_hidden_cell",
        "trainable": True,
        "units": units,
        "activation": options["activation"],
        "use_bias": True,
    }
    hidden_cell = _entry(
        "keras.layers",
        "SimpleRNNCell" if options["hidden_to_hidden"] else "Dense",
        cell_config,
        build_shape=(None, hidden_in),
    )
    lmu = {
        "name": key,
        "trainable": True,
        "memory_d": md,
        "order": order,
        "theta": float(options["theta_steps"]),
        "hidden_cell": hidden_cell,
        "trainable_theta": bool(options["trainable_theta"]),
        "hidden_to_memory": bool(options["hidden_to_memory"]),
        "memory_to_memory": bool(options["memory_to_memory"]),
        "input_to_hidden": bool(options["input_to_hidden"]),
        "discretizer": options["discretizer"],
        "kernel_initializer": "glorot_uniform",
        "recurrent_initializer": "orthogonal",
        "kernel_regularizer": None,
        "recurrent_regularizer": None,
        "use_bias": bool(options["use_bias"]),
        "bias_initializer": "zeros",
        "bias_regularizer": None,
        "dropout": 0,
        "recurrent_dropout": 0,
        "return_sequences": return_sequences,
    }
    return _entry(
        "keras_lmu.layers", "LMU", lmu, "keras-lmu>LMU", build_shape=input_shape
    )


def layer_keys(count):
    """The names Keras 3 gives ``count`` LMU layers of a model (``lmu``,
    ``lmu_1``, ...), in its configuration and its weights file alike.

    Parameters
    ----------
    count : int
        The number of LMU layers.

    Returns
    -------
    list of str
    """
    return ["lmu"] + [f"lmu_{i}" for i in range(1, count)]


def keras_config(layers, n_classes, steps=None):
    """The ``config.json`` of the Sequential model (see the module).

    Parameters
    ----------
    layers : list of dict
        Each LMU layer's options, first to last: as for `keras_arrays`, with
        ``activation`` (``"tanh"`` or ``"relu"``). Each but the last returns
        sequences, for the next.
    n_classes : int
        The ``Dense`` readout's outputs.
    steps : int, optional
        The sequence length (None: any).

    Returns
    -------
    dict
    """
    shape = (None, steps, layers[0]["input_d"])
    entries = [
        _entry(
            "keras.layers", "InputLayer", {"batch_shape": list(shape), "name": "input"}
        )
    ]
    for i, (options, key) in enumerate(zip(layers, layer_keys(len(layers)))):
        last = i == len(layers) - 1
        entries.append(_lmu_entry(options, key, not last, shape))
        shape = (None, steps, options["units"]) if not last else shape
    entries.append(
        _entry(
            "keras.layers",
            "Dense",
            {
                "name": "dense",
                "trainable": True,
                "units": n_classes,
                "activation": "linear",
                "use_bias": True,
            },
            build_shape=(None, layers[-1]["units"]),
        )
    )
    return _entry("keras", "Sequential", {"name": "sequential", "layers": entries})


def _weights_h5(layers, arrays, readout):
    """The bytes of ``model.weights.h5``: every group Keras writes, and the
    variables (float32) where it reads them."""
    h5py = import_h5py()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:

        def group(path, name=None, values=()):
            g = f.require_group(path)
            if name is not None:
                g.attrs["name"] = name
            for i, value in enumerate(values):
                g.create_dataset(str(i), data=np.asarray(value, dtype=np.float32))

        group("vars", "sequential")
        for options, key, (hidden, memory) in zip(
            layers, layer_keys(len(layers)), arrays
        ):
            base = f"layers/{key}"
            group(f"{base}/vars", key)
            cell = "simple_rnn_cell" if options["hidden_to_hidden"] else "dense"
            group(f"{base}/hidden_cell/vars", cell, hidden)
            if is_feedforward(options):
                group(f"{base}/layer/vars", "lmu_feedforward", memory)
                group(f"{base}/layer/delay_layer/vars", "rnn")
                group(f"{base}/layer/delay_layer/cell/vars", "lmu_cell")
            else:
                group(f"{base}/layer/vars", "rnn")
                group(f"{base}/layer/cell/vars", "lmu_cell", memory)
        group("layers/dense/vars", "dense", readout)
    return buffer.getvalue()


def write_keras_lmu_file(path, layers, readout, steps=None):
    """Write LMU layers and a readout as a Keras 3 ``.keras`` file.

    Parameters
    ----------
    path : pathlib.Path
        The file to write (the caller makes the write atomic).
    layers : list of (dict, dict)
        Each LMU layer's options (as for `keras_config`) and `.LMUCell`
        weights, first to last.
    readout : dict
        ``readout_kernel`` ``(n_classes, units)`` and ``readout_bias``.
    steps : int, optional
        The sequence length the model is declared for (None: any; for a
        feed-forward layer keras-lmu then truncates the memory's impulse
        response at five windows).
    """
    for options, _ in layers:
        if options["activation"] not in ("tanh", "relu"):
            raise ValidationError(
                "KerasLMU's hidden cell takes tanh or relu, not "
                f"{options['activation']!r}",
                attr="neuron_type",
            )
    arrays = [keras_arrays(options, weights) for options, weights in layers]
    dense = [readout["readout_kernel"].T, readout["readout_bias"]]
    metadata = {
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    options = [o for o, _ in layers]
    n_classes = readout["readout_kernel"].shape[0]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("metadata.json", json.dumps(metadata))
        archive.writestr(
            "config.json", json.dumps(keras_config(options, n_classes, steps))
        )
        archive.writestr("model.weights.h5", _weights_h5(options, arrays, dense))
