"""nengo_lmu.nir: nengo networks to NIR graphs and back, and in Norse."""

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

pytest.importorskip("nir")

from nengo_lmu import (  # noqa: E402
    LegendreMemory,
    LegendreMemoryNetwork,
    LMUCell,
    LMUClassifier,
    convert_to_spiking,
)
from nengo_lmu.nir import (  # noqa: E402
    IntegrateAndFire,
    LinearSystem,
    from_nir,
    read,
    to_nir,
    write,
)

from consumer import run_in_consumer  # noqa: E402

DT = 0.001


def memory_network(order=6, theta=0.2, size_in=2, discretizer="zoh"):
    with nengo.Network() as net:
        net.input = nengo.Node(size_in=size_in, label="input")
        memory = nengo.Node(LegendreMemory(order, theta, discretizer, size_in=size_in))
        nengo.Connection(net.input, memory, synapse=None)
        net.output = memory
    return net


def run(net, inputs, outputs, signal, probes=(), dt=DT):
    """Drive ``inputs`` with ``signal`` (steps, d); the probed outputs."""
    with nengo.Network(seed=3) as top:
        top.add(net)
        source = nengo.Node(nengo.processes.PresentInput(signal, dt))
        nengo.Connection(source, inputs, synapse=None)
        probe = nengo.Probe(outputs)
        extra = [nengo.Probe(p) for p in probes]
    with nengo.Simulator(top, dt=dt, progress_bar=False) as sim:
        sim.run_steps(len(signal))
    return sim.data[probe], [sim.data[p] for p in extra]


def white(seconds, d=1, high=5.0, rms=0.3, dt=DT, seed=1):
    process = nengo.processes.WhiteSignal(seconds, high=high, rms=rms, seed=seed)
    return process.run_steps(int(round(seconds / dt)), d=d, dt=dt)


def imported(graph, tmp_path):
    """The graph written to a file, read back and built in nengo."""
    write(tmp_path / "graph.nir", graph)
    return from_nir(read(tmp_path / "graph.nir"))


@pytest.mark.parametrize("memory_node", ["I", "LI"])
def test_exact_memory_round_trip(memory_node, tmp_path):
    """The graph's metadata rebuilds the same LegendreMemory: equal outputs."""
    net = memory_network()
    graph = to_nir(net, memory_node=memory_node)
    kinds = sorted(type(node).__name__ for node in graph.nodes.values())
    assert kinds.count(memory_node) == 1
    back = imported(graph, tmp_path)
    u = white(0.5, d=2)
    expected, _ = run(net, net.input, net.output, u)
    actual, _ = run(back, back.inputs["input"], back.outputs["output"], u)
    assert np.array_equal(actual, expected)


@pytest.mark.parametrize("memory_node", ["I", "LI"])
def test_a_linear_loop_without_metadata_is_exact(memory_node, tmp_path):
    """Without nengo-lmu's metadata the loop is a LinearSystem, whose
    zero-order hold equals LegendreMemory's to float rounding."""
    net = memory_network()
    graph = to_nir(net, memory_node=memory_node)
    for node in graph.nodes.values():
        node.metadata = {}
    back = imported(graph, tmp_path)
    assert any(isinstance(n.output, LinearSystem) for n in back.all_nodes)
    u = white(0.5, d=2)
    expected, _ = run(net, net.input, net.output, u)
    actual, _ = run(back, back.inputs["input"], back.outputs["output"], u)
    assert np.allclose(actual, expected, atol=1e-9 * np.abs(expected).max())


