"""The cell's weights: their names and shapes, initial values, and reading back.

The weights of an `.LMUCell` (Nengo's ``(post, pre)`` orientation):

================== ================================ ==============
name               shape                            symbol
================== ================================ ==============
input_encoders     (memory_d, input_d)              :math:`e_x`
hidden_encoders    (memory_d, units)                :math:`e_h`
memory_encoders    (memory_d, memory_d * order)     :math:`e_m`
memory_bias        (memory_d,)                      :math:`b_u`
A                  (memory_d, order, order)         :math:`\\bar{A}`
B                  (memory_d, order)                :math:`\\bar{B}`
theta_inv          ()                               :math:`\\Delta t / \\theta`
memory_kernel      (units, memory_d * order)        :math:`W_m`
input_kernel       (units, input_d)                 :math:`W_x`
hidden_kernel      (units, units)                   :math:`W_h`
hidden_bias        (units,)                         :math:`b`
================== ================================ ==============

Only the names that the cell's options use are present (``A`` and ``B`` only
if ``trainable_memory``, ``theta_inv`` only if ``trainable_theta``). Initial
values follow KerasLMU and Keras' ``SimpleRNNCell``.
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import MAX_ARRAY_BYTES, check_count, check_size


def _checked_draw(rng, shape):
    """``shape`` as a tuple, if ``rng`` is a numpy generator and ``shape`` a
    Keras kernel's (two positive integers)."""
    if not isinstance(rng, (np.random.RandomState, np.random.Generator)):
        raise ValidationError(
            f"must be a numpy RandomState or Generator, got {rng!r}", attr="rng"
        )
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise ValidationError(
            f"must be two positive integers (n_out, n_in), got {shape!r}",
            attr="shape",
        )
    return tuple(check_count(n, "shape", low=1) for n in shape)


def glorot_uniform(rng, shape):
    """Keras' ``glorot_uniform``: :math:`U(-l, l)`, :math:`l = \\sqrt{6 / (n_{in} +
    n_{out})}`.

    ``shape`` is ``(n_out, n_in)`` (Nengo's orientation of a transform); the
    distribution is symmetric in the two, so it equals Keras' for the
    transposed kernel.

    Parameters
    ----------
    rng : numpy.random.RandomState
        The random number generator to draw from.
    shape : tuple of int
        ``(n_out, n_in)``.

    Returns
    -------
    ndarray
        Independent draws of :math:`U(-l, l)`, of shape ``shape``.
    """
    shape = _checked_draw(rng, shape)
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return rng.uniform(-limit, limit, size=shape)


def glorot_normal(rng, shape):
    """Keras' ``glorot_normal``: a normal truncated at two standard deviations.

    Its standard deviation before truncation is :math:`\\sigma = \\sqrt{2 /
    (n_{in} + n_{out})} / 0.8796`, the divisor being the standard deviation
    of a unit normal truncated at :math:`\\pm 2`, so that the draws have the
    variance :math:`2 / (n_{in} + n_{out})`. Draws outside :math:`\\pm
    2 \\sigma` are drawn again.

    Parameters
    ----------
    rng : numpy.random.RandomState
        The random number generator to draw from.
    shape : tuple of int
        ``(n_out, n_in)`` (symmetric, as for `glorot_uniform`).

    Returns
    -------
    ndarray
        Of shape ``shape``.
    """
    shape = _checked_draw(rng, shape)
    sigma = np.sqrt(2.0 / (shape[0] + shape[1])) / 0.87962566103423978
    draws = rng.standard_normal(size=shape)
    outside = np.abs(draws) > 2
    while outside.any():
        draws[outside] = rng.standard_normal(size=int(outside.sum()))
        outside = np.abs(draws) > 2
    return sigma * draws


def lecun_uniform(rng, shape):
    """Keras' ``lecun_uniform``: :math:`U(-l, l)`, :math:`l = \\sqrt{3 / n_{in}}`.

    Parameters
    ----------
    rng : numpy.random.RandomState
        The random number generator to draw from.
    shape : tuple of int
        ``(n_out, n_in)`` (Nengo's orientation; only ``n_in`` sets the limit).

    Returns
    -------
    ndarray
        Independent draws of :math:`U(-l, l)`, of shape ``shape``.
    """
    shape = _checked_draw(rng, shape)
    limit = np.sqrt(3.0 / shape[1])
    return rng.uniform(-limit, limit, size=shape)


