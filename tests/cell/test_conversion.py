"""Conversion of a rate network to spiking neurons."""

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LMUCell, convert_to_spiking, spiking_neuron_type

DT = 0.001


@pytest.mark.parametrize(
    "rate_type, rate_scale",
    [
        (nengo.RectifiedLinear(), 1.0),
        (nengo.RectifiedLinear(amplitude=0.5), 50.0),
        (nengo.LIFRate(), 1.0),
        (nengo.LIFRate(amplitude=0.01), 4.0),
        (nengo.Tanh(tau_ref=1.0), 500.0),
        (nengo.Sigmoid(tau_ref=0.01), 2.0),
    ],
)
def test_spiking_types_average_to_the_rate_output(rate_type, rate_scale):
    """Over 2 s, each neuron's mean spiking output equals its rate output to
    within the value of two spikes (regular spiking is off by at most one
    spike at each end of the window)."""
    n = 20
    gain = np.linspace(0.5, 2.0, n)
    bias = np.linspace(-1.5, 3.0, n)
    spiking, gain_scale = spiking_neuron_type(rate_type, rate_scale)
    assert spiking.spiking
    with nengo.Network(seed=1) as net:
        rate = nengo.Ensemble(n, 1, neuron_type=rate_type, gain=gain, bias=bias)
        spikes = nengo.Ensemble(
            n, 1, neuron_type=spiking, gain=gain * gain_scale, bias=bias * gain_scale
        )
        p_rate = nengo.Probe(rate.neurons)
        p_spikes = nengo.Probe(spikes.neurons)
    with nengo.Simulator(net, dt=DT, progress_bar=False) as sim:
        sim.run(2.0)
    expected = sim.data[p_rate][-1]
    mean = sim.data[p_spikes][int(0.1 / DT) :].mean(axis=0)  # LIF settles first
    one_spike = np.max(np.abs(sim.data[p_spikes])) * DT / 1.9
    assert np.max(np.abs(expected)) > 0
    assert np.allclose(mean, expected, atol=2 * one_spike + 1e-9)


def test_bad_conversions():
    with pytest.raises(ValidationError, match="already a spiking"):
        spiking_neuron_type(nengo.LIF())
    with pytest.raises(ValidationError) as info:
        spiking_neuron_type(nengo.Tanh(), rate_scale=0)
    assert info.value.attr == "rate_scale"

    class Square(nengo.neurons.NeuronType):
        def step(self, dt, J, output):
            output[...] = J**2

    # a rate type outside the table converts only unscaled
    assert isinstance(spiking_neuron_type(Square())[0], nengo.RegularSpiking)
    with pytest.raises(
        ValidationError, match="cannot scale the firing rates of Square"
    ):
        spiking_neuron_type(Square(), rate_scale=2.0)
    with nengo.Network() as net:
        nengo.Ensemble(5, 1, neuron_type=nengo.RectifiedLinear())  # gain from rates
    with pytest.raises(ValidationError, match="explicit gain and bias"):
        convert_to_spiking(net, rate_scale=10)


def cell_network(neuron_type, seed=0, readout_synapse=None, **cell_kwargs):
    with nengo.Network(seed=seed) as net:
        stim = nengo.Node(nengo.processes.WhiteSignal(1.0, high=5, rms=0.5, seed=seed))
        net.cell = LMUCell(16, 6, 0.1, 1, neuron_type=neuron_type, **cell_kwargs)
        nengo.Connection(stim, net.cell.input, synapse=None)
        net.out = nengo.Node(size_in=2)
        readout = np.random.RandomState(seed).uniform(-0.3, 0.3, size=(2, 16))
        nengo.Connection(
            net.cell.output, net.out, transform=readout, synapse=readout_synapse
        )
        net.probe = nengo.Probe(net.out, synapse=0.02)
    return net


# NengoLoihi's neurons spike with one sign only
SIGNED_SPIKES = pytest.mark.skip_on(
    nengo_loihi="signed spikes (tanh) do not exist on Loihi"
)


def nrmse(actual, target):
    return np.sqrt(np.mean((actual - target) ** 2)) / np.sqrt(np.mean(target**2))


