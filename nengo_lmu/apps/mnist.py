"""MNIST and permuted sequential MNIST (psMNIST).

MNIST is read from its original IDX files (gzip-compressed or not), whose
uncompressed MD5 checksums are checked. The directory comes from an argument
or from the environment variable ``NENGO_LMU_DATA`` (a directory holding the
four files, or holding an ``mnist/`` directory with them).

psMNIST presents the 784 pixels of an image one per time step, in a fixed
random order. Two orders are in use:

- the LMU paper's (the NRU code's): ``rng = RandomState(50)``; the training
  set is shuffled by ``rng.permutation(60000)`` and split into 50,000 for
  training and the last 10,000 for validation; the pixel order is the next
  ``rng.permutation(784)``;
- KerasLMU's example: ``rng = RandomState(0)``; the pixel order is
  ``rng.permutation(784)``; training is the first 50,000 images and
  validation the last 10,000, unshuffled.
"""

import gzip
import hashlib
import os
import shutil
import urllib.request
import zlib
from pathlib import Path

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.io.atomic import write_atomically
from nengo_lmu.io.damage import as_path

ENV_VAR = "NENGO_LMU_DATA"

# MD5 of the uncompressed files (the original distribution's checksums)
MNIST_FILES = {
    "train_images": ("train-images-idx3-ubyte", "6bbc9ace898e44ae57da46a324031adb"),
    "train_labels": ("train-labels-idx1-ubyte", "a25bea736e30d166cdddb491f175f624"),
    "test_images": ("t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea"),
    "test_labels": ("t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637"),
}
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
PERMUTATIONS = ("paper", "keras")

HOW_TO_GET = (
    "Get MNIST with nengo_lmu.datasets.download_mnist(directory), or put the "
    f"four IDX files ({', '.join(name + '.gz' for name, _ in MNIST_FILES.values())}) "
    f"in a directory and pass it, or set {ENV_VAR} to it."
)


def mnist_directory(path=None):
    """The directory holding the MNIST files.

    Parameters
    ----------
    path : str or path-like, optional
        The directory; by default ``$NENGO_LMU_DATA``. If it has an
        ``mnist/`` subdirectory, that is the one.

    Returns
    -------
    pathlib.Path
        The directory (whether the files are there is checked on reading).
    """
    if path is None:
        path = os.environ.get(ENV_VAR)
        if path is None:
            raise ValidationError(
                f"no MNIST directory given and {ENV_VAR} is not set. " + HOW_TO_GET,
                attr="path",
            )
    path = as_path(path)
    if (path / "mnist").is_dir():
        path = path / "mnist"
    return path


def _read_idx(directory, key):
    name, md5 = MNIST_FILES[key]
    for candidate, opener in ((name + ".gz", gzip.open), (name, open)):
        file = directory / candidate
        if file.exists():
            try:
                with opener(file, "rb") as f:
                    data = f.read()
            except (OSError, EOFError, zlib.error) as error:
                # gzip's BadGzipFile, a truncated stream's EOFError, and
                # zlib's error for corrupt compressed data
                raise ValidationError(
                    f"{file} is damaged: it cannot be read ({error}). " + HOW_TO_GET,
                    attr="path",
                ) from None
            break
    else:
        raise ValidationError(
            f"{directory} has no {name}.gz or {name}. " + HOW_TO_GET, attr="path"
        )
    digest = hashlib.md5(data).hexdigest()
    if digest != md5:
        raise ValidationError(
            f"{file} is corrupt or not MNIST's (MD5 of its contents {digest}, "
            f"expected {md5}). " + HOW_TO_GET,
            attr="path",
        )
    # IDX: magic (2 zero bytes, type 0x08 = uint8, number of dimensions),
    # then one big-endian uint32 per dimension, then the data
    n_dims = data[3]
    shape = tuple(np.frombuffer(data[4 : 4 + 4 * n_dims], dtype=">u4").astype(int))
    return np.frombuffer(data[4 + 4 * n_dims :], dtype=np.uint8).reshape(shape)


def load_mnist(path=None):
    """MNIST as uint8 arrays, checksums checked.

    Parameters
    ----------
    path : str or path-like, optional
        The MNIST directory (see `mnist_directory`), holding the four IDX
        files, gzip-compressed or not.

    Returns
    -------
    dict
        ``train_images`` (60000, 28, 28), ``train_labels`` (60000,),
        ``test_images`` (10000, 28, 28), ``test_labels`` (10000,).
    """
    directory = mnist_directory(path)
    return {key: _read_idx(directory, key) for key in MNIST_FILES}


