"""How an `.LMUCell` computes its memory :math:`m_t = \\bar{A} m_{t-1} + \\bar{B} u_t`.

A cell's ``memory`` argument names one (``"process"``, ``"connections"``,
``"neurons"``) or is one of these objects, as nengo takes synapses and
neuron types as objects:

- `ProcessMemory`: the exact `.LegendreMemory` process in a node;
- `ConnectionMemory`: a passthrough node with recurrent transforms
  :math:`\\bar{A}` and input transforms :math:`\\bar{B}`, which NengoDL can
  train (``trainable_memory``, ``trainable_theta``);
- `NeuralMemory`: a spiking `.LegendreMemoryNetwork`;
- `ClosedFormMemory`: the parallel cell's memory, read from its input.

Each builds itself into the cell (`CellMemory.build`) and returns where the
memory input :math:`u` goes in and where :math:`m` comes out.
"""

import functools

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import check_kwargs
from nengo_lmu.cell.trainable import freeze
from nengo_lmu.cell.weights import read_transform
from nengo_lmu.legendre import lmu_system
from nengo_lmu.memory import LegendreMemory
from nengo_lmu.neurons import LegendreMemoryNetwork
from nengo_lmu.neurons.simulator_check import checked_node

# the options that make the cell's memory depend on its own past outputs
FEEDBACK_OPTIONS = ("hidden_to_memory", "memory_to_memory", "hidden_to_hidden")


class CellMemory:
    """A way to compute the cell's memory (the base of the variants)."""

    #: the ``memory=`` string that names this variant
    name = None

    def check(self, cell):
        """Refuse cell options that this memory does not honour.

        Parameters
        ----------
        cell : LMUCell
            The cell being constructed (its options are set).
        """
        if cell.trainable_theta:
            raise_trainable_theta(cell)
        if cell.trainable_memory:
            raise ValidationError(
                f"trainable_memory=True needs memory='connections' (the only memory "
                f"with A and B as connection transforms), got memory={self.name!r}",
                attr="trainable_memory",
                obj=cell,
            )

    def build(self, cell):
        """Build the memory into ``cell`` (inside ``with cell:``).

        Parameters
        ----------
        cell : LMUCell
            The cell.

        Returns
        -------
        memory : nengo.Node or nengo.Network
            The memory object (the cell's ``memory`` attribute).
        memory_input : nengo object
            Where :math:`u` (``memory_d`` values) goes in.
        memory_output : nengo object
            Where :math:`m` (``memory_d * order`` values) comes out.
        """
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class ProcessMemory(CellMemory):
    """The exact memory: a `.LegendreMemory` process in a node."""

    name = "process"

    def build(self, cell):
        """See `CellMemory.build`.

        Parameters
        ----------
        cell : LMUCell
            The cell (inside ``with cell:``).

        Returns
        -------
        memory, memory_input, memory_output
            As for `CellMemory.build`.
        """
        memory = nengo.Node(
            LegendreMemory(
                cell.order, cell.theta, cell.discretizer, size_in=cell.memory_d
            ),
            label="memory",
        )
        return memory, memory, memory


class ConnectionMemory(CellMemory):
    """The memory as connections that NengoDL can train.

    One pair per memory dimension: a recurrent transform :math:`\\bar{A}`
    with ``synapse=0`` and an input transform :math:`\\bar{B}`. With the
    cell's ``trainable_memory``, both are the weights ``A`` and ``B``;
    with ``trainable_theta``, the Euler step

    .. math::

        m_t = m_{t-1} + \\kappa (A_1 m_{t-1} + B_1 u_t),
        \\qquad \\kappa = \\Delta t / \\theta,

    with :math:`\\kappa` (the weight ``theta_inv``) one trainable scalar
    transform and :math:`A_1, B_1` the fixed system of a 1 s window.
    """

    name = "connections"

    def check(self, cell):
        """Zero-order hold is not linear in :math:`1 / \\theta`: refuse it with
        ``trainable_theta``, as `.LMUCell` describes.

        Parameters
        ----------
        cell : LMUCell
            The cell being constructed.
        """
        if cell.trainable_theta and (
            cell.discretizer != "euler" or cell.trainable_memory
        ):
            raise_trainable_theta(cell)

    def build(self, cell):
        """See `CellMemory.build`.

        Parameters
        ----------
        cell : LMUCell
            The cell (inside ``with cell:``).

        Returns
        -------
        memory, memory_input, memory_output
            As for `CellMemory.build`.
        """
        # the connections implement the memory discretised at the cell's dt
        # (or, with trainable_theta, a window counted in steps): the input
        # node refuses a simulator at another step when it is built
        memory_input = checked_node(
            cell.memory_d,
            functools.partial(check_built_dt, cell),
            label="memory_input",
        )
        memory = nengo.Node(size_in=cell.memory_d * cell.order, label="memory")
        if cell.trainable_theta:
            connections = self._build_theta(cell, memory, memory_input)
        else:
            connections = self._build_system(cell, memory, memory_input)
        cell.memory_connections = connections
        return memory, memory_input, memory

    @staticmethod
    def _build_system(cell, memory, memory_input):
        q = cell.order
        if cell.trainable_memory:
            A, B = cell.initial["A"], cell.initial["B"]
        else:
            Ad, Bd = cell.discrete_system()
            A = np.repeat(Ad[None], cell.memory_d, axis=0)
            B = np.repeat(Bd.T, cell.memory_d, axis=0)
        a_conns, b_conns = [], []
        for j in range(cell.memory_d):
            block = memory[j * q : (j + 1) * q]
            a_conns.append(nengo.Connection(block, block, transform=A[j], synapse=0))
            b_conns.append(
                nengo.Connection(
                    memory_input[j], block, transform=B[j][:, None], synapse=None
                )
            )
        readers = cell.weight_map.readers
        readers["A"] = lambda sim: np.stack([read_transform(sim, c) for c in a_conns])
        readers["B"] = lambda sim: np.stack(
            [read_transform(sim, c)[:, 0] for c in b_conns]
        )
        if not cell.trainable_memory:
            for conn in a_conns + b_conns:
                freeze(cell, conn)
        return a_conns + b_conns

    @staticmethod
    def _build_theta(cell, memory, memory_input):
        q, md = cell.order, cell.memory_d
        A1, B1 = lmu_system(q, 1.0)
        change = nengo.Node(size_in=md * q, label="memory_change")
        fixed = [nengo.Connection(memory, memory, synapse=0)]
        for j in range(md):
            block = slice(j * q, (j + 1) * q)
            fixed.append(
                nengo.Connection(memory[block], change[block], transform=A1, synapse=0)
            )
            fixed.append(
                nengo.Connection(
                    memory_input[j], change[block], transform=B1, synapse=None
                )
            )
        rate = cell.weight_map.connect(
            "theta_inv", change, memory, float(cell.initial["theta_inv"])
        )
        for conn in fixed:
            freeze(cell, conn)
        return fixed + [rate]


