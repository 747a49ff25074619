"""`LMUCell` against keras-lmu 0.7.0's ``LMU`` layer, and its interface."""

import itertools

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LMUCell

pytestmark = pytest.mark.skip_on(
    nengo_loihi="the cell's tanh hidden neurons have no chip form"
)

keras_lmu = pytest.importorskip("keras_lmu")
tf = pytest.importorskip("tensorflow")

from nengo_lmu.io.keras_weights import lmu_layer_weights  # noqa: E402

DT = 0.001
N_STEPS = 40
INPUT_D = 3
UNITS = 5
ORDER = 6
THETA_STEPS = 10
# every combination of KerasLMU's connection options, with a recurrent
# (SimpleRNNCell) and a feed-forward (Dense) hidden cell
OPTIONS = list(
    itertools.product(
        (False, True),  # hidden_to_memory
        (False, True),  # memory_to_memory
        (False, True),  # input_to_hidden
        (False, True),  # use_bias
        (True, False),  # hidden_to_hidden
    )
)


def sequence(seed=0):
    rng = np.random.RandomState(seed)
    return rng.uniform(-1, 1, size=(1, N_STEPS, INPUT_D))


def keras_layer(options, memory_d, seed):
    h2m, m2m, i2h, use_bias, h2h = options
    tf.keras.utils.set_random_seed(seed)
    hidden = (
        tf.keras.layers.SimpleRNNCell(UNITS, dtype="float64")
        if h2h
        else tf.keras.layers.Dense(UNITS, activation="tanh", dtype="float64")
    )
    layer = keras_lmu.LMU(
        memory_d=memory_d,
        order=ORDER,
        theta=THETA_STEPS,
        hidden_cell=hidden,
        hidden_to_memory=h2m,
        memory_to_memory=m2m,
        input_to_hidden=i2h,
        use_bias=use_bias,
        # nonzero biases, so that a wrong bias cannot pass unnoticed
        bias_initializer="glorot_uniform",
        return_sequences=True,
        dtype="float64",
    )
    layer.build((None, N_STEPS, INPUT_D))
    hidden.bias.assign(np.linspace(-0.5, 0.5, UNITS))  # zero by default
    return layer


def cell_from_keras(layer, **kwargs):
    options, weights = lmu_layer_weights(layer)
    options.pop("activation")
    theta = options.pop("theta_steps") * DT
    return LMUCell(theta=theta, weights=weights, **options, **kwargs)


def run_cells(Simulator, cells_and_inputs):
    """Run cells (built inside ``net``) on their input sequences; return outputs."""
    with nengo.Network() as net:
        nengo.Ensemble(1, 1)  # NengoLoihi refuses a network with nothing on chip
        probes = []
        for make_cell, x in cells_and_inputs:
            stim = nengo.Node(nengo.processes.PresentInput(x[0], presentation_time=DT))
            cell = make_cell()
            nengo.Connection(stim, cell.input, synapse=None)
            probes.append(nengo.Probe(cell.output, synapse=None))
    with Simulator(net, dt=DT) as sim:
        sim.run_steps(N_STEPS)
    return [sim.data[p] for p in probes]


@pytest.mark.parametrize("memory_d", (1, 2))
def test_cell_equals_keras_lmu(Simulator, memory_d):
    """Every option combination, one network, against KerasLMU in float64.

    Tolerance: 1e-4 (the issue's). The float64 simulators agree to 1e-7:
    without feedback KerasLMU uses its feed-forward layer, which convolves by
    FFT (errors of about 3e-8 here); NengoDL's float32 keeps about 6 digits
    of these O(1) values.
    """
    x = sequence()
    layers = [keras_layer(opts, memory_d, seed=i) for i, opts in enumerate(OPTIONS)]
    refs = [layer(tf.constant(x)).numpy()[0] for layer in layers]
    outputs = run_cells(
        Simulator,
        [(lambda layer=layer: cell_from_keras(layer), x) for layer in layers],
    )
    atol = 1e-7 if Simulator.dtype == np.float64 else 1e-4
    for opts, ref, out in zip(OPTIONS, refs, outputs):
        assert np.max(np.abs(ref)) > 0.1, opts  # the cell does something
        assert np.allclose(out, ref, atol=atol, rtol=0), (opts, np.abs(out - ref).max())


