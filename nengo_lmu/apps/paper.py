"""The LMU paper's pretrained psMNIST model, evaluated inside Nengo.

Published: 97.15% of the 10,000 test images (9715), with the NRU code's
permutation (`.datasets.psmnist` with ``permutation="paper"``).
"""

import os
import time
from pathlib import Path

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.cell.conversion import convert_to_spiking
from nengo_lmu.apps.accuracy import accuracy
from nengo_lmu.apps.mnist import ENV_VAR, psmnist
from nengo_lmu.arguments import check_positive
from nengo_lmu.cell.keras_models import load_lmu_paper_model
from nengo_lmu.io.paper_model import PAPER_MODEL_SHA256

PAPER_MODEL_FILE = Path("lmu-paper") / "psMNIST-standard.hdf5"


def paper_model_path(path=None, data=None):
    """Where the LMU paper's model file is.

    Parameters
    ----------
    path : str or path-like, optional
        The file itself; if given, it is returned.
    data : str or path-like, optional
        The data directory holding ``lmu-paper/psMNIST-standard.hdf5``; by
        default ``$NENGO_LMU_DATA`` (a `~nengo.exceptions.ValidationError`
        if neither is given).

    Returns
    -------
    pathlib.Path
        The file (whether it exists is checked when it is read).
    """
    if path is None:
        root = data if data is not None else os.environ.get(ENV_VAR)
        if root is None:
            raise ValidationError(
                f"no model file given and {ENV_VAR} is not set; pass the path of "
                "psMNIST-standard.hdf5 (published with the LMU paper)",
                attr="path",
            )
        path = Path(root) / PAPER_MODEL_FILE
    return Path(path)


def paper_network(
    path=None, dt=0.001, spiking=False, rate_scale=1000.0, synapse=None, data=None
):
    """The paper's model with an input node and an output probe.

    The spiking version has signed regularly spiking tanh neurons
    (`.convert_to_spiking`) with ``rate_scale``; with ``synapse=None`` their
    spikes feed the recurrence and readout unfiltered, as the trained model's
    one-step updates expect.

    Parameters
    ----------
    path : str or path-like, optional
        The model file (see `paper_model_path`).
    dt : float
        The time step in seconds: one pixel per step, a window of ``784 *
        dt`` seconds (`.load_lmu_paper_model`).
    spiking : bool
        Convert the hidden neurons to spiking ones.
    rate_scale : float
        Factor on the spiking neurons' firing rates (`.spiking_neuron_type`).
    synapse : nengo.synapses.Synapse, optional
        The synapse on the spiking neurons' outgoing connections (none by
        default).
    data : str or path-like, optional
        The data directory (see `paper_model_path`).

    Returns
    -------
    nengo.Network
        With ``model`` (the `.LMUClassifier`, its file's SHA-256 checked),
        ``inp`` (a Node for one pixel per step) and ``probe`` (on the class
        scores, before the softmax).
    """
    with nengo.Network(seed=0) as net:
        net.model = load_lmu_paper_model(
            paper_model_path(path, data), dt=dt, expected_sha256=PAPER_MODEL_SHA256
        )
        net.inp = nengo.Node(np.zeros(1))
        nengo.Connection(net.inp, net.model.input, synapse=None)
        if spiking:
            convert_to_spiking(net, rate_scale=rate_scale, synapse=synapse)
        net.probe = nengo.Probe(net.model.output)
    return net


def evaluate_paper_model(
    path=None,
    data=None,
    n_test=10000,
    spiking=0,
    rate_scale=1000.0,
    minibatch_size=200,
    verbose=True,
):
    """Count the test images the paper's model classifies correctly, in NengoDL.

    Parameters
    ----------
    path : str or path-like, optional
        The model file (see `paper_model_path`).
    data : str or path-like, optional
        The data directory: MNIST (`.datasets.mnist_directory`) and, unless
        ``path`` is given, the model file.
    n_test : int
        Test images to evaluate (the first ``n_test``, 1 to 10,000).
    spiking : int
        Also evaluate the spiking conversion on this many test images.
    rate_scale : float
        Factor on the spiking neurons' firing rates (see `paper_network`).
    minibatch_size : int
        Images simulated together.
    verbose : bool
        Show NengoDL's progress bars.

    Returns
    -------
    dict
        For ``rate`` and (if ``spiking``) ``spiking``: ``"<name> correct"``
        (text, ``"9715 of 10000"``), ``"<name> accuracy"`` (text, a
        percentage) and ``"<name> seconds"`` (wall time).
    """
    from nengo_lmu.dl import configure, predict  # pylint: disable=import-outside-toplevel

    for name, value, low in (
        ("n_test", n_test, 1),
        ("spiking", spiking, 0),
        ("minibatch_size", minibatch_size, 1),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValidationError(f"must be an integer, got {value!r}", attr=name)
        if not low <= value <= 10000:
            raise ValidationError(
                f"must be from {low} to 10000 (test images), got {value}", attr=name
            )
    check_positive(rate_scale, "rate_scale")
    x, y = psmnist("paper", data)["test"]
    result = {}
    runs = [("rate", n_test, False)] + ([("spiking", spiking, True)] if spiking else [])
    for name, n, is_spiking in runs:
        net = paper_network(path, spiking=is_spiking, rate_scale=rate_scale, data=data)
        with net:
            configure()
        minibatch = min(minibatch_size, n)
        # NengoDL simulates whole minibatches: the last one is filled up with
        # copies of the last image, whose scores are dropped
        padded = -(-n // minibatch) * minibatch
        images = np.concatenate([x[:n], np.repeat(x[n - 1 : n], padded - n, axis=0)])
        start = time.perf_counter()
        scores = predict(
            net, {net.inp: images}, net.probe, minibatch, x.shape[1], verbose
        )
        scores = scores[:n]
        correct = int(round(accuracy(scores[:, -1], y[:n]) * n))
        result[f"{name} correct"] = f"{correct} of {n}"
        result[f"{name} accuracy"] = f"{100 * correct / n:.2f}%"
        result[f"{name} seconds"] = round(time.perf_counter() - start, 1)
    return result
