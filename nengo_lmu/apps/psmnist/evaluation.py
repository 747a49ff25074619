"""How a psMNIST run evaluates its trained weights in the temporal network.

`TemporalEvaluation` is the evaluating half of `.Pipeline`: the temporal
classifier, optionally converted to spiking hidden neurons (and a spiking
memory), run image by image in NengoDL (`TemporalEvaluation.evaluate`), or
only over the last steps with the memory in closed form
(`TemporalEvaluation.evaluate_window`).

Requires NengoDL (``pip install nengo-lmu[dl]``).
"""

import nengo
import numpy as np

from nengo_lmu.apps.accuracy import accuracy
from nengo_lmu.apps.psmnist.settings import MEMORY_NEURON_TYPES, progress
from nengo_lmu.cell.conversion import convert_to_spiking
from nengo_lmu.legendre import memory_trajectory


class TemporalEvaluation:
    """The evaluations of a `.Pipeline` (a base class; not used alone).

    Needs the pipeline's ``settings``, ``data``, ``verbose``, ``classifier``
    and ``sequences``.
    """

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