@pytest.mark.parametrize("hidden", ("SimpleRNNCell", "Dense"))
def test_cell_equals_a_keras_lmu_feedforward_layer(Simulator, hidden):
    """A live ``LMUFeedforward`` layer (input kernel and bias, input to
    hidden, two memories) read by `lmu_layer_weights`, against KerasLMU in
    float64 (tolerances as above)."""
    x = sequence(2)
    tf.keras.utils.set_random_seed(4)
    cell = (
        tf.keras.layers.SimpleRNNCell(UNITS, dtype="float64")
        if hidden == "SimpleRNNCell"
        else tf.keras.layers.Dense(UNITS, activation="relu", dtype="float64")
    )
    layer = keras_lmu.LMUFeedforward(
        memory_d=2,
        order=ORDER,
        theta=THETA_STEPS,
        hidden_cell=cell,
        input_to_hidden=True,
        use_bias=True,
        bias_initializer="glorot_uniform",
        return_sequences=True,
        dtype="float64",
    )
    layer.build((None, N_STEPS, INPUT_D))
    cell.bias.assign(np.linspace(-0.5, 0.5, UNITS))
    ref = layer(tf.constant(x)).numpy()[0]
    neuron_type = (
        nengo.Tanh(tau_ref=1) if hidden == "SimpleRNNCell" else nengo.RectifiedLinear()
    )
    (out,) = run_cells(
        Simulator, [(lambda: cell_from_keras(layer, neuron_type=neuron_type), x)]
    )
    atol = 1e-7 if Simulator.dtype == np.float64 else 1e-4
    assert np.max(np.abs(ref)) > 0.1
    assert np.allclose(out, ref, atol=atol, rtol=0), np.abs(out - ref).max()


@pytest.mark.parametrize("memory", ("process", "connections"))
def test_memory_implementations_agree(Simulator, memory):
    """The `connections` memory computes what the `process` memory computes."""
    x = sequence(1)
    kwargs = dict(units=UNITS, order=ORDER, theta=THETA_STEPS * DT, input_d=INPUT_D)
    kwargs.update(memory_d=2, hidden_to_memory=True, memory_to_memory=True, seed=3)
    outputs = run_cells(
        Simulator,
        [
            (lambda: LMUCell(**kwargs), x),
            (lambda: LMUCell(memory=memory, **kwargs), x),
        ],
    )
    assert np.max(np.abs(outputs[0])) > 0.1
    assert np.allclose(outputs[0], outputs[1], atol=1e-5)


def test_trainable_theta_memory_is_the_euler_memory(Simulator):
    """The trainable-theta memory (Euler as ``m + kappa (A_1 m + B_1 u)``)
    computes the Euler memory of the `process` (1e-5, as above), and with
    its ``theta_inv`` set, the memory of that window."""
    x = sequence(2)
    kwargs = dict(units=UNITS, order=ORDER, input_d=INPUT_D, discretizer="euler")
    kwargs.update(memory_d=2, hidden_to_memory=True, memory_to_memory=True, seed=5)
    theta = 2 * THETA_STEPS * DT  # Euler is stable at this order from 1.1 theta
    weights = LMUCell(theta=theta, add_to_container=False, **kwargs).get_weights()
    trainable = dict(memory="connections", trainable_theta=True)
    outputs = run_cells(
        Simulator,
        [
            (lambda: LMUCell(theta=theta, **kwargs), x),
            (lambda: LMUCell(theta=theta, **trainable, **kwargs), x),
            (lambda: LMUCell(theta=1.5 * theta, weights=weights, **kwargs), x),
            (
                lambda: LMUCell(
                    theta=theta,
                    weights={**weights, "theta_inv": DT / (1.5 * theta)},
                    **trainable,
                    **kwargs,
                ),
                x,
            ),
        ],
    )
    assert np.max(np.abs(outputs[0])) > 0.1
    assert np.allclose(outputs[0], outputs[1], atol=1e-5)
    assert np.allclose(outputs[2], outputs[3], atol=1e-5)
    assert not np.allclose(outputs[0], outputs[2], atol=1e-3)


