"""Files: an interrupted save leaves the earlier file whole; a damaged or
missing file (npz, Keras, the paper's model) is refused by name."""

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


def _damaged(kind, good):
    data = good.read_bytes()
    return {
        "empty": b"",
        "text": b"hello",
        "half": data[: len(data) // 2],
        "flipped byte": data[:60] + bytes([data[60] ^ 0xFF]) + data[61:],
    }[kind]


@pytest.mark.parametrize(
    "kind, message",
    [
        ("empty", "is not an .npz file.*empty"),
        ("text", "is not an .npz file.*starts with b'hell'"),
        ("half", "is damaged.*BadZipFile"),
        ("flipped byte", "is damaged.*CRC"),
    ],
)
def test_a_damaged_file_is_refused_by_name(tmp_path, kind, message):
    good = tmp_path / "good.npz"
    npz.save_parameters(good, {"w": np.ones((3, 4))}, {"model": "LMUCell"})
    bad = tmp_path / f"{kind}.npz"
    bad.write_bytes(_damaged(kind, good))
    with pytest.raises(npz.ValidationError, match=message):
        npz.load_parameters(bad)


def test_files_without_nengo_lmus_metadata_are_refused(tmp_path):
    with pytest.raises(npz.ValidationError, match="there is no file .*missing.npz"):
        npz.load_parameters(tmp_path / "missing.npz")
    with pytest.raises(npz.ValidationError, match="is a folder"):
        npz.load_parameters(tmp_path)
    np.savez(tmp_path / "plain.npz", w=np.ones(2))
    with pytest.raises(npz.ValidationError, match=r"no '__metadata__'.*\['w'\]"):
        npz.load_parameters(tmp_path / "plain.npz")
    for text, why in (("{not json", "Expecting"), ("[1, 2]", "a JSON list")):
        np.savez(tmp_path / "bad.npz", w=np.ones(2), __metadata__=np.array(text))
        with pytest.raises(npz.ValidationError, match=f"not the JSON.*{why}"):
            npz.load_parameters(tmp_path / "bad.npz")
    npz.save_parameters(tmp_path / "cell.npz", {"w": np.ones(2)}, {"model": "LMUCell"})
    with pytest.raises(npz.ValidationError, match="no 'structure'.*\\['model'\\]"):
        npz.load_model(tmp_path / "cell.npz", "LMUCell", {})


def _zip_with(source, replace):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(buffer, "w") as b:
        for member in a.namelist():
            data = a.read(member)
            b.writestr(member, replace.get(member, lambda d: d)(data))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "kind, message",
    [
        ("missing", "there is no file .*a Keras model file was expected"),
        ("half a zip", "is damaged or is not a Keras model file.*BadZipFile"),
        ("config not JSON", "is damaged.*JSONDecodeError"),
        ("weights truncated", "is damaged.*OSError"),
        ("HDF5 signature only", "is damaged.*OSError"),
    ],
)
def test_damaged_keras_files_are_refused_by_name(tmp_path, kind, message):
    from pathlib import Path

    from nengo_lmu.io.keras_files import read_keras_lmu_model

    source = Path(__file__).parent / "keras3" / "feedforward_simple_rnn.keras"
    good = source.read_bytes()
    content = {
        "missing": None,
        "half a zip": good[: len(good) // 2],
        "config not JSON": _zip_with(source, {"config.json": lambda d: b"{bad"}),
        "weights truncated": _zip_with(source, {"model.weights.h5": lambda d: d[:500]}),
        "HDF5 signature only": b"\x89HDF\r\n\x1a\n" + bytes(100),
    }[kind]
    path = tmp_path / "model.keras"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(npz.ValidationError, match=message):
        read_keras_lmu_model(path)


def test_a_missing_or_damaged_paper_model_is_refused_by_name(tmp_path):
    from nengo_lmu.io.paper_model import read_lmu_paper_model

    with pytest.raises(npz.ValidationError, match="there is no file.*psMNIST-standard"):
        read_lmu_paper_model(tmp_path / "psMNIST-standard.hdf5")
    (tmp_path / "bad.hdf5").write_bytes(b"not HDF5")
    with pytest.raises(npz.ValidationError, match="bad.hdf5 is damaged.*OSError"):
        read_lmu_paper_model(tmp_path / "bad.hdf5")
