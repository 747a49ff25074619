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
    """Refuse what Nengo does not compute.

    A layer without a hidden cell (``hidden_cell=None``: the layer outputs
    its memory) is accepted here; `memory_layer_weights` reads it. A layer
    without an input kernel (``kernel_initializer=None``) feeds its input
    straight to the memory, which is an identity kernel.

    Parameters
    ----------
    options : dict
        The layer's options (``hidden_cell``, ``activation``).
    where : str
        The source, named in the message (a file and layer).
    """
    problems = [
        f"{name} {options[name]!r} (a number is expected)"
        for name in ("order", "memory_d", "theta")
        if isinstance(options[name], bool)
        or not isinstance(options[name], (int, float))
    ]
    if options["hidden_cell"] not in HIDDEN_CELLS + (None,):
        problems.append(
            f"hidden cell {options['hidden_cell']!r} (supported: {HIDDEN_CELLS}, "
            "or none)"
        )
    elif (
        options["hidden_cell"] is not None and options["activation"] not in ACTIVATIONS
    ):
        problems.append(
            f"hidden activation {options['activation']!r} (supported: {ACTIVATIONS})"
        )
    if problems:
        raise ValidationError(
            f"{where}: unsupported KerasLMU layer: " + "; ".join(problems),
            attr="layer",
        )


def _memory_encoders(options, arrays):
    """``e_x`` (and ``e_h``) from the memory's kernel, an identity without one."""
    kernel = arrays.get("kernel")
    if kernel is None:  # KerasLMU feeds [x (, h)] straight to the memory
        kernel = np.eye(options["memory_d"])
    kernel = kernel.T  # (memory_d, input_d [+ units])
    input_d = kernel.shape[1] - (options["units"] if options["hidden_to_memory"] else 0)
    weights = {"input_encoders": kernel[:, :input_d]}
    if options["hidden_to_memory"]:
        weights["hidden_encoders"] = kernel[:, input_d:]
    if options["memory_to_memory"]:
        weights["memory_encoders"] = arrays["recurrent_kernel"].T
    if options["use_bias"]:
        weights["memory_bias"] = arrays["bias"]
    return input_d, weights


def _theta_steps(options, arrays):
    """The window in steps; a trained one is 1 / ``theta_inv``: KerasLMU's
    discretisers with that window compute exactly what the fixed-theta memory
    of that window computes."""
    if options["trainable_theta"]:
        return 1 / float(arrays["theta_inv"])
    return float(options["theta"])


def memory_layer_weights(options, arrays):
    """The options and weights of a KerasLMU layer without a hidden cell.

    Such a layer outputs its memory :math:`m_t` (``memory_d * order``
    values), followed by its input :math:`x_t` with ``input_to_hidden``.

    Parameters
    ----------
    options : dict
        The layer's options (`nengo_lmu.io.keras_layers.lmu_options`).
    arrays : dict of str to ndarray
        ``kernel`` (absent without an input kernel), optionally ``bias``,
        ``recurrent_kernel`` and ``theta_inv``, in Keras' orientation.

    Returns
    -------
    memory_options : dict
        ``order``, ``theta_steps``, ``input_d``, ``memory_d``,
        ``memory_to_memory``, ``use_bias``, ``input_to_hidden`` (the input
        passed on after the memory) and ``discretizer``.
    weights : dict of str to ndarray
        ``input_encoders`` ``(memory_d, input_d)``, and ``memory_encoders``
        ``(memory_d, memory_d * order)`` and ``memory_bias`` ``(memory_d,)``
        where the layer has them.
    """
    input_d, weights = _memory_encoders(options, arrays)
    memory_options = {
        "order": options["order"],
        "theta_steps": _theta_steps(options, arrays),
        "input_d": input_d,
        "memory_d": options["memory_d"],
        "memory_to_memory": options["memory_to_memory"],
        "use_bias": options["use_bias"],
        "input_to_hidden": options["input_to_hidden"],
        "discretizer": options["discretizer"],
    }
    return memory_options, weights


def cell_weights(options, arrays):
    """`.LMUCell` options and weights from KerasLMU's arrays.

    ``arrays`` has ``kernel`` (input [+ hidden] -> memory; absent without an
    input kernel), optionally ``bias`` and ``recurrent_kernel`` (memory -> memory), and
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
    input_d, weights = _memory_encoders(options, arrays)
    hidden_kernel = arrays["hidden_kernel"].T  # (units, memory_d * order [+ input_d])
    weights["memory_kernel"] = hidden_kernel[:, : memory_d * order]
    if options["input_to_hidden"]:
        weights["input_kernel"] = hidden_kernel[:, memory_d * order :]
    if hidden_to_hidden:
        weights["hidden_kernel"] = arrays["hidden_recurrent_kernel"].T
    weights["hidden_bias"] = arrays.get("hidden_bias", np.zeros(units))
    theta_steps = _theta_steps(options, arrays)
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
    """Read a built ``keras_lmu.LMU`` or ``LMUFeedforward`` layer's options
    and weights.

    Parameters
    ----------
    layer : keras_lmu.LMU or keras_lmu.LMUFeedforward
        A built layer whose hidden cell is a ``SimpleRNNCell`` or a ``Dense``
        layer with ``tanh`` or ``relu`` activation. A
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
    if not getattr(layer, "built", False) or not hasattr(layer, "hidden_cell"):
        raise ValidationError(
            "must be a built keras_lmu.LMU or LMUFeedforward layer", attr="layer"
        )
    hidden = layer.hidden_cell
    if hidden is None:
        raise ValidationError(
            "a layer without a hidden cell outputs its memory, which an LMUCell "
            "does not: save the model (model.save) and read the file with "
            "load_keras_lmu_stack",
            attr="layer",
        )
    # the memory part: an LMU layer's recurrent LMUCell or inner
    # LMUFeedforward, or the LMUFeedforward layer itself (which has no
    # recurrent options and no trainable window)
    inner = getattr(layer, "layer", layer)
    memory = getattr(inner, "cell", inner)
    options = {
        "order": layer.order,
        "memory_d": layer.memory_d,
        "theta": layer.theta,
        "units": getattr(hidden, "units", None),
        "hidden_cell": type(hidden).__name__,
        "activation": getattr(hidden.activation, "__name__", str(hidden.activation)),
        "trainable_theta": getattr(layer, "trainable_theta", False),
        "hidden_to_memory": getattr(layer, "hidden_to_memory", False),
        "memory_to_memory": getattr(layer, "memory_to_memory", False),
        "input_to_hidden": layer.input_to_hidden,
        "use_bias": layer.use_bias,
        "discretizer": layer.discretizer,
    }
    check_lmu_options(options, type(layer).__name__)

    def value(variable):
        return np.array(variable.numpy(), dtype=np.float64)

    arrays = {"hidden_kernel": value(hidden.kernel)}
    if memory.kernel is not None:
        arrays["kernel"] = value(memory.kernel)
    if layer.use_bias:
        arrays["bias"] = value(memory.bias)
    if options["trainable_theta"]:
        arrays["theta_inv"] = value(memory.theta_inv)
    if options["memory_to_memory"]:
        arrays["recurrent_kernel"] = value(memory.recurrent_kernel)
    if options["hidden_cell"] == "SimpleRNNCell":
        arrays["hidden_recurrent_kernel"] = value(hidden.recurrent_kernel)
    if hidden.use_bias:
        arrays["hidden_bias"] = value(hidden.bias)
    return cell_weights(options, arrays)
