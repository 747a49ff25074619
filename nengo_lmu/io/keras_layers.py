"""A Keras model's configuration as the chain of layers Nengo can compute.

nengo-lmu reads models that are a chain: an optional ``InputLayer``, then
KerasLMU ``LMU`` and ``LMUFeedforward`` layers and ``Dense`` layers in any
order, each reading the one before it, the last a linear or softmax
``Dense`` readout. This module checks that structure in the configuration
(``config.json``, or an HDF5 file's ``model_config``) and gives each layer's
options; `nengo_lmu.io.keras_files` reads the weights.

The configuration is JSON: nothing in it is executed.
"""

from nengo.exceptions import ValidationError

from nengo_lmu.io.keras_weights import check_lmu_options

MEMORY_LAYERS = ("LMU", "LMUFeedforward")
# Keras activations of a Dense layer inside the chain, each a Nengo rate
# neuron type (or no neurons at all); the readout is linear or softmax
INNER_DENSE_ACTIVATIONS = ("linear", "tanh", "relu")
READOUT_ACTIVATIONS = ("linear", "softmax")


def layer_class(layer):
    """A layer's class name without its module (``keras_lmu>LMU`` is ``LMU``).

    Parameters
    ----------
    layer : dict
        The layer's configuration (``{"class_name": ..., ...}``).

    Returns
    -------
    str
    """
    return str(layer.get("class_name")).split(">")[-1]


def model_chain(config, where):
    """The layers of a chain model, after the ``InputLayer``, as in the file.

    Parameters
    ----------
    config : dict
        The model's configuration (the parsed JSON).
    where : str
        The file (and the Keras version that saved it), named in errors.

    Returns
    -------
    list of dict
        Each layer's ``{"class_name": ..., "config": ...}``.
    """
    model_class = config.get("class_name") if isinstance(config, dict) else None
    body = config.get("config") if model_class else None
    layers = body.get("layers") if isinstance(body, dict) else None
    if model_class not in ("Sequential", "Functional") or not isinstance(layers, list):
        raise ValidationError(
            f"{where}: expected a Sequential or Functional model, found "
            f"{model_class or 'no model configuration'}",
            attr="path",
        )
    chain = [layer for layer in layers if layer_class(layer) != "InputLayer"]
    classes = [layer_class(layer) for layer in chain]
    found = f"found {model_class} of {[layer_class(layer) for layer in layers]}"
    if (
        not any(c in MEMORY_LAYERS for c in classes)
        or classes[-1] != "Dense"
        or any(c not in MEMORY_LAYERS + ("Dense",) for c in classes)
    ):
        raise ValidationError(
            f"{where}: expected a chain of LMU, LMUFeedforward and Dense layers "
            f"that ends with a Dense layer, {found}",
            attr="path",
        )
    if model_class == "Functional":
        _check_functional_chain(body, layers, where)
    for i, layer in enumerate(chain):
        later = classes[i + 1 :]
        if (
            classes[i] in MEMORY_LAYERS
            and any(c in MEMORY_LAYERS for c in later)
            and not layer["config"].get("return_sequences", False)
        ):
            raise ValidationError(
                f"{where}: layer {i} ({classes[i]}) feeds another LMU layer, so it "
                "must return sequences (return_sequences=True)",
                attr="path",
            )
        if classes[i] == "Dense":
            allowed = READOUT_ACTIVATIONS if not later else INNER_DENSE_ACTIVATIONS
            activation = layer["config"].get("activation")
            if activation not in allowed:
                raise ValidationError(
                    f"{where}: Dense layer {i} has activation {activation!r}; "
                    f"expected one of {allowed}"
                    + (" (it is the readout)" if not later else ""),
                    attr="path",
                )
    return chain


def _check_functional_chain(body, layers, where):
    """Refuse a Functional model whose layers are not one chain in the order
    the file lists them (each reads the one before, the last is the output):
    Nengo would compute another model."""
    names = [layer.get("name") for layer in layers]
    for previous, layer in zip(names, layers[1:]):
        inbound = _inbound_layers(layer.get("inbound_nodes", []))
        if inbound != [previous]:
            raise ValidationError(
                f"{where}: layer {layer.get('name')!r} reads {inbound}, not only "
                f"the layer before it ({previous!r}); only chains of layers are "
                "supported",
                attr="path",
            )
    outputs = _inbound_layers(body.get("output_layers", []))
    if outputs != [names[-1]]:
        raise ValidationError(
            f"{where}: the model's outputs are {outputs}; only models whose one "
            f"output is the last layer ({names[-1]!r}) are supported",
            attr="path",
        )


def _inbound_layers(nodes):
    """The layer names a configuration's inbound nodes (or output list) refer
    to: Keras 3 writes ``{"keras_history": [name, node, tensor]}``, Keras 2
    ``[name, node, tensor, kwargs]``."""
    names = []

    def visit(value):
        if isinstance(value, dict):
            if "keras_history" in value:
                names.append(value["keras_history"][0])
                return
            for item in value.values():
                visit(item)
        elif isinstance(value, list):
            if (
                len(value) >= 3
                and isinstance(value[0], str)
                and all(isinstance(v, int) for v in value[1:3])
            ):
                names.append(value[0])
                return
            for item in value:
                visit(item)

    visit(nodes)
    return names


def lmu_options(layer, where):
    """A KerasLMU ``LMU`` or ``LMUFeedforward`` layer's options.

    ``LMUFeedforward`` has no recurrent connections to the memory and no
    trainable window; its ``conv_mode`` and ``truncate_ir`` choose how
    KerasLMU computes the memory (see `nengo_lmu.io.keras_files`), not what
    it is.

    Parameters
    ----------
    layer : dict
        The layer's ``{"class_name": ..., "config": ...}``.
    where : str
        The file and layer, named in errors.

    Returns
    -------
    dict
        ``order``, ``memory_d``, ``theta``, ``units`` (None without a hidden
        cell), ``hidden_cell`` (None without one), the connection flags,
        ``has_kernel``, ``discretizer`` and ``layer_class``.
    """
    config = layer["config"]
    hidden = config.get("hidden_cell") or {}
    hidden_config = hidden.get("config", {})
    options = {
        "layer_class": layer_class(layer),
        "order": config["order"],
        "memory_d": config["memory_d"],
        "theta": config["theta"],
        "units": hidden_config.get("units"),
        "hidden_cell": layer_class(hidden) if hidden else None,
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
    check_lmu_options(options, where)
    return options