@pytest.mark.parametrize("mapping", ["continuous", "discrete"])
@pytest.mark.parametrize("neuron_type", [nengo.LIF(), nengo.SpikingRectifiedLinear()])
def test_spiking_memory_round_trip_gives_the_same_spikes(
    mapping, neuron_type, tmp_path
):
    net = LegendreMemoryNetwork(
        3, 0.1, 40, synapse=0.05, mapping=mapping, neuron_type=neuron_type, seed=0
    )
    back = imported(to_nir(net), tmp_path)
    u = white(0.5)
    ours = [e.neurons for e in net.coefficients.ea_ensembles]
    theirs = [e.neurons for e in sorted(back.all_ensembles, key=lambda e: e.label)]
    expected, spikes = run(net, net.input, net.output, u, ours)
    actual, spikes_back = run(
        back, back.inputs["input"], back.outputs["output"], u, theirs
    )
    assert sum(s.sum() for s in spikes) > 0
    for a, b in zip(spikes, spikes_back):
        assert np.array_equal(a > 0, b > 0)
    assert np.allclose(actual, expected, atol=1e-12)


def test_spiking_classifier_round_trip(tmp_path):
    """A converted LMUClassifier (exact memory, spiking ReLU hidden units,
    constant bias nodes, a filtered readout): the same scores."""
    with nengo.Network(seed=0) as net:
        classifier = LMUClassifier(
            10,
            32,
            8,
            0.1,
            input_d=1,
            hidden_to_hidden=False,
            input_to_hidden=True,
            neuron_type=nengo.RectifiedLinear(),
            seed=0,
        )
    convert_to_spiking(net, rate_scale=300, synapse=0.005)
    back = imported(to_nir(classifier), tmp_path)
    u = white(0.3, rms=0.5)
    expected, _ = run(classifier, classifier.input, classifier.output, u)
    actual, _ = run(back, back.inputs["input"], back.outputs["output"], u)
    assert np.abs(expected).max() > 0.1
    assert np.allclose(actual, expected, atol=1e-12)


def test_integrate_and_fire_resets_to_zero():
    """NIR's IF in nengo: the voltage above threshold is lost at each spike."""
    with nengo.Network() as net:
        ens = nengo.Ensemble(
            3, 1, neuron_type=IntegrateAndFire(), gain=np.ones(3), bias=[300, 450, 2000]
        )
        probe = nengo.Probe(ens.neurons)
    with nengo.Simulator(net, progress_bar=False) as sim:
        sim.run(1.0)
    counts = (sim.data[probe] > 0).sum(axis=0)
    # ceil(1 / (J dt)) steps per spike: 4, 3 and 1 (subtraction: 300, 450, 1000)
    assert list(counts) == [250, 333, 1000]


@pytest.mark.parametrize(
    "make, attr, words",
    [
        (lambda: nengo.Ensemble(5, 1, neuron_type=nengo.Tanh()), "neuron_type", "rate"),
        (
            lambda: nengo.Ensemble(5, 1, neuron_type=nengo.Direct()),
            "neuron_type",
            "Direct",
        ),
        (
            lambda: nengo.Ensemble(5, 1, neuron_type=nengo.RectifiedLinear()),
            "neuron_type",
            "convert_to_spiking",
        ),
    ],
)
def test_neurons_without_an_nir_form_are_refused(make, attr, words):
    with nengo.Network() as net:
        net.input = nengo.Node(size_in=1)
        ens = make()
        nengo.Connection(net.input, ens)
        net.output = nengo.Node(size_in=1)
        nengo.Connection(ens, net.output)
    with pytest.raises(ValidationError, match=words) as excinfo:
        to_nir(net)
    assert excinfo.value.attr == attr


def test_synapses_and_nodes_without_an_nir_form_are_refused():
    def network(synapse=None, function=False):
        with nengo.Network() as net:
            net.input = nengo.Node(size_in=1)
            net.output = (
                nengo.Node(lambda t, x: x, size_in=1)
                if function
                else nengo.Node(size_in=1)
            )
            nengo.Connection(net.input, net.output, synapse=synapse)
        return net

    for net, attr, words in [
        (network(synapse=nengo.Alpha(0.01)), "synapse", "Lowpass"),
        (network(synapse=0), "synapse", "one-step delay"),
        (network(function=True), "output", "process"),
    ]:
        with pytest.raises(ValidationError, match=words) as excinfo:
            to_nir(net)
        assert excinfo.value.attr == attr
    cell = LMUCell(4, 3, 0.1, 1, hidden_to_hidden=True, neuron_type=nengo.LIF())
    with pytest.raises(ValidationError, match="one-step delay"):
        to_nir(cell)


