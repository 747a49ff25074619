"""The signal paths of NengoLoihi's emulator, for synapse-aware mappings.

NengoLoihi (``nengo_loihi.Simulator(net, target="sim")``) does not run a
decoded ensemble-to-ensemble connection as nengo does. Reading its builder
(``builder/connection.py``, ``decode_neurons.py``) and its emulator step
(``emulator/interface.py``), and measuring small networks, gives:

- a decoded recurrent connection ``ens -> ens`` with ``synapse=Lowpass(tau)``
  filters the presynaptic spikes with ``tau`` *in the decode neurons*, whose
  spikes the ensemble filters again with the model's ``decode_tau`` (5 ms by
  default). Each filter is the zero-order-hold lowpass
  :math:`(1 - a) / (z - a)` that nengo uses (one step of delay each), so the
  loop's synapse is :math:`h_\\tau(z) h_{dec}(z)`, times the decode neurons'
  gain (``Preset10DecodeNeurons.scale_factor``, 1.02: a loop of gain 0.8
  settles at 0.1 / (1 - 0.816) on the emulator);
- input from a host Node reaches the ensemble through on/off neurons on the
  host and the same ``decode_tau`` filter: :math:`h_{dec}(z)`;
- a host Node that reads a decoded chip ensemble receives its value 2 steps
  after the state it was decoded from (host -> chip -> host adds 2 steps
  beyond :math:`h_{dec}`);
- decode neurons represent values in about [-1, 1] of the post ensemble's
  radius, and all the values of one connection share one block of 8-bit
  weights.

`LoihiPath` collects these facts; `.LoihiLegendreMemoryNetwork` takes it as
``target`` and maps the memory onto exactly these paths. Only `model` and
`simulator` import ``nengo_loihi`` (lazily): this module imports without it.
"""

import numpy as np
from nengo.exceptions import BuildError, ValidationError
from nengo.synapses import LinearFilter

from nengo_lmu.arguments import check_positive

# the gain of NengoLoihi's default decode neurons (Preset10DecodeNeurons)
DECODE_GAIN = 1.02

# NengoLoihi's default decode_tau (``nengo_loihi.builder.Model().decode_tau``),
# the one that a plain ``nengo_loihi.Simulator(net)`` uses
DEFAULT_DECODE_TAU = 0.005

# ... and its decode neurons' pairs per dimension (Preset10DecodeNeurons)
DEFAULT_DECODE_PAIRS = 10

# the attribute by which `model` tells the host models, which a network's
# checks see (`nengo_lmu.neurons.simulator_check`), the chip model's decode
# filter and decode neurons, as ``(decode_tau, decode_pairs)``
_DECODE_ATTR = "nengo_lmu_decode"


# Loihi keeps a compartment's input current for a step by a 12-bit factor:
# NengoLoihi's discretisation (``builder/discretize.py``,
# ``discretize_compartment``) stores the decay d = 1 - exp(-dt / tau) as
# round(4095 d - 1), and its emulator (``emulator/interface.py``, ``decay_int``
# with offset 1) keeps (4095 - round(4095 d - 1)) / 4096 of the current
DECAY_BITS = 12


def chip_retention(tau, dt):
    """The fraction of a compartment's current that Loihi keeps each step.

    .. math:: r = \\frac{2^{12} - 1 - \\mathrm{round}((2^{12} - 1)(1 -
              e^{-dt / \\tau}) - 1)}{2^{12}}

    instead of :math:`e^{-dt / \\tau}`: a 0.2 s filter at 1 ms steps keeps
    0.995117 instead of 0.995012, a time constant of 0.2043 s; a 10 ms
    filter is within 0.1%.

    Parameters
    ----------
    tau : float
        The lowpass time constant in seconds.
    dt : float
        The time step in seconds.

    Returns
    -------
    float
    """
    full = 2**DECAY_BITS - 1
    stored = np.round(np.clip(full * -np.expm1(-dt / tau) - 1, 0, full))
    return float((full - stored) / 2**DECAY_BITS)


def _lowpass(tau, dt, chip):
    a = chip_retention(tau, dt) if chip else np.exp(-dt / tau)
    return np.array([1 - a]), np.array([1.0, -a])


