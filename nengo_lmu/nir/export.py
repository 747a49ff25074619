"""A nengo network as an NIR graph: `to_nir`.

The network is built with nengo's builder (so that gains, biases, encoders
and decoders are the ones nengo simulates), and each object becomes NIR
nodes:

================================== ===============================================
nengo                              NIR
================================== ===============================================
an input (``inputs``)              ``Input``
an output (``outputs``, a probe)   ``Output`` (a probe's synapse as an ``LI``)
a pass-through Node                ``Linear`` (identity; dropped where it can be)
a constant Node                    ``Affine`` (zero weights, the constant as bias)
                                   from the first input
a Node with a `.LegendreMemory`    ``I`` (``r`` = 1) with a ``Linear`` feedback of
                                   :math:`A` and a ``Linear`` input of :math:`B`
                                   (``memory_node="LI"``: ``LI`` with
                                   :math:`\\tau = \\theta`, feedback
                                   :math:`\\theta A + I`, input :math:`\\theta B`)
an ensemble's neurons              ``LIF`` or ``IF`` (`nengo_lmu.nir.neurons`)
a connection                       ``Linear`` (decoders, transform, slices; into
                                   an ensemble then its gains and encoders)
a ``Lowpass(tau)`` synapse         ``LI(tau, r=1, v_leak=0)``
================================== ===============================================

Functions on Node outputs, other synapses (``Alpha``, general
``LinearFilter``, ``synapse=0``), learning rules, other processes and
neuron types without an NIR form are refused with a message that names
the object.
"""

import dataclasses
import re
from collections.abc import Mapping

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import check_positive
from nengo_lmu.legendre import discretize, lmu_system
from nengo_lmu.memory.process import LegendreMemory
from nengo_lmu.neurons.identity import Identity
from nengo_lmu.nir.folding import (
    drop_identities,
    fold_synapses,
    reaching_outputs,
    single_edge_outputs,
)
from nengo_lmu.nir.neurons import neuron_node

MEMORY_NODES = ("I", "LI")

# the metadata key of the nodes that make up an exported LegendreMemory
MEMORY_METADATA = "nengo_lmu_memory"