def orthogonal(rng, shape):
    """Keras' ``orthogonal`` initialiser for a Keras kernel of ``shape``.

    The Q factor of a standard normal matrix, with the signs of R's diagonal
    folded in so that the result is uniformly (Haar) distributed; rows or
    columns, whichever are fewer, are orthonormal.

    Parameters
    ----------
    rng : numpy.random.RandomState
        The random number generator to draw from.
    shape : tuple of int
        ``(rows, cols)`` of the Keras kernel (transpose it for Nengo's
        ``(post, pre)``).

    Returns
    -------
    ndarray
        Of shape ``shape``: :math:`Q` with orthonormal columns if ``rows >=
        cols``, else :math:`Q^T` with orthonormal rows.
    """
    shape = _checked_draw(rng, shape)
    rows, cols = shape
    flat = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))
    return q if rows >= cols else q.T


def check_weights_size(cell):
    """Refuse, naming ``units``, a cell whose weights exceed
    `.arguments.MAX_ARRAY_BYTES` (a cell of 10**6 units would need 7 TiB for
    its hidden kernel alone).

    Parameters
    ----------
    cell : LMUCell
        The cell being constructed (its options set).
    """
    n_weights = sum(int(np.prod(s)) for s in weight_shapes(cell).values())
    what = f"the weights of {cell.units} units and order {cell.order}"
    check_size(8 * n_weights, "units", MAX_ARRAY_BYTES, what)


def weight_shapes(cell):
    """The name and shape of every weight that ``cell``'s options use.

    Parameters
    ----------
    cell : LMUCell
        The cell (its options; nothing is built).

    Returns
    -------
    dict of str to tuple of int
        The shape of each weight, by name, in the order of the module's table.
    """
    q, md, units = cell.order, cell.memory_d, cell.units
    shapes = {"input_encoders": (md, cell.input_d)}
    if cell.hidden_to_memory:
        shapes["hidden_encoders"] = (md, units)
    if cell.memory_to_memory:
        shapes["memory_encoders"] = (md, md * q)
    if cell.use_bias:
        shapes["memory_bias"] = (md,)
    if cell.trainable_memory:
        shapes["A"] = (md, q, q)
        shapes["B"] = (md, q)
    if cell.trainable_theta:
        shapes["theta_inv"] = ()
    shapes["memory_kernel"] = (units, md * q)
    if cell.input_to_hidden:
        shapes["input_kernel"] = (units, cell.input_d)
    if cell.hidden_to_hidden:
        shapes["hidden_kernel"] = (units, units)
    shapes["hidden_bias"] = (units,)
    return shapes


def initial_weights(cell, rng):
    """Weights drawn as KerasLMU and Keras' ``SimpleRNNCell`` draw them.

    The memory's input kernel (:math:`e_x` and :math:`e_h` together) and the
    hidden kernel (:math:`W_m` and :math:`W_x` together) are
    `glorot_uniform` over their combined fan-in; :math:`e_m` and :math:`W_h`
    are `orthogonal`; biases are zero. With ``trainable_memory``, ``A`` and
    ``B`` start at the cell's discrete system, repeated for each memory;
    with ``trainable_theta``, ``theta_inv`` at ``dt / theta``.

    Parameters
    ----------
    cell : LMUCell
        The cell (its options and `.LMUCell.discrete_system`).
    rng : numpy.random.RandomState
        The random number generator to draw from.

    Returns
    -------
    dict of str to ndarray
        The weights by name, with the shapes of `weight_shapes`.
    """
    q, md, units, d = cell.order, cell.memory_d, cell.units, cell.input_d
    weights = {}
    encoders = glorot_uniform(rng, (md, d + (units if cell.hidden_to_memory else 0)))
    weights["input_encoders"] = encoders[:, :d]
    if cell.hidden_to_memory:
        weights["hidden_encoders"] = encoders[:, d:]
    if cell.memory_to_memory:
        weights["memory_encoders"] = orthogonal(rng, (md * q, md)).T
    if cell.use_bias:
        weights["memory_bias"] = np.zeros(md)
    if cell.trainable_memory:
        Ad, Bd = cell.discrete_system()
        weights["A"] = np.repeat(Ad[None], md, axis=0)
        weights["B"] = np.repeat(Bd.T, md, axis=0)
    if cell.trainable_theta:
        weights["theta_inv"] = np.array(cell.dt / cell.theta)
    kernel = glorot_uniform(rng, (units, md * q + (d if cell.input_to_hidden else 0)))
    weights["memory_kernel"] = kernel[:, : md * q]
    if cell.input_to_hidden:
        weights["input_kernel"] = kernel[:, md * q :]
    if cell.hidden_to_hidden:
        weights["hidden_kernel"] = orthogonal(rng, (units, units)).T
    weights["hidden_bias"] = np.zeros(units)
    return weights