def check_built_dt(cell, model):
    """Refuse a simulator whose time step is not ``cell.dt``.

    Parameters
    ----------
    cell : LMUCell
        A cell whose memory is built from connections.
    model : nengo.builder.Model
        The model the cell is being built into.
    """
    if abs(model.dt - cell.dt) > 1e-9 * cell.dt:
        raise ValidationError(
            f"the cell's memory connections implement the memory discretised at "
            f"dt={cell.dt} s, but the simulator runs dt={model.dt} s; construct the "
            f"cell with dt={model.dt} (or use memory='process', which follows the "
            "simulator's step)",
            attr="dt",
            obj=cell,
        )


class NeuralMemory(CellMemory):
    """The memory in spiking neurons: a `.LegendreMemoryNetwork`.

    Its ensembles and decoders implement :math:`\\bar{A}` and
    :math:`\\bar{B}`, so none of them is trainable. Its output trails the
    exact memory by the network's ``delay``.

    Parameters
    ----------
    **network_kwargs
        Arguments of `.LegendreMemoryNetwork` (``n_neurons`` at least; ``dt``
        defaults to the cell's).
    """

    name = "neurons"

    def __init__(self, **network_kwargs):
        if "n_neurons" not in network_kwargs:
            raise ValidationError(
                "the neural memory (memory='neurons') needs memory_kwargs with "
                "'n_neurons' (and the other arguments of LegendreMemoryNetwork)",
                attr="memory_kwargs",
            )
        self.network_kwargs = network_kwargs

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.network_kwargs.items())
        return f"NeuralMemory({args})"

    def build(self, cell):
        """See `CellMemory.build`.

        Parameters
        ----------
        cell : LMUCell
            The cell (inside ``with cell:``).

        Returns
        -------
        memory, memory_input, memory_output
            As for `CellMemory.build`.
        """
        kwargs = {"dt": cell.dt, **self.network_kwargs}
        network = LegendreMemoryNetwork(
            cell.order,
            cell.theta,
            size_in=cell.memory_d,
            discretizer=cell.discretizer,
            **kwargs,
        )
        freeze(cell, network)
        return network, network.input, network.output