def to_nir(
    obj,
    inputs=None,
    outputs=None,
    dt=0.001,
    memory_node="I",
    fold=False,
    euler_dt=None,
):
    """The NIR graph of a nengo network (see the module for the mapping).

    Parameters
    ----------
    obj : nengo.Network
        A network: a `.LegendreMemoryNetwork`, `.LMUCell` or
        `.LMUClassifier` (their ``input`` and ``output`` are the graph's
        ``"input"`` and ``"output"`` by default), or any network of the
        objects the module lists.
    inputs : dict of str to nengo.Node, optional
        The graph's inputs: Nodes whose output the consumer will supply.
        Default: the object's ``input``, or else every Node without input.
    outputs : dict of str to nengo.Node, nengo.ensemble.Neurons or nengo.Probe, optional
        The graph's outputs. Default: the object's ``output``, or else every
        probe (on a Node or on neurons) of the network.
    dt : float
        The time step to build with (the decoders of spiking ensembles
        depend on it only through nengo's defaults; the graph itself is in
        continuous time).
    memory_node : {"I", "LI"}
        The node type that holds a `.LegendreMemory`'s state: NIR's
        integrator, or a leaky integrator with the leak cancelled by the
        feedback (for consumers that have ``LI`` but no ``I``).
    fold : bool
        Fold the synapses into ``CubaLIF`` neurons and merge recurrent
        ensembles (`.fold_synapses`): the form that consumers built on
        nirtorch (Norse, snnTorch) run.
    euler_dt : float, optional
        For consumers that advance the graph by forward Euler with this
        step: write each `.LegendreMemory` as the system whose Euler step is
        the memory's own discrete step (its ``discretizer`` at ``euler_dt``),
        :math:`A' = (A_d - I) / \\Delta t`, :math:`B' = B_d / \\Delta t`,
        instead of the continuous :math:`A, B`. Such a consumer then computes
        nengo's memory exactly, and long windows of high orders, for which
        Euler with :math:`A` is unstable (`.euler_min_theta`), run. Default:
        the continuous system.

    Returns
    -------
    nir.NIRGraph
    """
    import nir  # pylint: disable=import-outside-toplevel

    if not isinstance(obj, nengo.Network):
        raise ValidationError(
            f"must be a nengo.Network, got {type(obj).__name__}", attr="obj"
        )
    if memory_node not in MEMORY_NODES:
        raise ValidationError(
            f"must be one of {MEMORY_NODES}, got {memory_node!r}", attr="memory_node"
        )
    for name, value in (("inputs", inputs), ("outputs", outputs)):
        if value is not None and not isinstance(value, Mapping):
            raise ValidationError(
                f"must be a dict of graph names to nengo objects, got "
                f"{type(value).__name__}",
                attr=name,
            )
    inputs = _default_inputs(obj) if inputs is None else dict(inputs)
    outputs = _default_outputs(obj) if outputs is None else dict(outputs)
    if not outputs:
        raise ValidationError(
            "the network has no output: pass outputs={name: node, neurons or probe}",
            attr="outputs",
        )
    dt = check_positive(dt, "dt")
    model = nengo.builder.Model(dt=dt)
    model.build(obj)
    if euler_dt is not None:
        euler_dt = check_positive(euler_dt, "euler_dt")
    graph = _Exporter(model, obj, inputs, list(outputs), memory_node, euler_dt)
    graph.add_outputs(outputs)
    nodes, edges = drop_identities(graph.nodes, graph.edges, graph.identities)
    nodes, edges = reaching_outputs(nodes, edges)
    nodes, edges = single_edge_outputs(nodes, edges)
    graph = nir.NIRGraph(
        nodes=nodes,
        edges=edges,
        metadata={"nengo_lmu_dt": float(dt), "nengo_lmu_source": type(obj).__name__},
    )
    return fold_synapses(graph) if fold else graph


def _default_inputs(net):
    if isinstance(getattr(net, "input", None), nengo.Node):
        return {"input": net.input}
    sources = [n for n in net.all_nodes if n.size_in == 0 and not _constant(n)]
    return {_name(n, f"input{i}"): n for i, n in enumerate(sources)}


def _default_outputs(net):
    output = getattr(net, "output", None)
    if isinstance(output, (nengo.Node, nengo.ensemble.Neurons)):
        return {"output": output}
    return {_name(p, f"output{i}"): p for i, p in enumerate(net.all_probes)}


def _name(obj, fallback):
    return obj.label if obj.label else fallback


def _constant(node):
    """Whether a Node outputs a constant (an array, not a function or process)."""
    return node.size_in == 0 and isinstance(node.output, np.ndarray)


def _passthrough(node):
    """Whether a Node passes its input on: ``output=None``, or nengo-lmu's
    `.Identity` process (which NengoLoihi keeps, and its checked form)."""
    return node.output is None or isinstance(node.output, Identity)


@dataclasses.dataclass
class _Constant:
    """What a constant Node sends (it has no NIR node of its own)."""

    value: np.ndarray