class LoihiPath:
    """The transfer functions of NengoLoihi's decoded connections.

    Parameters
    ----------
    decode_tau : float
        The model's ``decode_tau`` (NengoLoihi's default is 0.005 s). Longer
        filters average more of the decode neurons' spike noise, and the
        mapping folds them into the memory; about a fifth of the memory's
        window was best on both tasks of benchmarks/delay.py (:doc:`/measurements`).
        Build the simulator with `simulator` (or pass ``model=model(path,
        dt)``) for any other value.
    decode_gain : float
        Gain of the decode neurons (`DECODE_GAIN` for NengoLoihi's default).
    decode_delay : int
        Steps of pure delay in the decode neurons beyond the two filters
        (0 measured on the emulator: a 1 or 2 step model fits worse).
    io_delay : int
        Steps by which a host Node's view of a chip ensemble trails the
        ensemble, for input sent from the host in the same step (2).
    decode_pairs : int
        On/off pairs of decode neurons per dimension: 10 is NengoLoihi's
        ``Preset10DecodeNeurons``; more pairs (`.SpreadDecodeNeurons`, over
        the same ranges of intercepts and rates) spike more often and so add
        less noise (:doc:`/measurements`). Build the simulator with
        `simulator` (or pass ``model=model(path, dt)``) for any other value.
    chip_decays : bool
        Map onto the filters as the chip's 12-bit decays realise them
        (`chip_retention`): on Loihi and on NengoLoihi's emulator with
        ``target="sim"``. False: the exact lowpasses, as
        ``target="simreal"`` (no discretisation) computes them. The
        difference grows with the time constant; a 0.2 s decode filter
        mapped exactly is 2% slow on the chip (:doc:`/measurements`).
    """

    def __init__(
        self,
        decode_tau=DEFAULT_DECODE_TAU,
        decode_gain=DECODE_GAIN,
        decode_delay=0,
        io_delay=2,
        decode_pairs=DEFAULT_DECODE_PAIRS,
        chip_decays=True,
    ):
        if not decode_tau > 0:
            raise ValidationError(f"must be > 0, got {decode_tau!r}", attr="decode_tau")
        if not decode_gain > 0:
            raise ValidationError(
                f"must be > 0, got {decode_gain!r}", attr="decode_gain"
            )
        for name, value, low in (
            ("decode_delay", decode_delay, 0),
            ("io_delay", io_delay, 0),
            ("decode_pairs", decode_pairs, 1),
        ):
            if isinstance(value, bool) or int(value) != value or value < low:
                raise ValidationError(
                    f"must be an integer >= {low}, got {value!r}", attr=name
                )
        self.decode_tau = float(decode_tau)
        self.decode_gain = float(decode_gain)
        self.decode_delay = int(decode_delay)
        self.io_delay = int(io_delay)
        self.decode_pairs = int(decode_pairs)
        if not isinstance(chip_decays, (bool, np.bool_)):
            raise ValidationError(
                f"must be True or False, got {chip_decays!r}", attr="chip_decays"
            )
        self.chip_decays = bool(chip_decays)

    def __repr__(self):
        return (
            f"LoihiPath(decode_tau={self.decode_tau}, decode_gain={self.decode_gain}, "
            f"decode_delay={self.decode_delay}, io_delay={self.io_delay}, "
            f"decode_pairs={self.decode_pairs}, chip_decays={self.chip_decays})"
        )

    @property
    def model_settings(self):
        """``(decode_tau, decode_pairs)``: what a NengoLoihi model must have."""
        return self.decode_tau, self.decode_pairs

    def recurrent_synapse(self, tau, dt):
        """:math:`h_\\tau(z) h_{dec}(z) z^{-k}`: a decoded recurrent connection's path.

        Each :math:`h` is the zero-order-hold lowpass :math:`(1 - a) / (z -
        a)`, :math:`a = e^{-dt / \\tau}` (`chip_retention` with
        ``chip_decays``); :math:`k` is ``decode_delay``. The
        decode neurons' gain is not included (the mapping applies it).

        Parameters
        ----------
        tau : float
            The connection's lowpass time constant in seconds.
        dt : float
            The simulator's time step in seconds.

        Returns
        -------
        nengo.synapses.LinearFilter
            The path as a discrete (``analog=False``) transfer function.
        """
        b1, c1 = _lowpass(tau, dt, self.chip_decays)
        b2, c2 = _lowpass(self.decode_tau, dt, self.chip_decays)
        den = np.concatenate([np.polymul(c1, c2), np.zeros(self.decode_delay)])
        return LinearFilter(np.polymul(b1, b2), den, analog=False)

    def input_synapse(self, dt):
        """:math:`h_{dec}(z)`: the path from a host Node into a chip ensemble.

        Parameters
        ----------
        dt : float
            The simulator's time step in seconds.

        Returns
        -------
        nengo.synapses.LinearFilter
            The zero-order-hold lowpass of ``decode_tau`` (with the chip's
            decay, `chip_retention`, with ``chip_decays``), discrete
            (``analog=False``).
        """
        return LinearFilter(
            *_lowpass(self.decode_tau, dt, self.chip_decays), analog=False
        )


