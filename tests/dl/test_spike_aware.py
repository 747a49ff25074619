"""Spike-aware training: NengoDL's training sees the spikes, the rate's gradient."""

import contextlib

import nengo
import numpy as np
import pytest

nengo_dl = pytest.importorskip("nengo_dl")
tf = pytest.importorskip("tensorflow")

from nengo_dl.neuron_builders import RegularSpikingBuilder, SimNeuronsBuilder  # noqa: E402

from nengo_lmu.dl import spike_aware_training  # noqa: E402


def spiking_network():
    """Five RegularSpiking(Tanh) neurons driven by a ramp, read out linearly."""
    with nengo.Network(seed=0) as net:
        nengo_dl.configure_settings(stateful=False)
        x = nengo.Node(np.zeros(1))
        ens = nengo.Ensemble(
            5,
            1,
            neuron_type=nengo.RegularSpiking(nengo.Tanh(tau_ref=0.01), amplitude=0.01),
            gain=np.ones(5),
            bias=np.zeros(5),
        )
        nengo.Connection(
            x, ens.neurons, transform=np.linspace(-2, 2, 5)[:, None], synapse=None
        )
        out = nengo.Node(size_in=1)
        nengo.Connection(ens.neurons, out, transform=np.ones((1, 5)) / 5, synapse=0.01)
        probe = nengo.Probe(out)
    return net, x, probe


def fit_loss(spike_aware, inputs, targets):
    """The loss that training reports (no step taken: learning rate 0), and the
    prediction's loss."""
    net, x, probe = spiking_network()
    context = spike_aware_training() if spike_aware else contextlib.nullcontext()
    with context:
        sim = nengo_dl.Simulator(net, minibatch_size=2, progress_bar=False)
    with sim:
        sim.compile(optimizer=tf.optimizers.SGD(0.0), loss={probe: tf.losses.mse})
        reported = sim.fit({x: inputs}, {probe: targets}, epochs=1, verbose=0)
        predicted = sim.predict({x: inputs}, verbose=0)[probe]
    return reported.history["loss"][0], float(np.mean((predicted - targets) ** 2))


def test_training_runs_the_spikes_only_inside_the_block():
    ramp = np.linspace(-1, 1, 200)[None, :, None] * np.array([1, 0.5])[:, None, None]
    targets = 0.3 * np.ones_like(ramp)
    aware, spiking = fit_loss(True, ramp, targets)
    plain, _ = fit_loss(False, ramp, targets)
    # spike-aware training reports the spiking network's loss; NengoDL's own
    # training reports the rate network's, which differs
    assert aware == pytest.approx(spiking, rel=1e-4)
    assert abs(plain - spiking) > 1e-3 * spiking
    # and NengoDL's builder is back after the block
    assert (
        SimNeuronsBuilder.TF_NEURON_IMPL[nengo.RegularSpiking] is RegularSpikingBuilder
    )


def test_spike_aware_training_lowers_the_spiking_loss():
    # both connections' weights train; a gradient stopped at the spikes
    # would leave the loss where it is
    net, x, probe = spiking_network()
    ramp = np.linspace(-1, 1, 200)[None, :, None] * np.array([1, 0.5])[:, None, None]
    targets = 0.5 * np.tanh(2 * ramp)
    with spike_aware_training():
        sim = nengo_dl.Simulator(net, minibatch_size=2, progress_bar=False)
    with sim:
        before = np.mean((sim.predict({x: ramp}, verbose=0)[probe] - targets) ** 2)
        sim.compile(optimizer=tf.optimizers.Adam(0.05), loss={probe: tf.losses.mse})
        sim.fit({x: ramp}, {probe: targets}, epochs=30, verbose=0)
        after = np.mean((sim.predict({x: ramp}, verbose=0)[probe] - targets) ** 2)
    assert after < 0.5 * before
