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

from nengo_lmu.classifier import LMUClassifier
from nengo_lmu.conversion import convert_to_spiking
from nengo_lmu.datasets import psmnist
from nengo_lmu.legendre import memory_trajectory
from nengo_lmu.parallel import fold_normalization, normalization
from nengo_lmu.parameters import load_parameters

NEURON_TYPES = {"relu": nengo.RectifiedLinear, "tanh": lambda: nengo.Tanh(tau_ref=1)}
MEMORY_NEURON_TYPES = {"spiking_relu": nengo.SpikingRectifiedLinear, "lif": nengo.LIF}


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything that defines a psMNIST run.

    ``n_*`` of None means the whole split (50,000 training, 10,000 test
    images).

    Parameters
    ----------
    units : int
        Hidden neurons of the `.LMUCell`.
    order : int
        Legendre coefficients of its memory; the window is the whole image,
        ``theta = 784 * steps_per_pixel * dt`` seconds.
    neuron_type : {"relu", "tanh"}
        The hidden neurons (``RectifiedLinear()`` or ``Tanh(tau_ref=1)``).
    dropout : float
        Dropout on the hidden state, in training.
    input_dropout : float
        Dropout on the parallel inputs (the closed-form memory), in training.
    epochs : int
        Training epochs on the parallel path.
    batch_size : int
        Training minibatch size.
    learning_rate : float
        Adam's initial learning rate, decayed to zero on a cosine over the
        whole training.
    n_train : int or None
        Training images (the first ones of the training split).
    n_test_temporal : int or None
        Test images for the temporal network with rate neurons.
    n_test_spiking : int or None
        Test images for the spiking hidden state with the exact memory.
    n_test_neural_memory : int or None
        Test images for the memory in spiking neurons too.
    rate_scale : float
        Factor on the firing rates of the spiking hidden state
        (`.spiking_neuron_type`).
    readout : {"lowpass", "pixel_average"}
        How a spiking network's class scores are read: at the last step,
        through a lowpass of time constant ``synapse`` on the hidden
        neurons' spikes; or, with no synapse, averaged over the last
        ``steps_per_pixel`` steps (the readout is linear, so this reads the
        spikes of the last pixel alone, where a lowpass also weighs the
        earlier pixels' spikes, or, if short, very few spikes). Rate
        networks are read at the last step either way.
    n_test_window : int or None
        Test images for the spiking hidden state run over the last
        ``window`` steps only (`Pipeline.evaluate_window`); None: all.
    window : int
        Steps of that run.
    synapse : float
        Lowpass time constant in seconds on the spiking neurons' outputs
        (with ``readout="lowpass"``).
        The readout is read at the last step, and a longer filter lags the
        hidden state's last changes (first 200 test images, full model, rates
        x1000: 97.5% at 5 ms, 99.5% at 2 ms).
    memory_neurons : int
        Neurons per coefficient of the spiking memory.
    memory_neuron_type : {"spiking_relu", "lif"}
        The spiking memory's neurons. Non-leaky integrate-and-fire neurons
        (``SpikingRectifiedLinear``) pass on the integral of their input
        exactly, up to one spike; LIF neurons lag fast inputs, which the
        memory's recurrence amplifies. At order 512 the final memory's error
        is larger than the coefficients' range with LIF, about half of it
        with IF neurons, and a fifth with 200 IF neurons per coefficient
        (``benchmarks/spiking_memory_psmnist.py``).
    memory_max_rate : float
        The spiking memory's neurons have maximum rates uniform in
        ``[memory_max_rate / 2, memory_max_rate]`` Hz (at most ``1 / dt``).
    memory_synapse : float
        The spiking memory's recurrent synapse in seconds.
    steps_per_pixel : int
        Steps each pixel is held for. The spiking readout averages over its
        synapse: holding each pixel for 5 steps keeps the hidden state nearly
        constant over that window (one step per pixel: 43% spiking against
        74% rate, a small model).
    dt : float
        The time step in seconds.
    minibatch_size : int
        Test images simulated together in evaluation.
    seed : int
        Seed of the networks and of TensorFlow.
    permutation : {"paper", "keras"}
        The pixel order and split (`.datasets.psmnist`).
    """

    units: int = 1024
    order: int = 512
    neuron_type: str = "relu"
    dropout: float = 0.5
    input_dropout: float = 0.25
    epochs: int = 60
    batch_size: int = 100
    learning_rate: float = 1e-3
    n_train: int = None
    n_test_temporal: int = 1000
    n_test_spiking: int = 1000
    n_test_neural_memory: int = 100
    rate_scale: float = 1000.0
    readout: str = "lowpass"
    n_test_window: int = None
    window: int = 50
    synapse: float = 0.002
    memory_neurons: int = 200
    memory_neuron_type: str = "spiking_relu"
    memory_max_rate: float = 900.0
    memory_synapse: float = 0.05
    steps_per_pixel: int = 5
    dt: float = 0.001
    minibatch_size: int = 200
    seed: int = 0
    permutation: str = "paper"

    def __post_init__(self):
        choices = {
            "neuron_type": NEURON_TYPES,
            "memory_neuron_type": MEMORY_NEURON_TYPES,
            "permutation": ("paper", "keras"),
            "readout": ("lowpass", "pixel_average"),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"Settings.{name}={getattr(self, name)!r}: must be one of "
                    f"{sorted(allowed)}"
                )
        if self.window < 1:
            raise ValueError(f"Settings.window={self.window}: must be >= 1 step")
        if not 0 < self.memory_max_rate <= 1 / self.dt:
            raise ValueError(
                f"Settings.memory_max_rate={self.memory_max_rate}: must be in "
                f"(0, 1 / dt] = (0, {1 / self.dt:g}] Hz (one spike a step at most)"
            )


QUICK = Settings(
    units=256,
    order=256,
    epochs=3,
    n_train=20000,
    n_test_temporal=200,
    n_test_spiking=200,
    n_test_window=1000,
    n_test_neural_memory=20,
    minibatch_size=100,
)
FULL = Settings()


def _progress(message, verbose):
    if verbose:
        print(message, flush=True)


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
        _progress("Loading psMNIST", verbose)
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
            _progress(f"  features {start + len(parts[-1])}/{len(x)}", self.verbose)
        return np.concatenate(parts).astype(np.float32)

    # --- training -------------------------------------------------------

    def train(self):
        """Train on the parallel path.

        The closed-form memory of every training and test image at its last
        step is normalised (`.parallel.normalization`), and the classifier is
        trained on it in NengoDL (Adam, cosine decay, cross-entropy on the
        logits); the accuracy on the test images goes into `results` as
        ``"parallel path (rate)"``, the times into `timings`.

        Returns
        -------
        dict of str to ndarray
            The trained weights for the temporal network, with the
            normalisation folded in (`.parallel.fold_normalization`); also
            kept as ``weights``.
        """
        import nengo_dl
        import tensorflow as tf

        s = self.settings
        x_train, y_train = self.data["train"]
        if s.n_train is not None:
            x_train, y_train = x_train[: s.n_train], y_train[: s.n_train]
        x_test, y_test = self.data["test"]

        with nengo.Network(seed=s.seed) as net:
            # one step per sample: no loop over time; each operator on its
            # own (see LMUCell's notes on NengoDL's speed)
            nengo_dl.configure_settings(
                stateful=False,
                use_loop=False,
                planner=nengo_dl.graph_optimizer.noop_planner,
            )
            model = self.classifier(parallel=True, dropout=s.dropout)
            inp = nengo.Node(np.zeros(model.cell.parallel_size))
            source = inp
            if s.input_dropout > 0:
                source = nengo_dl.TensorNode(
                    tf.keras.layers.Dropout(s.input_dropout),
                    shape_in=(model.cell.parallel_size,),
                    pass_time=False,
                )
                nengo.Connection(inp, source, transform=None, synapse=None)
            nengo.Connection(source, model.input, synapse=None)
            probe = nengo.Probe(model.output)

        start = time.perf_counter()
        _progress("Closed-form memory (training and test images)", self.verbose)
        train_features = self.features(model.cell, x_train)
        test_features = self.features(model.cell, x_test)
        mean, scale = normalization(model.cell, train_features)
        train_features = ((train_features - mean) / scale).astype(np.float32)
        test_features = ((test_features - mean) / scale).astype(np.float32)
        self.timings["features"] = time.perf_counter() - start

        _progress(f"Training on the parallel path ({s.epochs} epochs)", self.verbose)
        start = time.perf_counter()
        tf.random.set_seed(s.seed)
        with nengo_dl.Simulator(
            net, minibatch_size=s.batch_size, seed=s.seed, progress_bar=self.verbose
        ) as sim:
            steps = s.epochs * (len(x_train) // s.batch_size)
            sim.compile(
                optimizer=tf.optimizers.Adam(
                    tf.keras.optimizers.schedules.CosineDecay(s.learning_rate, steps)
                ),
                loss={probe: tf.losses.SparseCategoricalCrossentropy(from_logits=True)},
                metrics={probe: "accuracy"},
                # batches per call of the training function: a one-step
                # batch is short enough for the call's overhead to count
                steps_per_execution=50,
            )
            n = len(x_train) // s.batch_size * s.batch_size
            sim.fit(
                {inp: train_features[:n]},
                {probe: y_train[:n, None, None]},
                epochs=s.epochs,
                verbose=2 if self.verbose else 0,
            )
            self.timings["training"] = time.perf_counter() - start
            n = len(x_test) // s.batch_size * s.batch_size
            scores = sim.predict({inp: test_features[:n]}, verbose=0)[probe]
            self.parallel_scores = scores[:, -1]
            self.results["parallel path (rate)"] = {
                "accuracy": _accuracy(scores[:, -1], y_test[:n]),
                "images": n,
            }
            weights = model.get_weights(sim)
        self.weights = fold_normalization(model.cell, weights, mean, scale)
        return self.weights

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
        the shipped model (`pretrained`) the two agree to 0.09 points over
        the whole test set: 98.08% here, 97.99% for the whole temporal run
        (`evaluate` with ``spiking=True``).

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
        import nengo_dl

        s = self.settings
        x, y = self.data["test"]
        n = len(x) if n is None else n
        minibatch = min(s.minibatch_size, n)
        n = n // minibatch * minibatch
        with nengo.Network(seed=s.seed) as net:
            nengo_dl.configure_settings(
                stateful=False,
                keep_history=spiking and s.readout == "pixel_average",
                planner=nengo_dl.graph_optimizer.noop_planner,
            )
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
        with nengo_dl.Simulator(
            net, minibatch_size=minibatch, progress_bar=False
        ) as sim:
            for start in range(0, n, chunk):
                features = model.cell.parallel_input(
                    self.sequences(x[start : min(start + chunk, n)]), steps
                )
                output = sim.predict({inp: features}, n_steps=s.window, verbose=0)
                outputs.append(self.read_scores(output[probe], spiking))
                _progress(f"  window run {start + len(features)}/{n}", self.verbose)
        output = np.concatenate(outputs)
        accuracy = _accuracy(output, y[:n])
        return (accuracy, n, output) if scores else (accuracy, n)

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
        import nengo_dl

        s = self.settings
        x, y = self.data["test"]
        x, y = self.sequences(x[:n]), y[:n]
        net = self.network(weights, spiking, neural_memory)
        spiking = spiking or neural_memory
        with net:
            nengo_dl.configure_settings(
                stateful=False,
                keep_history=spiking and s.readout == "pixel_average",
            )
            if not neural_memory:
                # the spiking memory's hundreds of ensembles run faster
                # merged, NengoDL's default (see LMUCell's notes)
                nengo_dl.configure_settings(
                    planner=nengo_dl.graph_optimizer.noop_planner
                )
        minibatch = min(s.minibatch_size, n)
        n = n // minibatch * minibatch
        with nengo_dl.Simulator(
            net, minibatch_size=minibatch, progress_bar=self.verbose
        ) as sim:
            output = sim.predict(
                {net.inp: x[:n]}, n_steps=x.shape[1], verbose=int(self.verbose)
            )[net.probe]
        output = self.read_scores(output, spiking)
        accuracy = _accuracy(output, y[:n])
        return (accuracy, n, output) if scores else (accuracy, n)

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
        ):
            n = len(self.data["test"][0]) if n is None else n
            if n == 0:
                continue
            _progress(f"Evaluating: {name} ({n} test images)", self.verbose)
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
        import nengo_dl

        x, y = self.data["test"]
        x = self.sequences(x[:n_digits])
        net = self.network(self.weights, spiking=True)
        with net:
            nengo_dl.configure_settings(
                stateful=False, planner=nengo_dl.graph_optimizer.noop_planner
            )
            hidden = nengo.Probe(net.model.cell.output[:n_neurons])
        with nengo_dl.Simulator(
            net, minibatch_size=n_digits, progress_bar=False
        ) as sim:
            data = sim.predict({net.inp: x}, n_steps=x.shape[1], verbose=0)
        _figure(
            path,
            self.results,
            self.data["test"][0][:n_digits, :, 0][:, np.argsort(self.data["pixels"])],
            y[:n_digits],
            data[hidden][:, -n_steps:],
            data[net.probe][:, -n_steps:],
            self.settings.dt,
        )
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


PRETRAINED = Path(__file__).parent / "models" / "psmnist.npz"
PRETRAINED_NAMES = ("psmnist", "psmnist_order256")


def pretrained(name="psmnist", **kwargs):
    """A psMNIST classifier shipped with the package, and what was measured
    with it.

    Parameters
    ----------
    name : {"psmnist", "psmnist_order256"}
        ``"psmnist"`` (order 512, trained by ``benchmarks/psmnist.py``): the
        most accurate with rate neurons and with a spiking hidden state.
        ``"psmnist_order256"`` (order 256, 30 epochs): the one whose memory
        also runs in spiking neurons accurately (the spike noise that the
        memory's recurrence passes on grows with the order;
        ``benchmarks/spiking_memory_psmnist.py``).
    **kwargs
        Further `.LMUClassifier` arguments (``neuron_type``, ``label``, ...).

    Returns
    -------
    model : LMUClassifier
        Feed it the pixels in the LMU paper's order
        (`.datasets.psmnist`), each held for ``settings["steps_per_pixel"]``
        steps of ``settings["dt"]``, and read ``output`` after the last.
    info : dict
        ``settings`` (how it was trained), ``results`` (accuracies, and on
        how many test images) and ``timings``.
    """
    path = PRETRAINED.with_name(f"{name}.npz")
    if name not in PRETRAINED_NAMES:
        raise ValueError(f"name={name!r}: the package ships {list(PRETRAINED_NAMES)}")
    _, metadata = load_parameters(path)
    return LMUClassifier.load(path, **kwargs), metadata["info"]


def _figure(path, results, images, labels, spikes, scores, dt):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(images)
    fig = plt.figure(figsize=(12, 2.6 * (n + 1)))
    grid = fig.add_gridspec(n + 1, 3, width_ratios=(1, 3, 2))
    ax = fig.add_subplot(grid[0, :])
    names = list(results)
    accuracies = [100 * results[k]["accuracy"] for k in names]
    ax.barh(names, accuracies, color="tab:blue")
    for i, (a, k) in enumerate(zip(accuracies, names)):
        ax.text(a + 0.1, i, f"{a:.2f}% ({results[k]['images']} images)", va="center")
    ax.set_xlim(min(accuracies) - 5, 101)
    ax.set_xlabel("psMNIST test accuracy (%)")
    ax.invert_yaxis()
    t = np.arange(1, spikes.shape[1] + 1) * dt
    for i in range(n):
        ax = fig.add_subplot(grid[i + 1, 0])
        ax.imshow(images[i].reshape(28, 28), cmap="gray_r")
        ax.set_title(f"label {labels[i]}")
        ax.axis("off")
        ax = fig.add_subplot(grid[i + 1, 1])
        neurons, steps = np.nonzero(spikes[i].T > 0)
        ax.plot(t[steps], neurons, "|", color="k", markersize=2)
        ax.set_ylabel("hidden neuron")
        ax.set_title("spikes of 40 hidden neurons, last 200 steps")
        ax = fig.add_subplot(grid[i + 1, 2])
        ax.plot(t, scores[i])
        ax.set_title(f"class scores (predicted {np.argmax(scores[i, -1])})")
        ax.set_xlabel("time (s)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _accuracy(scores, labels):
    return float(np.mean(np.argmax(scores, axis=-1) == labels))
