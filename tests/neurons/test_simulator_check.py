"""Each network runs on the simulators it is laid out for and is refused on others."""

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LMUClassifier, legendre_readout
from nengo_lmu.loihi import LoihiPath
from nengo_lmu.loihi import model as loihi_model
from nengo_lmu.neurons import LegendreMemoryNetwork
from nengo_lmu.neurons.simulator_check import chip_neuron_problem

DT = 0.001
LOIHI_ONLY = "checks what NengoLoihi builds"


def refusal(Simulator, net):
    """The error that building ``net`` raises."""
    with pytest.raises(ValidationError) as info:
        with Simulator(net, dt=DT):
            pass
    return info.value


def test_each_layout_is_refused_by_the_other_simulators(Simulator):
    """The nengo layout on NengoLoihi, the Loihi layout on nengo and NengoDL:
    an error that names the network and says which ``target`` to use,
    before anything is built that would fail."""
    on_loihi = Simulator.backend == "nengo_loihi"
    with nengo.Network() as net:
        memory = LegendreMemoryNetwork(3, 0.1, 16, target=None if on_loihi else "loihi")
        nengo.Ensemble(1, 1)  # NengoLoihi refuses a network with nothing on chip
    error = refusal(Simulator, net)
    assert error.attr == "target" and error.obj is memory
    assert ("target='loihi'" if on_loihi else "target=None") in str(error)


@pytest.mark.skip_on(nengo=LOIHI_ONLY, nengo_dl=LOIHI_ONLY)
def test_the_loihi_layout_runs_on_nengo_loihi_as_built(Simulator, seed):
    """``target="loihi"`` and a plain ``nengo_loihi.Simulator``: a memory.

    A short Task A (order 3, theta 0.1 s, 3 x 128 LIF, 3 Hz noise) with
    NengoLoihi's defaults (5 ms decode filter): 2 s runs of seeds 0-4 gave
    NRMSE 0.09 to 0.19 (benchmarks/delay.py has the tuned settings); the
    bound is about 1.6 times the worst.
    """
    with nengo.Network(seed=seed) as net:
        stim = nengo.Node(nengo.processes.WhiteSignal(2.0, high=3, rms=0.3, seed=seed))
        memory = LegendreMemoryNetwork(
            3,
            0.1,
            128,
            synapse=0.02,
            scaling=nengo.processes.WhiteSignal(60, high=3, rms=0.3),
            target="loihi",
        )
        nengo.Connection(stim, memory.input, synapse=None)
        p_out, p_stim = nengo.Probe(memory.output), nengo.Probe(stim)
    with Simulator(net, dt=DT) as sim:
        sim.run(2.0)
    lag = int(round(0.1 / DT)) + memory.delay
    decoded = (sim.data[p_out] @ legendre_readout(3, 1.0)[0])[lag:]
    target = sim.data[p_stim][: len(decoded), 0]
    skip = 500
    error = decoded[skip:] - target[skip:]
    assert np.sqrt(np.mean(error**2) / np.mean(target[skip:] ** 2)) < 0.3


@pytest.mark.skip_on(nengo=LOIHI_ONLY, nengo_dl=LOIHI_ONLY)
def test_a_path_whose_decode_filter_the_model_lacks_is_refused(Simulator):
    path = LoihiPath(decode_tau=0.02)
    with nengo.Network() as net:
        memory = LegendreMemoryNetwork(3, 0.1, 16, target=path)
    error = refusal(Simulator, net)
    assert error.obj is memory and "nengo_lmu.loihi.simulator" in str(error)
    # with the model that the path describes, it builds
    with Simulator(net, dt=DT, model=loihi_model(path, DT)) as sim:
        sim.run_steps(2)


@pytest.mark.parametrize(
    "neuron_type",
    [nengo.Tanh(), nengo.RectifiedLinear(), nengo.Direct()],
    ids=lambda n: type(n).__name__,
)
@pytest.mark.skip_on(nengo=LOIHI_ONLY, nengo_dl=LOIHI_ONLY)
def test_neurons_without_a_chip_form_are_refused(Simulator, neuron_type):
    with nengo.Network() as net:
        memory = LegendreMemoryNetwork(
            3, 0.1, 16, neuron_type=neuron_type, target="loihi"
        )
        nengo.Ensemble(1, 1)
    error = refusal(Simulator, net)
    assert error.attr == "neuron_type" and error.obj is memory
    assert type(neuron_type).__name__ in str(error)


@pytest.mark.parametrize(
    "neuron_type",
    [nengo.Tanh(), nengo.RectifiedLinear()],
    ids=lambda n: type(n).__name__,
)
@pytest.mark.skip_on(nengo=LOIHI_ONLY, nengo_dl=LOIHI_ONLY)
def test_a_classifier_of_rate_neurons_is_refused(Simulator, neuron_type):
    """The error names the classifier and the conversion to spikes."""
    with nengo.Network() as net:
        classifier = LMUClassifier(3, 8, 4, 0.1, neuron_type=neuron_type)
    error = refusal(Simulator, net)
    assert error.obj is classifier and "convert_to_spiking" in str(error)


@pytest.mark.skip_on(nengo=LOIHI_ONLY, nengo_dl=LOIHI_ONLY)
def test_a_spiking_classifier_runs_on_nengo_loihi_as_built(Simulator):
    with nengo.Network(seed=0) as net:
        classifier = LMUClassifier(
            3, 8, 4, 0.1, neuron_type=nengo.SpikingRectifiedLinear()
        )
        stim = nengo.Node(0.5)
        nengo.Connection(stim, classifier.input, synapse=None)
        probe = nengo.Probe(classifier.output, synapse=0.01)
    with Simulator(net, dt=DT) as sim:
        sim.run_steps(50)
    assert sim.data[probe].shape == (50, 3)


def test_chip_neuron_types_are_those_nengo_loihi_builds():
    pytest.importorskip("nengo_loihi")
    for chip in (
        nengo.LIF(),
        nengo.SpikingRectifiedLinear(),
        nengo.RegularSpiking(nengo.LIFRate()),
    ):
        assert chip_neuron_problem(chip) is None
    for other in (
        nengo.Tanh(),
        nengo.LIFRate(),
        nengo.RegularSpiking(nengo.Tanh()),
        nengo.Direct(),
    ):
        assert "nengo.LIF" in chip_neuron_problem(other)
