"""Import of the LMU paper's model file (never executes anything in it)."""

import shutil

import h5py
import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.io.paper_model import PAPER_MODEL_SHA256, read_lmu_paper_model
from nengo_lmu.apps.paper import paper_network

from data import DATA, PAPER_MODEL, needs_data

nengo_dl = pytest.importorskip("nengo_dl")


def numpy_forward(path, x):
    """An independent forward pass of the paper's update equations (its
    README), from the raw HDF5 weights."""
    with h5py.File(path, "r") as f:
        g = f["model_weights/rnn_1/rnn_1"]
        w = {k.split(":")[0]: np.array(g[k], dtype=np.float64) for k in g}
        kernel = np.array(f["model_weights/dense_1/dense_1/kernel:0"])
        bias = np.array(f["model_weights/dense_1/dense_1/bias:0"])
    n = len(x)
    h, m = np.zeros((n, 212)), np.zeros((n, 256))
    for t in range(x.shape[1]):
        xt = x[:, t]
        u = (
            xt @ w["input_encoders"]
            + h @ w["hidden_encoders"]
            + m @ w["memory_encoders"]
        )
        m = m + m @ w["AT"] + u @ w["BT"]
        h = np.tanh(
            xt @ w["input_kernel"] + h @ w["hidden_kernel"] + m @ w["memory_kernel"]
        )
    return h @ kernel + bias


@needs_data
def test_paper_model_in_nengo_dl_equals_its_equations():
    from nengo_lmu.apps.mnist import psmnist

    x = psmnist("paper", DATA)["test"][0][:20]
    net = paper_network(PAPER_MODEL)
    with net:
        nengo_dl.configure_settings(stateful=False, keep_history=False)
    with nengo_dl.Simulator(net, minibatch_size=20, progress_bar=False) as sim:
        scores = sim.predict({net.inp: x}, n_steps=784, verbose=0)[net.probe][:, -1]
    reference = numpy_forward(PAPER_MODEL, x.astype(np.float64))
    # float32 over 784 recurrent steps (logits of size ~10)
    assert np.allclose(scores, reference, atol=1e-3), np.abs(scores - reference).max()
    assert np.array_equal(scores.argmax(axis=1), reference.argmax(axis=1))


@needs_data
def test_paper_model_structure_is_checked(tmp_path):
    options, weights = read_lmu_paper_model(PAPER_MODEL, PAPER_MODEL_SHA256)
    assert options == dict(units=212, order=256, input_d=1, memory_d=1, n_classes=10)
    assert weights["memory_kernel"].shape == (212, 256)

    copy = tmp_path / "model.hdf5"
    shutil.copy(PAPER_MODEL, copy)
    copy.chmod(0o644)
    with pytest.raises(ValidationError, match="SHA-256"):
        read_lmu_paper_model(copy, expected_sha256="0" * 64)
    with h5py.File(copy, "r+") as f:
        group = f["model_weights/rnn_1"]
        names = list(group.attrs["weight_names"]) + [b"rnn_1/extra:0"]
        group.attrs["weight_names"] = names
        group["rnn_1"].create_dataset("extra:0", data=np.zeros(3))
    with pytest.raises(
        ValidationError, match=r"found cell weights \['AT', 'BT', 'extra'"
    ):
        read_lmu_paper_model(copy)
    with h5py.File(copy, "r+") as f:
        f.attrs["model_config"] = (
            '{"class_name": "Functional", "config": {"layers": []}}'
        )
    with pytest.raises(ValidationError, match="found Functional of"):
        read_lmu_paper_model(copy)


keras_lmu = pytest.importorskip("keras_lmu")
tf = pytest.importorskip("tensorflow")


def keras_classifier(hidden, memory_d, use_bias, h2m, m2m, i2h, seed):
    tf.keras.utils.set_random_seed(seed)
    cell = (
        tf.keras.layers.SimpleRNNCell(6)
        if hidden == "rnn"
        else tf.keras.layers.Dense(6, activation="relu")
    )
    inp = tf.keras.Input((30, 2))
    lmu = keras_lmu.LMU(
        memory_d=memory_d,
        order=8,
        theta=12,
        hidden_cell=cell,
        hidden_to_memory=h2m,
        memory_to_memory=m2m,
        input_to_hidden=i2h,
        use_bias=use_bias,
        bias_initializer="glorot_uniform",
    )(inp)
    out = tf.keras.layers.Dense(3, activation="softmax")(lmu)
    return tf.keras.Model(inp, out)


