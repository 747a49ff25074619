"""``nengo-lmu export-nir``: saved classifiers as NIR files."""

import nengo
import numpy as np
import pytest

pytest.importorskip("nir")

from nengo_lmu.apps.psmnist.pretrained import pretrained  # noqa: E402
from nengo_lmu.cell.conversion import convert_to_spiking  # noqa: E402
from nengo_lmu.cli import main  # noqa: E402
from nengo_lmu.nir import from_nir, read  # noqa: E402


def scores(net, inputs, output, signal):
    with nengo.Network(seed=3) as top:
        top.add(net)
        source = nengo.Node(nengo.processes.PresentInput(signal, 0.001))
        nengo.Connection(source, inputs, synapse=None)
        probe = nengo.Probe(output)
    with nengo.Simulator(top, progress_bar=False) as sim:
        sim.run_steps(len(signal))
    return sim.data[probe]


def test_export_nir_writes_the_shipped_model(tmp_path, capsys):
    path = tmp_path / "model.nir"
    assert main(["export-nir", "psmnist_order256", str(path)]) == 0
    assert "1 IF" in capsys.readouterr().out
    back = from_nir(read(path))
    with nengo.Network(seed=0) as net:
        classifier, info = pretrained("psmnist_order256", seed=0)  # as exported
    settings = info["settings"]
    convert_to_spiking(
        net, rate_scale=settings["rate_scale"], synapse=settings["synapse"]
    )
    signal = np.random.RandomState(0).uniform(0, 1, size=(300, 1))
    expected = scores(classifier, classifier.input, classifier.output, signal)
    actual = scores(back, back.inputs["input"], back.outputs["output"], signal)
    assert np.abs(expected).max() > 0
    assert np.allclose(actual, expected, atol=1e-9)


def test_export_nir_refuses_to_overwrite_and_names_missing_models(tmp_path):
    path = tmp_path / "model.nir"
    path.write_text("keep me")
    with pytest.raises(SystemExit, match="exists; pass --force"):
        main(["export-nir", "psmnist_order256", str(path)])
    assert path.read_text() == "keep me"
    with pytest.raises(SystemExit, match="no such file, and not a shipped model"):
        main(["export-nir", str(tmp_path / "missing.npz"), str(tmp_path / "x.nir")])
