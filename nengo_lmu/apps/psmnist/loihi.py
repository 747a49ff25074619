"""psMNIST with the hidden neurons on NengoLoihi and the memory exact on the host.

The shipped classifiers (`~nengo_lmu.apps.psmnist.pretrained.pretrained`)
have no hidden recurrence: the class scores depend only on the pixel
:math:`x_T` and the memory :math:`m_T` at the last step,

.. math::

    h = \\max(0, W_x x_T + W_m e_x m_T + b), \\qquad s = R h + c.

Here the memory runs on the host, exact and in closed form
(`.LMUCell.parallel_input`), and the chip computes :math:`h` with spiking
ReLU neurons: each image's final state is held for ``window`` steps, and
the host reads the scores from the hidden spikes averaged over the last
``readout_steps`` of them (the readout of a chip -> host connection, whose
weights NengoLoihi applies on the host anyway). Two things make this
accurate on the emulator (:doc:`/measurements`):

- **scaled sending**: every value sent from the host to the chip is carried
  by an on/off pair of spiking neurons, about one spike a step, so small
  values arrive with little precision. Memory dimension :math:`j` is sent as
  :math:`e_x m_j / p_j`, with :math:`p_j` a high percentile of
  :math:`|e_x m_j|` over training images, and the chip's weights from it are
  :math:`p_j` times :math:`W_m`'s column :math:`j`;
- **moderate rates**: NengoLoihi's ReLU neurons reset to zero, so their rate
  is :math:`1 / (dt \\lceil 1 / (J dt) \\rceil)`, well below :math:`J` near
  the step rate; ``rate_scale`` 300 keeps them in the near-linear range.

`evaluate` runs a chunk of test images in one simulator and returns what
``benchmarks/loihi_psmnist.py`` records: the accuracy, the chip's resources
and spikes, and the emulator's time.
"""

import time
from dataclasses import asdict, dataclass

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.apps.accuracy import accuracy
from nengo_lmu.apps.psmnist.settings import progress
from nengo_lmu.cell.memories import FEEDBACK_OPTIONS
from nengo_lmu.loihi.energy import dynamic_energy


@dataclass(frozen=True)
class LoihiSettings:
    """How the hidden layer runs on the chip.

    Parameters
    ----------
    window : int
        Steps each image's final state is held for.
    readout_steps : int
        The last steps of the window whose spikes give the scores.
    rate_scale : float
        Factor from the ReLU's value to the spiking neuron's rate (Hz per
        unit).
    percentile : float
        The percentile of :math:`|e_x m_j|` over training images that is
        sent as 1.
    scale_images : int
        Training images the percentiles are taken over.
    """

    window: int = 50
    readout_steps: int = 40
    rate_scale: float = 300.0
    percentile: float = 99.9
    scale_images: int = 3000

    def __post_init__(self):
        if not 0 < self.readout_steps <= self.window:
            raise ValidationError(
                f"must be in 1..window ({self.window}), got {self.readout_steps}",
                attr="readout_steps",
            )
        if not self.rate_scale > 0:
            raise ValidationError(
                f"must be > 0, got {self.rate_scale}", attr="rate_scale"
            )
        if not 0 < self.percentile <= 100:
            raise ValidationError(
                f"must be in (0, 100], got {self.percentile}", attr="percentile"
            )


def check_classifier(classifier):
    """Refuse classifiers whose scores depend on more than the last step's state.

    Parameters
    ----------
    classifier : LMUClassifier
    """
    cell = classifier.cell
    feedback = [name for name in FEEDBACK_OPTIONS if getattr(cell, name)]
    if cell.hidden_to_hidden:
        feedback.append("hidden_to_hidden")
    if feedback or cell.input_d != 1 or cell.memory_d != 1 or cell.use_bias:
        raise ValidationError(
            "the chip evaluation needs a classifier with one input and one memory "
            "dimension, no memory bias and no feedback (the scores then depend "
            f"only on the last step's state); got feedback {feedback}, input_d="
            f"{cell.input_d}, memory_d={cell.memory_d}, use_bias={cell.use_bias}",
            attr="classifier",
        )


def final_states(classifier, images, steps_per_pixel, chunk=200):
    """The pixel and the memory of the pixels at each sequence's last step.

    Parameters
    ----------
    classifier : LMUClassifier
        See `check_classifier`.
    images : (n, n_pixels, 1) ndarray
        Pixel sequences.
    steps_per_pixel : int
        Simulator steps each pixel is held for.
    chunk : int
        Sequences computed at a time.

    Returns
    -------
    (n, 1 + order) ndarray
        :math:`[x_T, m_T]`, with :math:`m_T` the memory of the pixels (the
        memory's input is :math:`e_x` times them).
    """
    check_classifier(classifier)
    cell = classifier.cell
    states = [
        cell.parallel_input(
            np.repeat(images[i : i + chunk, :, :1], steps_per_pixel, axis=1), [-1]
        )[:, 0]
        for i in range(0, len(images), chunk)
    ]
    return np.concatenate(states)


