"""The LMU cell: a Legendre memory read by a hidden state of neurons.

One step of the cell, in KerasLMU's order (the memory first, with the
current input):

.. math::

    u_t &= e_x x_t + e_h h_{t-1} + e_m m_{t-1} + b_u \\\\
    m_t &= \\bar{A} m_{t-1} + \\bar{B} u_t \\\\
    h_t &= f(W_x x_t + W_h h_{t-1} + W_m m_t + b)

The memory :math:`m` holds ``memory_d`` Legendre memories of ``order``
coefficients each. The hidden state :math:`h` is the output of an ensemble of
``units`` neurons: the kernels :math:`W` are direct connections onto its
neurons and :math:`b` is its neurons' bias, so that for a rate neuron type
with response :math:`f` (and unit gain) the ensemble computes the equation
above exactly. Connections into the next step (:math:`h_{t-1}`,
:math:`m_{t-1}`) have ``synapse=0``, Nengo's one-step delay; all others have
no synapse.
"""

import nengo
import numpy as np
from nengo.params import BoolParam, EnumParam

from nengo_lmu.arguments import CountParam, NeuronParam, OrderParam, PositiveParam
from nengo_lmu.cell import weights as cell_weights
from nengo_lmu.cell.memories import (
    MEMORY_TYPES,
    ClosedFormMemory,
    cell_memory,
    replace_memory,
)
from nengo_lmu.cell.parallel import ParallelLayout
from nengo_lmu.cell.persistence import SavedNetwork
from nengo_lmu.io.npz import check_parameters
from nengo_lmu.legendre import (
    DISCRETIZERS,
    check_euler_stable,
    discretize,
    lmu_system,
)

# the options that fix the cell's weights, as `LMUCell.structure` records them
STRUCTURE = (
    "units",
    "order",
    "theta",
    "input_d",
    "memory_d",
    "hidden_to_memory",
    "memory_to_memory",
    "input_to_hidden",
    "hidden_to_hidden",
    "use_bias",
    "discretizer",
    "trainable_memory",
    "trainable_theta",
)


