"""Weights of KerasLMU layers, in `.LMUCell`'s names and orientation.

KerasLMU kernels are ``(inputs, outputs)``; Nengo transforms are ``(post,
pre)``. KerasLMU measures ``theta`` in steps; `.LMUCell` in seconds. This
module needs TensorFlow and keras-lmu only for the layer it is given.
"""

import hashlib
import json

import numpy as np
from nengo.exceptions import ValidationError

# Keras activations that a Nengo rate neuron type computes exactly
ACTIVATIONS = ("tanh", "relu")


def _activation_name(cell):
    name = getattr(cell.activation, "__name__", str(cell.activation))
    if name not in ACTIVATIONS:
        raise ValidationError(
            f"the hidden cell's activation is {name!r}; only {ACTIVATIONS} map onto "
            "Nengo neuron types (Tanh, RectifiedLinear)",
            attr="layer",
        )
    return name


def lmu_layer_weights(layer):
    """Read a built ``keras_lmu.LMU`` layer's options and weights.

    Parameters
    ----------
    layer : keras_lmu.LMU
        A built layer whose hidden cell is a ``SimpleRNNCell`` or a ``Dense``
        layer with ``tanh`` or ``relu`` activation, with an input kernel and
        a fixed theta.

    Returns
    -------
    options : dict
        `.LMUCell` arguments (``units``, ``order``, ``input_d``, ...) plus
        ``theta_steps`` and ``activation``; ``theta`` in seconds is
        ``theta_steps * dt``.
    weights : dict
        The arrays, named as in `.LMUCell.weight_shapes`.
    """
    import tensorflow as tf

    if not getattr(layer, "built", False) or not hasattr(layer, "layer"):
        raise ValidationError("must be a built keras_lmu.LMU layer", attr="layer")
    hidden = layer.hidden_cell
    if isinstance(hidden, tf.keras.layers.SimpleRNNCell):
        hidden_to_hidden = True
    elif isinstance(hidden, tf.keras.layers.Dense):
        hidden_to_hidden = False
    else:
        raise ValidationError(
            f"the hidden cell is {type(hidden).__name__}; only SimpleRNNCell and "
            "Dense are supported",
            attr="layer",
        )
    if layer.trainable_theta:
        raise ValidationError(
            "layers with trainable_theta=True are not supported", attr="layer"
        )
    # the memory part: a recurrent LMUCell, or LMUFeedforward
    memory = getattr(layer.layer, "cell", layer.layer)
    if memory.kernel is None:
        raise ValidationError(
            "layers without an input kernel (kernel_initializer=None) are not "
            "supported",
            attr="layer",
        )
    activation = _activation_name(hidden)

    def value(variable):
        return np.array(variable.numpy(), dtype=np.float64)

    order, memory_d = layer.order, layer.memory_d
    units = hidden.units
    kernel = value(memory.kernel).T  # (memory_d, input_d [+ units])
    input_d = kernel.shape[1] - (units if layer.hidden_to_memory else 0)
    weights = {"input_encoders": kernel[:, :input_d]}
    if layer.hidden_to_memory:
        weights["hidden_encoders"] = kernel[:, input_d:]
    if layer.memory_to_memory:
        weights["memory_encoders"] = value(memory.recurrent_kernel).T
    if layer.use_bias:
        weights["memory_bias"] = value(memory.bias)
    hidden_kernel = value(hidden.kernel).T  # (units, memory_d * order [+ input_d])
    weights["memory_kernel"] = hidden_kernel[:, : memory_d * order]
    if layer.input_to_hidden:
        weights["input_kernel"] = hidden_kernel[:, memory_d * order :]
    if hidden_to_hidden:
        weights["hidden_kernel"] = value(hidden.recurrent_kernel).T
    weights["hidden_bias"] = (
        value(hidden.bias) if hidden.use_bias else np.zeros(units, dtype=np.float64)
    )
    options = {
        "units": units,
        "order": order,
        "theta_steps": float(layer.theta),
        "input_d": input_d,
        "memory_d": memory_d,
        "hidden_to_memory": layer.hidden_to_memory,
        "memory_to_memory": layer.memory_to_memory,
        "input_to_hidden": layer.input_to_hidden,
        "hidden_to_hidden": hidden_to_hidden,
        "use_bias": layer.use_bias,
        "discretizer": layer.discretizer,
        "activation": activation,
    }
    return options, weights


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
    """The SHA-256 hex digest of a file."""
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