def send_scales(classifier, states, percentile):
    """:math:`p_j`: the ``percentile`` of :math:`|e_x m_j|` over ``states``.

    Parameters
    ----------
    classifier : LMUClassifier
    states : (n, 1 + order) ndarray
        `final_states` of training images.
    percentile : float

    Returns
    -------
    (order,) ndarray
    """
    e_x = classifier.cell.get_weights()["input_encoders"][0, 0]
    scales = np.percentile(np.abs(e_x * states[:, 1:]), percentile, axis=0)
    # a dimension that never moves is sent as it is
    return np.where(scales > 0, scales, 1.0)


def chip_network(classifier, states, scales, settings):
    """The hidden layer as it runs on the chip, fed ``states`` one window each.

    Parameters
    ----------
    classifier : LMUClassifier
    states : (n, 1 + order) ndarray
        `final_states` of the images to classify.
    scales : (order,) ndarray
        `send_scales`.
    settings : LoihiSettings

    Returns
    -------
    net : nengo.Network
        With ``net.send`` (the host Node of the sent values), ``net.hidden``
        (the chip's ensemble) and ``net.spikes`` (a probe of its neurons).
    """
    weights = classifier.cell.get_weights()
    e_x = weights["input_encoders"][0, 0]
    sent = np.concatenate([states[:, :1], e_x * states[:, 1:] / scales], axis=1)
    transform = np.concatenate(
        [weights["input_kernel"], weights["memory_kernel"] * scales[None, :]], axis=1
    )
    s = settings.rate_scale
    units = len(weights["hidden_bias"])
    with nengo.Network(label="psMNIST hidden layer on the chip") as net:
        net.send = nengo.Node(
            nengo.processes.PresentInput(
                np.repeat(sent, settings.window, axis=0), classifier.cell.dt
            ),
            label="sent state",
        )
        # h = max(0, W z + b) at s times the rate, spikes of height 1 / s
        net.hidden = nengo.Ensemble(
            units,
            1,
            # voltages start at zero, as they do on the chip
            neuron_type=nengo.SpikingRectifiedLinear(
                amplitude=1 / s, initial_state={"voltage": nengo.dists.Choice([0])}
            ),
            gain=np.full(units, s),
            bias=s * weights["hidden_bias"],
            label="hidden",
        )
        nengo.Connection(
            net.send, net.hidden.neurons, transform=transform, synapse=None
        )
        net.spikes = nengo.Probe(net.hidden.neurons)
    return net


def scores_from_spikes(classifier, spikes, settings):
    """The host's readout: :math:`R \\bar h + c`, :math:`\\bar h` the mean over the
    last ``readout_steps`` of each window.

    Parameters
    ----------
    classifier : LMUClassifier
    spikes : (n * window, units) ndarray
        The probed hidden spikes (height ``1 / (rate_scale dt)``).
    settings : LoihiSettings

    Returns
    -------
    (n, n_classes) ndarray
    """
    readout = classifier.get_weights()
    per_image = spikes.reshape(-1, settings.window, spikes.shape[-1])
    # a spike is 1 / (rate_scale dt) high and the rate is rate_scale h, so
    # the mean over steps estimates h
    hidden = per_image[:, -settings.readout_steps :].mean(axis=1)
    return hidden @ readout["readout_kernel"].T + readout["readout_bias"]


def chip_resources(model):
    """Cores, compartments and synapses of a built NengoLoihi model.

    Parameters
    ----------
    model : nengo_loihi.builder.Model
        ``sim.model`` after the build (blocks split to fit cores).

    Returns
    -------
    dict
        ``cores`` (one block per core after NengoLoihi's split),
        ``compartments`` and ``synapses`` (weights stored, all blocks).
    """
    blocks = list(model.blocks)
    synapses = sum(
        sum(np.size(w) for w in synapse.weights)
        for block in blocks
        for synapse in block.synapses
    )
    return {
        "cores": len(blocks),
        "compartments": int(sum(block.n_neurons for block in blocks)),
        "synapses": int(synapses),
        "utilization": model.utilization_summary()[-1],
    }


