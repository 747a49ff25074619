"""Synapse-aware mappings against the exact discrete system.

The closed loops run in nengo with ``Direct`` ensembles (exact linear
algebra, no neurons), so any difference from the target system is an error
of the mapping, not of a neural approximation.
"""

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import discretize, lmu_system
from nengo_lmu.loihi import LoihiPath
from nengo_lmu.neurons.synapse_mapping import (
    discrete_transfer_function,
    map_continuous_lowpass,
    map_discrete_lowpass,
    map_discrete_synapse,
    node_filter,
)

from reference import recurrence

DT = 0.001


def target_states(u, Ad, Bd):
    """x*[t] with x*[t] = Ad x*[t-1] + Bd u[t] (LegendreMemory's convention)."""
    return recurrence(u, Ad, Bd)


def run_loop(u, recurrent, recurrent_synapse, input_connections):
    """A Direct-mode population with the given recurrence and inputs.

    ``input_connections`` is a list of ``(transform, synapse, prefilter)``
    from the input node into the population; ``prefilter`` (or None) runs in
    a Node before the connection, as a host-side filter would.
    """
    q = len(recurrent)
    with nengo.Network() as net:
        stim = nengo.Node(nengo.processes.PresentInput(u, presentation_time=DT))
        ens = nengo.Ensemble(1, q, neuron_type=nengo.Direct())
        nengo.Connection(ens, ens, transform=recurrent, synapse=recurrent_synapse)
        for transform, synapse, prefilter in input_connections:
            source = stim
            if prefilter is not None:
                source = nengo.Node(prefilter, size_in=1)
                nengo.Connection(stim, source, synapse=None)
            nengo.Connection(source, ens, transform=transform, synapse=synapse)
        probe = nengo.Probe(ens, synapse=None)
    with nengo.Simulator(net, dt=DT, progress_bar=False) as sim:
        sim.run_steps(len(u))
    return sim.data[probe]


def white_noise(n_steps=600, seed=0):
    process = nengo.processes.WhiteSignal(n_steps * DT, high=20, rms=0.5, seed=seed)
    return process.run_steps(n_steps, d=1, dt=DT)[:, 0]


def assert_tracks(states, target, delay):
    """The population equals the target ``delay`` steps later, to rounding."""
    assert np.all(np.abs(states[:delay]) < 1e-12)
    assert np.allclose(states[delay:], target[: len(target) - delay], atol=1e-9)


@pytest.fixture
def system():
    return discretize(*lmu_system(4, 0.05), DT)


def test_continuous_lowpass_formula():
    A, B = lmu_system(3, 0.1)
    M, N = map_continuous_lowpass(A, B, 0.02)
    assert np.allclose(M, 0.02 * A + np.eye(3))
    assert np.allclose(N, 0.02 * B)


def test_discrete_lowpass_is_exact(system):
    Ad, Bd = system
    u = white_noise()
    M, N = map_discrete_lowpass(Ad, Bd, 0.05, DT)
    states = run_loop(u, M, nengo.Lowpass(0.05), [(N, nengo.Lowpass(0.05), None)])
    # one step behind LegendreMemory: the synapse delays by a step
    assert_tracks(states, target_states(u, Ad, Bd), delay=1)


def test_continuous_lowpass_is_approximate(system):
    # the continuous mapping ignores the discretisation: close, not exact
    A, B = lmu_system(4, 0.05)
    Ad, Bd = system
    u = white_noise()
    M, N = map_continuous_lowpass(A, B, 0.05)
    states = run_loop(u, M, nengo.Lowpass(0.05), [(N, nengo.Lowpass(0.05), None)])
    error = np.abs(states[1:] - target_states(u, Ad, Bd)[:-1]).max()
    assert 1e-4 < error < 0.2


def test_general_mapping_of_a_lowpass_equals_the_lowpass_mapping(system):
    Ad, Bd = system
    M, N = map_discrete_lowpass(Ad, Bd, 0.05, DT)
    mapping = map_discrete_synapse(Ad, Bd, nengo.Lowpass(0.05), DT)
    assert mapping.lag == 0
    assert np.allclose(mapping.recurrent, M)
    gains = [f.num[0] / f.den[0] for f in mapping.input_filters]
    assert np.allclose(gains, N[:, 0])


SYNAPSES = {
    "alpha": nengo.Alpha(0.01),  # second order, with a zero
    "two lowpass": nengo.LinearFilter([1], [0.01 * 0.005, 0.015, 1]),
    "lowpass and 2-step delay": nengo.LinearFilter(
        [1 - np.exp(-DT / 0.02)], [1, -np.exp(-DT / 0.02), 0, 0], analog=False
    ),
}


@pytest.mark.parametrize("name", SYNAPSES)
def test_general_synapse_is_exact(system, name):
    Ad, Bd = system
    synapse = SYNAPSES[name]
    u = white_noise()
    mapping = map_discrete_synapse(Ad, Bd, synapse, DT)
    q = len(Ad)
    # the input filtered on its way in, one connection per state dimension
    inputs = [
        (np.eye(q)[:, [i]], s, None) for i, s in enumerate(mapping.input_synapses)
    ]
    states = run_loop(u, mapping.recurrent, synapse, inputs)
    assert_tracks(states, target_states(u, Ad, Bd), delay=1 + mapping.lag)


