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
from nengo.exceptions import ValidationError
from nengo.neurons import NeuronTypeParam
from nengo.params import BoolParam, EnumParam, IntParam, NumberParam

from nengo_lmu.legendre import (
    DISCRETIZERS,
    discretize,
    lmu_system,
    memory_trajectory,
)
from nengo_lmu.memory import LegendreMemory, _register_simulator_builders
from nengo_lmu.parameters import (
    check_parameters,
    glorot_uniform,
    load_model,
    orthogonal,
    save_model,
)

MEMORY_TYPES = ("process", "connections", "neurons")

# the options that make the cell's memory depend on its own past outputs
FEEDBACK_OPTIONS = ("hidden_to_memory", "memory_to_memory", "hidden_to_hidden")


class LMUCell(nengo.Network):
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
    memory : {"process", "connections", "neurons"}
        How the memory is computed: the exact `.LegendreMemory` process
        (default); a passthrough node with recurrent transforms
        :math:`\\bar{A}` and input transforms :math:`\\bar{B}`, which NengoDL
        can train (see ``trainable_memory``); or a spiking
        `.LegendreMemoryNetwork` (configured by ``memory_kwargs``; its output
        trails the exact memory by its ``delay``).
    trainable_memory : bool
        Let NengoDL fine-tune :math:`\\bar{A}` and :math:`\\bar{B}` (needs
        ``memory="connections"``). Otherwise every part of the memory is
        marked non-trainable.
    trainable_theta : bool
        Let NengoDL learn the window, as KerasLMU's ``trainable_theta`` does
        (needs ``memory="connections"`` and ``discretizer="euler"``). The
        Euler step is linear in :math:`1/\\theta`,

        .. math::

            m_t = m_{t-1} + \\kappa (A_1 m_{t-1} + B_1 u_t),
            \\qquad \\kappa = \\Delta t / \\theta,

        with :math:`A_1, B_1` the system of a 1 s window (`.lmu_system`), so
        :math:`\\kappa` is one trainable scalar transform (the weight
        ``theta_inv``: KerasLMU's ``theta_inv``, one over theta in steps)
        and :math:`A_1, B_1` stay fixed. Zero-order hold is not offered: its
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

    Notes
    -----
    **Speed in NengoDL.** By default NengoDL merges operators of one type
    into groups and keeps each group's signals in one array. The cell's
    other operators then write to parts of those arrays, and on a CPU these
    scatters cost more than the merging saves. Build the top-level network
    with each operator on its own::

        nengo_dl.configure_settings(planner=nengo_dl.graph_optimizer.noop_planner)

    Training the psMNIST-size cell (order 256, 784 steps, 212 units, batch
    32, 2 cores; ``benchmarks/training_speed.py``) ran 3.6-4.1x faster with
    it: 58-61 instead of 15-16 samples/s for the recurrent cell, against
    37-44 for KerasLMU's recurrent layer in the same runs. The psMNIST
    pipeline's temporal evaluations ran 9-11x faster. The computation is the
    same (tested).

    A large spiking memory (``memory="neurons"``) is the exception: its
    hundreds of ensembles run faster merged. The psMNIST pipeline's fully
    spiking network (order 256, 20 images at a time) stepped in 7.2 ms
    merged and 17 ms apart. A small one is not: a cell with an order-32
    spiking memory (16 sequences at a time) stepped in 9-13 ms merged and
    3.4 ms apart.

    A ``parallel`` cell runs one step per sample. Train it with
    ``configure_settings(use_loop=False)`` (no loop over time to build) and
    several batches per call of the training function
    (``sim.compile(..., steps_per_execution=50)``): in the same benchmark
    it trained at 22,000-41,000 samples/s with both, 9,000 without.
    """

    units = IntParam("units", low=1, readonly=True)
    order = IntParam("order", low=1, readonly=True)
    theta = NumberParam("theta", low=0, low_open=True, readonly=True)
    input_d = IntParam("input_d", low=1, readonly=True)
    memory_d = IntParam("memory_d", low=1, readonly=True)
    hidden_to_memory = BoolParam("hidden_to_memory", readonly=True)
    memory_to_memory = BoolParam("memory_to_memory", readonly=True)
    input_to_hidden = BoolParam("input_to_hidden", readonly=True)
    hidden_to_hidden = BoolParam("hidden_to_hidden", readonly=True)
    use_bias = BoolParam("use_bias", readonly=True)
    discretizer = EnumParam("discretizer", values=DISCRETIZERS, readonly=True)
    neuron_type = NeuronTypeParam("neuron_type", readonly=True)
    memory_type = EnumParam("memory", values=MEMORY_TYPES, readonly=False)
    trainable_memory = BoolParam("trainable_memory", readonly=True)
    trainable_theta = BoolParam("trainable_theta", readonly=True)
    dt = NumberParam("dt", low=0, low_open=True, readonly=True)
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
        # with NengoDL in use, its builders for the cell's operators (the
        # memory's, and the faster dense product of `.dl_builders`)
        _register_simulator_builders()
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
        self.memory_type = memory
        self.trainable_memory = trainable_memory
        self.trainable_theta = trainable_theta
        self.dt = dt
        self.parallel = parallel
        self._check_options(memory_kwargs)

        if weights is None:
            weights = self.initial_weights(np.random.RandomState(self._weight_seed()))
        self.initial = check_parameters(weights, self.weight_shapes(), obj=self)
        # name -> function(simulator or None) that reads that array back
        self._readers = {}
        # weight name -> the connection that carries it (where there is one)
        self.named_connections = {}

        with self:
            self.input = nengo.Node(
                size_in=self.parallel_size if parallel else input_d, label="input"
            )
            self.hidden = nengo.Ensemble(
                units,
                1,
                neuron_type=neuron_type,
                gain=np.ones(units),
                bias=self.initial["hidden_bias"],
                label="hidden",
            )
            self.output = self.hidden.neurons
            self._readers["hidden_bias"] = self._read_bias
            if parallel:
                self._build_parallel_memory()
            else:
                self._build_memory(memory_kwargs)
            self._build_hidden()

    # --- structure -------------------------------------------------------

    def _check_options(self, memory_kwargs):
        if self.trainable_theta and (
            self.memory_type != "connections"
            or self.discretizer != "euler"
            or self.trainable_memory
        ):
            raise ValidationError(
                f"trainable_theta=True needs memory='connections', discretizer="
                f"'euler' and trainable_memory=False (the Euler step is linear in "
                f"1/theta; zero-order hold's exp(A dt / theta) is not), got memory="
                f"{self.memory_type!r}, discretizer={self.discretizer!r}, "
                f"trainable_memory={self.trainable_memory}",
                attr="trainable_theta",
                obj=self,
            )
        if self.trainable_memory and self.memory_type != "connections":
            raise ValidationError(
                f"trainable_memory=True needs memory='connections' (the only memory "
                f"with A and B as connection transforms), got memory="
                f"{self.memory_type!r}",
                attr="trainable_memory",
                obj=self,
            )
        if self.memory_type == "neurons":
            self._check_options_neurons(memory_kwargs or {})
        if self.memory_type != "neurons" and memory_kwargs:
            raise ValidationError(
                f"memory_kwargs only apply to memory='neurons', got memory="
                f"{self.memory_type!r}",
                attr="memory_kwargs",
                obj=self,
            )
        if self.parallel:
            feedback = [name for name in FEEDBACK_OPTIONS if getattr(self, name)]
            if feedback:
                raise ValidationError(
                    f"the parallel cell needs a memory that does not depend on the "
                    f"cell's past outputs; set {' and '.join(feedback)} to False",
                    attr="parallel",
                    obj=self,
                )
            if self.memory_type != "process" or self.trainable_memory:
                raise ValidationError(
                    "the parallel cell computes the exact memory in closed form; "
                    "use memory='process' (the default) and trainable_memory=False",
                    attr="parallel",
                    obj=self,
                )

    def _weight_seed(self):
        """The seed for the initial weights: the cell's own, or else one derived
        from the nearest seeded enclosing network and the cell's position in
        it, so that ``nengo.Network(seed=...)`` makes the weights reproducible
        as it does everything else."""
        if self.seed is not None:
            return self.seed
        position = []
        for parent in reversed(nengo.Network.context):
            position.append(len(parent.networks))
            if parent.seed is not None:
                return hash((parent.seed, *position)) % 2**32
        return None

    @property
    def structure(self):
        """The options that fix the cell's weights (JSON-serialisable)."""
        return {
            "units": self.units,
            "order": self.order,
            "theta": self.theta,
            "input_d": self.input_d,
            "memory_d": self.memory_d,
            "hidden_to_memory": self.hidden_to_memory,
            "memory_to_memory": self.memory_to_memory,
            "input_to_hidden": self.input_to_hidden,
            "hidden_to_hidden": self.hidden_to_hidden,
            "use_bias": self.use_bias,
            "discretizer": self.discretizer,
            "trainable_memory": self.trainable_memory,
            "trainable_theta": self.trainable_theta,
        }

    @property
    def parallel_size(self):
        """Size of the parallel cell's input: ``x``, its memories, and the
        memory of a constant 1 if ``use_bias``."""
        return self.input_d * (1 + self.order) + (self.order if self.use_bias else 0)

    def weight_shapes(self):
        """The name and shape (Nengo's ``(post, pre)``) of every weight.

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

        Only the names that the cell's options use are present (``A`` and
        ``B`` only if ``trainable_memory``, ``theta_inv`` only if
        ``trainable_theta``).

        Returns
        -------
        dict of str to tuple of int
            The shape of each weight, by name, in the order of the table.
        """
        q, md = self.order, self.memory_d
        shapes = {"input_encoders": (md, self.input_d)}
        if self.hidden_to_memory:
            shapes["hidden_encoders"] = (md, self.units)
        if self.memory_to_memory:
            shapes["memory_encoders"] = (md, md * q)
        if self.use_bias:
            shapes["memory_bias"] = (md,)
        if self.trainable_memory:
            shapes["A"] = (md, q, q)
            shapes["B"] = (md, q)
        if self.trainable_theta:
            shapes["theta_inv"] = ()
        shapes["memory_kernel"] = (self.units, md * q)
        if self.input_to_hidden:
            shapes["input_kernel"] = (self.units, self.input_d)
        if self.hidden_to_hidden:
            shapes["hidden_kernel"] = (self.units, self.units)
        shapes["hidden_bias"] = (self.units,)
        return shapes

    def initial_weights(self, rng):
        """Weights drawn as KerasLMU and Keras' ``SimpleRNNCell`` draw them.

        The memory's input kernel (:math:`e_x` and :math:`e_h` together) and
        the hidden kernel (:math:`W_m` and :math:`W_x` together) are
        ``glorot_uniform`` over their combined fan-in; :math:`e_m` and
        :math:`W_h` are ``orthogonal``; biases are zero. With
        ``trainable_memory``, ``A`` and ``B`` start at the discretised system
        (`discrete_system`), repeated for each memory; with
        ``trainable_theta``, ``theta_inv`` at ``dt / theta``.

        Parameters
        ----------
        rng : numpy.random.RandomState
            The random number generator to draw from.

        Returns
        -------
        dict of str to ndarray
            The weights by name, with the shapes of `weight_shapes`.
        """
        q, md, units = self.order, self.memory_d, self.units
        weights = {}
        n_enc = self.input_d + (units if self.hidden_to_memory else 0)
        encoders = glorot_uniform(rng, (md, n_enc))
        weights["input_encoders"] = encoders[:, : self.input_d]
        if self.hidden_to_memory:
            weights["hidden_encoders"] = encoders[:, self.input_d :]
        if self.memory_to_memory:
            weights["memory_encoders"] = orthogonal(rng, (md * q, md)).T
        if self.use_bias:
            weights["memory_bias"] = np.zeros(md)
        if self.trainable_memory:
            Ad, Bd = self.discrete_system()
            weights["A"] = np.repeat(Ad[None], md, axis=0)
            weights["B"] = np.repeat(Bd.T, md, axis=0)
        if self.trainable_theta:
            weights["theta_inv"] = np.array(self.dt / self.theta)
        n_hid = md * q + (self.input_d if self.input_to_hidden else 0)
        kernel = glorot_uniform(rng, (units, n_hid))
        weights["memory_kernel"] = kernel[:, : md * q]
        if self.input_to_hidden:
            weights["input_kernel"] = kernel[:, md * q :]
        if self.hidden_to_hidden:
            weights["hidden_kernel"] = orthogonal(rng, (units, units)).T
        weights["hidden_bias"] = np.zeros(units)
        return weights

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
        return discretize(
            *lmu_system(self.order, self.theta), self.dt, self.discretizer
        )

    # --- building --------------------------------------------------------

    def _connect(self, name, pre, post, transform, synapse=None):
        conn = nengo.Connection(pre, post, transform=transform, synapse=synapse)
        self.named_connections[name] = conn
        self._readers[name] = lambda sim: self._read_weights(
            sim, self.named_connections[name]
        )
        return conn

    def _build_memory(self, memory_kwargs):
        q, md = self.order, self.memory_d
        if self.memory_type == "process":
            self.memory = nengo.Node(
                LegendreMemory(q, self.theta, self.discretizer, size_in=md),
                label="memory",
            )
            memory_input, memory_output = self.memory, self.memory
        elif self.memory_type == "connections":
            memory_input = nengo.Node(size_in=md, label="memory_input")
            self.memory = nengo.Node(size_in=md * q, label="memory")
            memory_output = self.memory
            self._build_memory_connections(memory_input)
        else:
            from nengo_lmu.neural_memory import LegendreMemoryNetwork

            kwargs = dict(memory_kwargs)
            kwargs.setdefault("dt", self.dt)
            self.memory = LegendreMemoryNetwork(
                q, self.theta, size_in=md, discretizer=self.discretizer, **kwargs
            )
            memory_input, memory_output = self.memory.input, self.memory.output
        self.memory_input = memory_input

        w = self.initial
        self._connect("input_encoders", self.input, memory_input, w["input_encoders"])
        if self.hidden_to_memory:
            self._connect(
                "hidden_encoders",
                self.hidden.neurons,
                memory_input,
                w["hidden_encoders"],
                synapse=0,
            )
        if self.memory_to_memory:
            self._connect(
                "memory_encoders",
                memory_output,
                memory_input,
                w["memory_encoders"],
                synapse=0,
            )
        if self.use_bias:
            self.bias_node = nengo.Node(np.ones(1), label="memory_bias")
            self._connect(
                "memory_bias", self.bias_node, memory_input, w["memory_bias"][:, None]
            )
        self._memory_output = memory_output
        if self.memory_type == "neurons":
            # its ensembles and decoders implement A and B: train none of them
            self._freeze(self.memory)

    def _build_memory_connections(self, memory_input):
        """:math:`m_t = \\bar{A} m_{t-1} + \\bar{B} u_t` as connections, one
        pair per memory dimension."""
        if self.trainable_theta:
            self._build_theta_connections(memory_input)
            return
        q = self.order
        if self.trainable_memory:
            A, B = self.initial["A"], self.initial["B"]
        else:
            Ad, Bd = self.discrete_system()
            A = np.repeat(Ad[None], self.memory_d, axis=0)
            B = np.repeat(Bd.T, self.memory_d, axis=0)
        a_conns, b_conns = [], []
        for j in range(self.memory_d):
            block = self.memory[j * q : (j + 1) * q]
            a_conns.append(nengo.Connection(block, block, transform=A[j], synapse=0))
            b_conns.append(
                nengo.Connection(
                    memory_input[j], block, transform=B[j][:, None], synapse=None
                )
            )
        self._readers["A"] = lambda sim: np.stack(
            [self._read_weights(sim, c) for c in a_conns]
        )
        self._readers["B"] = lambda sim: np.stack(
            [self._read_weights(sim, c)[:, 0] for c in b_conns]
        )
        self.memory_connections = a_conns + b_conns
        if not self.trainable_memory:
            for conn in self.memory_connections:
                self._freeze(conn)

    def _build_theta_connections(self, memory_input):
        """The Euler step :math:`m_t = m_{t-1} + \\kappa (A_1 m_{t-1} + B_1
        u_t)` with :math:`\\kappa` (``theta_inv``) one scalar transform."""
        q, md = self.order, self.memory_d
        A1, B1 = lmu_system(q, 1.0)
        change = nengo.Node(size_in=md * q, label="memory_change")
        fixed = [nengo.Connection(self.memory, self.memory, synapse=0)]
        for j in range(md):
            block = slice(j * q, (j + 1) * q)
            fixed.append(
                nengo.Connection(
                    self.memory[block], change[block], transform=A1, synapse=0
                )
            )
            fixed.append(
                nengo.Connection(
                    memory_input[j], change[block], transform=B1, synapse=None
                )
            )
        rate = nengo.Connection(
            change,
            self.memory,
            transform=float(self.initial["theta_inv"]),
            synapse=None,
        )
        self.named_connections["theta_inv"] = rate
        self._readers["theta_inv"] = lambda sim: self._read_weights(sim, rate)
        self.memory_connections = fixed + [rate]
        for conn in fixed:
            self._freeze(conn)

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

    def _build_parallel_memory(self):
        """The memory as a passthrough node fed the closed-form memories.

        :math:`m_j = \\sum_i e_{x,ji} M_i + b_{u,j} S`, with :math:`M_i` the
        memory of input dimension ``i`` and :math:`S` that of a constant 1,
        both in ``input``. One connection per encoder entry, each with a
        scalar transform, so NengoDL trains exactly the entries of
        :math:`e_x` and :math:`b_u`.
        """
        q, md, d = self.order, self.memory_d, self.input_d
        self.memory = nengo.Node(size_in=md * q, label="memory")
        self._memory_output = self.memory
        e_conns = {}
        for j in range(md):
            block = self.memory[j * q : (j + 1) * q]
            for i in range(d):
                start = d + i * q
                e_conns[j, i] = nengo.Connection(
                    self.input[start : start + q],
                    block,
                    transform=self.initial["input_encoders"][j, i],
                    synapse=None,
                )
        self._readers["input_encoders"] = lambda sim: np.array(
            [
                [self._read_weights(sim, e_conns[j, i]) for i in range(d)]
                for j in range(md)
            ]
        ).reshape(md, d)
        if self.use_bias:
            start = d * (1 + q)
            b_conns = [
                nengo.Connection(
                    self.input[start : start + q],
                    self.memory[j * q : (j + 1) * q],
                    transform=self.initial["memory_bias"][j],
                    synapse=None,
                )
                for j in range(md)
            ]
            self._readers["memory_bias"] = lambda sim: np.array(
                [self._read_weights(sim, c) for c in b_conns]
            ).reshape(md)

    def _build_hidden(self):
        w = self.initial
        neurons = self.hidden.neurons
        self._connect("memory_kernel", self._memory_output, neurons, w["memory_kernel"])
        if self.input_to_hidden:
            x = self.input[: self.input_d] if self.parallel else self.input
            self._connect("input_kernel", x, neurons, w["input_kernel"])
        if self.hidden_to_hidden:
            self._connect(
                "hidden_kernel", neurons, neurons, w["hidden_kernel"], synapse=0
            )

    def _freeze(self, obj):
        """Mark ``obj`` (and, for a network, everything in it) non-trainable
        in NengoDL; without NengoDL there is no training and nothing to do."""
        try:
            import nengo_dl
        except ImportError:
            return
        if not getattr(self, "_trainable_configured", False):
            # (configuring again would reset the settings made so far)
            with self:
                nengo_dl.configure_settings(trainable=None)
            self._trainable_configured = True
        if isinstance(obj, nengo.Network):
            objs = obj.all_connections + obj.all_ensembles
            objs += [ens.neurons for ens in obj.all_ensembles]
        else:
            objs = [obj]
        for o in objs:
            self.config[o].trainable = False

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
        from nengo_lmu.neural_memory import LegendreMemoryNetwork

        if self.parallel or self.memory_type != "process":
            raise ValidationError(
                f"only the exact memory of a temporal cell can be replaced, this "
                f"cell has memory={self.memory_type!r}, parallel={self.parallel}",
                attr="memory",
                obj=self,
            )
        self._check_options_neurons(memory_kwargs)
        old = self.memory
        memory_kwargs.setdefault("dt", self.dt)
        with self:
            new = LegendreMemoryNetwork(
                self.order,
                self.theta,
                size_in=self.memory_d,
                discretizer=self.discretizer,
                **memory_kwargs,
            )
            for name, conn in list(self.named_connections.items()):
                if conn.pre_obj is not old and conn.post_obj is not old:
                    continue
                self.connections.remove(conn)
                self.named_connections[name] = nengo.Connection(
                    new.output if conn.pre_obj is old else conn.pre,
                    new.input if conn.post_obj is old else conn.post,
                    transform=conn.transform,
                    synapse=conn.synapse,
                )
        self.nodes.remove(old)
        self.memory, self.memory_input, self._memory_output = new, new.input, new.output
        self.memory_type = "neurons"
        self._freeze(new)

    @staticmethod
    def _check_options_neurons(memory_kwargs):
        if "n_neurons" not in memory_kwargs:
            raise ValidationError(
                "the neural memory (memory='neurons') needs memory_kwargs with "
                "'n_neurons' (and the other arguments of LegendreMemoryNetwork)",
                attr="memory_kwargs",
            )

    # --- weights ---------------------------------------------------------

    @staticmethod
    def _read_weights(sim, conn):
        if sim is None:
            return np.array(conn.transform.init, dtype=np.float64)
        return np.array(sim.data[conn].weights, dtype=np.float64)

    def _read_bias(self, sim):
        gain = np.asarray(self.hidden.gain, dtype=np.float64)
        bias = self.hidden.bias if sim is None else sim.data[self.hidden].bias
        return np.asarray(bias, dtype=np.float64) / gain

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
        weights = {name: read(sim) for name, read in self._readers.items()}
        shapes = self.weight_shapes()
        return check_parameters(
            {name: weights[name].reshape(shape) for name, shape in shapes.items()},
            shapes,
            obj=self,
        )

    def save(self, path, sim=None):
        """Save the weights (`get_weights` of ``sim``) and `structure` to an npz file.

        The file holds plain arrays and JSON text, no pickled objects, and
        records the hidden neuron type (`.parameters.save_model`).

        Parameters
        ----------
        path : str or path-like
            The ``.npz`` file to write.
        sim : nengo.Simulator or nengo_dl.Simulator, optional
            Save the weights live in this simulator (see `get_weights`);
            without it, the values the cell was built with.
        """
        save_model(
            path,
            "LMUCell",
            self.structure,
            self.get_weights(sim),
            neuron_type=self.neuron_type,
        )

    @classmethod
    def load(cls, path, **kwargs):
        """A cell built from a file written by `save`.

        Parameters
        ----------
        path : str or path-like
            The ``.npz`` file.
        **kwargs
            Further `LMUCell` arguments (``neuron_type``, ``memory``, ``dt``,
            ``parallel``, ``label``, ...). Structural options (`structure`)
            may be given only with the value in the file. ``memory`` defaults
            to ``"connections"`` for a file with ``trainable_memory`` or
            ``trainable_theta``.

        Returns
        -------
        LMUCell
            A new cell (added to the current network, as any network is)
            with the file's structure and weights.
        """
        arrays, arguments = load_model(path, "LMUCell", kwargs)
        if arguments.get("trainable_memory") or arguments.get("trainable_theta"):
            # trained A and B, or theta_inv, live in the connection memory
            arguments.setdefault("memory", "connections")
        return cls(**arguments, weights=arrays)

    # --- the parallel path ---------------------------------------------

    def parallel_input(self, x, steps=None):
        """The parallel cell's input for sequences ``x``, in closed form.

        For each requested step: ``x`` itself, the Legendre memory of each
        input dimension (`.memory_trajectory` of the discrete system at
        ``dt``), and (with ``use_bias``) the memory of a constant 1. Fed to a
        ``parallel=True`` cell one step per sample, it gives the hidden state
        the temporal cell with the same weights computes at that step.

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
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 3 or x.shape[2] != self.input_d:
            raise ValidationError(
                f"must have shape (n_sequences, n_steps, input_d={self.input_d}), "
                f"got {x.shape}",
                attr="x",
                obj=self,
            )
        Ad, Bd = self.discrete_system()
        n, n_steps, d = x.shape
        # (n, d, n_out, q) -> (n, n_out, d * q), input dimension major
        memories = memory_trajectory(np.moveaxis(x, 1, 2), Ad, Bd, steps)
        n_out = memories.shape[2]
        parts = [
            x if steps is None else x[:, list(steps)],
            np.moveaxis(memories, 1, 2).reshape(n, n_out, d * self.order),
        ]
        if self.use_bias:
            ones = memory_trajectory(np.ones(n_steps), Ad, Bd, steps)
            parts.append(np.broadcast_to(ones, (n, n_out, self.order)))
        return np.concatenate(parts, axis=2)
