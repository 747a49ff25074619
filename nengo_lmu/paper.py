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

from nengo_lmu.conversion import convert_to_spiking
from nengo_lmu.datasets import ENV_VAR, psmnist
from nengo_lmu.keras_io import PAPER_MODEL_SHA256, load_lmu_paper_model

PAPER_MODEL_FILE = Path("lmu-paper") / "psMNIST-standard.hdf5"


def paper_model_path(path=None, data=None):
    """``path``, else ``lmu-paper/psMNIST-standard.hdf5`` in the data
    directory ``data`` or ``$NENGO_LMU_DATA``."""
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
        The MNIST directory.
    n_test : int
        Test images to evaluate (the first ``n_test``; a multiple of
        ``minibatch_size`` is used).
    spiking : int
        Also evaluate the spiking conversion on this many test images.

    Returns
    -------
    dict
        Correct counts, accuracies and timings.
    """
    import nengo_dl

    x, y = psmnist("paper", data)["test"]
    result = {}
    runs = [("rate", n_test, False)] + ([("spiking", spiking, True)] if spiking else [])
    for name, n, is_spiking in runs:
        net = paper_network(path, spiking=is_spiking, rate_scale=rate_scale, data=data)
        with net:
            nengo_dl.configure_settings(stateful=False, keep_history=False)
        minibatch = min(minibatch_size, n)
        n = n // minibatch * minibatch
        start = time.perf_counter()
        with nengo_dl.Simulator(
            net, minibatch_size=minibatch, progress_bar=verbose
        ) as sim:
            scores = sim.predict(
                {net.inp: x[:n]}, n_steps=x.shape[1], verbose=int(verbose)
            )[net.probe]
        correct = int(np.sum(np.argmax(scores[:, -1], axis=-1) == y[:n]))
        result[f"{name} correct"] = f"{correct} of {n}"
        result[f"{name} accuracy"] = f"{100 * correct / n:.2f}%"
        result[f"{name} seconds"] = round(time.perf_counter() - start, 1)
    return result
