"""KerasLMU classifiers and the LMU paper's psMNIST model as `.LMUClassifier` objects.

The files are read by `nengo_lmu.io` (nothing in them is executed); this
module builds the Nengo networks from what they hold.
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import check_count, check_positive
from nengo_lmu.cell.cell import LMUCell
from nengo_lmu.cell.classifier import LMUClassifier
from nengo_lmu.io.damage import naming_file
from nengo_lmu.io.keras_files import read_keras_layers, read_keras_lmu_model
from nengo_lmu.io.paper_model import read_lmu_paper_model
from nengo_lmu.legendre import discretize, lmu_system
from nengo_lmu.memory.process import LegendreMemory


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
    theta_steps = check_positive(theta_steps, "theta_steps")
    dt = check_positive(dt, "dt")
    options, weights = read_lmu_paper_model(path, expected_sha256)
    Ad, Bd = weights.pop("Ad"), weights.pop("Bd")
    exact = discretize(*lmu_system(options["order"], theta_steps), 1.0, "zoh")
    if Ad.shape != exact[0].shape or Bd.shape != exact[1].shape:
        raise ValidationError(
            f"{path}: the stored memory matrices have shapes {Ad.shape} and "
            f"{Bd.shape}; an order-{options['order']} memory has "
            f"{exact[0].shape} and {exact[1].shape}",
            attr="path",
        )
    error = max(np.max(np.abs(Ad - exact[0])), np.max(np.abs(Bd - exact[1])))
    if not error <= 1e-6:  # float32 rounding of values below 1 is below 6e-8
        raise ValidationError(
            f"{path}: the stored memory matrices differ from the zero-order-hold "
            f"system of order {options['order']} and theta {theta_steps} steps by "
            f"{error:.2g}; pass the theta_steps the model was trained with",
            attr="theta_steps",
        )
    with naming_file(path, given=kwargs):
        return _paper_classifier(options, weights, theta_steps, dt, kwargs)


def _paper_classifier(options, weights, theta_steps, dt, kwargs):
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


def load_keras_lmu_model(path, dt=0.001, config=None, **kwargs):
    """A KerasLMU classifier file as an `.LMUClassifier`.

    The Keras model reads one sequence element per step; the Nengo network
    reads one per time step of ``dt`` seconds, so its memory window is
    ``theta = theta_steps * dt`` seconds (KerasLMU's ``theta`` is in steps).

    Parameters
    ----------
    path : str or path-like
        The ``.h5`` or ``.keras`` file (see `read_keras_lmu_model` for what
        is accepted). A ``.keras`` file is a zip whose checksums catch
        damaged bytes; a Keras 2 ``.h5`` file keeps no checksum of its data,
        so damage inside its weights reads as other weights.
    dt : float
        The time step the network will be simulated with, in seconds.
    config : dict or str or path-like, optional
        For a Keras 3 ``.weights.h5`` file: the model's configuration (the
        JSON of ``model.to_json()``, or its file).
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
    dt = check_positive(dt, "dt")
    options, weights = read_keras_lmu_model(path, config=config)
    with naming_file(path, given=kwargs):
        activation = options.pop("activation")
        theta = options.pop("theta_steps") * dt
        kwargs.setdefault("neuron_type", _neuron_type(activation))
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


def _neuron_type(activation):
    return nengo.Tanh(tau_ref=1.0) if activation == "tanh" else nengo.RectifiedLinear()


def load_keras_lmu_stack(path, dt=0.001, config=None, label="keras lmu stack"):
    """A Keras model of LMU and Dense layers as a chain of Nengo layers.

    Each layer reads the previous one's output at the same step (Keras'
    ``return_sequences=True`` between memory layers):

    - an ``LMU`` or ``LMUFeedforward`` layer with a hidden cell becomes an
      `.LMUCell`;
    - one without a hidden cell becomes its `.LegendreMemory` (a network
      whose output is the memory, then the input with
      ``input_to_hidden``), fed by its kernel, bias and ``memory_to_memory``
      connection;
    - a ``Dense`` layer inside the chain becomes a connection from the
      previous layer: onto an ensemble's neurons (``Tanh(tau_ref=1)`` for
      tanh, ``RectifiedLinear()`` for relu, unit gains, the layer's bias as
      the neurons' bias), or into a node (linear);
    - the last ``Dense`` layer is the readout into ``output``, with its
      bias; the scores at the last step are Keras' prediction (before any
      softmax).

    A file of one LMU layer gives a chain of one cell
    (`load_keras_lmu_model` gives it as an `.LMUClassifier`).

    Parameters
    ----------
    path : str or path-like
        The file (see `.read_keras_layers` for what is accepted).
    dt : float
        The time step the network will be simulated with; each memory's
        window is ``theta_steps * dt`` seconds.
    config : dict or str or path-like, optional
        For a Keras 3 ``.weights.h5`` file: the model's configuration.
    label : str
        The network's label.

    Returns
    -------
    nengo.Network
        With ``input``, ``output`` (the class scores), ``layers`` (a Nengo
        object per Keras layer before the readout, each with an ``output``),
        ``cells`` (the `.LMUCell` ones, first to last), ``readout`` (the
        connection from the last layer) and ``readout_bias`` (the bias's,
        from a constant Node).
    """
    dt = check_positive(dt, "dt")
    *layers, readout = read_keras_layers(path, config=config)
    first = layers[0]
    input_d = (
        first["kernel"].shape[1]
        if first["kind"] == "dense"
        else first["options"]["input_d"]
    )
    with nengo.Network(label=label) as net:
        net.input = nengo.Node(size_in=input_d, label="input")
        net.output = nengo.Node(size_in=readout["kernel"].shape[0], label="output")
        net.layers, previous = [], net.input
        for i, layer in enumerate(layers):
            build = _LAYER_BUILDERS[layer["kind"]]
            built = build(layer, dt, f"layer {i}: {layer['keras_class']}")
            nengo.Connection(previous, built.input, synapse=None)
            net.layers.append(built)
            previous = built.output
        net.cells = [layer for layer in net.layers if isinstance(layer, LMUCell)]
        net.readout = nengo.Connection(
            previous, net.output, transform=readout["kernel"], synapse=None
        )
        bias = nengo.Node(np.ones(1), label="readout bias input")
        net.readout_bias = nengo.Connection(
            bias, net.output, transform=readout["bias"][:, None], synapse=None
        )
    return net