def evaluate(
    classifier, states, labels, scales, settings, backend="nengo_loihi", spikes=False
):
    """Classify one chunk of images with the hidden layer on the chip.

    Parameters
    ----------
    classifier : LMUClassifier
    states : (n, 1 + order) ndarray
        `final_states` of the images.
    labels : (n,) ndarray
        Their classes.
    scales : (order,) ndarray
        `send_scales`.
    settings : LoihiSettings
    backend : {"nengo_loihi", "nengo"}
        The NengoLoihi emulator (``target="sim"``), or nengo with the same
        network (the reference for the chip's effects).
    spikes : bool
        Also return the hidden spikes, ``(n * window, units)`` booleans.

    Returns
    -------
    dict
        ``correct``, ``images``, ``accuracy``, ``scores``, ``build_s``,
        ``run_s``, ``hidden_spikes_per_image``, ``input_spikes_per_image``
        (one per sent dimension and step, as NengoLoihi's on/off input
        neurons send), and on the emulator ``chip`` (`chip_resources`).
    """
    dt = classifier.cell.dt
    net = chip_network(classifier, states, scales, settings)
    start = time.perf_counter()
    if backend == "nengo_loihi":
        import nengo_loihi  # pylint: disable=import-outside-toplevel

        sim = nengo_loihi.Simulator(net, dt=dt, target="sim", progress_bar=False)
    elif backend == "nengo":
        sim = nengo.Simulator(net, dt=dt, progress_bar=False)
    else:
        raise ValidationError(
            f"must be 'nengo_loihi' or 'nengo', got {backend!r}", attr="backend"
        )
    result = {"build_s": time.perf_counter() - start}
    with sim:
        start = time.perf_counter()
        sim.run_steps(len(states) * settings.window)
        result["run_s"] = time.perf_counter() - start
        hidden = sim.data[net.spikes]
        if backend == "nengo_loihi":
            result["chip"] = chip_resources(sim.model)
    scores = scores_from_spikes(classifier, hidden, settings)
    n = len(labels)
    result.update(
        correct=int(round(accuracy(scores, labels) * n)),
        images=n,
        accuracy=accuracy(scores, labels),
        scores=scores,
        # each spike is 1 / (rate_scale dt) high
        hidden_spikes_per_image=float(hidden.sum() * dt * settings.rate_scale / n),
        input_spikes_per_image=float(states.shape[1] * settings.window),
        settings=asdict(settings),
    )
    if spikes:
        result["spikes"] = hidden > 0
    return result


def energy_per_image(result, units, window):
    """The chip's dynamic energy for one image (`nengo_lmu.loihi.energy`).

    Every spike from the host reaches all ``units`` hidden neurons (the
    weights are dense); the hidden spikes go to the host's readout and reach
    no synapse on the chip; every compartment updates every step.

    Parameters
    ----------
    result : dict
        An `evaluate` result (its ``input_spikes_per_image`` and
        ``hidden_spikes_per_image``).
    units : int
        Hidden neurons.
    window : int
        Steps per image.

    Returns
    -------
    dict
        `.dynamic_energy`'s parts, in joules.
    """
    inputs, hidden = result["input_spikes_per_image"], result["hidden_spikes_per_image"]
    return dynamic_energy(
        synaptic_ops=inputs * units,
        neuron_updates=units * window,
        spiking_updates=hidden,
        spikes=inputs + hidden,
    )


def evaluate_images(
    classifier,
    train_images,
    test_images,
    labels,
    steps_per_pixel,
    settings=None,
    chunk=100,
    backend="nengo_loihi",
    report=None,
):
    """Classify test images with the hidden layer on the chip, ``chunk`` a run.

    Parameters
    ----------
    classifier : LMUClassifier
        See `check_classifier`.
    train_images : (n_train, n_pixels, 1) ndarray
        Training sequences; `send_scales` uses the first
        ``settings.scale_images``.
    test_images : (n, n_pixels, 1) ndarray
        The sequences to classify.
    labels : (n,) ndarray
        Their classes.
    steps_per_pixel : int
        Simulator steps each pixel is held for.
    settings : LoihiSettings, optional
        ``LoihiSettings()`` by default.
    chunk : int
        Images per simulator (its probe holds ``chunk * window`` steps of
        every hidden neuron).
    backend : {"nengo_loihi", "nengo"}
        See `evaluate`.
    report : callable, optional
        Called with ``(done, n)`` after each chunk.

    Returns
    -------
    accuracy : float
    n : int
        Images classified.
    """
    settings = LoihiSettings() if settings is None else settings
    train = train_images[: settings.scale_images]
    scales = send_scales(
        classifier,
        final_states(classifier, train, steps_per_pixel),
        settings.percentile,
    )
    n, correct = len(test_images), 0
    for first in range(0, n, chunk):
        states = final_states(
            classifier, test_images[first : first + chunk], steps_per_pixel
        )
        result = evaluate(
            classifier, states, labels[first : first + chunk], scales, settings, backend
        )
        correct += result["correct"]
        if report is not None:
            report(first + result["images"], n)
    return correct / n, n


def pipeline_stage(pipeline):
    """`.Pipeline`'s stage "hidden layer on the NengoLoihi emulator".

    Parameters
    ----------
    pipeline : Pipeline
        The run: its classifier, data and settings.

    Returns
    -------
    callable
        ``stage(weights, n)``, returning ``(accuracy, n)`` for the first
        ``n`` test images (`evaluate_images` with `LoihiSettings`).
    """

    def stage(weights, n):
        (x_train, _), (x_test, y_test) = pipeline.data["train"], pipeline.data["test"]
        return evaluate_images(
            pipeline.classifier(weights=weights, add_to_container=False),
            x_train,
            x_test[:n],
            y_test[:n],
            pipeline.settings.steps_per_pixel,
            report=lambda done, total: progress(
                f"  emulator {done}/{total}", pipeline.verbose
            ),
        )

    return stage
