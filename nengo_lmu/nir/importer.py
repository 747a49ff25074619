"""An NIR graph as a nengo network: `from_nir`.

=============================== =================================================
NIR                             nengo
=============================== =================================================
``Input``, ``Output``           a pass-through Node (``network.inputs[name]``,
                                ``network.outputs[name]``)
``Linear``, ``Affine``,         a pass-through Node; the weights go on each
``Scale``                       incoming connection, an ``Affine``'s bias comes
                                from a constant Node
``LI(tau, r, v_leak)``          a pass-through Node whose incoming connections
                                filter with ``Lowpass(tau)`` (one per distinct
                                ``tau``) and weigh by ``r``; ``v_leak`` through
                                the same filter from a constant Node
``I`` or ``LI`` with a          one Node with a `.LinearSystem` (exact for
``Linear`` feedback loop        inputs held over each step); a loop that
                                `nengo_lmu.nir.to_nir` wrote from a
                                `.LegendreMemory` becomes that `.LegendreMemory`
``I`` without feedback          a `.LinearSystem` with :math:`A = 0`
``LIF``, ``IF``                 an ensemble's neurons (`nengo_lmu.nir.neurons`)
``CubaLIF``                     ``LIF`` neurons whose incoming connections filter
                                with ``Lowpass(tau_syn)`` and weigh by ``w_in``
=============================== =================================================

Other nodes (convolutions, pooling, ``Delay``, ``Threshold``, ``CubaLI``,
nested graphs) are refused with a message that names the node.
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.memory.process import LegendreMemory
from nengo_lmu.nir.export import MEMORY_METADATA
from nengo_lmu.nir.linear_system import LinearSystem
from nengo_lmu.nir.neurons import metadata_text, nengo_neurons


def from_nir(graph, label=None):
    """A nengo network that computes what an NIR graph describes.

    Parameters
    ----------
    graph : nir.NIRGraph
        The graph (`nengo_lmu.nir.read` reads one from a file).
    label : str, optional
        The network's label.

    Returns
    -------
    nengo.Network
        With ``inputs`` and ``outputs``: dicts of the graph's ``Input`` and
        ``Output`` names to pass-through Nodes (connect into the inputs,
        probe the outputs).
    """
    import nir  # pylint: disable=import-outside-toplevel

    if not isinstance(graph, nir.NIRGraph):
        raise ValidationError(
            f"must be a nir.NIRGraph, got {type(graph).__name__}", attr="graph"
        )
    with nengo.Network(label=label) as net:
        builder = _Importer(nir, graph)
        net.inputs, net.outputs = builder.inputs, builder.outputs
    return net


def _matrix(node):
    weight = np.asarray(node.weight, dtype=np.float64)
    if weight.ndim != 2:
        raise ValidationError(
            f"{type(node).__name__} weights must be 2-D, got shape {weight.shape}",
            attr="graph",
        )
    return weight


class _Importer:
    """Builds the nodes of a graph, then one connection per edge."""

    def __init__(self, nir, graph):
        self.nir, self.graph = nir, graph
        self.inputs, self.outputs = {}, {}
        self.objects = {}  # name -> what an edge out of the node reads
        self.into = {}  # name -> function(src_object, edge) making the connection
        self.skipped, self.skipped_edges = set(), set()
        self.preds = {name: [] for name in graph.nodes}
        for src, dst in graph.edges:
            for end in (src, dst):
                if end not in graph.nodes:
                    raise ValidationError(
                        f"edge ({src!r}, {dst!r}) names a node the graph lacks",
                        attr="graph",
                    )
            self.preds[dst].append(src)
        self._memories()
        for name, node in graph.nodes.items():
            if name not in self.skipped and name not in self.objects:
                self._node(name, node)
        for src, dst in graph.edges:
            if src in self.skipped or dst in self.skipped:
                continue
            if (src, dst) not in self.skipped_edges:
                self.into[dst](self.objects[src])

    # --- nodes ----------------------------------------------------------

    def _node(self, name, node):
        nir = self.nir
        size = _size(name, node)
        if isinstance(node, nir.Input):
            self.objects[name] = self.inputs[name] = nengo.Node(
                size_in=size, label=name
            )
            self.into[name] = self._refuse_into(name)
        elif isinstance(node, nir.Output):
            self.objects[name] = self.outputs[name] = nengo.Node(
                size_in=size, label=name
            )
            self.into[name] = self._plain(self.objects[name])
        elif isinstance(node, (nir.Linear, nir.Affine, nir.Scale)):
            self._linear(name, node)
        elif isinstance(node, nir.LI):
            self._leaky(name, node)
        elif isinstance(node, nir.I):
            self._integrator(name, node, feedback=None)
        elif isinstance(node, (nir.LIF, nir.IF, nir.CubaLIF)):
            self._neurons(name, node)
        else:
            raise ValidationError(
                f"node {name!r}: {type(node).__name__} has no nengo form here (supported: "
                "Input, Output, Linear, Affine, Scale, I, LI, LIF, IF, CubaLIF)",
                attr="graph",
            )

    def _refuse_into(self, name):
        def refuse(src):
            raise ValidationError(
                f"the graph's Input {name!r} has an incoming edge", attr="graph"
            )

        return refuse

    @staticmethod
    def _plain(post, transform=None, synapse=None):
        def connect(src):
            nengo.Connection(src, post, transform=transform, synapse=synapse)

        return connect

    def _linear(self, name, node):
        nir = self.nir
        if isinstance(node, nir.Scale):
            transform = np.diag(np.asarray(node.scale, dtype=np.float64))
        else:
            transform = _matrix(node)
        out = nengo.Node(size_in=transform.shape[0], label=name)
        self.objects[name], self.into[name] = out, self._plain(out, transform)
        if isinstance(node, nir.Affine):
            bias = nengo.Node(
                np.asarray(node.bias, dtype=np.float64), label=f"{name}.bias"
            )
            nengo.Connection(bias, out, synapse=None)

    def _leaky(self, name, node):
        feedback = self._feedback(name)
        if feedback:
            self._integrator(name, node, feedback)
            return
        tau = np.asarray(node.tau, dtype=np.float64)
        r = np.asarray(node.r, dtype=np.float64)
        out = nengo.Node(size_in=len(tau), label=name)
        groups = [(t, np.flatnonzero(tau == t)) for t in np.unique(tau)]
        leak = np.asarray(node.v_leak, dtype=np.float64)

        def connect(src):
            for t, index in groups:
                nengo.Connection(
                    src,
                    out[index] if len(groups) > 1 else out,
                    transform=r[index, None] * np.eye(len(tau))[index]
                    if len(groups) > 1
                    else np.diag(r),
                    synapse=nengo.Lowpass(float(t)),
                )

        if np.any(leak != 0):
            constant = nengo.Node(leak, label=f"{name}.v_leak")
            for t, index in groups:
                nengo.Connection(
                    constant[index], out[index], synapse=nengo.Lowpass(float(t))
                )
        self.objects[name], self.into[name] = out, connect

    def _feedback(self, name):
        """The ``Linear`` nodes that only read ``name`` and only feed it."""
        loops = []
        for pred in self.preds[name]:
            node = self.graph.nodes[pred]
            succs = [b for a, b in self.graph.edges if a == pred]
            if (
                isinstance(node, self.nir.Linear)
                and self.preds[pred] == [name]
                and succs == [name]
            ):
                loops.append(pred)
        return loops

    def _integrator(self, name, node, feedback):
        """``I`` or ``LI`` (with feedback) as one exact `.LinearSystem`."""
        feedback = self._feedback(name) if feedback is None else feedback
        r = np.asarray(node.r, dtype=np.float64)
        n = len(r)
        loop = sum(
            (_matrix(self.graph.nodes[f]) for f in feedback), start=np.zeros((n, n))
        )
        if isinstance(node, self.nir.LI):
            tau = np.asarray(node.tau, dtype=np.float64)
            if np.any(np.asarray(node.v_leak) != 0):
                raise ValidationError(
                    f"node {name!r}: a leaky integrator in a feedback loop needs "
                    "v_leak = 0 here",
                    attr="graph",
                )
            A = (r[:, None] * loop - np.eye(n)) / tau[:, None]
            B = np.diag(r / tau)
        else:
            A, B = r[:, None] * loop, np.diag(r)
        self.skipped.update(feedback)
        out = nengo.Node(LinearSystem(A, B), label=name)
        self.objects[name], self.into[name] = out, self._plain(out)

    def _memories(self):
        """Rebuild the `.LegendreMemory` loops that `to_nir` wrote."""
        by_memory = {}
        for name, node in self.graph.nodes.items():
            saved = node.metadata.get(MEMORY_METADATA)
            if saved is not None and "state" in saved:
                roles = by_memory.setdefault(metadata_text(saved["state"]), {})
                roles[metadata_text(saved["role"])] = (name, saved)
        for state_name, roles in by_memory.items():
            if set(roles) != {"state", "A", "B"} or roles["state"][0] != state_name:
                continue  # an incomplete loop is built from its nodes
            state, saved = roles["state"]
            memory = nengo.Node(
                LegendreMemory(
                    int(saved["order"]),
                    float(saved["theta"]),
                    metadata_text(saved["discretizer"]),
                    size_in=int(saved["size_in"]),
                ),
                label=state,
            )
            # what enters the input matrix B enters the memory, which applies
            # B itself; the edges B -> state and state <-> A are its own
            entry, _ = roles["B"]
            self.objects[state], self.objects[entry] = memory, None
            self.into[entry] = self._plain(memory)
            self.skipped.add(roles["A"][0])
            self.skipped_edges.add((entry, state))

    def _neurons(self, name, node):
        nir = self.nir
        if isinstance(node, nir.CubaLIF):
            lif = nir.LIF(
                tau=node.tau_mem,
                r=node.r,
                v_leak=node.v_leak,
                v_threshold=node.v_threshold,
                v_reset=node.v_reset,
                metadata=node.metadata,
            )
            neuron_type, gain, bias = nengo_neurons(name, lif)
        else:
            neuron_type, gain, bias = nengo_neurons(name, node)
        ensemble = nengo.Ensemble(
            len(gain), 1, neuron_type=neuron_type, gain=gain, bias=bias, label=name
        )
        self.objects[name] = ensemble.neurons
        if isinstance(node, nir.CubaLIF):
            tau_syn = np.unique(np.asarray(node.tau_syn, dtype=np.float64))
            if len(tau_syn) != 1:
                raise ValidationError(
                    f"node {name!r}: CubaLIF with {len(tau_syn)} synaptic time constants "
                    "(nengo filters one connection with one)",
                    attr="graph",
                )
            self.into[name] = self._plain(
                ensemble.neurons,
                np.diag(np.asarray(node.w_in, dtype=np.float64)),
                nengo.Lowpass(float(tau_syn[0])),
            )
        else:
            self.into[name] = self._plain(ensemble.neurons)


def _size(name, node):
    """The length of a node's (1-D) output."""
    types = node.output_type
    shape = np.asarray(next(iter(types.values())) if types else [], dtype=int).ravel()
    if len(shape) != 1:
        raise ValidationError(
            f"node {name!r}: only 1-D signals are supported here, got shape "
            f"{tuple(shape)}",
            attr="graph",
        )
    return int(shape[0])
