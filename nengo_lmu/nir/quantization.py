"""Weights on a chip's integer grid: what quantisation costs a graph.

NIR stores weights as floating-point arrays; a chip stores them as signed
integers of a few bits (Loihi and Xylo: 8) times a scale shared by a whole
weight matrix. `quantize_weights` rounds a graph's weights to such a grid,
so that the cost can be measured in any simulator before a chip's own
tools map the graph (``benchmarks/nir_consumers.py`` runs the results in
Norse; :doc:`/nir` has the numbers).

Each matrix :math:`W` of a ``Linear``, ``Affine`` (its weight and, with its
own scale, its bias) or ``Scale`` node becomes

.. math:: \\hat W = s \\, \\mathrm{round}(W / s), \\qquad
          s = \\frac{\\max |W|}{2^{b - 1} - 1},

the symmetric grid of :math:`2^b - 1` levels whose ends are the largest
weight: the rounding error of each entry is at most :math:`s / 2`, and an
entry below :math:`s / 2` becomes zero. Everything else (neuron
parameters, time constants, states) keeps its floating-point value, which
chips quantise too, each in its own way. A rounded node loses the
`.LegendreMemory` metadata that `to_nir` gave it, so that `from_nir`
builds the memory from its rounded weights rather than the exact one.
"""

import dataclasses

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.nir.export import MEMORY_METADATA


def round_to_grid(values, bits):
    """``values`` on the symmetric grid of ``2**bits - 1`` levels spanning them.

    Parameters
    ----------
    values : array_like
        The weights of one matrix (or one bias vector).
    bits : int
        Bits of the signed integers, sign included.

    Returns
    -------
    ndarray
        :math:`s \\, \\mathrm{round}(v / s)` with :math:`s = \\max |v| /
        (2^{b - 1} - 1)`; all zeros stay zeros.
    """
    values = np.asarray(values, dtype=np.float64)
    largest = np.max(np.abs(values)) if values.size else 0.0
    if largest == 0:
        return values.copy()
    step = largest / (2 ** (bits - 1) - 1)
    return step * np.round(values / step)


def quantize_weights(graph, bits=8, nodes=None):
    """The graph with its weight matrices rounded to ``bits``-bit integers.

    See the module for the grid. Node names, edges, metadata and all other
    parameters are kept.

    Parameters
    ----------
    graph : nir.NIRGraph
        A graph (as `to_nir` or `fold_synapses` writes it).
    bits : int
        Bits of each signed weight, sign included: 2 or more (8 on Loihi and
        Xylo).
    nodes : iterable of str, optional
        The names of the nodes to round (for example those that go on the
        chip, the memory staying exact on a host). Default: every
        ``Linear``, ``Affine`` and ``Scale`` node.

    Returns
    -------
    nir.NIRGraph
    """
    import nir  # pylint: disable=import-outside-toplevel

    if isinstance(bits, bool) or not isinstance(bits, (int, np.integer)) or bits < 2:
        raise ValidationError(f"must be an integer >= 2, got {bits!r}", attr="bits")
    if nodes is not None:
        nodes = set(nodes)
        unknown = sorted(nodes - set(graph.nodes))
        if unknown:
            raise ValidationError(
                f"not nodes of the graph: {unknown}; it has {sorted(graph.nodes)}",
                attr="nodes",
            )
    rounded = {}
    for name, node in graph.nodes.items():
        if nodes is not None and name not in nodes:
            rounded[name] = node
            continue
        # the metadata without the memory's: its weights are no longer exact
        kept = {k: v for k, v in node.metadata.items() if k != MEMORY_METADATA}
        if isinstance(node, nir.Affine):
            node = dataclasses.replace(
                node,
                weight=round_to_grid(node.weight, bits),
                bias=round_to_grid(node.bias, bits),
                metadata=kept,
            )
        elif isinstance(node, nir.Linear):
            node = dataclasses.replace(
                node, weight=round_to_grid(node.weight, bits), metadata=kept
            )
        elif isinstance(node, nir.Scale):
            node = dataclasses.replace(
                node, scale=round_to_grid(node.scale, bits), metadata=kept
            )
        elif isinstance(node, nir.NIRGraph):
            node = quantize_weights(node, bits)
        rounded[name] = node
    return nir.NIRGraph(
        nodes=rounded, edges=list(graph.edges), metadata=dict(graph.metadata)
    )
