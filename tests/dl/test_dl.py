"""`LegendreMemory` in NengoDL: merging, minibatches, state and gradients."""

import contextlib

import nengo
import numpy as np
import pytest

from nengo_lmu import LegendreMemory, LMUCell, discretize, lmu_system

nengo_dl = pytest.importorskip("nengo_dl")
tf = pytest.importorskip("tensorflow")

from nengo_dl.op_builders import DotIncBuilder  # noqa: E402

from nengo_lmu.dl import MatMulDotIncBuilder, fast_dot_products  # noqa: E402

DT = 0.001


def exact_memory(u, order, theta, dt=DT):
    """Float64 recurrence for inputs of shape (batch, steps, d)."""
    Ad, Bd = discretize(*lmu_system(order, theta), dt)
    m = np.zeros(u.shape[:1] + (u.shape[2], order))
    out = np.empty(u.shape[:2] + (u.shape[2] * order,))
    for t in range(u.shape[1]):
        m = m @ Ad.T + u[:, t, :, None] * Bd[:, 0]
        out[:, t] = m.reshape(len(u), -1)
    return out


def memory_groups(sim):
    """The operator groups that NengoDL built for Legendre memories."""
    return [
        ops
        for ops in sim.tensor_graph.plan
        if type(ops[0]).__name__ == "SimLegendreMemory"
    ]


def test_instances_merge_into_one_op():
    with nengo.Network() as net:
        stim = nengo.Node(np.zeros(3))
        for theta, size_in in ((0.1, 3), (0.1, 1), (0.3, 2)):
            mem = nengo.Node(LegendreMemory(8, theta, size_in=size_in))
            nengo.Connection(stim[:size_in], mem, synapse=None)
        other_order = nengo.Node(LegendreMemory(5, 0.1, size_in=1))
        nengo.Connection(stim[0], other_order, synapse=None)
    with nengo_dl.Simulator(net, progress_bar=False) as sim:
        groups = memory_groups(sim)
    # the three order-8 memories (two windows) in one op, order 5 in its own
    assert sorted(len(ops) for ops in groups) == [1, 3]


@pytest.mark.parametrize("same_theta", [True, False])
def test_minibatch_matches_exact(same_theta, rng):
    batch, steps = 4, 300
    thetas = (0.05, 0.05) if same_theta else (0.05, 0.12)
    with nengo.Network() as net:
        stim = nengo.Node(np.zeros(2))
        mems = [nengo.Node(LegendreMemory(6, theta, size_in=2)) for theta in thetas]
        probes = []
        for mem in mems:
            nengo.Connection(stim, mem, synapse=None)
            probes.append(nengo.Probe(mem))
    u = rng.uniform(-1, 1, size=(batch, steps, 2))
    with nengo_dl.Simulator(net, minibatch_size=batch, progress_bar=False) as sim:
        assert len(memory_groups(sim)) == 1
        sim.run_steps(steps, data={stim: u})
        for theta, probe in zip(thetas, probes):
            assert np.allclose(sim.data[probe], exact_memory(u, 6, theta), atol=1e-5)


def test_state_persists_across_runs_and_resets():
    u = np.ones((1, 100, 1))
    with nengo.Network() as net:
        stim = nengo.Node([0.0])
        mem = nengo.Node(LegendreMemory(4, 0.1))
        nengo.Connection(stim, mem, synapse=None)
        probe = nengo.Probe(mem)
    expected = exact_memory(u, 4, 0.1)[0]
    with nengo_dl.Simulator(net, progress_bar=False) as sim:
        sim.run_steps(50, data={stim: u[:, :50]})
        sim.run_steps(50, data={stim: u[:, 50:]})
        assert np.allclose(sim.data[probe], expected, atol=1e-5)
        sim.reset()
        sim.run_steps(50, data={stim: u[:, :50]})
        assert np.allclose(sim.data[probe], expected[:50], atol=1e-5)


def test_analytic_gradients_match_numeric():
    # NengoDL's own check: d(probe) / d(input) through the memory, analytic
    # (TensorFlow) against finite differences, in float64 so that the finite
    # differences are accurate enough for NengoDL's default tolerances
    with nengo.Network() as net:
        nengo_dl.configure_settings(dtype="float64")
        stim = nengo.Node([0.0, 0.0])
        mem = nengo.Node(LegendreMemory(4, 0.01, size_in=2))
        nengo.Connection(stim, mem, synapse=None)
        nengo.Probe(mem)
    with nengo_dl.Simulator(net, unroll_simulation=5, progress_bar=False) as sim:
        inputs = [np.random.RandomState(0).uniform(-1, 1, size=(1, 10, 2))]
        sim.check_gradients(inputs=inputs)


