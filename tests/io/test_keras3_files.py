"""KerasLMU models saved by Keras 3 (keras-lmu 0.9): read, run, and matched.

The fixtures in ``tests/io/keras3`` were made by
``tools/make_keras_fixtures.py`` (``make keras-fixtures``) with the versions
that ``manifest.json`` records; each holds Keras' predictions for four
input sequences.
"""

import hashlib
import json
from pathlib import Path

import nengo
import numpy as np
import pytest

from nengo_lmu.cell.classifier import LMUClassifier
from nengo_lmu.cell.keras_models import (
    load_keras_lmu_model,
    load_keras_lmu_stack,
    save_keras_lmu_model,
)
from nengo_lmu.io.keras_files import (
    read_keras_layers,
    read_keras_lmu_model,
    read_keras_lmu_stack,
)

from keras3 import keras3_predict

FIXTURES = Path(__file__).parent / "keras3"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text())
# a few of the same models made with keras-lmu 0.8 (`make keras-fixtures`)
FIXTURES_08 = FIXTURES / "keras-lmu-0.8"
MANIFEST_08 = json.loads((FIXTURES_08 / "manifest.json").read_text())


@pytest.mark.parametrize(
    "folder, manifest, keras_lmu",
    [(FIXTURES, MANIFEST, "0.9.0"), (FIXTURES_08, MANIFEST_08, "0.8.0")],
)
def test_the_fixtures_are_what_the_manifest_says(folder, manifest, keras_lmu):
    assert manifest["versions"]["keras"].startswith("3.")
    assert manifest["versions"]["keras_lmu"] == keras_lmu
    for model in manifest["models"].values():
        for name, digest in model["files"].items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


def nengo_scores(path, inputs):
    """The loaded classifier's scores after each whole input sequence (the
    simulator reset between sequences, as Keras starts each at zero)."""
    return classifier_scores(lambda: load_keras_lmu_model(path), inputs)


def classifier_scores(make, inputs):
    """The scores of the classifier that ``make`` builds, as `nengo_scores`."""
    current = {"x": np.zeros(inputs.shape[-1])}
    with nengo.Network() as net:
        classifier = make()
        stim = nengo.Node(lambda t: current["x"], size_out=inputs.shape[-1])
        nengo.Connection(stim, classifier.input, synapse=None)
        probe = nengo.Probe(classifier.output)
    scores = []
    with nengo.Simulator(net, progress_bar=False) as sim:
        for sequence in inputs:
            sim.reset()
            for x in sequence:
                current["x"] = x
                sim.step()
            scores.append(sim.data[probe][-1])
    return np.array(scores), classifier


SINGLE = sorted(name for name, m in MANIFEST["models"].items() if not m["stack"])
STACKS = sorted(name for name, m in MANIFEST["models"].items() if m["stack"])


def stack_scores(path, inputs):
    """The scores of the stack in ``path``, as `nengo_scores`."""
    return classifier_scores(lambda: load_keras_lmu_stack(path), inputs)


@pytest.mark.parametrize(
    "folder, name",
    [(FIXTURES, name) for name in STACKS]
    + [(FIXTURES_08, name) for name in sorted(MANIFEST_08["models"])],
)
def test_every_stack_fixture_loads_as_a_chain_and_matches_keras(folder, name):
    """Memory layers with and without hidden cells, LMUFeedforward, Dense
    layers between them; keras-lmu 0.9 and 0.8."""
    reference = np.load(folder / f"{name}.npz")
    scores, net = stack_scores(folder / f"{name}.keras", reference["inputs"])
    assert np.abs(reference["predictions"]).max() > 0.05
    assert np.allclose(scores, reference["predictions"], atol=1e-4), np.abs(
        scores - reference["predictions"]
    ).max()
    assert len(net.layers) >= 1


def test_layers_without_hidden_cells_and_dense_layers_are_read_as_such():
    memory_only = read_keras_layers(FIXTURES / "memory_only.keras")
    assert [d["kind"] for d in memory_only] == ["memory", "memory", "dense"]
    assert [d["keras_class"] for d in memory_only] == ["LMUFeedforward", "LMU", "Dense"]
    first, second, _ = memory_only
    # no input kernel: the input goes straight to the memories
    assert np.array_equal(first["weights"]["input_encoders"], np.eye(2))
    assert first["options"]["input_to_hidden"]
    assert second["options"]["input_d"] == 2 * 3 + 2
    assert second["options"]["memory_to_memory"] and second["options"]["use_bias"]
    between = read_keras_layers(FIXTURES / "dense_between.keras")
    assert [d["kind"] for d in between] == [
        "cell",
        "dense",
        "dense",
        "cell",
        "dense",
        "dense",
    ]
    assert [d.get("activation") for d in between if d["kind"] == "dense"] == [
        "tanh",
        "linear",
        "relu",
        "linear",
    ]
    for name in ("memory_only", "dense_between"):
        with pytest.raises(nengo.exceptions.ValidationError, match="load_keras_lmu_st"):
            load_keras_lmu_model(FIXTURES / f"{name}.keras")
    with nengo.Network():
        stack = load_keras_lmu_stack(FIXTURES / "dense_between.keras")
    with pytest.raises(nengo.exceptions.ValidationError, match="chains of LMU cells"):
        save_keras_lmu_model(stack, "never-written.keras")
    assert not Path("never-written.keras").exists()