@pytest.mark.parametrize(
    "neuron_type, rate_scale",
    [
        pytest.param(nengo.Tanh(tau_ref=1.0), 1000.0, id="tanh", marks=SIGNED_SPIKES),
        pytest.param(nengo.RectifiedLinear(), 1000.0, id="relu"),
    ],
)
def test_converted_cell_tracks_the_rate_cell(Simulator, neuron_type, rate_scale):
    """The readout of the spiking cell follows the rate cell's readout.

    The rate reference has the 5 ms readout synapse that conversion adds, so
    the difference is spike noise only: after the probes' 20 ms filter it is
    about 4% of the signal at these rates (bound: 0.1; measured in nengo 0.037
    for tanh at 1000 Hz, 0.038 for ReLU; at 200 Hz ReLU was 0.23). On the
    Loihi emulator the bound is `spike_noise` times larger (0.25; measured
    0.24 for ReLU).
    """
    kwargs = dict(hidden_to_hidden=False, input_to_hidden=True)
    rate = cell_network(neuron_type, readout_synapse=0.005, **kwargs)
    spiking = convert_to_spiking(cell_network(neuron_type, **kwargs), rate_scale)
    assert spiking.cell.hidden.neuron_type.spiking
    with nengo.Simulator(rate, dt=DT, progress_bar=False) as sim:
        sim.run(1.0)
        target = sim.data[rate.probe]
    with Simulator(spiking, dt=DT) as sim:
        sim.run(1.0)
        actual = sim.data[spiking.probe]
    # the weights are unchanged by conversion
    for name, w in rate.cell.get_weights().items():
        assert np.allclose(spiking.cell.get_weights()[name], w)
    assert np.std(target) > 0.05
    assert nrmse(actual[100:], target[100:]) < 0.1 * Simulator.spike_noise


@pytest.mark.parametrize(
    "neuron_type",
    [
        pytest.param(nengo.Tanh(tau_ref=1.0), marks=SIGNED_SPIKES),
        nengo.RectifiedLinear(),
    ],
)
@pytest.mark.xfail_on(
    nengo_loihi="the cell's spiking memory in the Loihi layout is not yet accurate "
    "enough on the emulator (issue 14): NRMSE 0.31 (nengo: 0.057) against the "
    "bound 0.1"
)
def test_converted_cell_with_neural_memory(Simulator, neuron_type):
    """The memory too in spiking neurons: the cell runs, every connection that
    touched the exact memory now touches the neural one, and the readout still
    follows the rate cell's. The neural memory adds its own error and a
    one-step delay: measured in nengo 0.046 (tanh) and 0.057 (ReLU), bound
    0.1."""
    kwargs = dict(hidden_to_hidden=False, hidden_to_memory=False, input_to_hidden=True)
    rate = cell_network(neuron_type, readout_synapse=0.005, **kwargs)
    spiking = convert_to_spiking(
        cell_network(neuron_type, **kwargs),
        rate_scale=1000,
        memory_kwargs=dict(
            n_neurons=100,
            synapse=0.05,
            # the memory's layout for the simulator: NengoLoihi refuses the other
            target="loihi" if Simulator.backend == "nengo_loihi" else None,
        ),
    )
    cell = spiking.cell
    assert cell.memory_type == "neurons"
    assert all(not isinstance(n.output, nengo.Process) for n in cell.nodes)
    touched = {c.pre_obj for c in cell.connections} | {
        c.post_obj for c in cell.connections
    }
    assert cell.memory.input in touched and cell.memory.output in touched
    with nengo.Simulator(rate, dt=DT, progress_bar=False) as sim:
        sim.run(1.0)
        target = sim.data[rate.probe]
    with Simulator(spiking, dt=DT) as sim:
        sim.run(1.0)
        actual = sim.data[spiking.probe]
    assert nrmse(actual[100:], target[100:]) < 0.1


@SIGNED_SPIKES
def test_no_synapse_keeps_the_recurrent_delay(Simulator):
    """With ``synapse=None`` the hidden recurrence keeps its one-step delay
    (replacing it with None would make an algebraic loop)."""
    net = cell_network(nengo.Tanh(tau_ref=1.0), hidden_to_hidden=True)
    convert_to_spiking(net, rate_scale=100, synapse=None)
    recurrence = net.cell.named_connections["hidden_kernel"]
    assert recurrence.synapse == nengo.Lowpass(0)
    assert net.cell.named_connections["memory_kernel"].synapse is None
    with Simulator(net, dt=DT) as sim:
        sim.run_steps(10)
