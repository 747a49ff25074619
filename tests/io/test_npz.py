"""npz parameter files: an interrupted save leaves the earlier file whole."""

import numpy as np
import pytest

from nengo_lmu.io import npz
from nengo_lmu.io.atomic import partial_path, write_atomically


def test_an_interrupted_save_keeps_the_earlier_file(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    npz.save_parameters(path, {"w": np.arange(3.0)}, {"kind": "first"})
    before = path.read_bytes()

    def interrupted(file, **arrays):
        with open(file, "wb") as f:
            f.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(npz.np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        npz.save_parameters(path, {"w": np.zeros(3)}, {"kind": "second"})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]
    monkeypatch.undo()
    params, metadata = npz.load_parameters(path)
    assert metadata == {"kind": "first"} and np.array_equal(params["w"], [0, 1, 2])


def test_save_names_the_file_as_numpy_does(tmp_path):
    """np.savez adds ``.npz`` to a name without it; the save still replaces
    the file of that name."""
    npz.save_parameters(tmp_path / "model", {"w": np.ones(2)}, {})
    npz.save_parameters(tmp_path / "model", {"w": np.zeros(2)}, {})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]
    params, _ = npz.load_parameters(tmp_path / "model.npz")
    assert np.array_equal(params["w"], [0, 0])


def test_write_atomically_replaces_only_when_the_write_finishes(tmp_path):
    path = tmp_path / "record.json"
    path.write_text("old")

    def failing(partial):
        partial.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, failing)
    assert path.read_text() == "old" and not partial_path(path).exists()
    write_atomically(path, lambda partial: partial.write_text("new"))
    assert path.read_text() == "new"
    assert partial_path(path).name == ".record.partial.json"