def test_a_functional_model_that_is_not_a_chain_is_refused(tmp_path):
    """The readout reads the input, not the LMU layer: Nengo would compute
    another model, so the file is refused naming the layers."""
    import zipfile

    source = FIXTURES / "functional.keras"
    rewired = tmp_path / "rewired.keras"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(rewired, "w") as out:
        for member in archive.namelist():
            data = archive.read(member)
            if member == "config.json":
                config = json.loads(data)
                layers = config["config"]["layers"]
                history = layers[2]["inbound_nodes"][0]["args"][0]["config"]
                history["keras_history"][0] = layers[0]["name"]
                data = json.dumps(config)
            out.writestr(member, data)
    with pytest.raises(nengo.exceptions.ValidationError, match="only chains"):
        load_keras_lmu_stack(rewired)


def test_a_stack_of_lmu_layers_loads_as_a_chain_of_cells_and_matches_keras():
    reference = np.load(FIXTURES / "stacked.npz")
    path = FIXTURES / "stacked.keras"
    scores, net = classifier_scores(
        lambda: load_keras_lmu_stack(path), reference["inputs"]
    )
    assert np.allclose(scores, reference["predictions"], atol=1e-4)
    assert [c.order for c in net.cells] == [3, 2]
    assert [c.input_d for c in net.cells] == [2, 5]
    assert net.cells[1].hidden_to_memory and not net.cells[0].hidden_to_memory
    with pytest.raises(nengo.exceptions.ValidationError, match="holds 2 LMU layers"):
        load_keras_lmu_model(path)


@pytest.mark.parametrize("name", SINGLE)
def test_one_lmu_layer_as_a_chain_of_one_cell(name):
    reference = np.load(FIXTURES / f"{name}.npz")
    path = FIXTURES / f"{name}.keras"
    scores, net = classifier_scores(
        lambda: load_keras_lmu_stack(path), reference["inputs"]
    )
    assert len(net.cells) == 1
    assert np.allclose(scores, reference["predictions"], atol=1e-4)


@pytest.mark.parametrize("name", SINGLE)
def test_keras3_files_load_and_match_keras(name):
    reference = np.load(FIXTURES / f"{name}.npz")
    scores, classifier = nengo_scores(FIXTURES / f"{name}.keras", reference["inputs"])
    assert np.allclose(scores, reference["predictions"], atol=1e-4), np.abs(
        scores - reference["predictions"]
    ).max()
    options = MANIFEST["models"][name]["lmu"]
    assert classifier.cell.order == options["order"]
    assert classifier.cell.memory_d == options["memory_d"]
    assert classifier.cell.discretizer == options.get("discretizer", "zoh")


def test_a_keras3_file_that_does_not_match_is_refused_naming_keras(tmp_path):
    """A weights file that lost the hidden cell's bias: refused with what was
    found and expected, and the Keras version that saved the file."""
    import zipfile

    import h5py

    source = FIXTURES / "feedforward_simple_rnn.keras"
    damaged = tmp_path / "damaged.keras"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(damaged, "w") as out:
        for member in archive.namelist():
            data = archive.read(member)
            if member == "model.weights.h5":
                h5 = tmp_path / "weights.h5"
                h5.write_bytes(data)
                with h5py.File(h5, "r+") as f:
                    del f["layers/lmu/hidden_cell/vars/2"]
                data = h5.read_bytes()
            out.writestr(member, data)
    version = MANIFEST["versions"]["keras"]
    with pytest.raises(
        nengo.exceptions.ValidationError,
        match=f"saved by Keras {version}.*found 2 hidden-cell and 1 memory",
    ):
        load_keras_lmu_model(damaged)


@pytest.mark.parametrize("name", SINGLE)
def test_an_exported_file_reads_back_as_the_model(name, tmp_path):
    """Keras file -> classifier -> save_keras_lmu_model -> read: the same
    options and weights (float32 in the file)."""
    with nengo.Network():
        classifier = load_keras_lmu_model(FIXTURES / f"{name}.keras")
    path = save_keras_lmu_model(classifier, tmp_path / "model.keras")
    options, weights = read_keras_lmu_model(FIXTURES / f"{name}.keras")
    again_options, again = read_keras_lmu_model(path)
    assert again_options == pytest.approx(options)
    assert sorted(again) == sorted(weights)
    for key, value in weights.items():
        assert np.allclose(again[key], value, rtol=1e-6, atol=1e-7), key


