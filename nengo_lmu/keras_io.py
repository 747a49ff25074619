"""Trained Keras LMU models in Nengo: KerasLMU layers and files, and the LMU
paper's published model.

KerasLMU kernels are ``(inputs, outputs)``; Nengo transforms are ``(post,
pre)``. KerasLMU measures ``theta`` in steps; `.LMUCell` in seconds. Files
are read with json and h5py (nothing in them is executed, and only known
structures are accepted); TensorFlow is needed only to read a live layer
(`lmu_layer_weights`).
"""

import hashlib
import io
import json
import re
import zipfile

import numpy as np
from nengo.exceptions import ValidationError

# Keras activations that a Nengo rate neuron type computes exactly
ACTIVATIONS = ("tanh", "relu")
HIDDEN_CELLS = ("SimpleRNNCell", "Dense")


def _check_lmu_options(options, where):
    """Refuse what `.LMUCell` does not compute (``where`` names the source)."""
    problems = []
    if options["hidden_cell"] not in HIDDEN_CELLS:
        problems.append(
            f"hidden cell {options['hidden_cell']!r} (supported: {HIDDEN_CELLS})"
        )
    if options["activation"] not in ACTIVATIONS:
        problems.append(
            f"hidden activation {options['activation']!r} (supported: {ACTIVATIONS})"
        )
    if not options["has_kernel"]:
        problems.append("no input kernel (kernel_initializer=None)")
    if problems:
        raise ValidationError(
            f"{where}: unsupported KerasLMU layer: " + "; ".join(problems),
            attr="layer",
        )


def _cell_weights(options, arrays):
    """`.LMUCell` options and weights from KerasLMU's arrays.

    ``arrays`` has ``kernel`` (input [+ hidden] -> memory), optionally
    ``bias`` and ``recurrent_kernel`` (memory -> memory), and
    ``hidden_kernel``, optionally ``hidden_recurrent_kernel`` and
    ``hidden_bias``, all in Keras' ``(inputs, outputs)`` orientation.
    """
    order, memory_d, units = options["order"], options["memory_d"], options["units"]
    hidden_to_hidden = options["hidden_cell"] == "SimpleRNNCell"
    kernel = arrays["kernel"].T  # (memory_d, input_d [+ units])
    input_d = kernel.shape[1] - (units if options["hidden_to_memory"] else 0)
    weights = {"input_encoders": kernel[:, :input_d]}
    if options["hidden_to_memory"]:
        weights["hidden_encoders"] = kernel[:, input_d:]
    if options["memory_to_memory"]:
        weights["memory_encoders"] = arrays["recurrent_kernel"].T
    if options["use_bias"]:
        weights["memory_bias"] = arrays["bias"]
    hidden_kernel = arrays["hidden_kernel"].T  # (units, memory_d * order [+ input_d])
    weights["memory_kernel"] = hidden_kernel[:, : memory_d * order]
    if options["input_to_hidden"]:
        weights["input_kernel"] = hidden_kernel[:, memory_d * order :]
    if hidden_to_hidden:
        weights["hidden_kernel"] = arrays["hidden_recurrent_kernel"].T
    weights["hidden_bias"] = arrays.get("hidden_bias", np.zeros(units))
    # a trained window: KerasLMU's discretisers with 1 / theta_inv steps
    # compute exactly what the fixed-theta memory of that window computes
    theta_steps = (
        1 / float(arrays["theta_inv"])
        if options["trainable_theta"]
        else float(options["theta"])
    )
    cell_options = {
        "units": units,
        "order": order,
        "theta_steps": theta_steps,
        "input_d": input_d,
        "memory_d": memory_d,
        "hidden_to_memory": options["hidden_to_memory"],
        "memory_to_memory": options["memory_to_memory"],
        "input_to_hidden": options["input_to_hidden"],
        "hidden_to_hidden": hidden_to_hidden,
        "use_bias": options["use_bias"],
        "discretizer": options["discretizer"],
        "activation": options["activation"],
    }
    return cell_options, weights


