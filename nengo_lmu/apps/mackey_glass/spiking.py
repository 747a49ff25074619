"""The trained Mackey-Glass LMU with spiking hidden neurons.

A model trained by `.training.train` is rebuilt, its best epoch's weights
frozen into the network, and its tanh hidden units swapped for spiking
ones by `.convert_to_spiking`: each unit becomes a ``RegularSpiking(Tanh)``
neuron firing signed spikes of amplitude :math:`1/s` at the rate
:math:`s \\tanh(J)` (``rate_scale`` :math:`s`), and every connection out of
the hidden neurons (the recurrence, the memory's input, the next layer, the
readout) gets a lowpass synapse to smooth them. The memories stay exact
(order 4 over 4 steps: shorter than any synapse that smooths spikes).

`evaluate` measures the converted model's NRMSE on a set of series and its
spikes, and `sweep` the settings: the time step of the series is
``dt = 1 ms`` as the models are built, so a rate of :math:`s` Hz is
:math:`s / 1000` spikes a step at the most.
"""

import dataclasses

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.apps.mackey_glass.data import nrmse
from nengo_lmu.apps.mackey_glass.models import lmu_stack
from nengo_lmu.apps.mackey_glass.training import (
    BATCH_SIZE,
    attach_series,
    load_best_weights,
    train,
)
from nengo_lmu.cell.conversion import convert_to_spiking


def freeze(net, checkpoint):
    """Put a checkpoint's best weights into ``net``'s objects, in place.

    Parameters
    ----------
    net : nengo.Network
        The model, with `.training.attach_series` done: the weights are
        NengoDL's ``keras_model`` weights of this very network.
    checkpoint : str or path-like
        A `.training.train` checkpoint of it.

    Returns
    -------
    nengo.Network
        ``net``.
    """
    from nengo_lmu.dl import simulator  # pylint: disable=import-outside-toplevel

    weights = load_best_weights(checkpoint)
    with simulator(net, minibatch_size=BATCH_SIZE, progress_bar=False) as sim:
        expected = [w.shape for w in sim.keras_model.get_weights()]
        if [w.shape for w in weights] != expected:
            raise ValidationError(
                f"{checkpoint} holds the weights of another model (shapes "
                f"{[w.shape for w in weights]}; this model's: {expected})",
                attr="checkpoint",
            )
        sim.keras_model.set_weights(weights)
        sim.freeze_params(net)
    return net


def frozen_stack(checkpoint, make=lmu_stack):
    """The model built by ``make`` with a checkpoint's best weights in it.

    Parameters
    ----------
    checkpoint : str or path-like
        A `.training.train` checkpoint of a model that ``make`` builds.
    make : callable
        The model's builder (`.lmu_stack` by default, with its defaults).

    Returns
    -------
    net : nengo.Network
        The model, its weights frozen into its connections and ensembles.
    source : nengo.Node
        Feeds the series.
    probe : nengo.Probe
        The prediction.
    """
    net = make()
    source, probe = attach_series(net)
    return freeze(net, checkpoint), source, probe


def spiking_stack(checkpoint, rate_scale, synapse=None, make=lmu_stack, tuned=None):
    """The trained model converted to spiking neurons, fine-tuned or not.

    Parameters
    ----------
    checkpoint : str or path-like
        The trained rate model's checkpoint.
    rate_scale : float or None
        The conversion's factor on the rates (None: no conversion).
    synapse : float, optional
        Lowpass time constant on the spiking neurons' outputs.
    make : callable
        The model's builder.
    tuned : str or path-like, optional
        A `fine_tune` checkpoint of the converted model, whose weights then
        replace the trained ones (NengoDL orders a spiking network's
        weights differently, so they load only into the converted model).

    Returns
    -------
    net, source, probe
        As `frozen_stack` returns them.
    """
    net, source, probe = frozen_stack(checkpoint, make)
    if rate_scale is not None:
        convert_to_spiking(net, rate_scale=rate_scale, synapse=synapse)
    if tuned is not None:
        freeze(net, tuned)
    return net, source, probe


@dataclasses.dataclass
class SpikingResult:
    """What `evaluate` measured.

    Parameters
    ----------
    rate_scale : float or None
        The conversion's ``rate_scale`` (None: the rate model).
    synapse : float or None
        The lowpass time constant on the hidden neurons' outputs, seconds.
    nrmse : float
        Over every series and step.
    spikes_per_step : float
        Spikes a hidden neuron a step, averaged over neurons, steps and
        series (0 for the rate model).
    neurons : int
        Hidden neurons in all layers.
    """

    rate_scale: object
    synapse: object
    nrmse: float
    spikes_per_step: float
    neurons: int