@pytest.mark.parametrize("name", SYNAPSES)
def test_host_prefilter_with_a_different_input_synapse(system, name):
    """The Loihi arrangement: recurrence through ``synapse``, input through
    a plain lowpass after a host-side filter."""
    Ad, Bd = system
    synapse, input_synapse = SYNAPSES[name], nengo.Lowpass(0.005)
    u = white_noise()
    mapping = map_discrete_synapse(Ad, Bd, synapse, DT, input_synapse=input_synapse)
    q = len(Ad)
    inputs = [
        (np.eye(q)[:, [i]], input_synapse, node_filter(f))
        for i, f in enumerate(mapping.input_filters)
    ]
    states = run_loop(u, mapping.recurrent, synapse, inputs)
    assert_tracks(states, target_states(u, Ad, Bd), delay=1 + mapping.lag)


@pytest.mark.parametrize(
    "synapse, match",
    [
        (None, "needs a synapse"),
        (nengo.LinearFilter([1], [1], analog=False), "no delay"),
        ("lowpass", "nengo.LinearFilter"),
    ],
)
def test_bad_synapses_are_refused(system, synapse, match):
    Ad, Bd = system
    with pytest.raises(ValidationError, match=match) as excinfo:
        map_discrete_synapse(Ad, Bd, synapse, DT)
    assert excinfo.value.attr == "synapse"


def test_node_filter_realises_the_transfer_function():
    # z^-2 in a Node delays by two steps, as it does on a connection
    impulse = np.zeros((5, 1))
    impulse[0] = 1
    delay = nengo.LinearFilter([1], [1, 0, 0], analog=False)
    with nengo.Network() as net:
        stim = nengo.Node(nengo.processes.PresentInput(impulse, presentation_time=DT))
        node = nengo.Node(node_filter(delay), size_in=1)
        nengo.Connection(stim, node, synapse=None)
        probe = nengo.Probe(node)
    with nengo.Simulator(net, dt=DT, progress_bar=False) as sim:
        sim.run_steps(5)
    assert np.array_equal(sim.data[probe][:, 0], [0, 0, 1, 0, 0])


def test_transfer_function_includes_the_synapse_delay():
    num, den = discrete_transfer_function(nengo.Lowpass(0.01), DT)
    a = np.exp(-DT / 0.01)
    assert np.allclose(num, [1 - a]) and np.allclose(den, [1, -a])


def test_loihi_paths_are_nengos_discrete_lowpasses():
    """NengoLoihi filters with (1 - a) / (z - a) per lowpass, as nengo does
    (without the chip's 12-bit decays, as with target='simreal')."""
    path = LoihiPath(decode_tau=0.02, chip_decays=False)
    rec = path.recurrent_synapse(0.05, DT)
    b1, c1 = discrete_transfer_function(nengo.Lowpass(0.05), DT)
    b2, c2 = discrete_transfer_function(nengo.Lowpass(0.02), DT)
    assert np.allclose(rec.num, np.polymul(b1, b2))
    assert np.allclose(rec.den, np.polymul(c1, c2))
    assert np.allclose(path.input_synapse(DT).den, c2)
    delayed = LoihiPath(decode_delay=2).recurrent_synapse(0.05, DT)
    assert len(delayed.den) == 5


@pytest.mark.parametrize("decode_delay", [0, 1])
def test_loihi_path_mapping_is_exact(system, decode_delay):
    """The memory mapped onto the emulator's recurrent path (h_tau h_dec z^-k)
    with input through h_dec after a host prefilter, as LegendreMemoryNetwork
    does for a Loihi target."""
    Ad, Bd = system
    path = LoihiPath(decode_tau=0.02, decode_delay=decode_delay)
    synapse, input_synapse = path.recurrent_synapse(0.02, DT), path.input_synapse(DT)
    u = white_noise()
    mapping = map_discrete_synapse(Ad, Bd, synapse, DT, input_synapse=input_synapse)
    q = len(Ad)
    inputs = [
        (np.eye(q)[:, [i]], input_synapse, node_filter(f))
        for i, f in enumerate(mapping.input_filters)
    ]
    states = run_loop(u, mapping.recurrent, synapse, inputs)
    assert mapping.lag == 1 + decode_delay
    assert_tracks(states, target_states(u, Ad, Bd), delay=1 + mapping.lag)


def test_loihi_path_validates():
    for kwargs, attr in [
        ({"decode_tau": 0}, "decode_tau"),
        ({"decode_gain": -1}, "decode_gain"),
        ({"decode_delay": 0.5}, "decode_delay"),
        ({"io_delay": -1}, "io_delay"),
    ]:
        with pytest.raises(ValidationError) as excinfo:
            LoihiPath(**kwargs)
        assert excinfo.value.attr == attr