def _cell_layer(layer, dt, label):
    """An LMU layer with a hidden cell, as an `.LMUCell`."""
    options = dict(layer["options"])
    return LMUCell(
        options.pop("units"),
        options.pop("order"),
        options.pop("theta_steps") * dt,
        options.pop("input_d"),
        neuron_type=_neuron_type(options.pop("activation")),
        dt=dt,
        weights=layer["weights"],
        label=label,
        **options,
    )


def _memory_layer(layer, dt, label):
    """An LMU layer without a hidden cell: its memory, and its input after it
    with ``input_to_hidden``.

    :math:`u_t = e_x x_t + e_m m_{t-1} + b_u`, :math:`m_t = \\bar{A} m_{t-1}
    + \\bar{B} u_t`; the output is :math:`[m_t, x_t]`.
    """
    options, weights = layer["options"], layer["weights"]
    input_d, memory_d, order = options["input_d"], options["memory_d"], options["order"]
    size = memory_d * order + (input_d if options["input_to_hidden"] else 0)
    with nengo.Network(label=label) as net:
        net.input = nengo.Node(size_in=input_d, label="input")
        net.memory = nengo.Node(
            LegendreMemory(
                order, options["theta_steps"] * dt, options["discretizer"], memory_d
            ),
            label="memory",
        )
        net.output = nengo.Node(size_in=size, label="output")
        nengo.Connection(
            net.input, net.memory, transform=weights["input_encoders"], synapse=None
        )
        if options["memory_to_memory"]:
            # m_{t-1}: synapse=0 is Nengo's one-step delay
            nengo.Connection(
                net.memory, net.memory, transform=weights["memory_encoders"], synapse=0
            )
        if options["use_bias"]:
            bias = nengo.Node(np.ones(1), label="memory bias")
            nengo.Connection(
                bias,
                net.memory,
                transform=weights["memory_bias"][:, None],
                synapse=None,
            )
        nengo.Connection(net.memory, net.output[: memory_d * order], synapse=None)
        if options["input_to_hidden"]:
            nengo.Connection(net.input, net.output[memory_d * order :], synapse=None)
    return net


def _dense_layer(layer, dt, label):  # pylint: disable=unused-argument
    """A Dense layer inside the chain: ``f(W x + b)``, with neurons for tanh
    and relu (unit gains, the bias as theirs) and a node for linear."""
    kernel, bias = layer["kernel"], layer["bias"]
    units, inputs = kernel.shape
    with nengo.Network(label=label) as net:
        net.input = nengo.Node(size_in=inputs, label="input")
        if layer["activation"] == "linear":
            net.output = nengo.Node(size_in=units, label="output")
            constant = nengo.Node(np.ones(1), label="bias")
            nengo.Connection(
                constant, net.output, transform=bias[:, None], synapse=None
            )
        else:
            net.ensemble = nengo.Ensemble(
                units,
                1,
                neuron_type=_neuron_type(layer["activation"]),
                gain=np.ones(units),
                bias=bias,
                label="units",
            )
            net.output = net.ensemble.neurons
        nengo.Connection(net.input, net.output, transform=kernel, synapse=None)
    return net


# how each kind of layer that `read_keras_layers` gives is built
_LAYER_BUILDERS = {"cell": _cell_layer, "memory": _memory_layer, "dense": _dense_layer}