def model(path=None, dt=0.001, label=None):
    """A ``nengo_loihi.builder.Model`` with ``path``'s decode filter and decode neurons.

    Pass it as ``nengo_loihi.Simulator(net, dt=dt, model=model(path, dt))``.
    Needs NengoLoihi.

    Parameters
    ----------
    path : LoihiPath, optional
        The path the network was mapped for (``LoihiPath()`` by default).
    dt : float
        The simulator's time step in seconds.
    label : str, optional
        The model's label.

    Returns
    -------
    nengo_loihi.builder.Model
    """
    from nengo_loihi.builder import Model  # pylint: disable=import-outside-toplevel

    path = LoihiPath() if path is None else path
    if not isinstance(path, LoihiPath):
        raise ValidationError(
            f"must be a nengo_lmu.loihi.LoihiPath or None, got {path!r}", attr="path"
        )
    dt = check_positive(dt, "dt")
    built = Model(dt=dt, label=label)
    built.decode_tau = path.decode_tau
    if path.decode_pairs != DEFAULT_DECODE_PAIRS:
        # pylint: disable-next=import-outside-toplevel
        from nengo_lmu.loihi.decode_neurons import SpreadDecodeNeurons

        built.decode_neurons = SpreadDecodeNeurons(path.decode_pairs, dt=dt)
    for host in (built.host, built.host_pre):
        setattr(host, _DECODE_ATTR, path.model_settings)
    return built


def model_settings(host_model):
    """``(decode_tau, decode_pairs)`` of the NengoLoihi build of ``host_model``.

    A host model knows nothing of the chip model it serves; `model` marks
    its host models with its settings, and any other NengoLoihi model is
    taken to have NengoLoihi's defaults (`DEFAULT_DECODE_TAU`,
    `DEFAULT_DECODE_PAIRS`).

    Parameters
    ----------
    host_model : nengo.builder.Model
        A host model of a NengoLoihi build.

    Returns
    -------
    tuple
        ``(decode_tau, decode_pairs)``.
    """
    return getattr(host_model, _DECODE_ATTR, (DEFAULT_DECODE_TAU, DEFAULT_DECODE_PAIRS))


def simulator(network, path=None, dt=0.001, target="sim", **kwargs):
    """A ``nengo_loihi.Simulator`` whose model matches ``path``.

    Gives the model the path's decode filter and decode neurons (`model`),
    turns NengoLoihi's "Could not find appropriate weight exponent" into an
    error that says what to change, and, once built, corrects each
    `.LoihiLegendreMemoryNetwork`'s output for the offset that the chip's
    rounded decoders give it
    (`~nengo_lmu.loihi.rounding_offset.correct_rounding_offsets`). Needs
    NengoLoihi.

    Parameters
    ----------
    network : nengo.Network
        The network to build.
    path : LoihiPath, optional
        The path the network was mapped for (``LoihiPath()`` by default).
    dt : float
        The simulator's time step in seconds.
    target : str
        NengoLoihi's target: ``"sim"`` (the emulator) or ``"loihi"`` (the
        chip).
    **kwargs
        Further arguments of ``nengo_loihi.Simulator`` (``progress_bar``,
        ``seed``, ...).

    Returns
    -------
    nengo_loihi.Simulator
    """
    import nengo_loihi  # pylint: disable=import-outside-toplevel

    # pylint: disable-next=import-outside-toplevel
    from nengo_lmu.loihi.rounding_offset import correct_rounding_offsets

    built = model(path, dt, label=f"{network}, dt={dt:f}")
    try:
        sim = nengo_loihi.Simulator(
            network, dt=dt, model=built, target=target, **kwargs
        )
    except BuildError as error:
        if "weight exponent" not in str(error):
            raise
        raise BuildError(
            f"{error}. A block's largest weight is too small against its neurons' "
            "biases and thresholds for Loihi's 8-bit weights. With "
            "LegendreMemoryNetwork(target=LoihiPath(...)) the recurrent weights sit in "
            "one block per input dimension; if this still fails, use a shorter "
            "`synapse` (the weights per spike shrink as the filter lengthens), fewer "
            "`n_neurons` (larger decoders), or a smaller `scaling` margin"
        ) from error
    # on every target, so that a build with float weights ("simreal": no
    # offset) does not keep a correction that an earlier build set
    correct_rounding_offsets(sim)
    return sim
