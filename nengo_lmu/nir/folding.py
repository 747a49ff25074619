"""Fold synapses into the neurons: the form that NIR's consumers run.

`to_nir` writes a network as nengo computes it: each connection a
``Linear`` and its synapse an ``LI`` node, each ensemble its own neuron
node. Some consumers run only short cycles (nirtorch, which Norse and
snnTorch use, runs a loop of two nodes but not a recurrent ensemble's five:
neurons, decoders, synapse, transform, encoders), and chips take synapses
as part of the neuron. `fold_synapses` rewrites the graph into an
equivalent one:

- every ``LIF`` node whose inputs all pass one lowpass of the same
  :math:`\\tau` becomes a ``CubaLIF`` with :math:`\\tau_{syn} = \\tau`
  (filters commute with the linear maps, so the ``LI`` moves past them);
- every path of ``Linear``, ``Affine``, ``Scale`` and ``LI`` nodes between
  two other nodes becomes one ``Linear`` (the product of its matrices), and
  one ``LI`` where a lowpass stays outside a neuron;
- ``CubaLIF`` nodes that reach each other in a cycle merge into one, whose
  recurrent weights are neuron to neuron: a loop of two nodes.

The graph computes the same in continuous time, except that a bias that
reached the neurons through a synapse now rises with it from the start
(nengo: as well), and that merged ensembles share one node.

The module also holds the small rewrites that `to_nir` applies to every
graph: `drop_identities`, `reaching_outputs` and `single_edge_outputs`.
"""

import numpy as np
from nengo.exceptions import ValidationError


def _matrix(nir, node):
    if isinstance(node, nir.Scale):
        return np.diag(np.asarray(node.scale, dtype=np.float64))
    return np.asarray(node.weight, dtype=np.float64)


def _unique_tau(name, tau):
    # to 12 digits, so that rounding does not split one time constant
    values = np.unique([float(f"{t:.12g}") for t in np.ravel(tau)])
    if len(values) != 1:
        raise ValidationError(
            f"node {name!r}: a synapse with {len(values)} time constants cannot be "
            "folded",
            attr="graph",
        )
    return float(values[0])


class _Paths:
    """The linear paths into each node of a graph, back to their sources."""

    def __init__(self, nir, graph):
        self.nir, self.nodes = nir, graph.nodes
        self.preds = {name: [] for name in graph.nodes}
        for src, dst in graph.edges:
            self.preds[dst].append(src)
        succs = {name: [] for name in graph.nodes}
        for src, dst in graph.edges:
            succs[src].append(dst)
        # a leaky integrator with its own linear feedback holds a state (the
        # memory written with memory_node="LI"): a source, like an integrator
        self.states = {
            name
            for name, node in graph.nodes.items()
            if isinstance(node, nir.LI)
            and any(
                self.preds[p] == [name] and succs[p] == [name]
                for p in self.preds[name]
                if isinstance(self.nodes[p], nir.Linear)
            )
        }

    def is_source(self, name):
        nir, node = self.nir, self.nodes[name]
        return name in self.states or isinstance(
            node, (nir.Input, nir.LIF, nir.IF, nir.CubaLIF, nir.I)
        )

    def into(self, target, size):
        """``[(source or None, matrix or bias, tau or None)]`` into ``target``.

        A source of None is a constant (an ``Affine``'s bias or an ``LI``'s
        ``v_leak``), given as a vector.
        """
        nir, found = self.nir, []
        stack = [(p, np.eye(size), None) for p in self.preds[target]]
        while stack:
            name, M, tau = stack.pop()
            node = self.nodes[name]
            if self.is_source(name):
                found.append((name, M, tau))
            elif isinstance(node, (nir.Linear, nir.Affine, nir.Scale)):
                if isinstance(node, nir.Affine):
                    found.append(
                        (None, M @ np.asarray(node.bias, dtype=np.float64), tau)
                    )
                W = _matrix(nir, node)
                stack.extend((p, M @ W, tau) for p in self.preds[name])
            elif isinstance(node, nir.LI):
                if tau is not None:
                    raise ValidationError(
                        f"node {name!r}: two synapses in series cannot be folded",
                        attr="graph",
                    )
                tau = _unique_tau(name, node.tau)
                leak = np.asarray(node.v_leak, dtype=np.float64)
                if np.any(leak != 0):
                    found.append((None, M @ leak, tau))
                M = M * np.asarray(node.r, dtype=np.float64)[None, :]
                stack.extend((p, M, tau) for p in self.preds[name])
            else:
                raise ValidationError(
                    f"node {name!r}: {type(node).__name__} cannot be folded",
                    attr="graph",
                )
        return found