def lmu_layer_weights(layer):
    """Read a built ``keras_lmu.LMU`` layer's options and weights.

    Parameters
    ----------
    layer : keras_lmu.LMU
        A built layer whose hidden cell is a ``SimpleRNNCell`` or a ``Dense``
        layer with ``tanh`` or ``relu`` activation, with an input kernel. A
        layer with ``trainable_theta`` gives its trained window (one over
        its ``theta_inv``) as a fixed one: KerasLMU's memory with that
        window, zero-order hold or Euler, is the fixed memory of it.

    Returns
    -------
    options : dict
        `.LMUCell` arguments (``units``, ``order``, ``input_d``, ...) plus
        ``theta_steps`` and ``activation``; ``theta`` in seconds is
        ``theta_steps * dt``.
    weights : dict
        The arrays, named as in `.LMUCell.weight_shapes`.
    """
    if not getattr(layer, "built", False) or not hasattr(layer, "layer"):
        raise ValidationError("must be a built keras_lmu.LMU layer", attr="layer")
    hidden = layer.hidden_cell
    # the memory part: a recurrent LMUCell, or LMUFeedforward
    memory = getattr(layer.layer, "cell", layer.layer)
    options = {
        "order": layer.order,
        "memory_d": layer.memory_d,
        "theta": layer.theta,
        "units": getattr(hidden, "units", None),
        "hidden_cell": type(hidden).__name__,
        "activation": getattr(hidden.activation, "__name__", str(hidden.activation)),
        "trainable_theta": layer.trainable_theta,
        "has_kernel": memory.kernel is not None,
        "hidden_to_memory": layer.hidden_to_memory,
        "memory_to_memory": layer.memory_to_memory,
        "input_to_hidden": layer.input_to_hidden,
        "use_bias": layer.use_bias,
        "discretizer": layer.discretizer,
    }
    _check_lmu_options(options, type(layer).__name__)

    def value(variable):
        return np.array(variable.numpy(), dtype=np.float64)

    arrays = {"kernel": value(memory.kernel), "hidden_kernel": value(hidden.kernel)}
    if layer.use_bias:
        arrays["bias"] = value(memory.bias)
    if layer.trainable_theta:
        arrays["theta_inv"] = value(memory.theta_inv)
    if layer.memory_to_memory:
        arrays["recurrent_kernel"] = value(memory.recurrent_kernel)
    if options["hidden_cell"] == "SimpleRNNCell":
        arrays["hidden_recurrent_kernel"] = value(hidden.recurrent_kernel)
    if hidden.use_bias:
        arrays["hidden_bias"] = value(hidden.bias)
    return _cell_weights(options, arrays)


# The pretrained psMNIST model of the LMU paper (Voelker, Kajic and Eliasmith,
# NeurIPS 2019), as its authors published it (Keras 2.2.4, HDF5).
PAPER_MODEL_SHA256 = "cf4abb0bacbeccd07827c8a21e91a45251d971bef3aa445d54c5eae07406811c"
PAPER_MODEL_ACCURACY = 0.9715  # published test accuracy
PAPER_CELL_WEIGHTS = (
    "input_encoders",
    "hidden_encoders",
    "memory_encoders",
    "input_kernel",
    "hidden_kernel",
    "memory_kernel",
    "AT",
    "BT",
)


