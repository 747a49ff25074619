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

import nengo
import numpy as np

from nengo_lmu.apps.accuracy import accuracy
from nengo_lmu.apps.mnist import psmnist
from nengo_lmu.apps.psmnist import loihi
from nengo_lmu.apps.psmnist.figure import draw_run
from nengo_lmu.apps.psmnist.settings import (
    MEMORY_NEURON_TYPES,
    NEURON_TYPES,
    QUICK,
    progress,
)
from nengo_lmu.apps.psmnist.training import train_parallel
from nengo_lmu.cell.classifier import LMUClassifier
from nengo_lmu.cell.conversion import convert_to_spiking
from nengo_lmu.legendre import memory_trajectory

LOIHI_STAGE = "hidden on the NengoLoihi emulator"


class Pipeline:
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

    def network(self, weights, spiking=False, neural_memory=False):
        """The temporal classifier with ``weights``, optionally spiking.

        Parameters
        ----------
        weights : dict of str to ndarray
            The classifier's weights (`train`).
        spiking : bool
            Spiking hidden neurons (`.convert_to_spiking` with the settings'
            ``rate_scale`` and ``synapse``).
        neural_memory : bool
            The memory in spiking neurons too (``memory_neurons``,
            ``memory_synapse``, scales from `memory_scales`); implies
            ``spiking``.

        Returns
        -------
        nengo.Network
            With ``model`` (the classifier), ``inp`` (a Node for one input
            per step) and ``probe`` (on the class scores).
        """
        s = self.settings
        with nengo.Network(seed=s.seed) as net:
            net.model = self.classifier(weights=weights)
            net.inp = nengo.Node(np.zeros(1))
            nengo.Connection(net.inp, net.model.input, synapse=None)
            if spiking or neural_memory:
                memory_kwargs = None
                if neural_memory:
                    memory_kwargs = dict(
                        n_neurons=s.memory_neurons,
                        synapse=s.memory_synapse,
                        scaling=self.memory_scales(net.model.cell),
                        neuron_type=MEMORY_NEURON_TYPES[s.memory_neuron_type](),
                        ensemble_kwargs=dict(
                            max_rates=nengo.dists.Uniform(
                                s.memory_max_rate / 2, s.memory_max_rate
                            )
                        ),
                    )
                convert_to_spiking(
                    net,
                    rate_scale=s.rate_scale,
                    synapse=self.readout_synapse(),
                    memory_kwargs=memory_kwargs,
                )
            net.probe = nengo.Probe(net.model.output)
        return net

    def memory_scales(self, cell, n_sequences=20, margin=1.5):
        """Per-coefficient scales for the spiking memory, from the data.

        The worst-case bound (`.coefficient_bounds`) is far above what images
        produce at high orders, which would waste the ensembles' range: use
        ``margin`` times the largest magnitude of each coefficient over
        ``n_sequences`` training images (all steps, closed form) instead.

        Parameters
        ----------
        cell : LMUCell
            The temporal cell (its weights give the memory's input
            :math:`u = e_x x + b_u`).
        n_sequences : int
            Training images to measure on (the first ones).
        margin : float
            Factor on the measured peaks.

        Returns
        -------
        (order,) ndarray
            One scale per coefficient (`.LegendreMemoryNetwork`'s
            ``scaling``).
        """
        x = self.sequences(self.data["train"][0][:n_sequences])
        weights = cell.get_weights()
        u = x @ weights["input_encoders"].T  # the memory's input, (n, steps, d)
        if cell.use_bias:
            u = u + weights["memory_bias"]
        Ad, Bd = cell.discrete_system()
        m = memory_trajectory(np.moveaxis(u, 1, 2), Ad, Bd)  # (n, d, steps, order)
        return margin * np.max(np.abs(m), axis=(0, 1, 2))

    def readout_synapse(self):
        """The synapse on the spiking hidden neurons' outputs (``readout``).

        Returns
        -------
        nengo.synapses.Synapse or None
            None (no synapse) for ``readout="pixel_average"``.
        """
        s = self.settings
        return None if s.readout == "pixel_average" else nengo.Lowpass(s.synapse)

    def read_scores(self, output, spiking):
        """The class scores from the probed output, as ``readout`` says.

        Parameters
        ----------
        output : (n, n_steps, 10) ndarray
            The readout over the last ``n_steps`` steps.
        spiking : bool
            Whether the network's hidden neurons spike.

        Returns
        -------
        (n, 10) ndarray
            The last step's scores, or their mean over the last
            ``steps_per_pixel`` steps (spiking, ``readout="pixel_average"``).
        """
        s = self.settings
        if spiking and s.readout == "pixel_average":
            return output[:, -s.steps_per_pixel :].mean(axis=1)
        return output[:, -1]

    def evaluate_window(self, weights, n=None, spiking=True, scores=False, chunk=2000):
        """Accuracy of the spiking hidden state run over the last steps only.

        The memory is exact and linear, so its value at each of the last
        ``window`` steps is computed in closed form (`.LMUCell.parallel_input`)
        and fed to the classifier's spiking hidden neurons and readout
        (a ``parallel=True`` classifier with the same weights and the same
        spiking conversion as `network`), which run for those ``window``
        steps. The hidden neurons then differ from the whole temporal run
        only in their state at the window's start; the readout synapse spans
        at most a pixel's steps. This makes the whole test set cheap:
        ``window`` steps an image instead of ``784 * steps_per_pixel``. On
        the shipped model (`pretrained`) the two agree to a tenth of a point
        over the whole test set against `evaluate` with ``spiking=True``
        (:doc:`/measurements`).

        Parameters
        ----------
        weights : dict of str to ndarray
            The classifier's weights.
        n : int or None
            Test images (the first ones; None: all); rounded down to a
            multiple of the minibatch size.
        spiking : bool
            Convert the hidden neurons to spiking (with rate neurons the
            scores equal the whole temporal network's).
        scores : bool
            Also return the class scores.
        chunk : int
            Images whose closed-form memories are computed at a time.

        Returns
        -------
        accuracy : float
            The fraction classified correctly.
        n : int
            The number of images evaluated.
        scores : (n, 10) ndarray
            Only with ``scores``: the class scores at the last step.
        """
        from nengo_lmu.dl import configure, simulator

        s = self.settings
        x, y = self.data["test"]
        n = len(x) if n is None else n
        minibatch = min(s.minibatch_size, n)
        n = n // minibatch * minibatch
        with nengo.Network(seed=s.seed) as net:
            configure(keep_history=spiking and s.readout == "pixel_average")
            model = self.classifier(weights=weights, parallel=True)
            inp = nengo.Node(np.zeros(model.cell.parallel_size))
            nengo.Connection(inp, model.input, synapse=None)
            if spiking:
                convert_to_spiking(
                    net, rate_scale=s.rate_scale, synapse=self.readout_synapse()
                )
            probe = nengo.Probe(model.output)
        steps = range(-s.window, 0)
        chunk = max(chunk // minibatch, 1) * minibatch  # whole minibatches
        outputs = []
        with simulator(net, minibatch_size=minibatch, progress_bar=False) as sim:
            for start in range(0, n, chunk):
                features = model.cell.parallel_input(
                    self.sequences(x[start : min(start + chunk, n)]), steps
                )
                output = sim.predict({inp: features}, n_steps=s.window, verbose=0)
                outputs.append(self.read_scores(output[probe], spiking))
                progress(f"  window run {start + len(features)}/{n}", self.verbose)
        output = np.concatenate(outputs)
        correct = accuracy(output, y[:n])
        return (correct, n, output) if scores else (correct, n)

    def evaluate(self, weights, n, spiking=False, neural_memory=False, scores=False):
        """Accuracy of the temporal network on the first ``n`` test images.

        Simulated in NengoDL, ``minibatch_size`` images at a time; the class
        is the largest score at the last step.

        Parameters
        ----------
        weights : dict of str to ndarray
            The classifier's weights.
        n : int
            Test images; rounded down to a multiple of the minibatch size
            (``min(minibatch_size, n)``).
        spiking, neural_memory : bool
            As for `network`.
        scores : bool
            Also return the class scores.

        Returns
        -------
        accuracy : float
            The fraction classified correctly.
        n : int
            The number of images evaluated.
        scores : (n, 10) ndarray
            Only with ``scores``: the class scores at the last step.
        """
        from nengo_lmu.dl import configure, predict

        s = self.settings
        x, y = self.data["test"]
        x, y = self.sequences(x[:n]), y[:n]
        net = self.network(weights, spiking, neural_memory)
        spiking = spiking or neural_memory
        with net:
            # the spiking memory's hundreds of ensembles run faster merged,
            # NengoDL's default (docs/measurements.rst)
            configure(
                keep_history=spiking and s.readout == "pixel_average",
                operators_apart=not neural_memory,
            )
        minibatch = min(s.minibatch_size, n)
        n = n // minibatch * minibatch
        output = predict(
            net, {net.inp: x[:n]}, net.probe, minibatch, x.shape[1], self.verbose
        )
        output = self.read_scores(output, spiking)
        correct = accuracy(output, y[:n])
        return (correct, n, output) if scores else (correct, n)

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
        return Path(path)
