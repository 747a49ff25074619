"""Weights of KerasLMU layers, in `.LMUCell`'s names and orientation.

KerasLMU kernels are ``(inputs, outputs)``; Nengo transforms are ``(post,
pre)``. KerasLMU measures ``theta`` in steps; `.LMUCell` in seconds. This
module needs TensorFlow and keras-lmu only for the layer it is given.
"""

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
