"""The LMU paper's Mackey-Glass models, built in Nengo.

The paper's LMU for this task (``../shared/design/EXPERIMENTS.md``) is four
LMU cells of 49 units, order 4 and a window of 4 steps, each with every
connection on (the hidden state and the memory feed the memory's input, the
cell's input and its own hidden state feed the hidden state), tanh units
and a hidden bias, then a linear ``Dense(1)``: 18,326 parameters in the
paper's count, which includes each cell's fixed A and B (20 numbers a cell;
18,246 are trained). `lmu_stack` builds it from `.LMUCell` objects, the
readout a connection with a bias, for nengo and NengoDL.
"""

import nengo
import numpy as np

from nengo_lmu.cell.cell import LMUCell
from nengo_lmu.cell.weights import glorot_uniform

LAYERS, UNITS, ORDER, THETA_STEPS = 4, 49, 4, 4


def lmu_stack(
    layers=LAYERS,
    units=UNITS,
    order=ORDER,
    theta_steps=THETA_STEPS,
    dt=0.001,
    seed=0,
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
    **cell_kwargs
        Passed to every `.LMUCell` (for example ``memory`` or
        ``neuron_type``); the paper's connections are the defaults here.

    Returns
    -------
    nengo.Network
        With ``input`` (1 dimension), ``output`` (1 dimension), ``cells``
        (the `.LMUCell` objects, first to last) and ``readout`` (the
        connection from the last hidden state, whose transform is the
        ``Dense`` kernel; the bias is ``readout_bias``, from a constant
        Node).
    """
    options = dict(
        hidden_to_memory=True,
        memory_to_memory=True,
        input_to_hidden=True,
        hidden_to_hidden=True,
        neuron_type=nengo.Tanh(tau_ref=1.0),
    )
    options.update(cell_kwargs)
    rng = np.random.RandomState(seed)
    with nengo.Network(seed=seed, label="LMU stack") as net:
        net.input = nengo.Node(size_in=1, label="input")
        net.output = nengo.Node(size_in=1, label="output")
        net.cells = []
        previous, width = net.input, 1
        for i in range(layers):
            cell = LMUCell(
                units,
                order,
                theta_steps * dt,
                width,
                dt=dt,
                seed=seed + 1 + i,
                label=f"cell {i}",
                **options,
            )
            nengo.Connection(previous, cell.input, synapse=None)
            net.cells.append(cell)
            previous, width = cell.output, units
        net.readout = nengo.Connection(
            previous,
            net.output,
            transform=glorot_uniform(rng, (1, units)),
            synapse=None,
        )
        bias = nengo.Node(np.ones(1), label="readout bias input")
        net.readout_bias = nengo.Connection(
            bias, net.output, transform=np.zeros((1, 1)), synapse=None
        )
    return net


def parameter_counts(net):
    """The network's parameters, counted as the paper counts them.

    Parameters
    ----------
    net : nengo.Network
        As `lmu_stack` returns it.

    Returns
    -------
    dict
        ``"trained"``: every cell's weights and the readout's kernel and
        bias; ``"fixed"``: each cell's A and B (unless they are trained,
        and so among its weights); ``"total"``: their sum (the paper's
        18,326 for the default stack).
    """
    trained = sum(w.size for cell in net.cells for w in cell.get_weights().values())
    trained += np.size(net.readout.transform.init) + np.size(
        net.readout_bias.transform.init
    )
    fixed = sum(
        0 if cell.trainable_memory else cell.memory_d * cell.order * (cell.order + 1)
        for cell in net.cells
    )
    return {"trained": int(trained), "fixed": int(fixed), "total": int(trained + fixed)}