def _size(node):
    return int(np.asarray(next(iter(node.input_type.values()))).ravel()[0])


def fold_synapses(graph):
    """An equivalent graph with the synapses in ``CubaLIF`` neurons (see the module).

    Parameters
    ----------
    graph : nir.NIRGraph
        A graph of 1-D nodes (as `to_nir` writes).

    Returns
    -------
    nir.NIRGraph
    """
    import nir  # pylint: disable=import-outside-toplevel

    if not isinstance(graph, nir.NIRGraph):
        raise ValidationError(
            f"must be a nir.NIRGraph (as to_nir writes), got {type(graph).__name__}",
            attr="graph",
        )
    paths = _Paths(nir, graph)
    first_input = next(
        (n for n, node in graph.nodes.items() if isinstance(node, nir.Input)), None
    )
    targets = [
        name
        for name, node in graph.nodes.items()
        if paths.is_source(name)
        and not isinstance(node, nir.Input)
        or isinstance(node, nir.Output)
    ]
    inputs = {t: paths.into(t, _size(graph.nodes[t])) for t in targets}
    # the neurons that become CubaLIF: every input through one lowpass
    folded = {}
    for name in targets:
        node = graph.nodes[name]
        taus = {tau for _, _, tau in inputs[name]}
        if isinstance(node, nir.LIF) and len(taus) == 1 and None not in taus:
            folded[name] = taus.pop()
    groups = _merge_groups(folded, inputs)
    nodes, edges, where = {}, [], {}
    for group in groups:
        merged = f"{group[0]}_and_{len(group) - 1}_more" if len(group) > 1 else group[0]
        nodes[merged] = _cuba(nir, [graph.nodes[n] for n in group], folded[group[0]])
        offset = 0
        for name in group:
            size = _size(graph.nodes[name])
            where[name] = (merged, slice(offset, offset + size))
            offset += size
    for name in targets:
        if name not in where:
            nodes[name] = graph.nodes[name]
            where[name] = (name, slice(None))
    for name, node in graph.nodes.items():
        if isinstance(node, nir.Input):
            nodes[name] = node
            where[name] = (name, slice(None))
    # one Linear (and LI outside a neuron) per source, synapse and target
    weights = {}
    for target in targets:
        dst, rows = where[target]
        n_dst = _size(nodes[dst])
        inside = dst in {where[n][0] for n in folded}
        for source, M, tau in inputs[target]:
            if source is None:
                if first_input is None:
                    raise ValidationError(
                        "a constant input needs a graph input to hang from",
                        attr="graph",
                    )
                key, cols = (first_input, dst, None if inside else tau, "bias"), None
            else:
                src, cols = where[source]
                key = (src, dst, None if inside else tau, "weight")
            n_src = _size(nodes[key[0]]) if key[3] == "weight" else 1
            total = weights.setdefault(key, np.zeros((n_dst, n_src)))
            if source is None:
                total[rows, 0] += M
            else:
                block = np.zeros((M.shape[0], n_src))
                block[:, cols] = M
                total[rows] += block
    for (src, dst, tau, kind), W in weights.items():
        label = f"{src}_to_{dst}" + ("_bias" if kind == "bias" else "")
        if kind == "bias":
            width = _size(nodes[src])
            node = nir.Affine(weight=np.zeros((len(W), width)), bias=W[:, 0])
        else:
            node = nir.Linear(weight=W)
        label = _unique(label, nodes)
        nodes[label] = node
        edges.append((src, label))
        if tau is None:
            edges.append((label, dst))
        else:
            synapse = _unique(f"{label}_synapse", nodes)
            nodes[synapse] = nir.LI(
                tau=np.full(len(W), tau), r=np.ones(len(W)), v_leak=np.zeros(len(W))
            )
            edges += [(label, synapse), (synapse, dst)]
    nodes, edges = single_edge_outputs(nodes, edges)
    return nir.NIRGraph(nodes=nodes, edges=edges, metadata=dict(graph.metadata))