class ClosedFormMemory(CellMemory):
    """The parallel cell's memory: a passthrough node fed the closed-form memories.

    :math:`m_j = \\sum_i e_{x,ji} M_i + b_{u,j} S`, with :math:`M_i` the
    memory of input dimension ``i`` and :math:`S` that of a constant 1, both
    in the cell's ``input`` (`.ParallelLayout`). One connection per encoder
    entry, each with a scalar transform, so NengoDL trains exactly the
    entries of :math:`e_x` and :math:`b_u`. The cell's input encoders and
    memory bias are these connections: it has no memory input.
    """

    name = "process"

    def check(self, cell):
        """The closed form needs a memory that does not depend on the cell's
        past outputs, and the exact system (``memory="process"``).

        Parameters
        ----------
        cell : LMUCell
            The cell being constructed.
        """
        feedback = [name for name in FEEDBACK_OPTIONS if getattr(cell, name)]
        if feedback:
            raise ValidationError(
                f"the parallel cell needs a memory that does not depend on the "
                f"cell's past outputs; set {' and '.join(feedback)} to False",
                attr="parallel",
                obj=cell,
            )
        if cell.memory_type != "process" or cell.trainable_memory:
            raise ValidationError(
                "the parallel cell computes the exact memory in closed form; "
                "use memory='process' (the default) and trainable_memory=False",
                attr="parallel",
                obj=cell,
            )

    def build(self, cell):
        """See `CellMemory.build`.

        Parameters
        ----------
        cell : LMUCell
            The cell (inside ``with cell:``).

        Returns
        -------
        memory, memory_input, memory_output
            As for `CellMemory.build`; ``memory_input`` is None.
        """
        q, md, d = cell.order, cell.memory_d, cell.input_d
        layout = cell.parallel_layout
        memory = nengo.Node(size_in=md * q, label="memory")
        e_conns = {}
        for j in range(md):
            for i in range(d):
                e_conns[j, i] = nengo.Connection(
                    cell.input[layout.memory(i)],
                    memory[j * q : (j + 1) * q],
                    transform=cell.initial["input_encoders"][j, i],
                    synapse=None,
                )
        readers = cell.weight_map.readers
        readers["input_encoders"] = lambda sim: np.array(
            [[read_transform(sim, e_conns[j, i]) for i in range(d)] for j in range(md)]
        )
        if cell.use_bias:
            b_conns = [
                nengo.Connection(
                    cell.input[layout.ones],
                    memory[j * q : (j + 1) * q],
                    transform=cell.initial["memory_bias"][j],
                    synapse=None,
                )
                for j in range(md)
            ]
            readers["memory_bias"] = lambda sim: np.array(
                [read_transform(sim, c) for c in b_conns]
            )
        return memory, None, memory


MEMORY_TYPES = ("process", "connections", "neurons")


def replace_memory(cell, variant):
    """Rebuild ``cell``'s exact memory as ``variant``, in place.

    The connections into and out of the memory keep their transforms and
    synapses. Only the exact memory of a temporal cell can be replaced: the
    ``connections`` memory holds trained A and B that another memory would
    not honour.

    Parameters
    ----------
    cell : LMUCell
        A cell with ``memory="process"`` and ``parallel=False``.
    variant : CellMemory
        The new memory.
    """
    if cell.parallel or cell.memory_type != "process":
        raise ValidationError(
            f"only the exact memory of a temporal cell can be replaced, this "
            f"cell has memory={cell.memory_type!r}, parallel={cell.parallel}",
            attr="memory",
            obj=cell,
        )
    old = cell.memory
    with cell:
        new, new_input, new_output = variant.build(cell)
        for name, conn in list(cell.weight_map.connections.items()):
            if conn.pre_obj is not old and conn.post_obj is not old:
                continue
            cell.connections.remove(conn)
            rewired = nengo.Connection(
                new_output if conn.pre_obj is old else conn.pre,
                new_input if conn.post_obj is old else conn.post,
                transform=conn.transform,
                synapse=conn.synapse,
            )
            cell.weight_map.replace_connection(name, rewired)
    cell.nodes.remove(old)
    cell.memory, cell.memory_input, cell.memory_output = new, new_input, new_output
    cell.memory_variant = variant
    cell.memory_type = variant.name


def cell_memory(memory, memory_kwargs=None):
    """The memory variant that a cell's ``memory`` argument names.

    Parameters
    ----------
    memory : {"process", "connections", "neurons"} or CellMemory
        A name (`MEMORY_TYPES`) or a variant.
    memory_kwargs : dict, optional
        For ``"neurons"``: the arguments of `NeuralMemory`.

    Returns
    -------
    CellMemory
    """
    memory_kwargs = check_kwargs(memory_kwargs, "memory_kwargs")
    if isinstance(memory, CellMemory):
        if memory_kwargs:
            raise ValidationError(
                f"memory_kwargs only apply to memory='neurons'; {memory!r} is already "
                "configured",
                attr="memory_kwargs",
            )
        return memory
    if isinstance(memory, str) and memory == "neurons":
        return NeuralMemory(**memory_kwargs)
    if memory_kwargs:
        raise ValidationError(
            f"memory_kwargs only apply to memory='neurons', got memory={memory!r}",
            attr="memory_kwargs",
        )
    variants = {"process": ProcessMemory, "connections": ConnectionMemory}
    if not isinstance(memory, str) or memory not in variants:
        raise ValidationError(
            f"must be one of {MEMORY_TYPES} or a nengo_lmu.cell.CellMemory, got "
            f"{memory!r}",
            attr="memory",
        )
    return variants[memory]()


def raise_trainable_theta(cell):
    """Refuse ``trainable_theta`` with the options it needs.

    Parameters
    ----------
    cell : LMUCell
        The cell being constructed.
    """
    raise ValidationError(
        f"trainable_theta=True needs memory='connections', discretizer="
        f"'euler' and trainable_memory=False (the Euler step is linear in "
        f"1/theta; zero-order hold's exp(A dt / theta) is not), got memory="
        f"{cell.memory_type!r}, discretizer={cell.discretizer!r}, "
        f"trainable_memory={cell.trainable_memory}",
        attr="trainable_theta",
        obj=cell,
    )
