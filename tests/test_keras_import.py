"""Import of the LMU paper's model file (never executes anything in it)."""

import shutil

import h5py
import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.keras_io import PAPER_MODEL_SHA256, read_lmu_paper_model
from nengo_lmu.paper import paper_network

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
    from nengo_lmu.datasets import psmnist

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
