"""Training `LMUCell` with NengoDL: sequentially, and on the parallel path."""

import nengo
import numpy as np
import pytest

from nengo_lmu import LMUCell

nengo_dl = pytest.importorskip("nengo_dl")
tf = pytest.importorskip("tensorflow")

DT = 0.001
N_STEPS = 40
UNITS = 12
ORDER = 4
THETA = 20 * DT
DELAY = 10  # steps: the task is to output the input of DELAY steps ago


def delay_task(n, seed):
    process = nengo.processes.WhiteSignal(N_STEPS * DT, high=40, rms=0.5, seed=seed)
    rngs = [np.random.RandomState(seed * 1000 + i) for i in range(n)]
    x = np.stack([process.run_steps(N_STEPS, dt=DT, rng=rng) for rng in rngs])
    y = np.zeros_like(x)
    y[:, DELAY:] = x[:, :-DELAY]
    return x, y


def model(cell_kwargs, readout=None):
    """input -> cell -> linear readout, with probes."""
    with nengo.Network(seed=0) as net:
        net.cell = LMUCell(UNITS, ORDER, THETA, input_d=1, **cell_kwargs)
        # x, or for a parallel cell x with its memories
        net.inp = nengo.Node(np.zeros(net.cell.input.size_in))
        nengo.Connection(net.inp, net.cell.input, synapse=None)
        net.out = nengo.Node(size_in=1)
        net.readout = nengo.Connection(
            net.cell.output,
            net.out,
            transform=np.zeros((1, UNITS)) if readout is None else readout,
            synapse=None,
        )
        net.probe = nengo.Probe(net.out)
    return net


def fit(net, x, y, epochs, lr=0.02):
    sim = nengo_dl.Simulator(net, minibatch_size=16, progress_bar=False, seed=0)
    sim.compile(optimizer=tf.optimizers.Adam(lr), loss=tf.losses.mse)
    before = sim.evaluate({net.inp: x}, {net.probe: y}, verbose=0)["loss"]
    sim.fit({net.inp: x}, {net.probe: y}, epochs=epochs, verbose=0)
    after = sim.evaluate({net.inp: x}, {net.probe: y}, verbose=0)["loss"]
    return sim, before, after


@pytest.mark.parametrize("memory", ("process", "connections"))
def test_sequential_training_reduces_loss_and_keeps_memory_fixed(memory):
    x, y = delay_task(32, seed=0)
    net = model(dict(memory=memory, hidden_to_memory=True, use_bias=True))
    frozen = [c for c in getattr(net.cell, "memory_connections", [])]
    initial = net.cell.get_weights()
    sim, before, after = fit(net, x, y, epochs=15)
    with sim:
        trained = net.cell.get_weights(sim)
        memory_weights = [sim.data[c].weights for c in frozen]
    # a zero readout predicts 0: the loss starts at the target's power (0.25)
    assert after < 0.3 * before, (before, after)
    for name in ("input_encoders", "hidden_encoders", "memory_kernel", "hidden_bias"):
        assert not np.allclose(trained[name], initial[name]), name
    # A and B are connection transforms here, but marked non-trainable: they
    # keep their float32 values exactly
    assert len(frozen) == (2 if memory == "connections" else 0)
    for conn, w in zip(frozen, memory_weights):
        assert np.array_equal(w, np.float32(conn.transform.init))


def test_operators_apart_train_as_merged():
    """NengoDL's ``noop_planner``, which `LMUCell` recommends for speed,
    changes how the operators are grouped, not what they compute: training
    the recurrent cell gives the weights of NengoDL's default planner."""
    x, y = delay_task(16, seed=3)
    options = dict(
        hidden_to_memory=True,
        memory_to_memory=True,
        input_to_hidden=True,
        use_bias=True,
    )
    groups, trained = {}, {}
    for planner in ("default", "noop"):
        net = model(options)
        initial = net.cell.get_weights()
        if planner == "noop":
            with net:
                nengo_dl.configure_settings(
                    planner=nengo_dl.graph_optimizer.noop_planner
                )
        sim, _, _ = fit(net, x, y, epochs=3)
        with sim:
            groups[planner] = len(sim.tensor_graph.plan)
            trained[planner] = net.cell.get_weights(sim)
    assert groups["noop"] > groups["default"]  # the plans differ...
    assert not np.allclose(trained["noop"]["memory_kernel"], initial["memory_kernel"])
    for name, value in trained["default"].items():  # ...the training not
        assert np.allclose(trained["noop"][name], value, atol=1e-5), name


def test_trainable_memory_moves_a_and_b():
    x, y = delay_task(32, seed=1)
    net = model(dict(memory="connections", trainable_memory=True))
    initial = net.cell.get_weights()
    Ad, Bd = net.cell.discrete_system()
    assert np.allclose(initial["A"][0], Ad) and np.allclose(initial["B"][0], Bd[:, 0])
    sim, before, after = fit(net, x, y, epochs=5)
    with sim:
        trained = net.cell.get_weights(sim)
    assert after < before
    assert not np.allclose(trained["A"], initial["A"], atol=1e-4)
    assert not np.allclose(trained["B"], initial["B"], atol=1e-4)