def _unique(name, nodes):
    unique, k = name, 1
    while unique in nodes:
        unique, k = f"{name}_{k}", k + 1
    return unique


def _merge_groups(folded, inputs):
    """The folded neurons in cycles of folded neurons, merged (Tarjan's SCCs)."""
    graph = {
        name: sorted({s for s, _, _ in inputs[name] if s in folded}) for name in folded
    }
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def _cuba(nir, lifs, tau_syn):
    """One ``CubaLIF`` for ``LIF`` nodes whose inputs pass a lowpass of ``tau_syn``."""
    cat = lambda attr: np.concatenate(  # noqa: E731
        [np.asarray(getattr(n, attr), dtype=np.float64) for n in lifs]
    )
    size = len(cat("tau"))
    metadata = {}
    saved = [n.metadata.get("nengo_neuron") for n in lifs]
    if all(s is not None for s in saved):
        metadata["nengo_neuron"] = dict(saved[0])
        metadata["nengo_neuron"]["initial_voltage"] = np.concatenate(
            [np.asarray(s["initial_voltage"], dtype=np.float64) for s in saved]
        )
    return nir.CubaLIF(
        tau_syn=np.full(size, tau_syn),
        tau_mem=cat("tau"),
        r=cat("r"),
        v_leak=cat("v_leak"),
        v_threshold=cat("v_threshold"),
        v_reset=cat("v_reset"),
        w_in=np.ones(size),
        metadata=metadata,
    )


def single_edge_outputs(nodes, edges):
    """Join the edges into each ``Output`` in one identity ``Linear`` first.

    An output's value is the sum of its inputs; nirtorch (Norse, snnTorch)
    returns each input of an ``Output`` apart instead.

    Parameters
    ----------
    nodes : dict of str to nir.NIRNode
    edges : list of (str, str)

    Returns
    -------
    nodes, edges
        New ones, with a ``Linear`` named ``<output>_sum`` where needed.
    """
    import nir  # pylint: disable=import-outside-toplevel

    nodes, edges = dict(nodes), list(edges)
    for name, node in list(nodes.items()):
        preds = [a for a, b in edges if b == name]
        if isinstance(node, nir.Output) and len(preds) > 1:
            size = int(np.asarray(next(iter(node.input_type.values()))).ravel()[0])
            junction, k = f"{name}_sum", 1
            while junction in nodes:
                junction, k = f"{name}_sum_{k}", k + 1
            nodes[junction] = nir.Linear(weight=np.eye(size))
            edges = [(a, junction if b == name else b) for a, b in edges]
            edges.append((junction, name))
    return nodes, edges


def reaching_outputs(nodes, edges):
    """Only the nodes that some output depends on, and the inputs.

    A consumer would compute the others for nothing, or wait for them.

    Parameters
    ----------
    nodes : dict of str to nir.NIRNode
    edges : list of (str, str)

    Returns
    -------
    nodes, edges
    """
    import nir  # pylint: disable=import-outside-toplevel

    keep = {n for n, node in nodes.items() if isinstance(node, (nir.Output, nir.Input))}
    frontier = [n for n in keep if isinstance(nodes[n], nir.Output)]
    while frontier:
        name = frontier.pop()
        for a, b in edges:
            if b == name and a not in keep:
                keep.add(a)
                frontier.append(a)
    nodes = {n: node for n, node in nodes.items() if n in keep}
    return nodes, [(a, b) for a, b in edges if a in keep and b in keep]


def drop_identities(nodes, edges, identities):
    """Remove identity ``Linear`` nodes, joining their inputs to their outputs.

    Exact (the node adds its inputs and passes them on), except where it
    would join a node to itself, which some consumers cannot run: those
    identities stay.

    Parameters
    ----------
    nodes : dict of str to nir.NIRNode
    edges : list of (str, str)
    identities : set of str
        The names of the identity nodes to remove.

    Returns
    -------
    nodes, edges
    """
    nodes, edges = dict(nodes), list(edges)
    for name in sorted(identities):
        preds = [a for a, b in edges if b == name]
        succs = [b for a, b in edges if a == name]
        if set(preds) & set(succs) or name in preds:
            continue
        edges = [e for e in edges if name not in e]
        edges += [(a, b) for a in preds for b in succs]
        del nodes[name]
    return nodes, edges
