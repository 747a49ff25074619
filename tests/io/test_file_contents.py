"""Files whose contents are wrong are refused naming the file; a saved cell
keeps its time step and memory (issue 18's second probe)."""

import gzip
import io
import json
import shutil
import zipfile
from pathlib import Path

import nengo
import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu import LMUCell, LMUClassifier
from nengo_lmu.io import npz

from data import PAPER_MODEL  # tests/data.py

KERAS3 = Path(__file__).parent / "keras3"


def saved_cell(tmp_path, **kwargs):
    path = tmp_path / "cell.npz"
    LMUCell(4, 3, 0.05, 1, add_to_container=False, **kwargs).save(path)
    return path


def rewritten(path, change):
    """The npz file at ``path`` with ``change(arrays, metadata)`` applied."""
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    metadata = json.loads(str(arrays.pop(npz.METADATA_KEY)))
    change(arrays, metadata)
    np.savez(path, **arrays, **{npz.METADATA_KEY: np.array(json.dumps(metadata))})
    return path


def set_weight(name, value):
    def change(arrays, metadata):
        arrays[name] = value

    return change


def set_structure(key, value):
    def change(arrays, metadata):
        metadata["structure"][key] = value

    return change


def set_neuron_type(value):
    def change(arrays, metadata):
        metadata["neuron_type"] = value

    return change


@pytest.mark.parametrize(
    "change, message",
    [
        (set_weight("hidden_kernel", np.full((4, 4), np.nan)), "16 nan or inf"),
        (set_weight("hidden_kernel", np.full((4, 4), np.inf)), "16 nan or inf"),
        (set_weight("hidden_kernel", np.ones((4, 4)) * 1j), "is complex"),
        (set_weight("hidden_kernel", np.ones((7, 7))), "has shape \\(7, 7\\)"),
        (set_structure("order", -1), "LMUCell.order: Value must be greater"),
        (set_structure("units", "abc"), "LMUCell.units: must be an integer"),
        (set_structure("bogus", 1), "TypeError: .*unexpected keyword argument"),
        (set_neuron_type("Tanh"), "neuron type is not a description"),
        (set_neuron_type({"type": "Tanh", "params": {"bogus": 1}}), "TypeError"),
    ],
)
def test_a_file_with_bad_contents_is_refused_by_name(tmp_path, change, message):
    path = rewritten(saved_cell(tmp_path), change)
    with pytest.raises(ValidationError, match=message) as info:
        LMUCell.load(path, add_to_container=False)
    assert str(path) in str(info.value)
    assert info.value.attr == "path"


def test_save_and_load_agree_on_the_name(tmp_path):
    LMUCell(4, 3, 0.05, 1, add_to_container=False).save(tmp_path / "model")
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]
    for name in ("model", "model.npz"):
        assert LMUCell.load(tmp_path / name, add_to_container=False).units == 4


def test_a_cell_keeps_its_time_step_and_memory(tmp_path):
    path = saved_cell(tmp_path, memory="connections", dt=0.002)
    loaded = LMUCell.load(path, add_to_container=False)
    assert (loaded.dt, loaded.memory_type) == (0.002, "connections")
    # the exact memory follows the step: another dt is allowed
    assert LMUCell.load(path, dt=0.001, add_to_container=False).dt == 0.001
    classifier = LMUClassifier(3, 4, 3, 0.05, dt=0.004, add_to_container=False)
    classifier.save(tmp_path / "classifier.npz")
    assert LMUClassifier.load(tmp_path / "classifier.npz").cell.dt == 0.004


def test_a_trained_window_is_not_loaded_at_another_time_step(tmp_path):
    """theta_inv is one over the window in steps: at half the step the window
    would be half as long (the probe found learned_theta 0.25 for 0.5)."""
    path = saved_cell(
        tmp_path,
        memory="connections",
        discretizer="euler",
        trainable_theta=True,
        dt=0.002,
    )
    loaded = LMUCell.load(path, add_to_container=False)
    assert loaded.dt == 0.002
    assert np.isclose(loaded.learned_theta(), 0.05)
    with pytest.raises(ValidationError, match="saved at dt=0.002.*load it with dt"):
        LMUCell.load(path, dt=0.001, add_to_container=False)


