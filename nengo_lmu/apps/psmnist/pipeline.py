"""psMNIST end to end: train on the parallel path, convert to spiking, evaluate.

The model is an `.LMUClassifier` whose cell has no feedback (the memory reads
only the input and the hidden state is feed-forward), so that its memory at
the last pixel is a closed-form function of the image
(`.LMUCell.parallel_input`). Training runs in NengoDL on that memory, one
step per image; the trained weights then go unchanged into the temporal
network, which reads the 784 pixels one per step (``steps_per_pixel``
steps each) and is evaluated in NengoDL with rate neurons, with spiking
hidden neurons, and with the memory in spiking neurons too.

Requires NengoDL (``pip install nengo-lmu[dl]``).
"""

import dataclasses
import time
from functools import partial
from pathlib import Path

import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.apps.mnist import psmnist
from nengo_lmu.apps.psmnist import loihi
from nengo_lmu.apps.psmnist.figure import draw_run
from nengo_lmu.apps.psmnist.evaluation import TemporalEvaluation
from nengo_lmu.apps.psmnist.settings import NEURON_TYPES, QUICK, Settings, progress
from nengo_lmu.apps.psmnist.training import train_parallel
from nengo_lmu.cell.classifier import LMUClassifier
from nengo_lmu.io.npz import npz_path

LOIHI_STAGE = "hidden on the NengoLoihi emulator"


