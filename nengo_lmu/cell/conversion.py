"""Turning a trained rate network into its spiking version.

Each rate neuron type is swapped for a spiking type whose *average* output
equals the rate type's output, with the firing rates multiplied by
``rate_scale`` and each spike's amplitude divided by it (more spikes, each
worth less: less spike noise for the same signal):

=========================== =============================================== =========
rate type                   spiking type                                    on Loihi
=========================== =============================================== =========
``RectifiedLinear(a)``      ``SpikingRectifiedLinear(a / s)``, gain and     yes
                            bias times ``s`` (exact: ReLU is homogeneous)
``LIFRate(..., a)``         ``LIF(..., a)`` if ``s == 1``, else             yes
                            ``RegularSpiking(LIFRate(..., a s), 1 / s)``
``AdaptiveLIFRate(...)``    ``AdaptiveLIF(...)`` (only ``s == 1``)          no
NengoDL's ``SoftLIFRate``   as ``LIFRate`` (its spiking form is the LIF)    yes
``Tanh(tau_ref)``           ``RegularSpiking(Tanh(tau_ref / s), 1 / s)``    no
``Sigmoid(tau_ref)``        ``RegularSpiking(Sigmoid(tau_ref / s), 1 / s)`` no
other rate types            ``RegularSpiking(type)`` (only ``s == 1``)      no
=========================== =============================================== =========

Types are matched exactly: a subclass of a type in the table (other than
``SoftLIFRate``) may change the response or add state, which the table's
counterpart would drop, so it is an "other rate type".

A tanh hidden state is signed. It is represented here with *signed spikes*:
``RegularSpiking`` integrates the rate :math:`s \\tanh(J) / \\tau_{ref}`,
which is negative for negative currents, and emits a spike of amplitude
:math:`-1/s` each time its integral falls by one. This keeps one neuron per
unit (the trained weights apply unchanged) and runs in nengo and NengoDL;
neuromorphic chips have no negative spikes, so for NengoLoihi train with
``RectifiedLinear`` or ``LIFRate`` hidden neurons instead.
"""

import nengo
import numpy as np
from nengo.exceptions import ValidationError

from nengo_lmu.arguments import check_kwargs, check_positive, checked_synapse
from nengo_lmu.cell.cell import LMUCell


def spiking_neuron_type(neuron_type, rate_scale=1.0):
    """The spiking counterpart of a rate neuron type (see the module's table).

    Parameters
    ----------
    neuron_type : nengo.neurons.NeuronType
        A rate (non-spiking) type.
    rate_scale : float
        Factor on the firing rates (``s``).

    Returns
    -------
    spiking_type : nengo.neurons.NeuronType
    gain_scale : float
        The factor that the ensemble's gain and bias need (``s`` for
        ``RectifiedLinear``, otherwise 1).
    """
    s = check_positive(rate_scale, "rate_scale")
    if not isinstance(neuron_type, nengo.neurons.NeuronType):
        raise ValidationError(
            f"must be a nengo neuron type instance (for example nengo.LIFRate()), "
            f"got {neuron_type!r}",
            attr="neuron_type",
        )
    if neuron_type.spiking:
        raise ValidationError(
            f"{neuron_type} is already a spiking type", attr="neuron_type"
        )
    if type(neuron_type) is nengo.AdaptiveLIFRate:
        if s != 1:
            # each spike adds inc_n to the adaptation: with more, smaller
            # spikes the adaptation would grow s times as fast
            raise ValidationError(
                "must be 1 for AdaptiveLIFRate, whose adaptation grows with each "
                f"spike, got {rate_scale}",
                attr="rate_scale",
            )
        return (
            nengo.AdaptiveLIF(
                tau_n=neuron_type.tau_n,
                inc_n=neuron_type.inc_n,
                tau_rc=neuron_type.tau_rc,
                tau_ref=neuron_type.tau_ref,
                amplitude=neuron_type.amplitude,
            ),
            1.0,
        )
    # exact types: a subclass may add state or change the response, which
    # the counterparts below would drop; NengoDL's SoftLIFRate is LIFRate
    # smoothed for training, and its spiking form is the LIF
    if type(neuron_type) is nengo.RectifiedLinear:
        return nengo.SpikingRectifiedLinear(amplitude=neuron_type.amplitude / s), s
    if type(neuron_type) is nengo.LIFRate or _is_soft_lif(neuron_type):
        if s == 1:
            return (
                nengo.LIF(
                    tau_rc=neuron_type.tau_rc,
                    tau_ref=neuron_type.tau_ref,
                    amplitude=neuron_type.amplitude,
                ),
                1.0,
            )
        base = nengo.LIFRate(
            tau_rc=neuron_type.tau_rc,
            tau_ref=neuron_type.tau_ref,
            amplitude=neuron_type.amplitude * s,
        )
        return nengo.RegularSpiking(base, amplitude=1 / s), 1.0
    if type(neuron_type) in (nengo.Tanh, nengo.Sigmoid):
        base = type(neuron_type)(tau_ref=neuron_type.tau_ref / s)
        return nengo.RegularSpiking(base, amplitude=1 / s), 1.0
    if s != 1:
        raise ValidationError(
            f"cannot scale the firing rates of {type(neuron_type).__name__}; use "
            "rate_scale=1 or one of RectifiedLinear, LIFRate, Tanh, Sigmoid",
            attr="rate_scale",
        )
    return nengo.RegularSpiking(neuron_type), 1.0