class _Exporter:
    """Walks a built network and collects NIR nodes and edges.

    ``exits[obj]`` is the node whose output is ``obj``'s (with the spikes'
    amplitude for neurons, or a `_Constant`), ``entries[obj]`` the node that
    takes ``obj``'s input (made when first needed for an ensemble).
    """

    def __init__(self, model, network, inputs, output_names, memory_node, euler_dt):
        import nir  # pylint: disable=import-outside-toplevel

        self.nir, self.model, self.memory_node = nir, model, memory_node
        self.euler_dt = euler_dt
        self.nodes, self.edges, self.identities = {}, [], set()
        # the graph's input and output names come first; other nodes that
        # would take one get a suffix
        self.reserved = set(inputs) | set(output_names)
        self.exits, self.entries = {}, {}
        self.input_names = {}
        for name, node in inputs.items():
            if not isinstance(node, nengo.Node):
                raise ValidationError(
                    f"input {name!r} must be a nengo.Node, got {node!r}", attr="inputs"
                )
            self.exits[node] = self.add(
                name, nir.Input(input_type=np.array([node.size_out])), reserved=True
            )
            self.input_names[node] = name
        for node in network.all_nodes:
            if node not in self.input_names:
                self._add_node(node)
        for ensemble in network.all_ensembles:
            self._add_ensemble(ensemble)
        for conn in network.all_connections:
            self._add_connection(conn)

    # --- nodes ----------------------------------------------------------

    def add(self, name, node, reserved=False):
        """Add ``node`` under ``name`` (made unique); return the name.

        ``reserved``: ``name`` is one of the graph's inputs or outputs.
        """
        if not reserved:  # names some consumers turn into Python identifiers
            name = re.sub(r"\W", "_", name)
        unique, k = name, 1
        while unique in self.nodes or (unique in self.reserved and not reserved):
            unique, k = f"{name}_{k}", k + 1
        self.nodes[unique] = node
        return unique

    def edge(self, src, dst):
        self.edges.append((src, dst))

    def _add_node(self, node):
        name = _name(node, "node")
        if _constant(node):
            self.exits[node] = _Constant(np.asarray(node.output, dtype=np.float64))
        elif _passthrough(node):
            name = self.add(
                f"{name}_node", self.nir.Linear(weight=np.eye(node.size_out))
            )
            self.identities.add(name)
            self.exits[node] = self.entries[node] = name
        elif isinstance(node.output, LegendreMemory):
            self._add_memory(name, node)
        else:
            raise ValidationError(
                "a Node with a function or a process (other than LegendreMemory) has "
                "no NIR form; compute it outside the exported network",
                attr="output",
                obj=node,
            )

    def _add_memory(self, name, node):
        """:math:`\\dot m = A m + B u` per input dimension, as NIR nodes."""
        memory = node.output
        d, q = memory.size_in, memory.order
        A, B = lmu_system(q, memory.theta)
        if self.euler_dt is not None:
            Ad, Bd = discretize(A, B, self.euler_dt, memory.discretizer)
            A, B = (Ad - np.eye(q)) / self.euler_dt, Bd / self.euler_dt
        A, B = np.kron(np.eye(d), A), np.kron(np.eye(d), B)
        saved = {
            "order": q,
            "theta": float(memory.theta),
            "size_in": d,
            "discretizer": memory.discretizer,
        }
        if self.memory_node == "I":
            state = self.nir.I(r=np.ones(d * q))
            feedback, entry = A, B
        else:  # a leaky integrator whose leak the feedback cancels
            tau = memory.theta
            state = self.nir.LI(
                tau=np.full(d * q, tau), r=np.ones(d * q), v_leak=np.zeros(d * q)
            )
            feedback, entry = tau * A + np.eye(d * q), tau * B
        name = self.add(name, state)
        # each node names the state it belongs to: a network may hold several
        # memories with the same order and window
        meta = lambda role: {MEMORY_METADATA: dict(saved, role=role, state=name)}  # noqa: E731
        state.metadata = meta("state")
        loop = self.add(
            f"{name}_A", self.nir.Linear(weight=feedback, metadata=meta("A"))
        )
        into = self.add(f"{name}_B", self.nir.Linear(weight=entry, metadata=meta("B")))
        self.edge(name, loop)
        self.edge(loop, name)
        self.edge(into, name)
        self.exits[node], self.entries[node] = name, into

    def _add_ensemble(self, ensemble):
        built = self.model.params[ensemble]
        if isinstance(ensemble.neuron_type, nengo.Direct):
            neuron_node(ensemble, ensemble.neuron_type, None, None)  # refuses
        voltage = self.model.sig[ensemble.neurons].get("voltage")
        initial = (
            np.zeros(ensemble.n_neurons) if voltage is None else voltage.initial_value
        )
        node, amplitude, bias_as_input = neuron_node(
            ensemble, ensemble.neuron_type, built.bias, initial
        )
        name = self.add(f"{_name(ensemble, 'ensemble')}_neurons", node)
        # decoded connections leave from the ensemble, others from its neurons
        self.exits[ensemble] = self.exits[ensemble.neurons] = (name, amplitude)
        self.entries[ensemble.neurons] = name
        if bias_as_input:
            self._add_constant(np.asarray(built.bias, dtype=np.float64), name)
        self.entries[ensemble] = lambda: self._encoders(ensemble, name)

    def _encoders(self, ensemble, neurons):
        """The ``Linear`` of the ensemble's gains and encoders, made when first
        needed (a cell's ensembles take all their input on the neurons)."""
        encoders = self.add(
            f"{_name(ensemble, 'ensemble')}_encoders",
            self.nir.Linear(
                weight=np.asarray(self.model.params[ensemble].scaled_encoders)
            ),
        )
        self.edge(encoders, neurons)
        self.entries[ensemble] = encoders
        return encoders

    def _add_constant(self, value, dst, synapse=None):
        """``value`` (a constant vector) into ``dst``, through ``synapse``."""
        if not self.input_names:
            raise ValidationError(
                "a constant input (a bias or a constant Node) needs a graph input to "
                "hang from; give the network an input",
                attr="inputs",
            )
        source = next(iter(self.input_names))
        name = self.add(
            f"{dst}_constant",
            self.nir.Affine(
                weight=np.zeros((len(value), source.size_out)), bias=np.asarray(value)
            ),
        )
        self.edge(self.exits[source], name)
        self.edge(self._synapse(name, synapse, len(value)), dst)

    # --- connections ----------------------------------------------------

    def _add_connection(self, conn):
        if conn.learning_rule_type is not None:
            raise ValidationError(
                "learning rules have no NIR form", attr="learning_rule_type", obj=conn
            )
        post = conn.post_obj
        if post in self.input_names:
            raise ValidationError(
                f"the graph input {self.input_names[post]!r} receives this connection; "
                "an input takes only what the consumer supplies",
                attr="post",
                obj=conn,
            )
        weights = self._weights(conn)
        exit_ = self.exits[conn.pre_obj]
        dst = self.entries[post]
        dst = dst() if callable(dst) else dst
        if isinstance(exit_, _Constant):
            self._add_constant(weights @ exit_.value, dst, conn.synapse)
            return
        src, amplitude = exit_ if isinstance(exit_, tuple) else (exit_, 1.0)
        label = _name(conn, f"{src}_to_{dst}")
        linear = self.add(label, self.nir.Linear(weight=weights * amplitude))
        self.edge(src, linear)
        self.edge(self._synapse(linear, conn.synapse, weights.shape[0], conn), dst)

    def _weights(self, conn):
        """The connection's matrix from its pre's output to its post's input."""
        built = self.model.params[conn]
        pre, post = conn.pre_obj, conn.post_obj
        if built.weights is None:  # no transform (nengo.transforms.NoTransform)
            weights = np.eye(conn.size_mid)
        else:
            weights = np.asarray(built.weights, dtype=np.float64)
        if weights.ndim < 2:  # a scalar or elementwise transform
            weights = np.diag(np.broadcast_to(weights, (conn.size_mid,)))
        if isinstance(pre, nengo.Node) and conn.function is not None:
            raise ValidationError(
                "a function on a Node's output has no NIR form",
                attr="function",
                obj=conn,
            )
        if not isinstance(pre, nengo.Ensemble):  # Nodes and Neurons: pre_slice
            full = np.zeros((weights.shape[0], pre.size_out))
            full[:, conn.pre_slice] = weights
            weights = full
        full = np.zeros((post.size_in, weights.shape[1]))
        full[conn.post_slice] = weights
        if isinstance(post, nengo.ensemble.Neurons):
            # nengo applies the post neurons' gains to what reaches them
            full = self.model.params[post.ensemble].gain[:, None] * full
        return full

    def _synapse(self, src, synapse, size, conn=None):
        """The node after ``src`` that filters with ``synapse`` (or ``src``)."""
        if synapse is None:
            return src
        lowpass = _lowpass(synapse, self.model.dt)
        if lowpass is not None:
            tau, gain = lowpass
            name = self.add(
                f"{src}_synapse",
                self.nir.LI(
                    tau=np.full(size, tau), r=np.full(size, gain), v_leak=np.zeros(size)
                ),
            )
            self.edge(src, name)
            return name
        raise ValidationError(
            f"{synapse} has no NIR form: NIR filters with leaky integrators, which are "
            "nengo.Lowpass synapses with tau > 0 (synapse=0 is a one-step delay) or "
            "their discrete form g (1 - a) / (z - a)",
            attr="synapse",
            obj=conn,
        )

    # --- outputs --------------------------------------------------------

    def add_outputs(self, outputs):
        for name, target in outputs.items():
            synapse = None
            if isinstance(target, nengo.Probe):
                synapse, sliced = target.synapse, target.slice
                target = target.target
                if not isinstance(target, (nengo.Node, nengo.ensemble.Neurons)):
                    raise ValidationError(
                        f"output {name!r}: probe a Node or an ensemble's neurons (a "
                        "decoded ensemble probe has decoders nengo does not expose)",
                        attr="outputs",
                    )
            else:
                sliced = slice(None)
            if not isinstance(target, (nengo.Node, nengo.ensemble.Neurons)):
                raise ValidationError(
                    f"output {name!r} must be a Node, an ensemble's neurons or a probe "
                    f"of one, got {target!r}",
                    attr="outputs",
                )
            exit_ = self.exits.get(target)
            if exit_ is None or isinstance(exit_, _Constant):
                raise ValidationError(
                    f"output {name!r} ({target}) is not in the exported network",
                    attr="outputs",
                )
            src = exit_[0] if isinstance(exit_, tuple) else exit_
            size = target.size_out
            select = np.eye(size)[sliced]
            if sliced != slice(None):
                src_sel = self.add(f"{name}_slice", self.nir.Linear(weight=select))
                self.edge(src, src_sel)
                src, size = src_sel, select.shape[0]
            src = self._synapse(src, synapse, size)
            out = self.add(
                name, self.nir.Output(output_type=np.array([size])), reserved=True
            )
            self.edge(src, out)


def _lowpass(synapse, dt):
    r"""``(tau, gain)`` of a first-order lowpass synapse, or None for others.

    ``nengo.Lowpass(tau)`` with ``tau > 0`` (gain 1), and the discrete filter
    :math:`g (1 - a) / (z - a)` that is nengo's zero-order hold of
    :math:`g / (\tau s + 1)` at ``dt`` (the input synapses of
    `.LegendreMemoryNetwork`'s discrete mapping): :math:`\tau = -dt / \ln a`.
    """
    if type(synapse) is nengo.Lowpass:
        return (float(synapse.tau), 1.0) if synapse.tau > 0 else None
    if type(synapse) is nengo.LinearFilter and not synapse.analog:
        num = np.trim_zeros(np.atleast_1d(synapse.num), "f")
        den = np.atleast_1d(synapse.den)
        if len(num) == 1 and len(den) == 2 and den[0] != 0:
            num, den = num / den[0], den / den[0]
            a = -den[1]
            if 0 < a < 1:
                # to 12 digits: the time constant that nengo discretised
                tau = float(f"{-dt / np.log(a):.12g}")
                return tau, float(num[0] / (1 - a))
    return None
