"""nengo_lmu.nir.quantize_weights: weights on a chip's integer grid."""

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

pytest.importorskip("nir")

from nengo_lmu import LegendreMemory  # noqa: E402
from nengo_lmu.nir import from_nir, quantize_weights, to_nir  # noqa: E402
from nengo_lmu.nir.quantization import round_to_grid  # noqa: E402

DT = 0.001


@pytest.mark.parametrize("bits", [2, 4, 8])
def test_round_to_grid(bits):
    """At most 2**bits - 1 levels, the largest weight kept, each entry within
    half a level, zeros kept."""
    rng = np.random.RandomState(0)
    values = rng.normal(size=(40, 30))
    values[3, 4] = 0.0
    rounded = round_to_grid(values, bits)
    step = np.max(np.abs(values)) / (2 ** (bits - 1) - 1)
    assert len(np.unique(rounded)) <= 2**bits - 1
    assert np.max(np.abs(rounded)) == pytest.approx(np.max(np.abs(values)))
    assert np.max(np.abs(rounded - values)) <= step / 2 + 1e-12
    assert rounded[3, 4] == 0
    assert np.allclose(rounded / step, np.round(rounded / step))
    assert np.array_equal(round_to_grid(np.zeros(3), bits), np.zeros(3))


def memory_outputs(graph, signal):
    net = from_nir(graph)
    with nengo.Network() as top:
        top.add(net)
        source = nengo.Node(nengo.processes.PresentInput(signal, DT))
        nengo.Connection(source, net.inputs["input"], synapse=None)
        probe = nengo.Probe(net.outputs["output"])
    with nengo.Simulator(top, dt=DT, progress_bar=False) as sim:
        sim.run_steps(len(signal))
    return sim.data[probe]


def test_quantized_memory_runs_its_rounded_weights():
    """The memory's metadata goes with the exact weights: the imported graph
    computes the rounded system, whose error grows as the bits shrink."""
    with nengo.Network() as net:
        net.input = nengo.Node(size_in=1, label="input")
        memory = nengo.Node(LegendreMemory(6, 0.2), label="memory")
        nengo.Connection(net.input, memory, synapse=None)
        net.output = memory
    graph = to_nir(net, memory_node="LI")
    signal = nengo.processes.WhiteSignal(0.6, high=5, rms=0.3, seed=1).run_steps(
        600, dt=DT
    )
    exact = memory_outputs(graph, signal)
    errors = {}
    for bits in (4, 8, 16):
        rounded = quantize_weights(graph, bits)
        assert not any(
            "nengo_lmu_memory" in node.metadata
            for node in rounded.nodes.values()
            if type(node).__name__ == "Linear"
        )
        errors[bits] = np.max(np.abs(memory_outputs(rounded, signal) - exact))
    peak = np.max(np.abs(exact))
    assert 0 < errors[16] < 1e-3 * peak
    assert errors[16] < errors[8] < errors[4]
    assert errors[4] > 1e-2 * peak
    # the graph itself is unchanged
    assert np.array_equal(memory_outputs(graph, signal), exact)


def small_graph():
    with nengo.Network() as net:
        net.input = nengo.Node(size_in=1, label="input")
        memory = nengo.Node(LegendreMemory(2, 0.2), label="memory")
        nengo.Connection(net.input, memory, synapse=None)
        net.output = memory
    return to_nir(net)


def test_only_the_named_nodes_are_rounded():
    graph = small_graph()
    linear = [n for n, v in graph.nodes.items() if type(v).__name__ == "Linear"]
    # the memory's A: [[-5, -5], [15, -15]], whose 5s round to 0 with 2 bits
    chosen = max(linear, key=lambda n: len(np.unique(graph.nodes[n].weight)))
    rounded = quantize_weights(graph, 2, nodes=[chosen])
    for name in linear:
        same = np.array_equal(rounded.nodes[name].weight, graph.nodes[name].weight)
        assert same == (name != chosen), name
    with pytest.raises(ValidationError, match="nodes.*'nowhere'"):
        quantize_weights(graph, 8, nodes=["nowhere"])


@pytest.mark.parametrize("bits", [1, 0, 8.0, True, "8"])
def test_bits_are_validated(bits):
    with pytest.raises(ValidationError, match="bits"):
        quantize_weights(small_graph(), bits)
