"""The LMU paper's Mackey-Glass models, built in Nengo.

The paper's LMU for this task (``../shared/design/EXPERIMENTS.md``) is four
LMU cells of 49 units, order 4 and a window of 4 steps, each with every
connection on (the hidden state and the memory feed the memory's input, the
cell's input and its own hidden state feed the hidden state), tanh units
and a hidden bias, then a linear ``Dense(1)``: 18,326 parameters in the
paper's count, which includes each cell's fixed A and B (20 numbers a cell;
18,246 are trained). `lmu_stack` builds it from `.LMUCell` objects, the
readout a connection with a bias, for nengo and NengoDL.

Its baselines, for NengoDL (their LSTM layers are Keras cells in
TensorNodes, `nengo_lmu.apps.mackey_glass.lstm`), each with a
``Dense(1, tanh)`` readout:

- `lstm_stack`: four LSTM layers of 25 units, 18,026 parameters;
- `hybrid_stack`: LMU(40), LSTM(25), LMU(40), LSTM(25), 18,020 parameters.

`parameter_counts` counts any of them as the paper does.
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.apps.mackey_glass.lstm import lstm_layer, tanh_readout
from nengo_lmu.cell.cell import LMUCell
from nengo_lmu.cell.weights import glorot_normal, glorot_uniform, lecun_uniform

LAYERS, UNITS, ORDER, THETA_STEPS = 4, 49, 4, 4
INITIALIZERS = ("keraslmu", "paper")


def paper_weights(units, order, input_d, rng):
    """A cell's initial weights as the paper's own ``LMUCell`` drew them.

    The paper's code (before KerasLMU) drew the memory's input encoders
    :math:`e_x` and :math:`e_h` from `.lecun_uniform`, started the memory
    encoders :math:`e_m` at zero, and drew the three kernels :math:`W_x`,
    :math:`W_h`, :math:`W_m` from `.glorot_normal`, each over its own fan-in
    and fan-out. KerasLMU (`.LMUCell`'s default) draws :math:`e_m` and
    :math:`W_h` orthogonal and the other two pairs from one Glorot-uniform
    kernel. The hidden bias starts at zero in both.

    Parameters
    ----------
    units : int
        Hidden units.
    order : int
        The memory's order (one memory: ``memory_d = 1``).
    input_d : int
        The cell's input dimensions.
    rng : numpy.random.RandomState
        The random number generator to draw from.

    Returns
    -------
    dict of str to ndarray
        For an `.LMUCell` with every connection on and no memory bias.
    """
    return {
        "input_encoders": lecun_uniform(rng, (1, input_d)),
        "hidden_encoders": lecun_uniform(rng, (1, units)),
        "memory_encoders": np.zeros((1, order)),
        "memory_kernel": glorot_normal(rng, (units, order)),
        "input_kernel": glorot_normal(rng, (units, input_d)),
        "hidden_kernel": glorot_normal(rng, (units, units)),
        "hidden_bias": np.zeros(units),
    }


def lmu_stack(
    layers=LAYERS,
    units=UNITS,
    order=ORDER,
    theta_steps=THETA_STEPS,
    dt=0.001,
    seed=0,
    initializers="paper",
    **cell_kwargs,
):
    """Stacked LMU cells and a linear readout, as in the paper.

    Parameters
    ----------
    layers : int
        Number of cells; each reads the previous one's hidden state.
    units : int
        Hidden units of each cell.
    order : int
        Each memory's order.
    theta_steps : float
        Each memory's window in steps (``theta = theta_steps * dt``).
    dt : float
        The time step in seconds (a sample of the series).
    seed : int
        Seed of the initial weights (each cell's own, and the readout's).
    initializers : {"keraslmu", "paper"}
        How the cells' initial weights are drawn: as the paper's code drew
        them (`paper_weights`) or as KerasLMU draws them (`.LMUCell`'s
        default). The paper's train far faster on this task (validation
        NRMSE 0.38 against 0.99 after 34 epochs).
    **cell_kwargs
        Passed to every `.LMUCell` (for example ``memory`` or
        ``neuron_type``); the paper's connections are the defaults here.

    Returns
    -------
    nengo.Network
        With ``input`` (1 dimension), ``output`` (1 dimension), ``cells``
        (the `.LMUCell` objects, first to last), ``lstms`` (empty) and
        ``readout`` (the connection from the last hidden state, whose
        transform is the ``Dense`` kernel; the bias comes through a second
        connection, from a constant Node).
    """
    return _stack(
        [("lmu", units)] * layers,
        "linear",
        seed,
        initializers=initializers,
        order=order,
        theta=theta_steps * dt,
        dt=dt,
        **cell_kwargs,
    )


def lstm_stack(layers=LAYERS, units=25, seed=0):
    """The paper's LSTM baseline: stacked LSTM layers, a ``Dense(1, tanh)``.

    Parameters
    ----------
    layers : int
        Number of LSTM layers.
    units : int
        Units of each.
    seed : int
        Seed of the initial weights.

    Returns
    -------
    nengo.Network
        As `lmu_stack` returns it, with ``lstms`` (the layers' networks,
        `.lstm_layer`) instead of ``cells``. Runs in NengoDL.
    """
    return _stack([("lstm", units)] * layers, "tanh", seed)


def hybrid_stack(
    lmu_units=40,
    lstm_units=25,
    seed=0,
    dt=0.001,
    initializers="paper",
    **cell_kwargs,
):
    """The paper's hybrid: LMU, LSTM, LMU, LSTM, then ``Dense(1, tanh)``.

    Parameters
    ----------
    lmu_units : int
        Units of each LMU cell (order 4, window 4 steps, every connection,
        as in `lmu_stack`).
    lstm_units : int
        Units of each LSTM layer.
    seed : int
        Seed of the initial weights.
    dt : float
        The time step in seconds.
    initializers : {"keraslmu", "paper"}
        As for `lmu_stack`.
    **cell_kwargs
        Passed to every `.LMUCell`.

    Returns
    -------
    nengo.Network
        With ``cells`` and ``lstms``. Runs in NengoDL.
    """
    spec = [("lmu", lmu_units), ("lstm", lstm_units)] * 2
    return _stack(
        spec,
        "tanh",
        seed,
        initializers=initializers,
        order=ORDER,
        theta=THETA_STEPS * dt,
        dt=dt,
        **cell_kwargs,
    )


def _stack(
    spec,
    readout,
    seed,
    initializers="keraslmu",
    order=ORDER,
    theta=None,
    dt=0.001,
    **cell_kwargs,
):
    """Layers in sequence (``(kind, units)``), and a linear or tanh readout."""
    if initializers not in INITIALIZERS:
        raise ValidationError(
            f"must be one of {INITIALIZERS}, not {initializers!r}",
            attr="initializers",
        )
    options = dict(
        hidden_to_memory=True,
        memory_to_memory=True,
        input_to_hidden=True,
        hidden_to_hidden=True,
        neuron_type=nengo.Tanh(tau_ref=1.0),
    )
    options.update(cell_kwargs)
    rng = np.random.RandomState(seed)
    with nengo.Network(seed=seed, label="stack") as net:
        net.input = nengo.Node(size_in=1, label="input")
        net.output = nengo.Node(size_in=1, label="output")
        net.cells, net.lstms = [], []
        previous, width = net.input, 1
        for i, (kind, units) in enumerate(spec):
            if kind == "lmu":
                if initializers == "paper":
                    weights = paper_weights(
                        units, order, width, np.random.RandomState(seed + 1 + i)
                    )
                else:
                    weights = None
                layer = LMUCell(
                    units,
                    order,
                    theta,
                    width,
                    dt=dt,
                    weights=weights,
                    seed=seed + 1 + i,
                    label=f"layer {i}: LMU({units})",
                    **options,
                )
                net.cells.append(layer)
            else:
                layer = lstm_layer(
                    width, units, seed=seed + 1 + i, label=f"layer {i}: LSTM({units})"
                )
                net.lstms.append(layer)
            nengo.Connection(previous, layer.input, synapse=None)
            previous, width = layer.output, units
        kernel = glorot_uniform(rng, (1, width))
        if readout == "linear":
            net.readout = nengo.Connection(
                previous, net.output, transform=kernel, synapse=None
            )
            bias = nengo.Node(np.ones(1), label="readout bias input")
            nengo.Connection(bias, net.output, transform=np.zeros((1, 1)), synapse=None)
        else:
            neuron = tanh_readout(previous, width, kernel)
            nengo.Connection(neuron, net.output, synapse=None)
        # a Dense(1) layer: the kernel and the bias
        net.readout_parameters = width + 1
    return net


def parameter_counts(net):
    """The network's parameters, counted as the paper counts them.

    Parameters
    ----------
    net : nengo.Network
        As `lmu_stack`, `lstm_stack` or `hybrid_stack` returns it.

    Returns
    -------
    dict
        ``"trained"``: every layer's weights and the readout's kernel and
        bias; ``"fixed"``: each LMU cell's A and B (unless they are
        trained, and so among its weights); ``"total"``: their sum (the
        paper's 18,326, 18,026 and 18,020 for the default stacks).
    """
    trained = sum(w.size for cell in net.cells for w in cell.get_weights().values())
    # an LSTM layer: four gates, each with input and recurrent kernels and a bias
    for layer in net.lstms:
        n_in, units = layer.keras_layer.n_in, layer.keras_layer.units
        trained += 4 * units * (n_in + units + 1)
    trained += net.readout_parameters
    fixed = sum(
        0 if cell.trainable_memory else cell.memory_d * cell.order * (cell.order + 1)
        for cell in net.cells
    )
    return {"trained": int(trained), "fixed": int(fixed), "total": int(trained + fixed)}