def evaluate(
    checkpoint, series, rate_scale=None, synapse=0.005, make=lmu_stack, tuned=None
):
    """The NRMSE of the trained model, with spiking hidden neurons or not.

    Parameters
    ----------
    checkpoint : str or path-like
        The trained model's `.training.train` checkpoint.
    series : tuple of ndarray
        ``(inputs, targets)``, each ``(n, steps, 1)`` with ``n`` a multiple
        of 32 (a split of `.mackey_glass_task`).
    rate_scale : float, optional
        Convert the hidden neurons to spiking ones with this factor on their
        rates (`.convert_to_spiking`); None keeps the rate neurons.
    synapse : float
        Lowpass time constant of the spiking neurons' outputs, seconds
        (``dt`` is 1 ms).
    make : callable
        The model's builder.
    tuned : str or path-like, optional
        A `fine_tune` checkpoint of the converted model (`spiking_stack`).

    Returns
    -------
    SpikingResult
    """
    from nengo_lmu.dl import simulator  # pylint: disable=import-outside-toplevel

    inputs, targets = series
    if len(inputs) % BATCH_SIZE != 0:
        raise ValidationError(
            f"must hold a multiple of {BATCH_SIZE} series, not {len(inputs)}",
            attr="series",
        )
    net, source, probe = spiking_stack(checkpoint, rate_scale, synapse, make, tuned)
    with net:
        spikes = [nengo.Probe(cell.output, synapse=None) for cell in net.cells]
    neurons = sum(cell.units for cell in net.cells)
    with simulator(net, minibatch_size=BATCH_SIZE, progress_bar=False) as sim:
        dt = sim.dt
        predicted, count = [], 0.0
        for start in range(0, len(inputs), BATCH_SIZE):
            out = sim.predict(
                {source: inputs[start : start + BATCH_SIZE]},
                verbose=0,
            )
            predicted.append(out[probe])
            if rate_scale is not None:
                # RegularSpiking outputs n spikes / dt times the amplitude 1 / s
                count += sum(np.abs(out[p]).sum() for p in spikes) * dt * rate_scale
    steps = inputs.shape[0] * inputs.shape[1]
    return SpikingResult(
        rate_scale=rate_scale,
        synapse=None if rate_scale is None else synapse,
        nrmse=nrmse(np.concatenate(predicted), targets),
        spikes_per_step=count / (steps * neurons),
        neurons=neurons,
    )


def sweep(checkpoint, validation, rate_scales, synapses, make=lmu_stack, log=None):
    """`evaluate` for every ``rate_scale`` and synapse, rate model first.

    Parameters
    ----------
    checkpoint : str or path-like
        The trained model's checkpoint.
    validation : tuple of ndarray
        The series to choose the settings on (not the test series).
    rate_scales, synapses : sequence of float
        The settings tried, every pair.
    make : callable
        The model's builder.
    log : callable, optional
        Called with a line after each setting.

    Returns
    -------
    list of SpikingResult
    """
    results = [evaluate(checkpoint, validation, None, make=make)]
    for rate_scale in rate_scales:
        for synapse in synapses:
            results.append(evaluate(checkpoint, validation, rate_scale, synapse, make))
            if log is not None:
                r = results[-1]
                log(
                    f"rate_scale {rate_scale:g}, synapse "
                    f"{'none' if synapse is None else f'{synapse:g} s'}: NRMSE "
                    f"{r.nrmse:.2%}, {r.spikes_per_step:.3f} spikes a neuron a step"
                )
    return results


def fine_tune(
    trained,
    task,
    epochs,
    rate_scale,
    synapse=None,
    make=lmu_stack,
    learning_rate=1e-4,
    **train_kwargs,
):
    """Train the converted model further, through its spikes.

    The trained model (``trained``) is converted as `evaluate` converts
    it and trained by `.training.train` inside
    `nengo_lmu.dl.spike_aware_training`: the forward pass runs the spiking
    neurons, the gradient is the rates'. Its validation losses and test
    NRMSE are the spiking model's.

    Parameters
    ----------
    trained : str or path-like
        The trained rate model's checkpoint.
    task : dict
        `.mackey_glass_task`'s split.
    epochs : int
        Epochs of fine-tuning (counting those of ``train_kwargs``'s
        ``checkpoint``, if given).
    rate_scale : float
        The conversion's factor on the rates.
    synapse : float, optional
        Lowpass time constant on the spiking neurons' outputs (None: none).
    make : callable
        The model's builder.
    learning_rate : float
        Adam's learning rate (ten times below the rate model's by default:
        the weights start trained).
    **train_kwargs
        Further arguments of `.training.train` (``checkpoint`` of the
        fine-tuning, ``seconds``, ``verbose``).

    Returns
    -------
    nengo_lmu.apps.mackey_glass.training.TrainingResult
    """
    from nengo_lmu.dl import spike_aware_training  # pylint: disable=import-outside-toplevel

    net, _, _ = spiking_stack(trained, rate_scale, synapse, make)
    with spike_aware_training():
        return train(net, task, epochs, learning_rate=learning_rate, **train_kwargs)