def test_a_file_without_its_simulation_loads_as_before(tmp_path):
    def forget(arrays, metadata):
        del metadata["simulation"]

    path = rewritten(saved_cell(tmp_path, dt=0.002), forget)
    loaded = LMUCell.load(path, add_to_container=False)
    assert (loaded.dt, loaded.memory_type) == (0.001, "process")


def test_saved_weights_are_checked_before_writing(tmp_path):
    made = LMUCell(4, 3, 0.05, 1, add_to_container=False)
    weights = {**made.get_weights(), "hidden_kernel": np.full((4, 4), np.nan)}
    with pytest.raises(ValidationError, match="'hidden_kernel' holds 16 nan"):
        made.save(tmp_path / "cell.npz", weights=weights)
    assert not list(tmp_path.iterdir())


def keras_with(tmp_path, source, config=None, weights=None):
    """A copy of a Keras 3 fixture with its config.json or weights changed."""
    path = tmp_path / source
    with zipfile.ZipFile(KERAS3 / source) as a, zipfile.ZipFile(path, "w") as b:
        for member in a.namelist():
            data = a.read(member)
            if member == "config.json" and config is not None:
                data = config(data)
            if member == "model.weights.h5" and weights is not None:
                data = weights(data)
            b.writestr(member, data)
    return path


def with_nan_weight(data):
    import h5py

    buffer = io.BytesIO(data)
    with h5py.File(buffer, "r+") as f:
        datasets = []
        f.visititems(lambda n, o: datasets.append(o) if hasattr(o, "dtype") else None)
        first = next(d for d in datasets if d.size > 1)
        values = first[()]
        values.flat[0] = np.nan
        first[...] = values
    return buffer.getvalue()


def test_keras_files_with_bad_contents_are_refused_by_name(tmp_path):
    from nengo_lmu.cell import load_keras_lmu_model, load_keras_lmu_stack

    source = "recurrent_all_connections.keras"
    bad = keras_with(tmp_path, source, weights=with_nan_weight)
    with pytest.raises(ValidationError, match="1 nan or inf") as info:
        load_keras_lmu_model(bad, add_to_container=False)
    assert str(bad) in str(info.value)
    stack = keras_with(tmp_path, "stacked.keras", weights=with_nan_weight)
    with pytest.raises(ValidationError, match="stacked.keras.*1 nan or inf"):
        load_keras_lmu_stack(stack)
    pickled = keras_with(tmp_path, source, config=lambda data: b"\x80\x04K\x01.")
    with pytest.raises(ValidationError, match="is damaged.*UnicodeDecodeError"):
        load_keras_lmu_model(pickled, add_to_container=False)

    def theta_text(data):
        config = json.loads(data)
        text = json.dumps(config).replace('"theta": ', '"theta": "abc", "x": ', 1)
        return text.encode()

    wrong = keras_with(tmp_path, "feedforward_simple_rnn.keras", config=theta_text)
    with pytest.raises(ValidationError, match="feedforward_simple_rnn.keras"):
        load_keras_lmu_model(wrong, add_to_container=False)
    with pytest.raises(ValidationError, match="holds its own configuration"):
        load_keras_lmu_model(KERAS3 / source, config="abc", add_to_container=False)
    with pytest.raises(ValidationError, match="dt: must be a finite number > 0"):
        load_keras_lmu_model(KERAS3 / source, dt=0, add_to_container=False)


def paper_model_with(tmp_path, change):
    """A copy of the paper's model whose first hidden_kernel entry is
    ``change(entry)``."""
    import h5py

    path = tmp_path / PAPER_MODEL.name
    shutil.copyfile(PAPER_MODEL, path)
    path.chmod(0o644)
    with h5py.File(path, "r+") as f:
        found = []
        f.visititems(lambda n, o: found.append(o) if "hidden_kernel" in n else None)
        values = found[0][()]
        values[0, 0] = change(values[0, 0])
        found[0][...] = values
    return path


