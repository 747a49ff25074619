"""The LMU paper's published psMNIST model file, read and checked.

The file (Keras 2.2.4, HDF5) is read with h5py: nothing in it is executed,
its SHA-256 can be checked, and only its known structure is accepted.
"""

import hashlib
import json

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import array_problem
from nengo_lmu.io.damage import readable_file, refusing_damage
from nengo_lmu.io.hdf5 import as_text, import_h5py, model_layers, read_h5_layers


# The pretrained psMNIST model of the LMU paper (Voelker, Kajic and Eliasmith,
# NeurIPS 2019), as its authors published it (Keras 2.2.4, HDF5).
PAPER_MODEL_SHA256 = "cf4abb0bacbeccd07827c8a21e91a45251d971bef3aa445d54c5eae07406811c"
PAPER_MODEL_ACCURACY = 0.9715  # published test accuracy
PAPER_CELL_WEIGHTS = (
    "input_encoders",
    "hidden_encoders",
    "memory_encoders",
    "input_kernel",
    "hidden_kernel",
    "memory_kernel",
    "AT",
    "BT",
)


def sha256(path):
    """The SHA-256 hex digest of a file.

    Parameters
    ----------
    path : str or path-like
        The file (read in blocks of 1 MiB).

    Returns
    -------
    str
        64 lowercase hexadecimal digits.
    """
    digest = hashlib.sha256()
    with open(readable_file(path, "a file"), "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_lmu_paper_model(path, expected_sha256=None):
    """Read the LMU paper's model file: its options and weights, checked.

    Only the paper's structure is accepted: a Keras ``Sequential`` of an
    ``RNN`` with the paper's ``LMUCell`` (weights ``input_encoders``,
    ``hidden_encoders``, ``memory_encoders``, ``input_kernel``,
    ``hidden_kernel``, ``memory_kernel``, ``AT``, ``BT``) and one ``Dense``
    layer. The file is read with h5py; nothing in it is executed.

    Parameters
    ----------
    path : str or path-like
        The ``.hdf5`` file.
    expected_sha256 : str, optional
        Refuse the file unless its SHA-256 digest is this
        (`PAPER_MODEL_SHA256` for the published file; ``nengo-lmu
        reproduce-paper`` passes it). Without it, damage inside the weights'
        bytes cannot be seen: HDF5 keeps no checksum of its data, so changed
        bytes read as other (finite) weights.

    Returns
    -------
    options : dict
        ``units``, ``order``, ``input_d``, ``memory_d``, ``n_classes``.
    weights : dict
        `.LMUClassifier` weights, plus ``"Ad"`` and ``"Bd"`` (the file's
        discrete memory, :math:`A^T + I` and :math:`B^T` transposed).
    """
    path = readable_file(
        path,
        "the LMU paper's model file",
        "Put psMNIST-standard.hdf5 there (see the data README), or pass its path.",
    )
    if expected_sha256 is not None:
        digest = sha256(path)
        if digest != expected_sha256:
            raise ValidationError(
                f"{path} has SHA-256 {digest}, expected {expected_sha256}: it is not "
                "the published file (re-download it)",
                attr="path",
            )
    h5py = import_h5py()
    with refusing_damage(path, "the LMU paper's model file (HDF5)"):
        with h5py.File(path, "r") as f:
            config = json.loads(as_text(f.attrs.get("model_config", "null")))
            layers = read_h5_layers(f["model_weights"]) if "model_weights" in f else {}
    model_class, kinds = model_layers(config)
    if model_class != "Sequential" or kinds != ["RNN", "Dense"]:
        raise ValidationError(
            f"{path} is not the LMU paper's model: expected a Sequential model of "
            f"[RNN, Dense], found {model_class} of {kinds}",
            attr="path",
        )
    if len(layers) != 2:
        raise ValidationError(
            f"{path} has weights for {len(layers)} layers ({list(layers)}), expected 2",
            attr="path",
        )
    rnn_name, dense_name = list(layers)
    rnn = {key.split("/")[-1].split(":")[0]: v for key, v in layers[rnn_name].items()}
    dense = {
        key.split("/")[-1].split(":")[0]: v for key, v in layers[dense_name].items()
    }
    if sorted(rnn) != sorted(PAPER_CELL_WEIGHTS) or sorted(dense) != ["bias", "kernel"]:
        raise ValidationError(
            f"{path} does not have the LMU paper's weights: found cell weights "
            f"{sorted(rnn)} and readout weights {sorted(dense)}, expected "
            f"{sorted(PAPER_CELL_WEIGHTS)} and ['bias', 'kernel']",
            attr="path",
        )
    for group, arrays in (("cell", rnn), ("readout", dense)):
        for name, value in arrays.items():
            problem = array_problem(value)
            if problem is not None:
                raise ValidationError(
                    f"{path}: the {group} weight {name!r} {problem}", attr="path"
                )
    units = rnn["hidden_kernel"].shape[0]
    order = rnn["AT"].shape[0]
    input_d = rnn["input_kernel"].shape[0]
    memory_d = rnn["BT"].shape[0]
    n_classes = dense["kernel"].shape[1]
    weights = {
        "input_encoders": rnn["input_encoders"].T,
        "hidden_encoders": rnn["hidden_encoders"].T,
        "memory_encoders": rnn["memory_encoders"].T,
        "memory_kernel": rnn["memory_kernel"].T,
        "input_kernel": rnn["input_kernel"].T,
        "hidden_kernel": rnn["hidden_kernel"].T,
        "hidden_bias": np.zeros(units),
        "readout_kernel": dense["kernel"].T,
        "readout_bias": dense["bias"],
        "Ad": rnn["AT"].T + np.eye(order),
        "Bd": rnn["BT"].T,
    }
    options = dict(
        units=units,
        order=order,
        input_d=input_d,
        memory_d=memory_d,
        n_classes=n_classes,
    )
    return options, weights