def sha256(path):
    """The SHA-256 hex digest of a file.

    Parameters
    ----------
    path : str or path-like
        The file (read in blocks of 1 MiB).

    Returns
    -------
    str
        64 lowercase hexadecimal digits.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError(
            "reading Keras HDF5 files needs h5py: pip install nengo-lmu[dl]"
        ) from None
    return h5py


def _read_h5_layers(group):
    """``{layer: {weight name: array}}`` of a Keras 2 ``model_weights`` group."""
    layers = {}
    for layer in group.attrs["layer_names"]:
        layer = layer.decode() if isinstance(layer, bytes) else layer
        names = group[layer].attrs["weight_names"]
        layers[layer] = {}
        for name in names:
            name = name.decode() if isinstance(name, bytes) else name
            layers[layer][name] = np.array(group[layer][name], dtype=np.float64)
    return layers


def read_lmu_paper_model(path, expected_sha256=None):
    """Read the LMU paper's model file: its options and weights, checked.

    Only the paper's structure is accepted: a Keras ``Sequential`` of an
    ``RNN`` with the paper's ``LMUCell`` (weights ``input_encoders``,
    ``hidden_encoders``, ``memory_encoders``, ``input_kernel``,
    ``hidden_kernel``, ``memory_kernel``, ``AT``, ``BT``) and one ``Dense``
    layer. The file is read with h5py; nothing in it is executed.

    Parameters
    ----------
    path : str or path-like
        The ``.hdf5`` file.
    expected_sha256 : str, optional
        Refuse the file unless its SHA-256 digest is this
        (`PAPER_MODEL_SHA256` for the published file).

    Returns
    -------
    options : dict
        ``units``, ``order``, ``input_d``, ``memory_d``, ``n_classes``.
    weights : dict
        `.LMUClassifier` weights, plus ``"Ad"`` and ``"Bd"`` (the file's
        discrete memory, :math:`A^T + I` and :math:`B^T` transposed).
    """
    if expected_sha256 is not None:
        digest = sha256(path)
        if digest != expected_sha256:
            raise ValidationError(
                f"{path} has SHA-256 {digest}, expected {expected_sha256}: it is not "
                "the published file (re-download it)",
                attr="path",
            )
    h5py = _h5py()
    with h5py.File(path, "r") as f:
        config = json.loads(_text(f.attrs.get("model_config", "null")))
        layers = _read_h5_layers(f["model_weights"]) if "model_weights" in f else {}
    model_class, kinds = _model_layers(config)
    if model_class != "Sequential" or kinds != ["RNN", "Dense"]:
        raise ValidationError(
            f"{path} is not the LMU paper's model: expected a Sequential model of "
            f"[RNN, Dense], found {model_class} of {kinds}",
            attr="path",
        )
    if len(layers) != 2:
        raise ValidationError(
            f"{path} has weights for {len(layers)} layers ({list(layers)}), expected 2",
            attr="path",
        )
    rnn_name, dense_name = list(layers)
    rnn = {key.split("/")[-1].split(":")[0]: v for key, v in layers[rnn_name].items()}
    dense = {
        key.split("/")[-1].split(":")[0]: v for key, v in layers[dense_name].items()
    }
    if sorted(rnn) != sorted(PAPER_CELL_WEIGHTS) or sorted(dense) != ["bias", "kernel"]:
        raise ValidationError(
            f"{path} does not have the LMU paper's weights: found cell weights "
            f"{sorted(rnn)} and readout weights {sorted(dense)}, expected "
            f"{sorted(PAPER_CELL_WEIGHTS)} and ['bias', 'kernel']",
            attr="path",
        )
    units = rnn["hidden_kernel"].shape[0]
    order = rnn["AT"].shape[0]
    input_d = rnn["input_kernel"].shape[0]
    memory_d = rnn["BT"].shape[0]
    n_classes = dense["kernel"].shape[1]
    weights = {
        "input_encoders": rnn["input_encoders"].T,
        "hidden_encoders": rnn["hidden_encoders"].T,
        "memory_encoders": rnn["memory_encoders"].T,
        "memory_kernel": rnn["memory_kernel"].T,
        "input_kernel": rnn["input_kernel"].T,
        "hidden_kernel": rnn["hidden_kernel"].T,
        "hidden_bias": np.zeros(units),
        "readout_kernel": dense["kernel"].T,
        "readout_bias": dense["bias"],
        "Ad": rnn["AT"].T + np.eye(order),
        "Bd": rnn["BT"].T,
    }
    options = dict(
        units=units,
        order=order,
        input_d=input_d,
        memory_d=memory_d,
        n_classes=n_classes,
    )
    return options, weights


def _model_layers(config):
    """A Keras model config's class name and the class names of its layers."""
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict):
        return None, []
    layers = config["config"].get("layers", [])
    return config.get("class_name"), [layer.get("class_name") for layer in layers]


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def load_lmu_paper_model(
    path, theta_steps=784, dt=0.001, expected_sha256=None, **kwargs
):
    """The LMU paper's psMNIST model as an `.LMUClassifier`.

    The cell has all of the paper's connections (``hidden_to_memory``,
    ``memory_to_memory``, ``input_to_hidden``, ``hidden_to_hidden``), a tanh
    hidden state and no biases; the memory is nengo-lmu's exact
    `.LegendreMemory`, after checking that the file's fixed matrices are the
    zero-order-hold system of ``order`` and ``theta_steps`` (they equal its
    float32 rounding).

    Parameters
    ----------
    path : str or path-like
        The model file (``psMNIST-standard.hdf5``).
    theta_steps : float
        The memory window in steps (784, one image).
    dt : float
        The time step the network will be simulated with; one pixel per step,
        so ``theta = theta_steps * dt``.
    expected_sha256 : str, optional
        See `read_lmu_paper_model`.
    **kwargs
        Further arguments of `.LMUClassifier` (``neuron_type``, ``label``,
        ...).

    Returns
    -------
    LMUClassifier
        Its ``input`` takes one pixel per step, its ``output`` is the class
        scores before the softmax (read at the last step); the memory window
        is ``theta = theta_steps * dt`` seconds.
    """
    from nengo_lmu.classifier import LMUClassifier
    from nengo_lmu.legendre import discretize, lmu_system

    options, weights = read_lmu_paper_model(path, expected_sha256)
    Ad, Bd = weights.pop("Ad"), weights.pop("Bd")
    exact = discretize(*lmu_system(options["order"], theta_steps), 1.0, "zoh")
    error = max(np.max(np.abs(Ad - exact[0])), np.max(np.abs(Bd - exact[1])))
    if error > 1e-6:  # float32 rounding of values below 1 is below 6e-8
        raise ValidationError(
            f"{path}: the stored memory matrices differ from the zero-order-hold "
            f"system of order {options['order']} and theta {theta_steps} steps by "
            f"{error:.2g}; pass the theta_steps the model was trained with",
            attr="theta_steps",
        )
    return LMUClassifier(
        options["n_classes"],
        options["units"],
        options["order"],
        theta_steps * dt,
        input_d=options["input_d"],
        memory_d=options["memory_d"],
        hidden_to_memory=True,
        memory_to_memory=True,
        input_to_hidden=True,
        hidden_to_hidden=True,
        dt=dt,
        weights=weights,
        **kwargs,
    )