def weight_seed(network):
    """The seed for a network's initial weights.

    The network's own seed, or else one derived from the nearest seeded
    enclosing network and the network's position in it, so that
    ``nengo.Network(seed=...)`` makes the weights reproducible as it does
    everything else. Call it in the network's constructor (the enclosing
    networks are nengo's current context then).

    Parameters
    ----------
    network : nengo.Network
        The network being constructed.

    Returns
    -------
    int or None
        None if no network in the context has a seed.
    """
    if network.seed is not None:
        return network.seed
    position = []
    for parent in reversed(nengo.Network.context):
        position.append(len(parent.networks))
        if parent.seed is not None:
            return hash((parent.seed, *position)) % 2**32
    return None


def read_transform(sim, conn):
    """A connection's weights: live in ``sim``, or as built (``sim`` None).

    Parameters
    ----------
    sim : nengo.Simulator or nengo_dl.Simulator or None
        The simulator to read from.
    conn : nengo.Connection
        The connection.

    Returns
    -------
    ndarray
        Its weights, float64.
    """
    if sim is None:
        return np.array(conn.transform.init, dtype=np.float64)
    return np.array(sim.data[conn].weights, dtype=np.float64)


def read_bias(sim, ensemble):
    """An ensemble's neuron biases divided by their gains (the :math:`b` of
    :math:`f(W x + b)` for unit-gain kernels onto the neurons).

    Parameters
    ----------
    sim : nengo.Simulator or nengo_dl.Simulator or None
        The simulator to read the live biases from (None: as built).
    ensemble : nengo.Ensemble
        An ensemble with explicit ``gain`` and ``bias`` arrays.

    Returns
    -------
    ndarray
        float64, one value per neuron.
    """
    gain = np.asarray(ensemble.gain, dtype=np.float64)
    bias = ensemble.bias if sim is None else sim.data[ensemble].bias
    return np.asarray(bias, dtype=np.float64) / gain


class WeightMap:
    """Where each named weight of a network lives, and how to read it back.

    Attributes
    ----------
    connections : dict of str to nengo.Connection
        The connection that carries each weight that has one.
    readers : dict of str to callable
        ``read(sim)`` for each weight, ``sim`` a simulator or None.
    """

    def __init__(self):
        self.connections = {}
        self.readers = {}

    def connect(self, name, pre, post, transform, synapse=None):
        """A connection that carries weight ``name`` as its transform.

        Parameters
        ----------
        name : str
            The weight's name.
        pre, post : nengo objects
            As for `nengo.Connection`.
        transform : array_like
            The weight's value.
        synapse : nengo.synapses.Synapse, optional
            The connection's synapse (none by default).

        Returns
        -------
        nengo.Connection
        """
        conn = nengo.Connection(pre, post, transform=transform, synapse=synapse)
        self.connections[name] = conn
        # looked up when read: rewiring (`replace_connection`) changes it
        self.readers[name] = lambda sim: read_transform(sim, self.connections[name])
        return conn

    def replace_connection(self, name, conn):
        """Let ``conn`` carry weight ``name`` from now on.

        Parameters
        ----------
        name : str
            The weight's name.
        conn : nengo.Connection
            Its new connection.
        """
        self.connections[name] = conn

    def read(self, sim, shapes):
        """Every weight of ``shapes``, read from ``sim``, in their shapes.

        Parameters
        ----------
        sim : nengo.Simulator or nengo_dl.Simulator or None
            The simulator to read from (None: the values as built).
        shapes : dict of str to tuple of int
            The weights to read.

        Returns
        -------
        dict of str to ndarray
            float64 arrays of the given shapes.
        """
        return {
            name: self.readers[name](sim).reshape(shape)
            for name, shape in shapes.items()
        }