def test_unsupported_graphs_and_files_are_refused(tmp_path):
    import nir

    graph = nir.NIRGraph(
        nodes={
            "input": nir.Input(input_type=np.array([2])),
            "delay": nir.Delay(delay=np.array([0.1, 0.1])),
            "output": nir.Output(output_type=np.array([2])),
        },
        edges=[("input", "delay"), ("delay", "output")],
    )
    with pytest.raises(ValidationError, match="'delay': Delay"):
        from_nir(graph)
    with pytest.raises(ValidationError, match="no such file"):
        read(tmp_path / "missing.nir")
    (tmp_path / "text.nir").write_text("not hdf5")
    with pytest.raises(ValidationError, match="not an HDF5 file"):
        read(tmp_path / "text.nir")


def test_write_keeps_the_old_file_when_it_fails(tmp_path):
    path = tmp_path / "graph.nir"
    write(path, to_nir(memory_network()))
    before = path.read_bytes()
    with pytest.raises(ValidationError):
        write(path, "not a graph")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nir"]


# --- in Norse, an independent NIR consumer ------------------------------


@pytest.mark.parametrize("dt", [1e-3, 1e-4])
def test_exact_memory_in_norse(dt, tmp_path):
    """Norse integrates the graph by forward Euler: it matches the memory
    discretised by Euler to float32 precision, and the exact (zero-order
    hold) memory within Euler's error, which shrinks with the step."""
    net = memory_network(order=6, theta=0.5, size_in=1)
    u = white(1.0, high=3, rms=0.5, dt=dt)
    theirs = run_in_consumer(
        to_nir(net, memory_node="LI", dt=dt), u[None], dt, tmp_path
    )[0]
    zoh, _ = run(net, net.input, net.output, u, dt=dt)
    euler_net = memory_network(order=6, theta=0.5, size_in=1, discretizer="euler")
    euler, _ = run(euler_net, euler_net.input, euler_net.output, u, dt=dt)
    scale = np.abs(zoh).max()
    assert np.abs(theirs - euler).max() < 1e-5 * scale
    # measured 3.2% (1 ms) and 0.31% (0.1 ms) of the peak: first order
    assert np.abs(theirs - zoh).max() < 60 * dt * scale


def test_euler_matched_memory_in_norse(tmp_path):
    """With ``euler_dt``, Norse's Euler step is the memory's own: an order
    and window for which Euler with the continuous A is unstable at 1 ms
    (euler_min_theta(64, 0.001) = 0.64 s) runs to float32 precision."""
    net = memory_network(order=64, theta=0.3, size_in=1)
    u = white(1.0, high=3, rms=0.5)
    graph = to_nir(net, memory_node="LI", euler_dt=DT)
    theirs = run_in_consumer(graph, u[None], DT, tmp_path)[0]
    ours, _ = run(net, net.input, net.output, u)
    assert np.abs(theirs - ours).max() < 1e-4 * np.abs(ours).max()


def test_two_memories_alike_round_trip(tmp_path):
    """Two memories with the same order and window stay two memories."""
    with nengo.Network() as net:
        net.input = nengo.Node(size_in=2)
        net.output = nengo.Node(size_in=12)
        for j in range(2):
            memory = nengo.Node(LegendreMemory(6, 0.2))
            nengo.Connection(net.input[j], memory, synapse=None)
            nengo.Connection(memory, net.output[6 * j : 6 * (j + 1)], synapse=None)
    back = imported(to_nir(net), tmp_path)
    assert sum(isinstance(n.output, LegendreMemory) for n in back.all_nodes) == 2
    u = white(0.5, d=2)
    expected, _ = run(net, net.input, net.output, u)
    actual, _ = run(back, back.inputs["input"], back.outputs["output"], u)
    assert np.array_equal(actual, expected)