def test_initial_weights_follow_keras_initialisers():
    cell = LMUCell(
        units=64,
        order=16,
        theta=1.0,
        input_d=3,
        memory_d=4,
        hidden_to_memory=True,
        memory_to_memory=True,
        input_to_hidden=True,
        use_bias=True,
        seed=1,
        add_to_container=False,
    )
    w = cell.get_weights()
    # glorot_uniform over the combined kernels: U(-l, l), l = sqrt(6/(in+out))
    enc = np.hstack([w["input_encoders"], w["hidden_encoders"]])
    limit = np.sqrt(6 / (enc.shape[0] + enc.shape[1]))
    assert np.all(np.abs(enc) <= limit) and np.abs(enc).max() > 0.8 * limit
    kernel = np.hstack([w["memory_kernel"], w["input_kernel"]])
    limit = np.sqrt(6 / (kernel.shape[0] + kernel.shape[1]))
    assert np.all(np.abs(kernel) <= limit) and np.abs(kernel).max() > 0.8 * limit
    # orthogonal: W_h is orthogonal, e_m has orthonormal rows (to float32
    # precision: a NengoDL build that fails part-way, as earlier tests of
    # refused inputs do, can leave nengo's precision at 32 bits, and nengo then
    # stores transforms in float32)
    assert np.allclose(w["hidden_kernel"] @ w["hidden_kernel"].T, np.eye(64), atol=1e-6)
    assert np.allclose(
        w["memory_encoders"] @ w["memory_encoders"].T, np.eye(4), atol=1e-6
    )
    assert np.all(w["hidden_bias"] == 0) and np.all(w["memory_bias"] == 0)
    # seeded: reproducible, and a different seed differs
    same = LMUCell(**{**cell.structure, "seed": 1, "add_to_container": False})
    other = LMUCell(**{**cell.structure, "seed": 2, "add_to_container": False})
    for name, value in w.items():
        assert np.array_equal(same.get_weights()[name], value)
    assert not np.allclose(other.get_weights()["memory_kernel"], w["memory_kernel"])


def test_cells_stack(Simulator):
    """One cell's output feeds the next cell's input."""
    x = sequence(2)
    with nengo.Network(seed=0) as net:
        nengo.Ensemble(1, 1)  # NengoLoihi refuses a network with nothing on chip
        stim = nengo.Node(nengo.processes.PresentInput(x[0], presentation_time=DT))
        first = LMUCell(UNITS, ORDER, THETA_STEPS * DT, INPUT_D)
        second = LMUCell(4, ORDER, THETA_STEPS * DT, UNITS)
        nengo.Connection(stim, first.input, synapse=None)
        nengo.Connection(first.output, second.input, synapse=None)
        p1 = nengo.Probe(first.output)
        p2 = nengo.Probe(second.output)
    with Simulator(net, dt=DT) as sim:
        sim.run_steps(N_STEPS)
    # the second cell, run alone on the first cell's output, gives the same
    h1 = sim.data[p1]
    with nengo.Network() as alone:
        nengo.Ensemble(1, 1)
        stim = nengo.Node(nengo.processes.PresentInput(h1, presentation_time=DT))
        cell = LMUCell(4, ORDER, THETA_STEPS * DT, UNITS, weights=second.get_weights())
        nengo.Connection(stim, cell.input, synapse=None)
        p = nengo.Probe(cell.output)
    with Simulator(alone, dt=DT) as sim2:
        sim2.run_steps(N_STEPS)
    assert np.max(np.abs(sim.data[p2])) > 0.05
    assert np.allclose(sim2.data[p], sim.data[p2], atol=1e-5)