class Pipeline(TemporalEvaluation):
    """One psMNIST run (see `run`).

    Parameters
    ----------
    settings : Settings
    data : str or path-like, optional
        The MNIST directory (see `.datasets.mnist_directory`).
    verbose : bool
        Print progress (and NengoDL's progress bars).
    """

    def __init__(self, settings=QUICK, data=None, verbose=True):
        if not isinstance(settings, Settings):
            raise ValidationError(
                f"must be a psMNIST Settings (QUICK, FULL or Settings(...)), got "
                f"{type(settings).__name__}",
                attr="settings",
            )
        self.settings = settings
        self.verbose = verbose
        s = settings
        progress("Loading psMNIST", verbose)
        self.data = psmnist(s.permutation, data)
        self.theta = 784 * s.steps_per_pixel * s.dt
        self.results = {}
        self.timings = {}

    def classifier(self, **kwargs):
        """The run's `.LMUClassifier`, built from the settings.

        A feed-forward hidden state (``hidden_to_hidden=False``) that also
        reads the input (``input_to_hidden=True``), no feedback into the
        memory: the structure that can be trained on the parallel path.

        Parameters
        ----------
        **kwargs
            Further `.LMUClassifier` arguments (``weights``, ``parallel``,
            ``dropout``, ...).

        Returns
        -------
        LMUClassifier
        """
        s = self.settings
        return LMUClassifier(
            10,
            s.units,
            s.order,
            self.theta,
            input_d=1,
            hidden_to_hidden=False,
            input_to_hidden=True,
            neuron_type=NEURON_TYPES[s.neuron_type](),
            dt=s.dt,
            seed=s.seed,
            **kwargs,
        )

    def sequences(self, x):
        """Images as input sequences, each pixel held ``steps_per_pixel`` steps.

        Parameters
        ----------
        x : (n, 784, 1) ndarray
            Pixel sequences (`.datasets.psmnist`).

        Returns
        -------
        (n, 784 * steps_per_pixel, 1) ndarray
        """
        return np.repeat(x, self.settings.steps_per_pixel, axis=1)

    def features(self, cell, x, chunk=5000):
        """The parallel cell's input at the last step, in chunks.

        Parameters
        ----------
        cell : LMUCell
            The parallel cell (`.LMUCell.parallel_input`).
        x : (n, 784, 1) ndarray
            Pixel sequences (held for ``steps_per_pixel`` steps here).
        chunk : int
            Images computed at a time (bounds the memory used).

        Returns
        -------
        (n, 1, parallel_size) float32 ndarray
            The pixel and its memory at the last step, per image.
        """
        parts = []
        for start in range(0, len(x), chunk):
            parts.append(
                cell.parallel_input(self.sequences(x[start : start + chunk]), [-1])
            )
            progress(f"  features {start + len(parts[-1])}/{len(x)}", self.verbose)
        return np.concatenate(parts).astype(np.float32)

    # --- training -------------------------------------------------------

    def train(self):
        """Train on the parallel path (`.training.train_parallel`).

        Returns
        -------
        dict of str to ndarray
            The trained weights for the temporal network, with the
            normalisation folded in; also kept as ``weights``.
        """
        return train_parallel(self)

    # --- evaluation -----------------------------------------------------

    def run(self, after_each=None):
        """Train, evaluate rate, spiking and fully spiking; return the results.

        Each evaluation with a number of test images of 0 in the settings is
        skipped; None evaluates the whole test split.

        Parameters
        ----------
        after_each : callable, optional
            Called with the results after each stage (to save them as they
            come).

        Returns
        -------
        dict
            `results`: for each stage, ``accuracy`` (a fraction) and
            ``images``.
        """
        s = self.settings
        weights = self.train()
        if after_each is not None:
            after_each(self.results)
        window = f"spiking hidden, last {s.window} steps"
        for name, n, evaluate in (
            ("temporal, rate", s.n_test_temporal, self.evaluate),
            (
                "temporal, spiking hidden",
                s.n_test_spiking,
                partial(self.evaluate, spiking=True),
            ),
            (window, s.n_test_window, self.evaluate_window),
            (
                "temporal, spiking hidden and memory",
                s.n_test_neural_memory,
                partial(self.evaluate, neural_memory=True),
            ),
            (LOIHI_STAGE, s.n_test_loihi, loihi.pipeline_stage(self)),
        ):
            n = len(self.data["test"][0]) if n is None else n
            if n == 0:
                continue
            progress(f"Evaluating: {name} ({n} test images)", self.verbose)
            start = time.perf_counter()
            accuracy, n_used = evaluate(weights, n)
            self.timings[name] = time.perf_counter() - start
            self.results[name] = {"accuracy": accuracy, "images": n_used}
            if after_each is not None:
                after_each(self.results)
        return self.results

    def table(self):
        """The accuracies as a text table.

        Returns
        -------
        str
            One line per stage of `results`: name, accuracy in percent and
            number of images, under a header line.
        """
        lines = [f"{'network':<36} {'accuracy':>9} {'images':>7}"]
        for name, result in self.results.items():
            accuracy = 100 * result["accuracy"]
            lines.append(f"{name:<36} {accuracy:>8.2f}% {result['images']:>7}")
        return "\n".join(lines)

    def figure(self, path, n_digits=3, n_neurons=40, n_steps=200):
        """A PNG of the accuracies, and for a few test digits the spiking
        network's hidden spikes and class scores over the last steps.

        Parameters
        ----------
        path : str or path-like
            The PNG file to write.
        n_digits : int
            Test digits to show (the first ones).
        n_neurons : int
            Hidden neurons whose spikes are shown.
        n_steps : int
            The last steps to show.

        Returns
        -------
        pathlib.Path
            ``path``.
        """
        draw_run(self, path, n_digits, n_neurons, n_steps)
        return Path(path)

    def save(self, path):
        """Save the trained weights with the settings and accuracies.

        Weights are stored as float32 (as trained), with ``settings``,
        ``results`` and ``timings`` as the file's ``info``
        (`.LMUClassifier.save`); `pretrained` reads such a file.

        Parameters
        ----------
        path : str or path-like
            The ``.npz`` file to write.

        Returns
        -------
        pathlib.Path
            ``path``.
        """
        model = self.classifier(weights=self.weights, add_to_container=False)
        info = {
            "settings": dataclasses.asdict(self.settings),
            "results": self.results,
            "timings": self.timings,
        }
        # float32, as trained (half the size of float64)
        weights = {k: v.astype(np.float32) for k, v in self.weights.items()}
        model.save(path, weights=weights, info=info)
        return npz_path(path)
