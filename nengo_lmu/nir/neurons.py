"""Nengo's spiking neurons as NIR neuron nodes, and back.

NIR's neurons (``nir.LIF``, ``nir.IF``) integrate in continuous time, spike
when the voltage passes ``v_threshold``, reset to ``v_reset`` and have no
refractory period; a spike is a unit impulse. Nengo's neurons take a current
:math:`J = g\\,(e \\cdot x) + b` (gain, encoders and bias, which the export
folds into the weights before the node and, for ``LIF``, into ``v_leak``),
spike at 1 and emit ``amplitude / dt`` for one step (an impulse of area
``amplitude``, folded into the weights after the node).

============================================== =========== =====================================
nengo                                          NIR         where the two differ
============================================== =========== =====================================
``LIF(tau_rc, tau_ref, amplitude)``            ``LIF``     NIR has no refractory period (nengo's
                                                           ``tau_ref`` is kept in the metadata);
                                                           nengo finds each spike's time within
                                                           the step
``SpikingRectifiedLinear(amplitude)``          ``IF``      nengo resets by subtracting the
                                                           threshold, NIR to ``v_reset`` (0): a
                                                           consumer loses the voltage above it;
                                                           nengo's voltage ignores negative
                                                           input and may spike more than once
                                                           a step
``LoihiSpikingRectifiedLinear`` (NengoLoihi)   ``IF``      none (Loihi resets to zero too)
``LoihiLIF`` (NengoLoihi)                      ``LIF``     Loihi's refractory period, in whole steps
``IntegrateAndFire`` (here, for imports)       ``IF``      none
============================================== =========== =====================================

Rate neurons, ``Direct`` mode and other spiking types have no NIR form and are
refused by name. The metadata of each exported node (``"nengo_neuron"``)
records nengo's type, ``tau_ref`` and ``amplitude`` and the initial voltages,
so that `nengo_lmu.nir.from_nir` rebuilds the same neurons.
"""

import sys

import nengo
import numpy as np
from nengo.exceptions import ValidationError
from nengo.neurons import NeuronType

from nengo_lmu.arguments import PositiveParam

NEURON_METADATA = "nengo_neuron"


class IntegrateAndFire(NeuronType):
    """A non-leaky integrate-and-fire neuron that resets to zero: NIR's ``IF``.

    .. math:: \\dot v = J, \\qquad v > 1 \\Rightarrow \\text{spike},\\ v = 0

    advanced by forward Euler (:math:`v \\leftarrow v + J\\,dt`), at most one
    spike a step. Unlike ``nengo.SpikingRectifiedLinear`` it loses the voltage
    above the threshold, so it fires at :math:`1 / (dt \\lceil 1 / (J\\,dt)
    \\rceil)`, and a negative current lowers its voltage (nengo's holds it).

    Parameters
    ----------
    amplitude : float
        Scaling factor on the output: each spike is ``amplitude / dt``.
    initial_state : dict, optional
        ``{"voltage": ...}`` (zeros by default).
    """

    state = {"voltage": nengo.dists.Choice([0])}
    spiking = True

    amplitude = PositiveParam("amplitude")

    def __init__(self, amplitude=1.0, initial_state=None):
        super().__init__(initial_state)
        self.amplitude = amplitude

    def gain_bias(self, max_rates, intercepts):
        """Gains and biases for the rectified-linear rate curve (nengo's).

        Parameters
        ----------
        max_rates : (n,) array_like
            Rates at an input of 1, in Hz.
        intercepts : (n,) array_like
            Inputs where the neurons start to fire.

        Returns
        -------
        gain, bias : (n,) ndarray
        """
        return nengo.RectifiedLinear().gain_bias(max_rates, intercepts)

    def max_rates_intercepts(self, gain, bias):
        """The inverse of `gain_bias`.

        Parameters
        ----------
        gain, bias : (n,) array_like

        Returns
        -------
        max_rates, intercepts : (n,) ndarray
        """
        return nengo.RectifiedLinear().max_rates_intercepts(gain, bias)

    def step(self, dt, J, output, voltage):
        """One Euler step; spikes where the voltage passes 1, which resets it.

        Parameters
        ----------
        dt : float
            The time step in seconds.
        J : (n,) ndarray
            The input currents.
        output : (n,) ndarray
            Set to ``amplitude / dt`` where a neuron spikes, else 0.
        voltage : (n,) ndarray
            The voltages, advanced in place.
        """
        voltage += J * dt
        spiked = voltage > 1
        output[...] = spiked * (self.amplitude / dt)
        voltage[spiked] = 0


def _loihi_types():
    """NengoLoihi's spiking types, if NengoLoihi is imported (else no
    network can hold them); importing it here would load TensorFlow."""
    neurons = sys.modules.get("nengo_loihi.neurons")
    if neurons is None:
        return (), ()
    return (neurons.LoihiLIF,), (neurons.LoihiSpikingRectifiedLinear,)


