"""KerasLMU's weights as `.LMUCell` weights.

KerasLMU kernels are ``(inputs, outputs)``; Nengo transforms are ``(post,
pre)``. KerasLMU measures ``theta`` in steps; `.LMUCell` in seconds.
TensorFlow is needed only to read a live layer (`lmu_layer_weights`).
"""


import numpy as np
from nengo.exceptions import ValidationError

# Keras activations that a Nengo rate neuron type computes exactly
ACTIVATIONS = ("tanh", "relu")
HIDDEN_CELLS = ("SimpleRNNCell", "Dense")


def check_lmu_options(options, where):
    """Refuse what `.LMUCell` does not compute.

    Parameters
    ----------
    options : dict
        The layer's options (``hidden_cell``, ``activation``, ``has_kernel``).
    where : str
        The source, named in the message (a file and layer).
    """
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


def cell_weights(options, arrays):
    """`.LMUCell` options and weights from KerasLMU's arrays.

    ``arrays`` has ``kernel`` (input [+ hidden] -> memory), optionally
    ``bias`` and ``recurrent_kernel`` (memory -> memory), and
    ``hidden_kernel``, optionally ``hidden_recurrent_kernel`` and
    ``hidden_bias``, all in Keras' ``(inputs, outputs)`` orientation.

    Parameters
    ----------
    options : dict
        The layer's options (``order``, ``memory_d``, ``units``,
        ``hidden_cell``, the connection flags, ``theta_steps``, ...).
    arrays : dict of str to ndarray
        KerasLMU's weights, as above.

    Returns
    -------
    cell_options : dict
        `.LMUCell` arguments.
    weights : dict of str to ndarray
        `.LMUCell` weights (`.LMUCell.weight_shapes`).
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
    check_lmu_options(options, type(layer).__name__)

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
    return cell_weights(options, arrays)