def keras_activation(neuron_type):
    """The Keras activation that a cell's hidden neuron type computes.

    Parameters
    ----------
    neuron_type : nengo.neurons.NeuronType
        ``Tanh(tau_ref=1)`` (tanh) or ``RectifiedLinear()`` (relu), the types
        that `load_keras_lmu_model` makes; others have no KerasLMU form.

    Returns
    -------
    str
    """
    if isinstance(neuron_type, nengo.Tanh) and neuron_type.tau_ref == 1:
        return "tanh"
    if (
        type(neuron_type) is nengo.RectifiedLinear  # pylint: disable=unidiomatic-typecheck
        and neuron_type.amplitude == 1
    ):
        return "relu"
    raise ValidationError(
        f"KerasLMU's hidden cell computes tanh or relu; {neuron_type} has no "
        "KerasLMU form (use nengo.Tanh(tau_ref=1) or nengo.RectifiedLinear())",
        attr="neuron_type",
    )


def _cell_options(cell):
    """A cell's options as `nengo_lmu.io.keras_export` writes them."""
    if cell.discretizer not in ("zoh", "euler"):
        raise ValidationError(
            f"KerasLMU discretises with zoh or euler, not {cell.discretizer!r}",
            attr="classifier",
        )
    if cell.trainable_memory:
        raise ValidationError(
            "a cell with trainable_memory has its own A and B, which KerasLMU's "
            "LMU layer cannot hold",
            attr="classifier",
        )
    return {
        "units": cell.units,
        "order": cell.order,
        "theta_steps": cell.theta / cell.dt,
        "input_d": cell.input_d,
        "memory_d": cell.memory_d,
        "hidden_to_memory": cell.hidden_to_memory,
        "memory_to_memory": cell.memory_to_memory,
        "input_to_hidden": cell.input_to_hidden,
        "hidden_to_hidden": cell.hidden_to_hidden,
        "use_bias": cell.use_bias,
        "trainable_theta": cell.trainable_theta,
        "discretizer": cell.discretizer,
        "activation": keras_activation(cell.neuron_type),
    }


def save_keras_lmu_model(model, path, sim=None, steps=None, overwrite=False):
    """Write an `.LMUClassifier`, or a stack, as a Keras 3 ``.keras`` file.

    The file holds a ``Sequential`` model of an ``InputLayer``, keras-lmu
    ``LMU`` layers and a linear ``Dense`` readout
    (`nengo_lmu.io.keras_export`); ``keras.models.load_model(path)`` loads it
    with keras-lmu 0.8 or 0.9 imported, and predicts at the last step what
    the model's ``output`` gives there. KerasLMU computes the exact memory,
    whichever memory a cell uses; its window is ``theta / dt`` steps.

    Parameters
    ----------
    model : LMUClassifier or nengo.Network
        A classifier, or a chain of cells as `load_keras_lmu_stack` builds
        it (``cells``, ``readout``, ``readout_bias``); rate hidden neurons,
        ``Tanh(tau_ref=1)`` or ``RectifiedLinear()``.
    path : str or path-like
        The ``.keras`` file to write (written beside it and renamed onto it).
    sim : nengo.Simulator or nengo_dl.Simulator, optional
        Export the weights live in this simulator (the trained ones after
        NengoDL training) instead of those the network was built with.
    steps : int, optional
        The sequence length the Keras model declares (None: any length;
        otherwise at least 1).
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from pathlib import Path  # pylint: disable=import-outside-toplevel

    from nengo_lmu.cell.weights import read_transform  # pylint: disable=import-outside-toplevel
    from nengo_lmu.io.atomic import write_atomically  # pylint: disable=import-outside-toplevel
    from nengo_lmu.io.keras_export import write_keras_lmu_file  # pylint: disable=import-outside-toplevel

    if steps is not None:
        steps = check_count(steps, "steps", low=1)
    if isinstance(model, LMUClassifier):
        cells = [model.cell]
        weights = model.get_weights(sim)
        readout = {k: weights[k] for k in ("readout_kernel", "readout_bias")}
    elif all(hasattr(model, a) for a in ("cells", "readout", "readout_bias")):
        cells = list(model.cells)
        others = [
            layer.label
            for layer in getattr(model, "layers", cells)
            if not isinstance(layer, LMUCell)
        ]
        if others:
            raise ValidationError(
                f"only chains of LMU cells are written to Keras; this stack also "
                f"has {others}",
                attr="model",
            )
        n_classes = model.output.size_in
        readout = {
            "readout_kernel": read_transform(sim, model.readout).reshape(n_classes, -1),
            "readout_bias": read_transform(sim, model.readout_bias).reshape(n_classes),
        }
    else:
        raise ValidationError(
            f"must be an LMUClassifier or a stack of cells (load_keras_lmu_stack), "
            f"got {type(model).__name__}",
            attr="model",
        )
    path = Path(path)
    if path.suffix != ".keras":
        raise ValidationError(
            f"Keras 3 loads models from .keras files; got {path.name!r}", attr="path"
        )
    if path.exists() and not overwrite:
        raise ValidationError(
            f"{path} exists; pass overwrite=True to replace it", attr="path"
        )
    layers = [(_cell_options(cell), cell.get_weights(sim)) for cell in cells]
    return write_atomically(
        path, lambda partial: write_keras_lmu_file(partial, layers, readout, steps)
    )
