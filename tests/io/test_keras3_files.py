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

from nengo_lmu.cell.keras_models import load_keras_lmu_model

FIXTURES = Path(__file__).parent / "keras3"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text())


def test_the_fixtures_are_what_the_manifest_says():
    assert MANIFEST["versions"]["keras"].startswith("3.")
    assert MANIFEST["versions"]["keras_lmu"] == "0.9.0"
    for model in MANIFEST["models"].values():
        for name, digest in model["files"].items():
            assert hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest() == digest


def nengo_scores(path, inputs):
    """The loaded classifier's scores after each whole input sequence (the
    simulator reset between sequences, as Keras starts each at zero)."""
    current = {"x": np.zeros(inputs.shape[-1])}
    with nengo.Network() as net:
        classifier = load_keras_lmu_model(path)
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


@pytest.mark.parametrize("name", sorted(MANIFEST["models"]))
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