def _is_soft_lif(neuron_type):
    """NengoDL's ``SoftLIFRate`` (found by class, so NengoDL is not imported)."""
    return type(neuron_type).__name__ == "SoftLIFRate" and isinstance(
        neuron_type, nengo.LIFRate
    )


def _is_instantaneous(synapse):
    """No synapse, or ``synapse=0`` (Nengo's pure one-step delay)."""
    return synapse is None or (isinstance(synapse, nengo.Lowpass) and synapse.tau == 0)


def convert_to_spiking(network, rate_scale=1.0, synapse=0.005, memory_kwargs=None):
    """Make ``network`` spiking, in place, and return it.

    Run ``nengo_dl.Simulator.freeze_params(network)`` first so that the
    network holds its trained weights. Then:

    - every ensemble with a rate neuron type gets its spiking counterpart
      (`spiking_neuron_type`, and the module's table);
    - every connection out of such an ensemble (or its neurons) that had no
      synapse, or ``synapse=0``, gets ``synapse`` to smooth the spikes (the
      hidden state's recurrence keeps its one-step delay, now filtered; with
      ``synapse=None`` it keeps ``synapse=0``);
    - with ``memory_kwargs``, every `.LMUCell` with an exact memory gets a
      spiking `.LegendreMemoryNetwork` instead (`.LMUCell.use_neural_memory`).

    Probes keep their targets; probes on the hidden neurons now read spikes,
    so give them a synapse.

    Parameters
    ----------
    network : nengo.Network
        The trained rate network.
    rate_scale : float
        Factor on the firing rates (see `spiking_neuron_type`).
    synapse : nengo.synapses.Synapse or float
        The synapse for the spiking neurons' outgoing connections.
    memory_kwargs : dict, optional
        Arguments of `.LegendreMemoryNetwork` (``n_neurons`` at least).

    Returns
    -------
    network : nengo.Network
    """
    if not isinstance(network, nengo.Network):
        raise ValidationError(
            f"must be a nengo.Network, got {type(network).__name__}", attr="network"
        )
    check_positive(rate_scale, "rate_scale")
    synapse = checked_synapse(synapse)
    if memory_kwargs is not None:
        memory_kwargs = check_kwargs(memory_kwargs, "memory_kwargs")
    converted = set()
    for ens in network.all_ensembles:
        if ens.neuron_type.spiking or isinstance(ens.neuron_type, nengo.Direct):
            continue
        spiking, gain_scale = spiking_neuron_type(ens.neuron_type, rate_scale)
        if gain_scale != 1:
            if not isinstance(ens.gain, np.ndarray) or not isinstance(
                ens.bias, np.ndarray
            ):
                raise ValidationError(
                    f"{ens} needs explicit gain and bias arrays for its firing rates "
                    "to be scaled (LMUCell's hidden ensembles have them)",
                    attr="rate_scale",
                )
            ens.gain = ens.gain * gain_scale
            ens.bias = ens.bias * gain_scale
        ens.neuron_type = spiking
        converted.add(ens)
    for conn in network.all_connections:
        pre = conn.pre_obj
        pre = pre.ensemble if isinstance(pre, nengo.ensemble.Neurons) else pre
        if pre in converted and _is_instantaneous(conn.synapse):
            # a `synapse=0` is a recurrence's one-step delay: keep it if no
            # synapse replaces it (None would close an algebraic loop)
            if synapse is not None or conn.synapse is None:
                conn.synapse = synapse
    if memory_kwargs is not None:
        cells = [n for n in [network] + network.all_networks if isinstance(n, LMUCell)]
        for cell in cells:
            cell.use_neural_memory(**memory_kwargs)
    return network