def test_parallel_training_transfers_to_the_temporal_cell():
    """Train on the closed-form memory, one step per sample; the temporal cell
    with the trained weights reproduces the parallel model's outputs."""
    x, y = delay_task(32, seed=2)
    kwargs = dict(hidden_to_hidden=False, input_to_hidden=True, use_bias=True, dt=DT)
    parallel = model(dict(kwargs, parallel=True))
    features = parallel.cell.parallel_input(x)  # (n, steps, parallel_size)
    flat_x = features.reshape(-1, 1, features.shape[-1])  # steps become samples
    flat_y = y.reshape(-1, 1, 1)
    sim, before, after = fit(parallel, flat_x, flat_y, epochs=20)
    with sim:
        weights = parallel.cell.get_weights(sim)
        readout = sim.data[parallel.readout].weights
        parallel_out = sim.predict({parallel.inp: flat_x}, verbose=0)[parallel.probe]
    assert after < 0.3 * before, (before, after)

    temporal = model(dict(kwargs, weights=weights), readout=readout)
    with nengo_dl.Simulator(temporal, minibatch_size=16, progress_bar=False) as sim:
        temporal_out = sim.predict({temporal.inp: x}, verbose=0)[temporal.probe]
    assert np.allclose(temporal_out.reshape(-1, 1, 1), parallel_out, atol=1e-4)


def test_trainable_theta_gradient_equals_keras_lmu():
    """One SGD step moves ``theta_inv`` as KerasLMU's ``trainable_theta``
    moves its own (the same parameter: one over theta in steps), for the
    same weights, data and loss. Tolerance 1e-3 relative: both in float32,
    through 30 steps of back-propagation."""
    keras_lmu = pytest.importorskip("keras_lmu")
    from nengo_lmu.io.keras_weights import lmu_layer_weights

    # small enough that KerasLMU's non-negativity constraint on theta_inv
    # does not clip the step
    n_steps, lr = 30, 1e-3
    rng = np.random.RandomState(3)
    x = rng.uniform(-1, 1, size=(8, n_steps, 1)).astype(np.float32)
    y = rng.uniform(-1, 1, size=(8, 1)).astype(np.float32)

    tf.keras.utils.set_random_seed(3)
    layer = keras_lmu.LMU(
        memory_d=1,
        order=ORDER,
        theta=20,
        hidden_cell=tf.keras.layers.SimpleRNNCell(UNITS),
        hidden_to_memory=True,
        input_to_hidden=True,
        trainable_theta=True,
        discretizer="euler",
    )
    inp = tf.keras.Input((n_steps, 1))
    dense = tf.keras.layers.Dense(1)
    keras_model = tf.keras.Model(inp, dense(layer(inp)))
    keras_model.compile(optimizer=tf.optimizers.SGD(lr), loss="mse")
    options, weights = lmu_layer_weights(layer)
    kernel, bias = [w.numpy() for w in dense.weights]
    keras_before = float(layer.layer.cell.theta_inv.numpy())
    keras_model.train_on_batch(x, y)
    keras_step = float(layer.layer.cell.theta_inv.numpy()) - keras_before

    options.pop("activation")
    theta = options.pop("theta_steps") * DT
    with nengo.Network(seed=0) as net:
        nengo_dl.configure_settings(stateful=False, keep_history=False)
        cell = LMUCell(
            theta=theta,
            weights={**weights, "theta_inv": DT / theta},
            memory="connections",
            trainable_theta=True,
            **{**options, "discretizer": "euler"},
        )
        stim = nengo.Node(np.zeros(1))
        nengo.Connection(stim, cell.input, synapse=None)
        out = nengo.Node(size_in=1)
        nengo.Connection(cell.output, out, transform=kernel.T, synapse=None)
        nengo.Connection(nengo.Node([1.0]), out, transform=bias[:, None], synapse=None)
        probe = nengo.Probe(out)
    with nengo_dl.Simulator(net, minibatch_size=8, progress_bar=False) as sim:
        sim.compile(optimizer=tf.optimizers.SGD(lr), loss=tf.losses.mse)
        before = cell.get_weights(sim)["theta_inv"]
        assert np.isclose(before, keras_before)
        sim.fit({stim: x}, {probe: y[:, None]}, epochs=1, verbose=0)
        step = cell.get_weights(sim)["theta_inv"] - before
        learned = cell.learned_theta(sim)
    assert abs(keras_step) > 1e-5 * keras_before, keras_step
    assert np.isclose(step, keras_step, rtol=1e-3, atol=0), (step, keras_step)
    assert np.isclose(learned, DT / (before + step))


def test_trainable_theta_learns_the_window():
    """On the delay task with a window too short for the delay, training
    lengthens theta and the loss falls."""
    x, y = delay_task(32, seed=4)
    short = 8 * DT  # the task needs 10 steps of memory
    with nengo.Network(seed=0) as net:
        net.cell = LMUCell(
            UNITS,
            ORDER,
            short,
            input_d=1,
            memory="connections",
            trainable_theta=True,
            discretizer="euler",
        )
        net.inp = nengo.Node(np.zeros(1))
        nengo.Connection(net.inp, net.cell.input, synapse=None)
        net.out = nengo.Node(size_in=1)
        nengo.Connection(
            net.cell.output, net.out, transform=np.zeros((1, UNITS)), synapse=None
        )
        net.probe = nengo.Probe(net.out)
    sim, before, after = fit(net, x, y, epochs=15)
    with sim:
        learned = net.cell.learned_theta(sim)
    assert after < 0.5 * before, (before, after)
    assert learned > 1.2 * short, learned