def keras_and_nengo(model, path, save_format):
    """Save ``model``, load it into Nengo, run both on one input (30 x 2).

    Returns Keras' prediction, the loaded classifier and its last scores.
    """
    from nengo_lmu.cell.keras_models import load_keras_lmu_model

    model.save(path, save_format=save_format)
    x = np.random.RandomState(0).uniform(-1, 1, size=(1, 30, 2)).astype(np.float32)
    expected = model.predict(x, verbose=0)[0]
    with nengo.Network() as net:
        classifier = load_keras_lmu_model(path)
        stim = nengo.Node(nengo.processes.PresentInput(x[0], presentation_time=0.001))
        nengo.Connection(stim, classifier.input, synapse=None)
        probe = nengo.Probe(classifier.output)
    with nengo.Simulator(net, progress_bar=False) as sim:
        sim.run_steps(30)
    return expected, classifier, sim.data[probe][-1]


@pytest.mark.parametrize("save_format", ("h5", "keras_v3"))
@pytest.mark.parametrize(
    "hidden, memory_d, use_bias, h2m, m2m, i2h",
    [
        ("rnn", 1, False, True, True, True),
        ("rnn", 2, True, False, False, False),  # KerasLMU's feed-forward layer
        ("dense", 2, True, True, False, True),
    ],
)
def test_keras_lmu_files_load_and_match(
    tmp_path, save_format, hidden, memory_d, use_bias, h2m, m2m, i2h
):
    """Saved KerasLMU classifiers, loaded into Nengo, give Keras' predictions.

    The Nengo network outputs the scores before the softmax. Tolerance 1e-4:
    Keras computes in float32 (its zero-order hold of this small order is
    accurate to about 1e-7).
    """
    model = keras_classifier(hidden, memory_d, use_bias, h2m, m2m, i2h, seed=1)
    path = tmp_path / ("model.h5" if save_format == "h5" else "model.keras")
    expected, classifier, scores = keras_and_nengo(model, path, save_format)
    softmax = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
    assert np.allclose(softmax, expected, atol=1e-4), np.abs(softmax - expected).max()
    assert classifier.cell.memory_d == memory_d and classifier.cell.use_bias == use_bias


@pytest.mark.parametrize("save_format", ("h5", "keras_v3"))
@pytest.mark.parametrize("discretizer", ("zoh", "euler"))
def test_trained_theta_is_imported(tmp_path, save_format, discretizer):
    """A layer with ``trainable_theta`` whose window has moved (theta_inv set
    to 1 / 25 steps, from 1 / 20): the Nengo cell gets the trained window,
    and gives Keras' predictions (tolerance as above)."""
    tf.keras.utils.set_random_seed(2)
    inp = tf.keras.Input((30, 2))
    layer = keras_lmu.LMU(
        memory_d=1,
        order=8,
        theta=20,  # steps (Euler needs > 17.7 at order 8)
        hidden_cell=tf.keras.layers.SimpleRNNCell(6),
        memory_to_memory=True,
        use_bias=True,
        bias_initializer="glorot_uniform",
        trainable_theta=True,
        discretizer=discretizer,
    )
    out = tf.keras.layers.Dense(3)(layer(inp))
    model = tf.keras.Model(inp, out)
    layer.layer.cell.theta_inv.assign(1 / 25)
    path = tmp_path / ("model.h5" if save_format == "h5" else "model.keras")
    expected, classifier, scores = keras_and_nengo(model, path, save_format)
    assert np.isclose(classifier.cell.theta, 25 * 0.001)
    assert classifier.cell.discretizer == discretizer
    assert np.allclose(scores, expected, atol=1e-4)


def test_unsupported_keras_models_are_refused(tmp_path):
    from nengo_lmu.io.keras_files import read_keras_lmu_model

    inp = tf.keras.Input((10, 1))
    lstm = tf.keras.layers.LSTM(4)(inp)
    out = tf.keras.layers.Dense(2)(lstm)
    tf.keras.Model(inp, out).save(tmp_path / "lstm.h5")
    with pytest.raises(
        ValidationError, match=r"found Functional of \['InputLayer', 'LSTM', 'Dense'\]"
    ):
        read_keras_lmu_model(tmp_path / "lstm.h5")

    lmu = keras_lmu.LMU(
        memory_d=1,
        order=4,
        theta=10,
        hidden_cell=tf.keras.layers.GRUCell(3),
    )(inp)
    out = tf.keras.layers.Dense(2)(lmu)
    tf.keras.Model(inp, out).save(tmp_path / "gru.h5")
    with pytest.raises(ValidationError, match="hidden cell 'GRUCell'"):
        read_keras_lmu_model(tmp_path / "gru.h5")

    (tmp_path / "junk.h5").write_bytes(b"not a model")
    with pytest.raises(ValidationError, match="neither an HDF5 nor a zip"):
        read_keras_lmu_model(tmp_path / "junk.h5")