def test_saving_refuses_what_keras_cannot_hold(tmp_path):
    with nengo.Network():
        lif = LMUClassifier(2, 4, 3, 0.004, neuron_type=nengo.LIFRate())
        pade = LMUClassifier(2, 4, 3, 0.004, discretizer="pade")
        fine = LMUClassifier(2, 4, 3, 0.004)
    with pytest.raises(nengo.exceptions.ValidationError, match="tanh or relu"):
        save_keras_lmu_model(lif, tmp_path / "lif.keras")
    with pytest.raises(nengo.exceptions.ValidationError, match="zoh or euler"):
        save_keras_lmu_model(pade, tmp_path / "pade.keras")
    with pytest.raises(nengo.exceptions.ValidationError, match=".keras files"):
        save_keras_lmu_model(fine, tmp_path / "model.h5")
    save_keras_lmu_model(fine, tmp_path / "model.keras")
    with pytest.raises(
        nengo.exceptions.ValidationError, match="exists; pass overwrite"
    ):
        save_keras_lmu_model(fine, tmp_path / "model.keras")


EXPORTED = {
    "feed-forward, tanh": dict(),
    "every connection, memory bias": dict(
        hidden_to_memory=True,
        memory_to_memory=True,
        input_to_hidden=True,
        use_bias=True,
    ),
    "Dense hidden cell, relu, two memories": dict(
        hidden_to_hidden=False,
        input_to_hidden=True,
        memory_d=2,
        neuron_type=nengo.RectifiedLinear(),
    ),
    "euler, trainable theta": dict(
        discretizer="euler", trainable_theta=True, memory="connections"
    ),
}


@pytest.mark.parametrize("name", sorted(EXPORTED))
def test_keras3_loads_an_exported_classifier_and_predicts_what_nengo_does(
    name, tmp_path
):
    """A classifier made in Nengo (its own initial weights), saved for Keras:
    keras-lmu 0.9 with Keras 3 loads the file with keras.models.load_model
    and predicts, at the last step, the scores Nengo computes (to 1e-4)."""
    kwargs = dict(input_d=2, neuron_type=nengo.Tanh(tau_ref=1.0), seed=3)
    kwargs.update(EXPORTED[name])
    theta = 0.012 if kwargs.get("discretizer") == "euler" else 0.004

    def make():
        return LMUClassifier(3, 5, 4, theta, **kwargs)

    inputs = np.random.RandomState(1).uniform(-1, 1, size=(4, 15, 2))
    scores, _ = classifier_scores(make, inputs)
    with nengo.Network():
        classifier = make()
    path = save_keras_lmu_model(classifier, tmp_path / "model.keras", steps=15)
    predicted = keras3_predict(path, inputs, tmp_path)
    assert np.abs(scores).max() > 0.05  # the readout is not trivially zero
    assert np.allclose(predicted, scores, atol=1e-4), np.abs(predicted - scores).max()


def test_a_keras3_weights_file_reads_with_its_configuration():
    """model.save_weights and model.to_json: the same model as the .keras
    file; the weights file alone is refused with what else to pass."""
    name = "recurrent_all_connections"
    reference = np.load(FIXTURES / f"{name}.npz")
    weights = FIXTURES / f"{name}.weights.h5"
    config = FIXTURES / f"{name}.json"
    scores, _ = classifier_scores(
        lambda: load_keras_lmu_model(weights, config=config), reference["inputs"]
    )
    assert np.allclose(scores, reference["predictions"], atol=1e-4)
    from_text = read_keras_lmu_model(weights, config=json.loads(config.read_text()))
    assert from_text[0] == read_keras_lmu_model(FIXTURES / f"{name}.keras")[0]
    with pytest.raises(nengo.exceptions.ValidationError, match="pass the model's conf"):
        read_keras_lmu_model(weights)


def test_a_stack_exports_and_keras3_predicts_what_nengo_does(tmp_path):
    """The two-layer fixture, loaded as a chain of cells and written back:
    it reads back as the same chain, and Keras 3 predicts the fixture's
    scores from the written file."""
    reference = np.load(FIXTURES / "stacked.npz")
    with nengo.Network():
        stack = load_keras_lmu_stack(FIXTURES / "stacked.keras")
    path = save_keras_lmu_model(stack, tmp_path / "stack.keras", steps=12)
    cells, readout = read_keras_lmu_stack(FIXTURES / "stacked.keras")
    again, again_readout = read_keras_lmu_stack(path)
    assert [o for o, _ in again] == [o for o, _ in cells]
    for (_, w), (_, v) in zip(again, cells):
        assert all(np.allclose(w[k], v[k], atol=1e-7) for k in v)
    assert np.allclose(again_readout["readout_bias"], readout["readout_bias"])
    predicted = keras3_predict(path, reference["inputs"], tmp_path)
    assert np.allclose(predicted, reference["predictions"], atol=1e-4)
    with pytest.raises(nengo.exceptions.ValidationError, match="LMUClassifier or a"):
        save_keras_lmu_model(nengo.Network(), tmp_path / "other.keras")