def download_mnist(directory, mirrors=MIRRORS):
    """Download the four MNIST files into ``directory`` (checksums checked).

    Files already there and intact are kept; each missing or corrupt one is
    fetched from the first mirror that gives an intact copy. A download is
    checked before it replaces anything: a corrupt file stays where it is
    until a verified copy takes its place (the error says so if none does).

    Parameters
    ----------
    directory : str or path-like
        Where to put the files (created if needed).
    mirrors : sequence of str
        Base URLs to try in order, each ending with ``/``.

    Returns
    -------
    pathlib.Path
        ``directory``.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for key, (name, md5) in MNIST_FILES.items():
        target = directory / (name + ".gz")
        damaged = None
        if target.exists():
            try:
                _read_idx(directory, key)
                continue
            except ValidationError as error:
                # kept until a verified copy replaces it
                damaged = error
        errors = []
        for mirror in mirrors:
            try:
                write_atomically(target, lambda partial: _fetch(mirror, name, partial))
                break
            except (OSError, ValidationError) as error:
                errors.append(f"{mirror}: {error}")
        else:
            kept = (
                f"; the file already there is kept as it was ({damaged})"
                if damaged is not None
                else ""
            )
            raise OSError(f"could not download {name}.gz: " + "; ".join(errors) + kept)
    return directory


def _fetch(mirror, name, path):
    """Download ``name.gz`` from ``mirror`` into ``path``, and check it."""
    with urllib.request.urlopen(mirror + name + ".gz", timeout=60) as r:
        with open(path, "wb") as f:
            shutil.copyfileobj(r, f)
    _check_download(path, name)


def _check_download(path, name):
    """Refuse a downloaded file whose contents fail MNIST's checksum."""
    md5 = {n: m for n, m in MNIST_FILES.values()}[name]
    with gzip.open(path, "rb") as f:
        try:
            data = f.read()
        except (OSError, EOFError, zlib.error) as error:
            raise ValidationError(
                f"the download is not a gzip file ({error})", attr="path"
            ) from None
    digest = hashlib.md5(data).hexdigest()
    if digest != md5:
        raise ValidationError(
            f"the download's MD5 is {digest}, expected {md5}", attr="path"
        )


def psmnist(permutation="paper", path=None):
    """psMNIST: pixel sequences in [0, 1] with the chosen split and pixel order.

    Parameters
    ----------
    permutation : {"paper", "keras"}
        The LMU paper's data (seed 50, shuffled split) or KerasLMU's example's
        (seed 0, first 50,000 / last 10,000); see the module's description.
    path : str or path-like, optional
        The MNIST directory (see `mnist_directory`).

    Returns
    -------
    dict
        ``train``, ``valid`` and ``test``: each a pair ``(x, y)`` with ``x``
        float32 of shape ``(n, 784, 1)`` (one pixel per step) and ``y`` int
        labels ``(n,)``; and ``pixels``, the pixel order.
    """
    if permutation not in PERMUTATIONS:
        raise ValidationError(
            f"must be one of {PERMUTATIONS}, got {permutation!r}", attr="permutation"
        )
    mnist = load_mnist(path)
    train = mnist["train_images"].reshape(-1, 784).astype(np.float32) / 255
    test = mnist["test_images"].reshape(-1, 784).astype(np.float32) / 255
    train_labels = mnist["train_labels"].astype(np.int64)
    if permutation == "paper":
        rng = np.random.RandomState(50)
        order = rng.permutation(len(train))
        pixels = rng.permutation(784)
    else:
        rng = np.random.RandomState(0)
        pixels = rng.permutation(784)
        order = np.arange(len(train))
    train, train_labels = train[order], train_labels[order]

    def sequences(images):
        return np.ascontiguousarray(images[:, pixels, None])

    return {
        "train": (sequences(train[:50000]), train_labels[:50000]),
        "valid": (sequences(train[-10000:]), train_labels[-10000:]),
        "test": (sequences(test), mnist["test_labels"].astype(np.int64)),
        "pixels": pixels,
    }