def test_training_upstream_through_memory(rng):
    """A trainable transform before the memory learns through it.

    The target is the memory of ``2 * x``; the transform starts at 0.5 and
    the only way the loss can fall is by learning the factor through the
    memory's matrix product. The loss is quadratic in the factor with a
    curvature of about 0.07 here, so plain SGD with a step of 10 shrinks the
    error about threefold per epoch.
    """
    steps, batch = 40, 16
    with nengo.Network() as net:
        nengo_dl.configure_settings(trainable=None, stateful=False)
        net.config[nengo.Ensemble].trainable = False
        net.config[nengo.Connection].trainable = False
        stim = nengo.Node(np.zeros(1))
        ens = nengo.Ensemble(1, 1, neuron_type=nengo.Direct())
        nengo.Connection(stim, ens, synapse=None)
        mem = nengo.Node(LegendreMemory(4, 0.02))
        conn = nengo.Connection(ens, mem, transform=0.5, synapse=None)
        net.config[conn].trainable = True
        probe = nengo.Probe(mem)
    x = rng.uniform(-1, 1, size=(batch, steps, 1))
    target = exact_memory(2 * x, 4, 0.02)
    with nengo_dl.Simulator(net, minibatch_size=batch, progress_bar=False) as sim:
        sim.compile(optimizer=tf.optimizers.SGD(10.0), loss=tf.losses.mse)
        before = sim.evaluate({stim: x}, {probe: target}, verbose=0)["loss"]
        sim.fit({stim: x}, {probe: target}, epochs=60, verbose=0)
        after = sim.evaluate({stim: x}, {probe: target}, verbose=0)["loss"]
        learned = sim.data[conn].weights
    assert after < 1e-3 * before
    assert np.allclose(learned, 2.0, atol=0.02)


def _train_step(x, y, fast):
    """Outputs, and the weights after one SGD step, of a two-layer network
    whose dense products are a lone group (one weight matrix each), built
    with `fast_dot_products` or NengoDL's own builders."""
    with nengo.Network(seed=0) as net:
        nengo_dl.configure_settings(stateful=False)
        inp = nengo.Node(np.zeros(3))
        ens = nengo.Ensemble(20, 1, neuron_type=nengo.RectifiedLinear())
        out = nengo.Node(size_in=2)
        nengo.Connection(inp, ens.neurons, transform=np.ones((20, 3)) * 0.1)
        conn = nengo.Connection(ens.neurons, out, transform=np.ones((2, 20)) * 0.05)
        probe = nengo.Probe(out)
    context = fast_dot_products() if fast else contextlib.nullcontext()
    with context:
        sim = nengo_dl.Simulator(net, minibatch_size=4, progress_bar=False)
    with sim:
        lone = [
            ops
            for ops in sim.tensor_graph.plan
            if isinstance(ops[0], nengo.builder.operator.DotInc) and len(ops) == 1
        ]
        assert len(lone) == 2  # the case that MatMulDotIncBuilder computes
        builders = {type(sim.tensor_graph.op_builder.op_builds[ops]) for ops in lone}
        assert builders == {MatMulDotIncBuilder if fast else DotIncBuilder}
        before = sim.predict({inp: x})[probe]
        sim.compile(optimizer=tf.optimizers.SGD(0.1), loss=tf.losses.mse)
        sim.fit({inp: x}, {probe: y}, epochs=1, verbose=0)
        weights = sim.data[conn].weights
    return before, weights


def test_matmul_dot_builder_equals_nengo_dls(rng):
    """The faster dense product gives NengoDL's outputs and gradients."""
    x = rng.uniform(-1, 1, size=(4, 5, 3))
    y = rng.uniform(-1, 1, size=(4, 5, 2))
    ours = _train_step(x, y, fast=True)
    theirs = _train_step(x, y, fast=False)
    assert not np.allclose(ours[1], np.ones((2, 20)) * 0.05)  # it trained...
    assert np.allclose(ours[0], theirs[0], atol=1e-6)  # ...as NengoDL does
    assert np.allclose(ours[1], theirs[1], atol=1e-6)


def test_nothing_replaces_nengo_dls_builders():
    """Building the LMU's objects leaves NengoDL's builders of other
    operators alone; `fast_dot_products` swaps them only inside its block."""
    dot_ops = (nengo.builder.operator.DotInc, nengo_dl.op_builders.DotSet)
    original = [nengo_dl.builder.Builder.builders[op] for op in dot_ops]
    assert original == [DotIncBuilder, DotIncBuilder]
    with nengo.Network(seed=0) as net:
        inp = nengo.Node(np.zeros(1))
        cell = LMUCell(units=4, order=3, theta=0.01, input_d=1)
        nengo.Connection(inp, cell.input, synapse=None)
        memory = nengo.Node(LegendreMemory(3, 0.01))
        nengo.Connection(inp, memory, synapse=None)
    with nengo_dl.Simulator(net, progress_bar=False):
        pass
    assert [nengo_dl.builder.Builder.builders[op] for op in dot_ops] == original
    with fast_dot_products():
        assert all(
            nengo_dl.builder.Builder.builders[op] is MatMulDotIncBuilder
            for op in dot_ops
        )
    assert [nengo_dl.builder.Builder.builders[op] for op in dot_ops] == original