def neuron_node(ensemble, neuron_type, bias, initial_voltage):
    """The NIR node of an ensemble's neurons, and the factor on their spikes.

    Parameters
    ----------
    ensemble : nengo.Ensemble
        The ensemble (named in errors).
    neuron_type : nengo.neurons.NeuronType
        Its neuron type.
    bias : (n,) ndarray
        The built biases :math:`b` of :math:`J = g\\,(e \\cdot x) + b`.
    initial_voltage : (n,) ndarray
        The voltages nengo starts the neurons at (kept in the metadata).

    Returns
    -------
    node : nir.NIRNode
        ``nir.LIF`` or ``nir.IF``.
    amplitude : float
        The area of each spike in nengo (the weights after the node take it).
    bias_in_weights : bool
        Whether the bias must reach ``IF`` nodes as input (``IF`` has no
        ``v_leak``): True for ``IF``.

    Raises
    ------
    nengo.exceptions.ValidationError
        For neuron types without an NIR form.
    """
    import nir  # pylint: disable=import-outside-toplevel

    if isinstance(neuron_type, nengo.Direct):
        _refuse(ensemble, "Direct mode has no neurons")
    n = len(bias)
    loihi_lif, loihi_if = _loihi_types()
    ones, zeros = np.ones(n), np.zeros(n)
    metadata = {
        "type": type(neuron_type).__name__,
        "amplitude": float(getattr(neuron_type, "amplitude", 1.0)),
        "initial_voltage": np.asarray(initial_voltage, dtype=np.float64),
    }
    if type(neuron_type) in (nengo.LIF, *loihi_lif):
        metadata["tau_ref"] = float(neuron_type.tau_ref)
        metadata["min_voltage"] = float(neuron_type.min_voltage)
        node = nir.LIF(
            tau=neuron_type.tau_rc * ones,
            r=ones,
            v_leak=np.asarray(bias, dtype=np.float64),
            v_threshold=ones,
            v_reset=zeros,
            metadata={NEURON_METADATA: metadata},
        )
        return node, metadata["amplitude"], False
    if type(neuron_type) in (nengo.SpikingRectifiedLinear, IntegrateAndFire, *loihi_if):
        node = nir.IF(
            r=ones,
            v_threshold=ones,
            v_reset=zeros,
            metadata={NEURON_METADATA: metadata},
        )
        return node, metadata["amplitude"], True
    if not neuron_type.spiking:
        _refuse(
            ensemble,
            f"{type(neuron_type).__name__} neurons are rate neurons, which NIR does not "
            "have; convert the network with nengo_lmu.convert_to_spiking first",
        )
    _refuse(ensemble, f"{neuron_type} has no NIR form")


def _refuse(ensemble, problem):
    raise ValidationError(
        f"{problem}; NIR takes nengo.LIF and nengo.SpikingRectifiedLinear neurons "
        "(and NengoLoihi's LoihiLIF and LoihiSpikingRectifiedLinear)",
        attr="neuron_type",
        obj=ensemble,
    )


def nengo_neurons(name, node):
    """Nengo's neuron type, gains and biases for an NIR ``LIF`` or ``IF`` node.

    The voltage is rescaled so that nengo's threshold is 1 and its reset 0:
    :math:`v' = (v - v_{reset}) / (v_{th} - v_{reset})`. Nodes written by
    `nengo_lmu.nir.to_nir` carry nengo's own type in their metadata, which
    wins.

    Parameters
    ----------
    name : str
        The node's name in the graph (for errors).
    node : nir.LIF or nir.IF

    Returns
    -------
    neuron_type : nengo.neurons.NeuronType
    gain, bias : (n,) ndarray
        For :math:`J = g I + b`, :math:`I` the node's input.
    """
    import nir  # pylint: disable=import-outside-toplevel

    span = np.asarray(node.v_threshold, dtype=np.float64) - node.v_reset
    if np.any(span <= 0):
        raise ValidationError(
            f"node {name!r}: v_threshold must be above v_reset", attr="graph"
        )
    gain = np.asarray(node.r, dtype=np.float64) / span
    saved = node.metadata.get(NEURON_METADATA, {})
    kind = metadata_text(saved.get("type"))
    # the graph's spikes are unit impulses (the export folded nengo's
    # amplitude into the weights after the neurons), so nengo's are too
    amplitude = 1.0
    initial = saved.get("initial_voltage")
    # the voltages nengo started from, else NIR's rest at the reset
    voltage = (
        nengo.dists.Choice([0])
        if initial is None
        else nengo.dists.Samples(np.asarray(initial, dtype=np.float64))
    )
    initial_state = {"voltage": voltage}
    if isinstance(node, nir.LIF):
        tau = np.unique(np.asarray(node.tau, dtype=np.float64))
        if len(tau) != 1:
            raise ValidationError(
                f"node {name!r}: nengo's LIF neurons of one ensemble share tau_rc; "
                f"found {len(tau)} values",
                attr="graph",
            )
        bias = (np.asarray(node.v_leak, dtype=np.float64) - node.v_reset) / span
        kwargs = dict(
            tau_rc=float(tau[0]),
            tau_ref=float(saved.get("tau_ref", 0.0)),
            min_voltage=float(saved.get("min_voltage", 0.0)),
            amplitude=amplitude,
        )
        return nengo.LIF(**kwargs, initial_state=initial_state), gain, bias
    bias = np.zeros_like(gain)
    if kind == "SpikingRectifiedLinear":
        neuron_type = nengo.SpikingRectifiedLinear(
            amplitude, initial_state=initial_state
        )
    else:
        neuron_type = IntegrateAndFire(amplitude, initial_state=initial_state)
    return neuron_type, gain, bias


def metadata_text(value):
    """A metadata string as written (h5py reads strings back as bytes).

    Parameters
    ----------
    value : str, bytes or None

    Returns
    -------
    str or None
    """
    return value.decode() if isinstance(value, bytes) else value