def _lmu_options_from_config(config, where):
    hidden = config.get("hidden_cell") or {}
    hidden_config = hidden.get("config", {})
    options = {
        "order": config["order"],
        "memory_d": config["memory_d"],
        "theta": config["theta"],
        "units": hidden_config.get("units"),
        "hidden_cell": hidden.get("class_name"),
        "hidden_name": hidden_config.get("name"),
        "hidden_use_bias": hidden_config.get("use_bias", True),
        "activation": hidden_config.get("activation"),
        "trainable_theta": config.get("trainable_theta", False),
        "has_kernel": config.get("kernel_initializer") is not None,
        "hidden_to_memory": config.get("hidden_to_memory", False),
        "memory_to_memory": config.get("memory_to_memory", False),
        "input_to_hidden": config.get("input_to_hidden", False),
        "use_bias": config.get("use_bias", False),
        "discretizer": config.get("discretizer", "zoh"),
    }
    _check_lmu_options(options, where)
    return options


def _lmu_arrays_h5(layer_weights, options):
    """KerasLMU's named arrays from a Keras 2 HDF5 layer group's weights."""
    arrays = {}
    for name, value in layer_weights.items():
        parts = name.split(":")[0].split("/")
        key = parts[-1]
        if options["hidden_name"] in parts[:-1]:
            key = "hidden_" + key
        arrays[key] = value
    return arrays