class LMUCell(SavedNetwork, nengo.Network):
    """A Legendre Memory Unit cell whose hidden state is a neuron ensemble.

    The options have the names and meaning of KerasLMU's ``LMU`` layer with a
    ``SimpleRNNCell`` hidden cell (``hidden_to_hidden=False`` makes the
    hidden cell a ``Dense`` layer). With the same weights and a ``Tanh``
    hidden state the cell's output equals KerasLMU's.

    Parameters
    ----------
    units : int
        Number of hidden neurons (the size of :math:`h` and of ``output``).
    order : int
        Legendre coefficients per memory dimension.
    theta : float
        Memory window in seconds (KerasLMU's theta in steps times ``dt``).
    input_d : int
        Size of the input :math:`x`.
    memory_d : int
        Number of memories (the size of :math:`u`).
    hidden_to_memory : bool
        Feed :math:`h_{t-1}` into the memory input (:math:`e_h`).
    memory_to_memory : bool
        Feed :math:`m_{t-1}` into the memory input (:math:`e_m`).
    input_to_hidden : bool
        Feed :math:`x_t` into the hidden state (:math:`W_x`).
    hidden_to_hidden : bool
        The hidden recurrence :math:`W_h` (KerasLMU's ``SimpleRNNCell``);
        False gives a feed-forward hidden state (a ``Dense`` hidden cell).
    use_bias : bool
        A bias :math:`b_u` on the memory input (KerasLMU's ``use_bias``). The
        hidden state always has its neurons' bias :math:`b`.
    discretizer : {"zoh", "euler", "pade"}
        Discretisation of the memory (see `.discretize`).
    neuron_type : nengo.neurons.NeuronType
        The hidden neurons. The default ``Tanh(tau_ref=1)`` outputs
        :math:`\\tanh(J)` (Nengo's ``Tanh`` outputs :math:`\\tanh(J) /
        \\tau_{ref}`); any rate or spiking type works.
    memory : {"process", "connections", "neurons"} or CellMemory
        How the memory is computed (`nengo_lmu.cell.memories`): the exact
        `.LegendreMemory` process (``"process"``, `.ProcessMemory`, the
        default); a passthrough node with recurrent transforms
        :math:`\\bar{A}` and input transforms :math:`\\bar{B}`, which NengoDL
        can train (``"connections"``, `.ConnectionMemory`; see
        ``trainable_memory``); or a spiking `.LegendreMemoryNetwork`
        (``"neurons"`` with ``memory_kwargs``, or `.NeuralMemory`; its output
        trails the exact memory by its ``delay``).
    trainable_memory : bool
        Let NengoDL fine-tune :math:`\\bar{A}` and :math:`\\bar{B}` (needs
        ``memory="connections"``). Otherwise every part of the memory is
        marked non-trainable.
    trainable_theta : bool
        Let NengoDL learn the window, as KerasLMU's ``trainable_theta`` does
        (needs ``memory="connections"`` and ``discretizer="euler"``): the
        Euler step is linear in :math:`\\kappa = \\Delta t / \\theta`, which
        becomes one trainable scalar transform, the weight ``theta_inv``
        (KerasLMU's ``theta_inv``, one over theta in steps; see
        `.ConnectionMemory`). Zero-order hold is not offered: its
        :math:`\\bar{A} = e^{A_1 \\kappa}` is not a connection transform.
        The learned window is `learned_theta`; run the trained cell with
        ``theta=cell.learned_theta(sim)``, ``discretizer="euler"`` and any
        memory. Nothing keeps :math:`\\kappa` in Euler's stable range
        (`.euler_min_theta`) during training.
    memory_kwargs : dict, optional
        For ``memory="neurons"``: arguments of `.LegendreMemoryNetwork`
        (``n_neurons`` at least, and ``dt``).
    dt : float
        The simulator's time step. Only the memory types that are built from
        a discretised system beforehand (``"connections"``, ``"neurons"``)
        and `parallel_input` use it; the ``"process"`` memory discretises for
        the simulator it runs in.
    parallel : bool
        Build the parallel (closed-form memory) version of the cell: the
        memory is not simulated but read from ``input``, which then takes
        `parallel_input` of the sequences, one time step per sample. Only for
        cells with no feedback (``hidden_to_memory``, ``memory_to_memory``
        and ``hidden_to_hidden`` all False).
    weights : dict, optional
        Initial values by name (`weight_shapes`); by default drawn with
        KerasLMU's initialisers from the network's seed.
    **kwargs
        Passed to `nengo.Network` (``label``, ``seed``, ``add_to_container``).

    Attributes
    ----------
    input : nengo.Node
        Size ``input_d`` (``parallel_size`` if ``parallel``).
    output : nengo.ensemble.Neurons
        The hidden state :math:`h` (``units`` neurons). Connect readouts from
        it with ``synapse=None`` in rate mode.
    hidden : nengo.Ensemble
        The hidden ensemble.
    memory : nengo.Node or LegendreMemoryNetwork
        The memory (a passthrough node holding the closed-form memory if
        ``parallel``).
    memory_input, memory_output : nengo objects
        Where the memory input :math:`u` goes in (None if ``parallel``) and
        where the memory :math:`m` comes out.
    memory_variant : CellMemory
        How the memory is computed (`nengo_lmu.cell.memories`).
    weight_map : WeightMap
        Where each weight lives, and how to read it back (`get_weights`).

    Notes
    -----
    NengoDL trains the cell several times faster on a CPU with each
    operator on its own (``nengo_dl.configure_settings(planner=
    nengo_dl.graph_optimizer.noop_planner)``) and the simulator built inside
    `nengo_lmu.dl.fast_dot_products`, and a ``parallel`` cell faster with
    ``use_loop=False`` and ``steps_per_execution``; the measurements, and
    the exception (a large spiking memory), are in :ref:`speed-in-nengodl`.
    """

    units = CountParam("units", low=1, readonly=True)
    order = OrderParam("order", readonly=True)
    theta = PositiveParam("theta", readonly=True)
    input_d = CountParam("input_d", low=1, readonly=True)
    memory_d = CountParam("memory_d", low=1, readonly=True)
    hidden_to_memory = BoolParam("hidden_to_memory", readonly=True)
    memory_to_memory = BoolParam("memory_to_memory", readonly=True)
    input_to_hidden = BoolParam("input_to_hidden", readonly=True)
    hidden_to_hidden = BoolParam("hidden_to_hidden", readonly=True)
    use_bias = BoolParam("use_bias", readonly=True)
    discretizer = EnumParam("discretizer", values=DISCRETIZERS, readonly=True)
    neuron_type = NeuronParam("neuron_type", readonly=True)
    memory_type = EnumParam("memory", values=MEMORY_TYPES, readonly=False)
    trainable_memory = BoolParam("trainable_memory", readonly=True)
    trainable_theta = BoolParam("trainable_theta", readonly=True)
    dt = PositiveParam("dt", readonly=True)
    parallel = BoolParam("parallel", readonly=True)

    def __init__(
        self,
        units,
        order,
        theta,
        input_d,
        memory_d=1,
        hidden_to_memory=False,
        memory_to_memory=False,
        input_to_hidden=False,
        hidden_to_hidden=True,
        use_bias=False,
        discretizer="zoh",
        neuron_type=nengo.Tanh(tau_ref=1.0),
        memory="process",
        trainable_memory=False,
        memory_kwargs=None,
        dt=0.001,
        parallel=False,
        weights=None,
        trainable_theta=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = units
        self.order = order
        self.theta = theta
        self.input_d = input_d
        self.memory_d = memory_d
        self.hidden_to_memory = hidden_to_memory
        self.memory_to_memory = memory_to_memory
        self.input_to_hidden = input_to_hidden
        self.hidden_to_hidden = hidden_to_hidden
        self.use_bias = use_bias
        self.discretizer = discretizer
        self.neuron_type = neuron_type
        self.trainable_memory = trainable_memory
        self.trainable_theta = trainable_theta
        self.dt = dt
        self.parallel = parallel
        self.memory_variant = cell_memory(memory, memory_kwargs)
        self.memory_type = self.memory_variant.name
        self.memory_variant.check(self)
        if parallel:
            self.memory_variant = ClosedFormMemory()
            self.memory_variant.check(self)
        self.parallel_layout = ParallelLayout(input_d, order, use_bias)
        cell_weights.check_weights_size(self)

        if weights is None:
            rng = np.random.RandomState(cell_weights.weight_seed(self))
            weights = self.initial_weights(rng)
        self.initial = check_parameters(weights, self.weight_shapes(), obj=self)
        self.weight_map = cell_weights.WeightMap()
        self.named_connections = self.weight_map.connections

        with self:
            self.input = nengo.Node(
                size_in=self.parallel_size if parallel else input_d, label="input"
            )
            # h = f(W_x x + W_h h + W_m m + b): unit gains, so that the bias
            # is b and the kernels connect straight onto the neurons
            self.hidden = nengo.Ensemble(
                units,
                1,
                neuron_type=neuron_type,
                gain=np.ones(units),
                bias=self.initial["hidden_bias"],
                label="hidden",
            )
            self.output = self.hidden.neurons
            self.weight_map.readers["hidden_bias"] = lambda sim: cell_weights.read_bias(
                sim, self.hidden
            )
            built = self.memory_variant.build(self)
            self.memory, self.memory_input, self.memory_output = built
            if self.memory_input is not None:
                self._connect_memory_input()
            self._connect_hidden()

    def _connect_memory_input(self):
        """:math:`u_t = e_x x_t + e_h h_{t-1} + e_m m_{t-1} + b_u`."""
        w, connect = self.initial, self.weight_map.connect
        u = self.memory_input
        connect("input_encoders", self.input, u, w["input_encoders"])
        if self.hidden_to_memory:
            connect("hidden_encoders", self.output, u, w["hidden_encoders"], synapse=0)
        if self.memory_to_memory:
            m = self.memory_output
            connect("memory_encoders", m, u, w["memory_encoders"], synapse=0)
        if self.use_bias:
            self.bias_node = nengo.Node(np.ones(1), label="memory_bias")
            connect("memory_bias", self.bias_node, u, w["memory_bias"][:, None])

    def _connect_hidden(self):
        """:math:`h_t = f(W_x x_t + W_h h_{t-1} + W_m m_t + b)` (the bias is
        the neurons')."""
        w, connect, h = self.initial, self.weight_map.connect, self.output
        connect("memory_kernel", self.memory_output, h, w["memory_kernel"])
        if self.input_to_hidden:
            x = self.input[self.parallel_layout.x] if self.parallel else self.input
            connect("input_kernel", x, h, w["input_kernel"])
        if self.hidden_to_hidden:
            connect("hidden_kernel", h, h, w["hidden_kernel"], synapse=0)

    @property
    def structure(self):
        """The options that fix the cell's weights (JSON-serialisable)."""
        return {name: getattr(self, name) for name in STRUCTURE}

    @property
    def parallel_size(self):
        """Size of the parallel cell's input (`.ParallelLayout`): ``x``, its
        memories, and the memory of a constant 1 if ``use_bias``."""
        return self.parallel_layout.size

    # the weights' names, shapes and KerasLMU's initial values
    # (`nengo_lmu.cell.weights`), as methods
    weight_shapes = cell_weights.weight_shapes
    initial_weights = cell_weights.initial_weights

    def discrete_system(self):
        """The memory's discrete system at the cell's ``dt``.

        The delay system of `.lmu_system` (order ``order``, window ``theta``
        seconds) discretised with ``discretizer`` (`.discretize`), so that
        :math:`m_t = \\bar{A} m_{t-1} + \\bar{B} u_t`.

        Returns
        -------
        Ad : (order, order) ndarray
            :math:`\\bar{A}`.
        Bd : (order, 1) ndarray
            :math:`\\bar{B}`.
        """
        if self.discretizer == "euler":
            check_euler_stable(self.order, self.theta, self.dt, obj=self)
        return discretize(
            *lmu_system(self.order, self.theta), self.dt, self.discretizer
        )

    def learned_theta(self, sim=None):
        """The window in seconds, :math:`\\Delta t /` ``theta_inv``.

        Parameters
        ----------
        sim : nengo.Simulator or nengo_dl.Simulator, optional
            Read the live (trained) value from this simulator.

        Returns
        -------
        float
            The learned window (``theta`` itself without
            ``trainable_theta``).
        """
        if not self.trainable_theta:
            return self.theta
        return float(self.dt / self.get_weights(sim)["theta_inv"])

    def use_neural_memory(self, **memory_kwargs):
        """Replace the exact memory by a spiking `.LegendreMemoryNetwork`, in place.

        The connections into and out of the memory keep their transforms and
        synapses; the new memory's ensembles and decoders are not trainable.
        Only a ``memory="process"`` cell can be converted (the ``connections``
        memory holds trained A and B that a neural memory would not honour).

        Parameters
        ----------
        **memory_kwargs
            Arguments of `.LegendreMemoryNetwork` (``n_neurons`` at least;
            ``dt`` defaults to the cell's).
        """
        replace_memory(self, cell_memory("neurons", memory_kwargs))

    def get_weights(self, sim=None):
        """The cell's weights by name (see `weight_shapes`).

        Parameters
        ----------
        sim : nengo.Simulator or nengo_dl.Simulator, optional
            Read the live values from this simulator (after NengoDL training,
            the trained ones); without it, the values the cell was built
            with (or that ``nengo_dl.Simulator.freeze_params`` wrote back).

        Returns
        -------
        dict of str to ndarray
            The weights by name, float64, with the shapes of `weight_shapes`
            (the hidden bias is the neurons' bias divided by their gain).
        """
        shapes = self.weight_shapes()
        return check_parameters(self.weight_map.read(sim, shapes), shapes, obj=self)

    def parallel_input(self, x, steps=None):
        """The parallel cell's input for sequences ``x``, in closed form.

        For each requested step: ``x`` itself, the Legendre memory of each
        input dimension (`.memory_trajectory` of the discrete system at
        ``dt``), and (with ``use_bias``) the memory of a constant 1, laid out
        as `.ParallelLayout` says. Fed to a ``parallel=True`` cell one step
        per sample, it gives the hidden state the temporal cell with the
        same weights computes at that step.

        Parameters
        ----------
        x : (n_sequences, n_steps, input_d) array_like
            Input sequences.
        steps : sequence of int, optional
            The steps to compute (all if omitted; ``[-1]`` for a classifier
            that reads the last step).

        Returns
        -------
        (n_sequences, n_out_steps, parallel_size) ndarray
        """
        return self.parallel_layout.features(x, *self.discrete_system(), steps)