def test_bad_options():
    args = dict(units=4, order=3, theta=0.01, input_d=1, add_to_container=False)
    with pytest.raises(ValidationError) as info:
        LMUCell(**{**args, "units": 0})
    assert info.value.attr == "units"
    with pytest.raises(ValidationError) as info:
        LMUCell(**{**args, "memory": "fpga"})
    assert info.value.attr == "memory"
    with pytest.raises(ValidationError, match="memory='connections'") as info:
        LMUCell(**args, trainable_memory=True)
    assert info.value.attr == "trainable_memory"
    with pytest.raises(ValidationError, match="n_neurons") as info:
        LMUCell(**args, memory="neurons")
    assert info.value.attr == "memory_kwargs"
    for bad in (
        dict(),
        dict(memory="connections"),
        dict(discretizer="euler"),
        dict(memory="connections", discretizer="euler", trainable_memory=True),
    ):
        with pytest.raises(ValidationError, match="discretizer='euler'") as info:
            LMUCell(**args, trainable_theta=True, **bad)
        assert info.value.attr == "trainable_theta"
    with pytest.raises(ValidationError, match="hidden_to_hidden") as info:
        LMUCell(**args, parallel=True)
    assert info.value.attr == "parallel"
    with pytest.raises(ValidationError, match="hidden_to_memory and hidden_to_hidden"):
        LMUCell(**args, hidden_to_memory=True, parallel=True)
    weights = LMUCell(**args).get_weights()
    with pytest.raises(ValidationError, match=r"'memory_kernel' has shape \(4, 3\)"):
        LMUCell(**{**args, "order": 4}, weights=weights)
    with pytest.raises(ValidationError, match=r"missing \['hidden_kernel'\]"):
        LMUCell(
            **args, weights={k: v for k, v in weights.items() if "hidden_k" not in k}
        )
    with pytest.raises(ValidationError, match=r"unexpected \['input_kernel'\]"):
        LMUCell(**args, weights={**weights, "input_kernel": np.zeros((4, 1))})


def test_save_and_load(tmp_path):
    args = dict(units=6, order=4, theta=0.02, input_d=2, memory_d=2)
    cell = LMUCell(
        **args, hidden_to_memory=True, use_bias=True, seed=4, add_to_container=False
    )
    path = tmp_path / "cell.npz"
    cell.save(path)
    loaded = LMUCell.load(
        path, add_to_container=False, neuron_type=nengo.RectifiedLinear()
    )
    assert loaded.structure == cell.structure
    assert isinstance(loaded.neuron_type, nengo.RectifiedLinear)
    # without an override, the file's neuron type
    assert LMUCell.load(path, add_to_container=False).neuron_type == nengo.Tanh(
        tau_ref=1
    )
    for name, value in cell.get_weights().items():
        assert np.array_equal(loaded.get_weights()[name], value)
    # the file is plain arrays: numpy reads it without pickle
    with np.load(path, allow_pickle=False) as data:
        assert set(data.files) == set(cell.weight_shapes()) | {"__metadata__"}

    # a structural option that differs from the file is refused, and named
    with pytest.raises(ValidationError, match=r"units=7 \(file: 6\)"):
        LMUCell.load(path, units=7, add_to_container=False)
    # a file whose arrays do not match its structure is refused, with the name
    weights = cell.get_weights()
    weights["memory_kernel"] = np.zeros((6, 5))
    from nengo_lmu.io.npz import save_parameters

    save_parameters(
        tmp_path / "bad.npz", weights, {"model": "LMUCell", "structure": cell.structure}
    )
    with pytest.raises(
        ValidationError, match=r"'memory_kernel' has shape \(6, 5\), expected \(6, 8\)"
    ):
        LMUCell.load(tmp_path / "bad.npz", add_to_container=False)
    # pickled objects are never loaded
    np.savez(tmp_path / "pickled.npz", memory_kernel=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValidationError, match="plain arrays"):
        LMUCell.load(tmp_path / "pickled.npz")
    # not a nengo-lmu file
    np.savez(tmp_path / "other.npz", memory_kernel=np.zeros((6, 8)))
    with pytest.raises(ValidationError, match="__metadata__"):
        LMUCell.load(tmp_path / "other.npz")


def test_trainable_theta_saves_and_loads(tmp_path):
    args = dict(units=4, order=3, theta=0.05, input_d=1, discretizer="euler")
    cell = LMUCell(
        **args,
        memory="connections",
        trainable_theta=True,
        weights=None,
        seed=1,
        add_to_container=False,
    )
    assert cell.weight_shapes()["theta_inv"] == ()
    assert np.isclose(cell.get_weights()["theta_inv"], DT / 0.05)
    assert np.isclose(cell.learned_theta(), 0.05)
    cell.save(tmp_path / "cell.npz")
    loaded = LMUCell.load(tmp_path / "cell.npz", add_to_container=False)
    assert loaded.trainable_theta and loaded.memory_type == "connections"
    assert np.isclose(loaded.get_weights()["theta_inv"], DT / 0.05)
    # without trainable_theta, the weight is refused by name
    with pytest.raises(ValidationError, match=r"unexpected \['theta_inv'\]"):
        LMUCell(**args, weights=cell.get_weights(), add_to_container=False)