def _lmu_arrays_v3(weights, layer, options):
    """KerasLMU's named arrays from a Keras v3 (zip) weights file.

    Variables are stored by creation order: the hidden cell's kernel,
    recurrent kernel (``SimpleRNNCell``) and bias; the memory's kernel, bias
    (``use_bias``), ``theta_inv`` (``trainable_theta``) and recurrent kernel
    (``memory_to_memory``).
    """
    base = f"_layer_checkpoint_dependencies/{layer}"

    def variables(group):
        if group not in weights:
            return []
        return [np.array(weights[group][str(i)]) for i in range(len(weights[group]))]

    hidden_names = ["hidden_kernel"]
    if options["hidden_cell"] == "SimpleRNNCell":
        hidden_names.append("hidden_recurrent_kernel")
    if options["hidden_use_bias"]:
        hidden_names.append("hidden_bias")
    memory_names = ["kernel"] + (["bias"] if options["use_bias"] else [])
    memory_names += ["theta_inv"] if options["trainable_theta"] else []
    memory_names += ["recurrent_kernel"] if options["memory_to_memory"] else []
    hidden = variables(f"{base}/hidden_cell/vars")
    memory = variables(f"{base}/layer/cell/vars") or variables(f"{base}/layer/vars")
    if len(hidden) != len(hidden_names) or len(memory) != len(memory_names):
        raise ValidationError(
            f"layer {layer!r}: found {len(hidden)} hidden-cell and {len(memory)} "
            f"memory variables, expected {hidden_names} and {memory_names}",
            attr="path",
        )
    return dict(zip(hidden_names + memory_names, hidden + memory))


def _v3_layer_keys(kinds):
    """The names a Keras v3 weights file gives a model's layers: the class
    name in snake case, numbered from the second of a class on (``dense``,
    ``dense_1``), whatever the layers' own names."""
    keys, counts = [], {}
    for kind in kinds:
        short = kind.split(">")[-1]
        base = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", short).lower()
        count = counts.get(base, 0)
        keys.append(base if count == 0 else f"{base}_{count}")
        counts[base] = count + 1
    return keys