@pytest.mark.skipif(not PAPER_MODEL.exists(), reason=f"no {PAPER_MODEL}")
def test_the_paper_model_with_bad_contents_is_refused_by_name(tmp_path):
    from nengo_lmu.cell import load_lmu_paper_model

    path = paper_model_with(tmp_path, lambda first: np.nan)
    with pytest.raises(ValidationError, match="hidden_kernel' holds 1 nan") as info:
        load_lmu_paper_model(path, add_to_container=False)
    assert str(path) in str(info.value)
    with pytest.raises(ValidationError, match="theta_steps: must be a finite"):
        load_lmu_paper_model(path, theta_steps=0, add_to_container=False)


def test_corrupt_compressed_mnist_is_refused_by_name(tmp_path):
    from nengo_lmu.apps.mnist import MNIST_FILES, load_mnist

    data = gzip.compress(bytes(range(256)) * 64)
    # a deflate block's header broken: zlib, not gzip, raises
    damaged = data[:10] + bytes([data[10] ^ 0xFF]) + data[11:]
    for name, _ in MNIST_FILES.values():
        (tmp_path / (name + ".gz")).write_bytes(damaged)
    with pytest.raises(ValidationError, match="idx3-ubyte.gz is damaged"):
        load_mnist(tmp_path)


def test_a_connection_memory_network_keeps_running_in_nengo(tmp_path):
    """The memory input of a connection memory is a checked node now; the
    loaded cell still runs at its own step."""
    path = saved_cell(tmp_path, memory="connections", dt=0.002)
    with nengo.Network() as net:
        loaded = LMUCell.load(path)
        stim = nengo.Node(np.sin)
        nengo.Connection(stim, loaded.input, synapse=None)
        probe = nengo.Probe(loaded.output)
    with nengo.Simulator(net, dt=0.002, progress_bar=False) as sim:
        sim.run_steps(5)
    assert np.all(np.isfinite(sim.data[probe]))


def test_weights_given_to_save_keep_their_precision(tmp_path):
    made = LMUCell(4, 3, 0.05, 1, add_to_container=False)
    weights = {k: v.astype(np.float32) for k, v in made.get_weights().items()}
    made.save(tmp_path / "cell.npz", weights=weights)
    with np.load(tmp_path / "cell.npz") as saved:
        assert saved["hidden_kernel"].dtype == np.float32


def test_the_callers_own_arguments_are_not_blamed_on_the_file(tmp_path):
    path = saved_cell(tmp_path)
    with pytest.raises(ValidationError, match="dt: must be a finite") as info:
        LMUCell.load(path, dt=-1, add_to_container=False)
    assert info.value.attr == "dt" and str(path) not in str(info.value)
    with pytest.raises(TypeError, match="lable"):
        LMUCell.load(path, lable="typo", add_to_container=False)


def test_a_trained_window_loads_at_the_same_step_in_another_float_type(tmp_path):
    path = saved_cell(
        tmp_path,
        memory="connections",
        discretizer="euler",
        trainable_theta=True,
        dt=0.002,
    )
    loaded = LMUCell.load(path, dt=np.float32(0.002), add_to_container=False)
    assert np.isclose(loaded.learned_theta(), 0.05)


def test_memory_kwargs_rebuild_a_spiking_memory(tmp_path):
    path = saved_cell(tmp_path)
    loaded = LMUCell.load(path, memory_kwargs={"n_neurons": 20}, add_to_container=False)
    assert loaded.memory_type == "neurons"


@pytest.mark.skipif(not PAPER_MODEL.exists(), reason=f"no {PAPER_MODEL}")
def test_changed_weight_bytes_are_caught_only_by_the_checksum(tmp_path):
    """HDF5 keeps no checksum of its data: a changed (finite) weight reads as
    another weight, which only the published file's SHA-256 refuses."""
    from nengo_lmu.cell import load_lmu_paper_model
    from nengo_lmu.io.paper_model import PAPER_MODEL_SHA256

    path = paper_model_with(tmp_path, lambda first: first + 0.5)
    assert load_lmu_paper_model(path, add_to_container=False).n_classes == 10
    with pytest.raises(ValidationError, match="SHA-256 .* not the published file"):
        load_lmu_paper_model(
            path, expected_sha256=PAPER_MODEL_SHA256, add_to_container=False
        )
