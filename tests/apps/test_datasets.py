"""MNIST reading (checksums, messages) and the psMNIST permutations."""

import gzip
import shutil

import numpy as np
import pytest
from nengo.exceptions import ValidationError

from nengo_lmu.apps.mnist import MNIST_FILES, load_mnist, mnist_directory, psmnist

from data import DATA, needs_data


@needs_data
def test_mnist_loads_with_checksums():
    mnist = load_mnist(DATA)
    assert mnist["train_images"].shape == (60000, 28, 28)
    assert mnist["test_images"].shape == (10000, 28, 28)
    assert mnist["train_labels"].shape == (60000,)
    assert np.bincount(mnist["test_labels"]).tolist()[:2] == [980, 1135]
    assert mnist["train_images"].dtype == np.uint8


@needs_data
def test_psmnist_permutations():
    paper = psmnist("paper", DATA)
    rng = np.random.RandomState(50)
    order = rng.permutation(60000)
    assert np.array_equal(paper["pixels"], rng.permutation(784))
    raw = load_mnist(DATA)
    image = raw["train_images"][order[0]].reshape(784) / 255
    x, y = paper["train"]
    assert x.shape == (50000, 784, 1) and paper["valid"][0].shape == (10000, 784, 1)
    assert np.allclose(x[0, :, 0], image[paper["pixels"]])
    assert y[0] == raw["train_labels"][order[0]]
    assert paper["test"][1][0] == raw["test_labels"][0]

    keras = psmnist("keras", DATA)
    assert np.array_equal(keras["pixels"], np.random.RandomState(0).permutation(784))
    assert keras["valid"][1][0] == raw["train_labels"][50000]  # unshuffled split
    with pytest.raises(ValidationError) as info:
        psmnist("random", DATA)
    assert info.value.attr == "permutation"


@needs_data
def test_missing_and_corrupt_files_are_refused_with_how_to_get_them(tmp_path):
    source = mnist_directory(DATA)
    for name, _ in MNIST_FILES.values():
        shutil.copy(source / (name + ".gz"), tmp_path)
    # raw (not gzipped) files are read too
    name = MNIST_FILES["test_labels"][0]
    with gzip.open(tmp_path / (name + ".gz")) as f:
        raw = bytearray(f.read())
    (tmp_path / (name + ".gz")).unlink()
    (tmp_path / name).write_bytes(raw)
    assert load_mnist(tmp_path)["test_labels"].shape == (10000,)

    raw[100] ^= 1
    (tmp_path / name).write_bytes(raw)
    with pytest.raises(ValidationError, match="corrupt.*download_mnist"):
        load_mnist(tmp_path)
    (tmp_path / name).unlink()
    with pytest.raises(ValidationError, match="no t10k-labels.*download_mnist"):
        load_mnist(tmp_path)


def test_no_directory_says_how_to_get_the_data(monkeypatch):
    monkeypatch.delenv("NENGO_LMU_DATA", raising=False)
    with pytest.raises(ValidationError, match="NENGO_LMU_DATA is not set"):
        mnist_directory()


@needs_data
def test_download_replaces_a_corrupt_file_only_with_a_verified_copy(tmp_path):
    from nengo_lmu.apps.mnist import download_mnist

    good = (DATA / "mnist").resolve().as_uri() + "/"
    bad_dir = tmp_path / "bad mirror"
    bad_dir.mkdir()
    for name, _ in MNIST_FILES.values():
        with gzip.open(bad_dir / (name + ".gz"), "wb") as f:
            f.write(b"not MNIST")
    bad = bad_dir.resolve().as_uri() + "/"
    target = tmp_path / "mnist"
    download_mnist(target, mirrors=[good])
    assert load_mnist(tmp_path)["test_labels"].shape == (10000,)

    # a damaged file survives a download that fails its checksum, and the
    # error says so
    labels = target / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(b"damaged")
    with pytest.raises(OSError, match="MD5.*kept as it was"):
        download_mnist(target, mirrors=[bad])
    assert labels.read_bytes() == b"damaged"
    assert not [p.name for p in target.iterdir() if p.name.startswith(".")]
    # a verified copy replaces it
    download_mnist(target, mirrors=[bad, good])
    assert load_mnist(tmp_path)["test_labels"].shape == (10000,)