def read_keras_lmu_model(path):
    """Read a KerasLMU classifier saved by Keras (``.h5``, or ``.keras``).

    Accepted: a ``Sequential`` or ``Functional`` model of an optional
    ``InputLayer``, one KerasLMU ``LMU`` layer (``SimpleRNNCell`` or
    ``Dense`` hidden cell, tanh or relu) and one ``Dense`` layer (linear or
    softmax: the Nengo network outputs its scores before the softmax). Both
    Keras 2 HDF5 files and Keras v3 zip files (``config.json`` and
    ``model.weights.h5``) are read with json and h5py; nothing in the file is
    executed.

    Parameters
    ----------
    path : str or path-like
        The ``.h5`` or ``.keras`` file.

    Returns
    -------
    options : dict
        `.LMUCell` options with ``theta_steps``, ``activation`` and
        ``n_classes``.
    weights : dict
        `.LMUClassifier` weights.
    """
    h5py = _h5py()
    with open(path, "rb") as f:
        signature = f.read(8)
    if signature.startswith(b"PK"):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "config.json" not in names or "model.weights.h5" not in names:
                raise ValidationError(
                    f"{path} is a zip file without config.json and model.weights.h5 "
                    f"(found {names}): not a Keras model",
                    attr="path",
                )
            config = json.loads(archive.read("config.json"))
            weights_file = io.BytesIO(archive.read("model.weights.h5"))
        layout = "v3"
    elif signature == b"\x89HDF\r\n\x1a\n":
        with h5py.File(path, "r") as f:
            if "model_config" not in f.attrs or "model_weights" not in f:
                raise ValidationError(
                    f"{path} holds weights only, not a whole Keras model (save "
                    "the model with model.save)",
                    attr="path",
                )
            config = json.loads(_text(f.attrs["model_config"]))
            layers = _read_h5_layers(f["model_weights"])
        layout = "h5"
    else:
        raise ValidationError(f"{path} is neither an HDF5 nor a zip file", attr="path")

    model_class, kinds = _model_layers(config)
    body = [k for k in kinds if k != "InputLayer"]
    lmu_kinds = [k for k in body if k.split(">")[-1] == "LMU"]
    if (
        model_class not in ("Sequential", "Functional")
        or len(body) != 2
        or (len(lmu_kinds) != 1 or body[1] != "Dense")
    ):
        raise ValidationError(
            f"{path}: expected a model of an LMU layer followed by a Dense layer, "
            f"found {model_class} of {kinds}",
            attr="path",
        )
    layer_configs = [
        layer
        for layer in config["config"]["layers"]
        if layer["class_name"] != "InputLayer"
    ]
    lmu_config, dense_config = (layer["config"] for layer in layer_configs)
    options = _lmu_options_from_config(lmu_config, str(path))
    if dense_config.get("activation") not in ("linear", "softmax"):
        raise ValidationError(
            f"{path}: the Dense layer's activation is "
            f"{dense_config.get('activation')!r}; expected linear or softmax",
            attr="path",
        )

    if layout == "h5":
        lmu_name, dense_name = lmu_config["name"], dense_config["name"]
        arrays = _lmu_arrays_h5(layers[lmu_name], options)
        dense = {
            key.split("/")[-1].split(":")[0]: value
            for key, value in layers[dense_name].items()
        }
    else:
        keys = _v3_layer_keys(kinds)
        lmu_name, dense_name = (
            k for k, kind in zip(keys, kinds) if kind != "InputLayer"
        )
        with h5py.File(weights_file, "r") as weights:
            arrays = _lmu_arrays_v3(weights, lmu_name, options)
            dense_vars = f"_layer_checkpoint_dependencies/{dense_name}/vars"
            dense_names = ["kernel"] + (
                ["bias"] if dense_config.get("use_bias", True) else []
            )
            dense = {
                name: np.array(weights[dense_vars][str(i)], dtype=np.float64)
                for i, name in enumerate(dense_names)
            }
    arrays = {key: np.asarray(value, dtype=np.float64) for key, value in arrays.items()}
    cell_options, weights = _cell_weights(options, arrays)
    n_classes = dense["kernel"].shape[1]
    weights["readout_kernel"] = dense["kernel"].T
    weights["readout_bias"] = dense.get("bias", np.zeros(n_classes))
    cell_options["n_classes"] = n_classes
    return cell_options, weights


def load_keras_lmu_model(path, dt=0.001, **kwargs):
    """A KerasLMU classifier file as an `.LMUClassifier`.

    The Keras model reads one sequence element per step; the Nengo network
    reads one per time step of ``dt`` seconds, so its memory window is
    ``theta = theta_steps * dt`` seconds (KerasLMU's ``theta`` is in steps).

    Parameters
    ----------
    path : str or path-like
        The ``.h5`` or ``.keras`` file (see `read_keras_lmu_model` for what
        is accepted).
    dt : float
        The time step the network will be simulated with, in seconds.
    **kwargs
        Further arguments of `.LMUClassifier` (``label``, ``memory``, ...);
        the hidden neuron type follows the Keras activation
        (``Tanh(tau_ref=1)`` or ``RectifiedLinear()``) unless
        ``neuron_type`` is given.

    Returns
    -------
    LMUClassifier
        Its ``output`` is the class scores before any softmax.
    """
    import nengo

    from nengo_lmu.classifier import LMUClassifier

    options, weights = read_keras_lmu_model(path)
    activation = options.pop("activation")
    theta = options.pop("theta_steps") * dt
    kwargs.setdefault(
        "neuron_type",
        nengo.Tanh(tau_ref=1.0) if activation == "tanh" else nengo.RectifiedLinear(),
    )
    return LMUClassifier(
        options.pop("n_classes"),
        options.pop("units"),
        options.pop("order"),
        theta,
        dt=dt,
        weights=weights,
        **options,
        **kwargs,
    )