def keras_and_nengo_stack(model, tmp_path, save_format):
    """Save ``model``, load it with `load_keras_lmu_stack`, run both on one
    input (30 x 2). Returns Keras' prediction, the stack and its last scores."""
    from nengo_lmu.cell.keras_models import load_keras_lmu_stack

    path = tmp_path / ("model.h5" if save_format == "h5" else "model.keras")
    model.save(path, save_format=save_format)
    x = np.random.RandomState(0).uniform(-1, 1, size=(1, 30, 2)).astype(np.float32)
    expected = model.predict(x, verbose=0)[0]
    with nengo.Network() as net:
        stack = load_keras_lmu_stack(path)
        stim = nengo.Node(nengo.processes.PresentInput(x[0], presentation_time=0.001))
        nengo.Connection(stim, stack.input, synapse=None)
        probe = nengo.Probe(stack.output)
    with nengo.Simulator(net, progress_bar=False) as sim:
        sim.run_steps(30)
    return expected, stack, sim.data[probe][-1]


@pytest.mark.parametrize("save_format", ("h5", "keras_v3"))
def test_stacked_keras_lmu_layers_load_as_a_chain_and_match(tmp_path, save_format):
    """Keras 2.12: two LMU layers (the first returning sequences) and a Dense
    layer, saved both ways, become two chained cells with Keras' scores."""
    tf.keras.utils.set_random_seed(2)
    model = tf.keras.Sequential(
        [
            tf.keras.Input((30, 2)),
            keras_lmu.LMU(
                memory_d=1,
                order=6,
                theta=10,
                hidden_cell=tf.keras.layers.SimpleRNNCell(5),
                return_sequences=True,
            ),
            keras_lmu.LMU(
                memory_d=1,
                order=4,
                theta=8,
                hidden_cell=tf.keras.layers.SimpleRNNCell(4),
                hidden_to_memory=True,
            ),
            tf.keras.layers.Dense(3),
        ]
    )
    expected, stack, scores = keras_and_nengo_stack(model, tmp_path, save_format)
    assert [c.order for c in stack.cells] == [6, 4]
    assert np.allclose(scores, expected, atol=1e-4)


@pytest.mark.parametrize("save_format", ("h5", "keras_v3"))
def test_feedforward_memory_only_and_dense_layers_load_and_match(tmp_path, save_format):
    """Keras 2.12: an LMUFeedforward layer (Dense hidden cell, bias, input to
    hidden), a tanh Dense layer, an LMUFeedforward layer without a hidden
    cell or input kernel, an LMU layer without a hidden cell (memory to
    memory), and a Dense readout: Nengo's chain gives Keras' scores."""
    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential(
        [
            tf.keras.Input((30, 2)),
            keras_lmu.LMUFeedforward(
                memory_d=1,
                order=5,
                theta=9,
                hidden_cell=tf.keras.layers.Dense(5, activation="tanh"),
                input_to_hidden=True,
                use_bias=True,
                bias_initializer="glorot_uniform",
                return_sequences=True,
            ),
            tf.keras.layers.Dense(3, activation="tanh"),
            keras_lmu.LMUFeedforward(
                memory_d=3,
                order=2,
                theta=6,
                hidden_cell=None,
                kernel_initializer=None,
                return_sequences=True,
            ),
            keras_lmu.LMU(
                memory_d=2,
                order=3,
                theta=7,
                hidden_cell=None,
                memory_to_memory=True,
                use_bias=True,
                bias_initializer="glorot_uniform",
            ),
            tf.keras.layers.Dense(3),
        ]
    )
    expected, stack, scores = keras_and_nengo_stack(model, tmp_path, save_format)
    assert len(stack.layers) == 4 and len(stack.cells) == 1
    assert np.abs(expected).max() > 0.05
    assert np.allclose(scores, expected, atol=1e-4), np.abs(scores - expected).max()
